"""Params born sharded: partition rules on scopes and on transform, on 8 host devices."""

import json
import os
import subprocess
import sys

import jax
import pytest
from jax.sharding import PartitionSpec as P

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def report():
  env = dict(
    os.environ,
    XLA_FLAGS="--xla_force_host_platform_device_count=8",
    JAX_PLATFORMS="cpu",
    PYTHONPATH=os.path.dirname(TESTS),
  )
  out = subprocess.run(
    [sys.executable, os.path.join(TESTS, "multidevice", "sharded_init.py")],
    capture_output=True,
    text=True,
    env=env,
    timeout=300,
    check=False,
  )
  assert out.returncode == 0, out.stderr[-3000:]
  return json.loads(out.stdout)


@pytest.mark.slow
def test_every_param_has_its_rule_sharding_and_unsharded_values(report):
  expected = {
    "model/embed/table": "P('model', None)",  # the scope's own rule
    "model/fc0/w": "P(None, 'model')",
    "model/fc0/b": "P('model',)",
    "model/fc2/w": "P(None, 'model')",
    "model/scale": "P()",  # no rule: replicated
  }
  for name, spec in expected.items():
    assert report[name]["spec"] == spec, name
  for name, entry in report.items():
    if name.startswith("_"):
      continue
    assert entry["equal"], f"{name}: sharded init differs from unsharded init"
    assert entry["jit_equal"], f"{name}: jit(init) differs"
  assert report["model/fc0/w"]["shard_shape"] == [16, 4]
  assert report["model/embed/table"]["shard_shape"] == [16, 16]
  assert report["_specs"]["model/fc1/w"] == "P(None, 'model')"
  assert report["_apply_close"]


@pytest.mark.slow
def test_a_rule_that_does_not_divide_the_shape_is_a_clear_error(report):
  assert report["_not_divisible"].startswith(
    "Variable v has shape (6, 3); partition rule 'v' shards dimension 0 (size 6) over "
    "mesh axes ('model',) (4 devices), which does not divide it."
  )


def test_rules_without_a_mesh_run_on_one_device_and_bad_rules_are_errors():
  def f():
    with vs.variable_scope("s", partition_rules=[("w", P("x"))]):
      return vs.get_variable("w", [4])

  params = vs.transform(f).init(jax.random.PRNGKey(0))
  assert params["s"]["w"].shape == (4,)
  assert vs.transform(f).specs()["s/w"].sharding is None
  with pytest.raises(TypeError, match="must give a jax.sharding.PartitionSpec"):
    vs.variable_scope("s", partition_rules=[("w", ("x",))])
  with pytest.raises(ValueError, match="is not a valid regex"):
    vs.transform(f, partition_rules=[("(", P())])
  with pytest.raises(TypeError, match="mesh must be a jax.sharding.Mesh"):
    vs.transform(f, mesh="mesh")


def test_scope_rules_are_inherited_and_replaced():
  rules = [("a", P())]
  with vs.variable_scope("outer", partition_rules=rules) as outer:
    with vs.variable_scope("inner") as inner:
      assert inner.partition_rules == tuple(rules)
    with vs.variable_scope("other", partition_rules=[("b", P())]) as other:
      assert other.partition_rules == (("b", P()),)
  with vs.variable_scope(outer) as again:
    assert again.partition_rules == tuple(rules)


def test_single_device_mesh_places_every_param():
  mesh = jax.make_mesh((1,), ("model",))
  t = vs.transform(
    lambda: vs.get_variable("w", [4]), mesh=mesh, partition_rules=[("w", P("model"))]
  )
  params = t.init(jax.random.PRNGKey(0))
  assert params["w"].sharding.spec == P("model")
