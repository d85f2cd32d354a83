"""The rich summary table of a params tree."""

import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import pytest
from rich.console import Console

from varscope_jax._src.params.summary import summary, summary_table

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def render(params, **kwargs):
  console = Console(width=120, record=True, color_system=None)
  assert summary(params, console=console, **kwargs) is None  # a notebook shows it once
  return summary_table(params, **kwargs), console.export_text()


def test_rows_and_totals():
  params = {
    "model": {"fc1": {"w": jnp.ones((3, 4)), "b": jnp.zeros(4, jnp.bfloat16)}},
    "global_step": jnp.int32(0),
  }
  table, text = render(params)
  assert table.row_count == 4
  lines = text.splitlines()
  row = next(line for line in lines if "model/fc1/w" in line)
  assert "(3, 4)" in row and "float32" in row and "12" in row and "48 B" in row and "?" in row
  row = next(line for line in lines if "model/fc1/b" in line)
  assert "bfloat16" in row and "8 B" in row
  total = next(line for line in lines if "total" in line)
  assert "17" in total and "60 B" in total  # 48 + 8 + 4


def test_trainable_from_names_or_tree():
  params = {"w": jnp.ones(1000), "b": jnp.ones(2)}
  _, text = render(params, trainable={"w"})
  assert "1,000" in text and "yes" in text and "no" in text
  _, text2 = render(params, trainable={"w": None})
  assert text2 == text
  _, abstract = render(jax.eval_shape(lambda: params))
  assert "1,002" in abstract and "3.9 KiB" in abstract


@pytest.mark.slow
def test_sharding_column_on_four_devices():
  script = textwrap.dedent("""
    import jax, jax.numpy as jnp
    from rich.console import Console
    from varscope_jax._src.params.summary import summary
    mesh = jax.make_mesh((4,), ("x",))
    w = jax.device_put(jnp.ones((8, 2)), jax.sharding.NamedSharding(mesh, jax.P("x")))
    r = jax.device_put(jnp.ones(3), jax.sharding.NamedSharding(mesh, jax.P()))
    summary({"w": w, "r": r}, console=Console(width=120, color_system=None))
  """)
  env = dict(
    os.environ,
    JAX_PLATFORMS="cpu",
    PYTHONPATH=REPO,
    XLA_FLAGS="--xla_force_host_platform_device_count=4",
  )
  out = subprocess.run(
    [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
  )
  assert out.returncode == 0, out.stderr[-2000:]
  w_row = next(line for line in out.stdout.splitlines() if line.startswith("│ w "))
  r_row = next(line for line in out.stdout.splitlines() if line.startswith("│ r "))
  assert "P('x',)" in w_row
  assert "P(" not in r_row


@pytest.mark.slow
def test_piped_output_keeps_long_names_whole():
  name = "encoder/" + "/".join("layer_%d" % i for i in range(12)) + "/attention/kernel"
  script = textwrap.dedent(f"""
    import jax.numpy as jnp
    import varscope_jax as vs
    vs.summary({{"{name}": jnp.ones(3)}} if False else vs.unflatten_params([("{name}", jnp.ones(3))]))
  """)
  env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO, COLUMNS="")
  env.pop("COLUMNS")
  out = subprocess.run(
    [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
  )
  assert out.returncode == 0, out.stderr[-2000:]
  assert name in out.stdout  # not cut or wrapped although stdout is a pipe
