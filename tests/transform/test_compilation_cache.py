"""The persistent compilation cache makes a second process skip compiling initializers."""

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import sys, time, jax, jax.numpy as jnp
    import varscope_jax as vs
    vs.enable_compilation_cache(sys.argv[1])
    def mlp(x):
      for i in range(20):
        with vs.variable_scope("l%d" % i):
          x = x @ vs.get_variable("w", [16, 16], initializer=vs.truncated_normal_initializer())
      return x
    params = vs.transform(mlp).init(jax.random.PRNGKey(0), jnp.ones((1, 16)))
    print(float(params["l3"]["w"].sum()))
""")


@pytest.mark.slow
def test_second_process_reads_the_cache(tmp_path):
  cache = tmp_path / "xla"
  run = lambda: (
    subprocess.run(
      [sys.executable, "-c", SCRIPT, str(cache)],
      check=True,
      capture_output=True,
      text=True,
      timeout=120,
    ).stdout
  )
  first = run()
  entries = os.listdir(cache)
  assert entries, "nothing was written to the persistent cache"
  second = run()
  assert first == second
  assert sorted(os.listdir(cache)) == sorted(entries)  # nothing new compiled
