"""One of 2 local processes (see tests/transform/test_multiprocess.py): each has 2 CPU devices;
together they init a sharded model, save an orbax checkpoint, restore it, check values."""

import json
import os
import sys

process_id, port, ckpt_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
os.environ["JAX_PLATFORMS"] = "cpu"

import jax  # noqa: E402

jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.distributed.initialize(
  coordinator_address=f"127.0.0.1:{port}",
  num_processes=2,
  process_id=process_id,
  initialization_timeout=120,
)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.experimental import multihost_utils  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import varscope_jax as vs  # noqa: E402


def model(x):
  with vs.variable_scope("model"):
    for i in range(2):
      with vs.variable_scope("fc%d" % i):
        w = vs.get_variable("w", [8, 8])
        b = vs.get_variable("b", [8], initializer=vs.zeros_initializer())
        x = x @ w + b
  return x


def main():
  assert jax.process_count() == 2 and jax.device_count() == 4
  auto = jax.sharding.AxisType.Auto
  mesh = jax.make_mesh((4,), ("model",), axis_types=(auto,))
  t = vs.transform(
    model, mesh=mesh, partition_rules=[(r"/w$", P(None, "model")), (r"/b$", P("model"))]
  )
  params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 8)))
  w = params["model"]["fc0"]["w"]
  # This process holds only its own shards: 2 of 4 columns blocks.
  local = [s.data.shape for s in w.addressable_shards]
  vs.save_checkpoint(ckpt_dir, params, step=1)
  # Overwrites from every process: only process 0 renames, the others wait for it.
  vs.save_checkpoint(ckpt_dir, params, step=1, force=True)
  vs.save_checkpoint(ckpt_dir + "_one", params)
  vs.save_checkpoint(ckpt_dir + "_one", params, force=True)
  target = jax.tree_util.tree_map(
    lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype, sharding=a.sharding), params
  )
  restored = vs.restore_checkpoint(ckpt_dir, target)
  restored_one = vs.restore_checkpoint(ckpt_dir + "_one", target)
  same = all(
    bool(
      multihost_utils.process_allgather(a, tiled=True).tolist()
      == multihost_utils.process_allgather(b, tiled=True).tolist()
    )
    for r in (restored, restored_one)
    for a, b in zip(jax.tree_util.tree_leaves(params), jax.tree_util.tree_leaves(r))
  )
  full_w = np.asarray(multihost_utils.process_allgather(w, tiled=True))
  single = vs.transform(model).init(jax.random.PRNGKey(0), jnp.ones((2, 8)))
  print(
    json.dumps(
      {
        "process": process_id,
        "local_shards": [list(s) for s in local],
        "restored_equal": same,
        "equals_single_process_init": bool(np.array_equal(full_w, single["model"]["fc0"]["w"])),
        "restored_spec": str(restored["model"]["fc0"]["w"].sharding.spec),
        "folders": sorted(os.listdir(os.path.dirname(ckpt_dir))),
        "steps": sorted(os.listdir(ckpt_dir)),
      }
    )
  )
  jax.distributed.shutdown()


if __name__ == "__main__":
  main()
