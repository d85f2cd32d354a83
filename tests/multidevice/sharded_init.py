"""Runs in a subprocess with 8 host devices (see tests/transform/test_sharding.py)."""

import json
import os
import sys

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import varscope_jax as vs  # noqa: E402


def model(x):
  with vs.variable_scope("model"):
    with vs.variable_scope("embed", partition_rules=[(r"table$", P("model", None))]):
      table = vs.get_variable("table", [64, 16])
    for i in range(3):
      with vs.variable_scope("fc%d" % i):
        w = vs.get_variable("w", [16, 16])
        b = vs.get_variable("b", [16], initializer=vs.zeros_initializer())
        x = jnp.tanh(x @ w + b)
    scale = vs.get_variable("scale", initializer=jnp.ones(16) * 2)
  return x * scale + table[:1]


def main():
  assert jax.device_count() == 8, jax.devices()
  auto = jax.sharding.AxisType.Auto
  mesh = jax.make_mesh((2, 4), ("data", "model"), axis_types=(auto, auto))
  rules = [(r"fc\d/w$", P(None, "model")), (r"/b$", P("model"))]
  x = jnp.ones((4, 16))
  sharded = vs.transform(model, mesh=mesh, partition_rules=rules)
  plain = vs.transform(model)
  rng = jax.random.PRNGKey(42)
  p_sharded = sharded.init(rng, x)
  p_plain = plain.init(rng, x)
  p_jit = jax.jit(sharded.init)(rng, x)
  report = {}
  for name, leaf in vs.flatten_params(p_sharded):
    ref = vs.lookup(p_plain, name)
    report[name] = {
      "spec": str(leaf.sharding.spec),
      "equal": bool(np.array_equal(np.asarray(leaf), np.asarray(ref))),
      "jit_equal": bool(np.array_equal(np.asarray(vs.lookup(p_jit, name)), np.asarray(ref))),
      "shard_shape": list(leaf.addressable_shards[0].data.shape),
    }
  specs = sharded.specs(x)
  report["_specs"] = {n: str(s.sharding.spec) for n, s in specs.items()}
  out = jax.jit(sharded.apply)(p_sharded, x)
  report["_apply_close"] = bool(np.allclose(out, plain.apply(p_plain, x), atol=1e-5))
  try:
    vs.transform(
      model, mesh=mesh, partition_rules=[(r"fc0/w", P("data", "model")), (r"", P())]
    ).init(rng, jnp.ones((4, 16)))
    report["_divide_error"] = None
  except ValueError as e:
    report["_divide_error"] = str(e)
  bad = vs.transform(
    lambda: vs.get_variable("v", [6, 3]), mesh=mesh, partition_rules=[("v", P("model"))]
  )
  try:
    bad.init(rng)
    report["_not_divisible"] = None
  except ValueError as e:
    report["_not_divisible"] = str(e)
  json.dump(report, sys.stdout)


if __name__ == "__main__":
  main()
