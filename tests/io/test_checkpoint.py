"""Orbax checkpoints of params trees: round trips, name checks, rename, sharding, atomicity."""

import os
import re
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from varscope_jax._src.io.orbax.checkpoint import (
  CheckpointManager,
  restore_checkpoint,
  save_checkpoint,
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_params():
  return {
    "model": {
      "fc1": {"w": jnp.arange(12, dtype=jnp.float32).reshape(3, 4), "b": jnp.ones(4)},
      "emb": jnp.full((2, 3), 1.5, jnp.bfloat16),
    },
    "global_step": jnp.int32(7),
    "mask": jnp.array([True, False]),
  }


def assert_trees_equal(a, b):
  assert jax.tree.structure(a) == jax.tree.structure(b)
  for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
    assert x.dtype == y.dtype and x.shape == y.shape
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def test_round_trip_without_step(tmp_path):
  params = make_params()
  save_checkpoint(tmp_path / "ckpt", params)
  restored = restore_checkpoint(tmp_path / "ckpt")
  assert_trees_equal(restored, params)
  assert all(isinstance(x, jax.Array) for x in jax.tree.leaves(restored))
  # And against a target of ShapeDtypeStructs.
  target = jax.eval_shape(lambda: params)
  assert_trees_equal(restore_checkpoint(tmp_path / "ckpt", target), params)


def test_existing_checkpoint_needs_force(tmp_path):
  save_checkpoint(tmp_path / "c", {"w": jnp.zeros(2)})
  with pytest.raises(ValueError, match=r"already exists .* force=True"):
    save_checkpoint(tmp_path / "c", {"w": jnp.ones(2)})
  save_checkpoint(tmp_path / "c", {"w": jnp.ones(2)}, force=True)
  np.testing.assert_array_equal(restore_checkpoint(tmp_path / "c")["w"], [1, 1])
  save_checkpoint(tmp_path / "s", {"w": jnp.zeros(2)}, step=3)
  with pytest.raises(ValueError, match=r"Step 3 already exists .* force=True"):
    save_checkpoint(tmp_path / "s", {"w": jnp.ones(2)}, step=3)
  save_checkpoint(tmp_path / "s", {"w": jnp.ones(2)}, step=3, force=True)
  np.testing.assert_array_equal(restore_checkpoint(tmp_path / "s", step=3)["w"], [1, 1])


def test_steps_and_latest(tmp_path):
  for step in (1, 5, 3):
    save_checkpoint(tmp_path, {"w": jnp.full(2, step)}, step=step)
  assert int(restore_checkpoint(tmp_path)["w"][0]) == 5
  assert int(restore_checkpoint(tmp_path, step=3)["w"][0]) == 3
  with pytest.raises(
    ValueError, match=re.escape("No step 4 in") + ".*" + re.escape("Steps there: [1, 3, 5]")
  ):
    restore_checkpoint(tmp_path, step=4)
  with pytest.raises(ValueError, match="No checkpoint at .*empty_missing: the folder does not"):
    restore_checkpoint(tmp_path / "empty_missing")
  (tmp_path / "empty").mkdir()
  with pytest.raises(ValueError, match="No checkpoint in"):
    restore_checkpoint(tmp_path / "empty")


def test_mismatch_lists_every_problem_in_one_error(tmp_path):
  save_checkpoint(tmp_path, make_params())
  target = {
    "model": {
      "fc1": {
        "w": jax.ShapeDtypeStruct((4, 3), jnp.float32),  # shape differs
        "b": jax.ShapeDtypeStruct((4,), jnp.int32),
      },  # dtype differs
      "fc2": {"w": jax.ShapeDtypeStruct((2,), jnp.float32)},  # missing
    },
    "global_step": jax.ShapeDtypeStruct((), jnp.int32),
  }
  with pytest.raises(ValueError) as info:
    restore_checkpoint(tmp_path, target)
  message = str(info.value)
  assert "missing from the checkpoint (1): model/fc2/w" in message
  assert "in the checkpoint but not the target (2): mask, model/emb" in message
  assert "model/fc1/w: checkpoint float32[3, 4], target float32[4, 3]" in message
  assert "model/fc1/b: checkpoint float32[4], target int32[4]" in message
  assert "partial=True" in message and "rename=" in message


def test_partial_keeps_target_values_and_ignores_extras(tmp_path):
  save_checkpoint(tmp_path, make_params())
  own = jnp.full((2,), 9.0)
  target = {"model": {"fc1": {"w": jnp.zeros((3, 4))}, "new": own}}
  restored = restore_checkpoint(tmp_path, target, partial=True)
  np.testing.assert_array_equal(restored["model"]["fc1"]["w"], make_params()["model"]["fc1"]["w"])
  assert restored["model"]["new"] is own
  assert list(restored["model"]) == ["fc1", "new"]
  # A ShapeDtypeStruct has no value to keep.
  abstract = {"model": {"new": jax.ShapeDtypeStruct((2,), jnp.float32)}}
  with pytest.raises(ValueError, match=r"ShapeDtypeStruct with no value to keep \(1\): model/new"):
    restore_checkpoint(tmp_path, abstract, partial=True)
  # Mismatches are errors even when partial.
  with pytest.raises(ValueError, match=re.escape("model/fc1/w: checkpoint float32[3, 4]")):
    restore_checkpoint(tmp_path, {"model": {"fc1": {"w": jnp.zeros(3)}}}, partial=True)


def test_rename_for_warm_start(tmp_path):
  save_checkpoint(
    tmp_path,
    {
      "old": {"fc1": {"w": jnp.ones(2)}, "fc2": {"w": jnp.zeros(2)}},
      "head": {"w": jnp.full(2, 3.0)},
    },
  )
  target = {"new": {"fc1": {"w": jnp.zeros(2)}, "fc2": {"w": jnp.zeros(2)}}}
  rename = {"^old/fc1/(.*)": r"new/fc1/\1", "^old/(.*)": r"new/\1", "^head/": None}
  restored = restore_checkpoint(tmp_path, target, rename=rename)
  np.testing.assert_array_equal(restored["new"]["fc1"]["w"], [1, 1])
  with pytest.raises(ValueError, match=r"rename maps both old/fc1/w and old/fc2/w to x"):
    restore_checkpoint(tmp_path, rename={"^old/.*": "x"})
  with pytest.raises(ValueError, match=re.escape("(2): head/w, old/fc1/w (renamed n/fc1/w)")):
    restore_checkpoint(
      tmp_path, {"x": jnp.zeros(1)}, rename={"^old/fc1": "n/fc1", "^old/fc2/": None}
    )
  with pytest.raises(ValueError, match="not a valid regex"):
    restore_checkpoint(tmp_path, rename={"(": "x"})


def test_opt_state_round_trip(tmp_path):
  params = make_params()["model"]["fc1"]
  optimizer = optax.adam(1e-2)
  opt_state = optimizer.init(params)
  _, opt_state = jax.jit(lambda p, s: optimizer.update(p, s, p))(params, opt_state)
  save_checkpoint(tmp_path, params, step=1, opt_state=opt_state)
  target = jax.eval_shape(optimizer.init, params)
  restored_params, restored_state = restore_checkpoint(tmp_path, params, opt_state=target)
  assert_trees_equal(restored_params, params)
  assert_trees_equal(restored_state, opt_state)
  assert type(restored_state[0]) is type(opt_state[0])  # ScaleByAdamState, not a dict
  save_checkpoint(tmp_path, params, step=2)
  with pytest.raises(ValueError, match="has no optimizer state"):
    restore_checkpoint(tmp_path, opt_state=target)


def test_manager_keeps_newest(tmp_path):
  with CheckpointManager(tmp_path, max_to_keep=2) as manager:
    assert manager.latest_step() is None
    with pytest.raises(ValueError, match="save a step first"):
      manager.restore()
    for step in range(4):
      assert manager.save(step, {"w": jnp.full(2, step)})
    assert manager.all_steps() == [2, 3]
    assert manager.latest_step() == 3
    assert int(manager.restore(step=2)["w"][0]) == 2
    restored = manager.restore(target={"w": jax.ShapeDtypeStruct((2,), jnp.int32)})
    assert int(restored["w"][0]) == 3
  assert sorted(os.listdir(tmp_path)) == ["2", "3"]


def test_bad_params_are_refused_by_name(tmp_path):
  with pytest.raises(TypeError, match="Variable a/b is a list, not an array"):
    save_checkpoint(tmp_path / "x", {"a": {"b": [1, 2]}})
  with pytest.raises(TypeError, match="Variable s holds Python objects"):
    save_checkpoint(tmp_path / "x", {"s": np.array([b"x"], dtype=object)})
  with pytest.raises(ValueError, match=r"Variables a\.b/c and a/b\.c are both stored"):
    save_checkpoint(tmp_path / "x", {"a.b": {"c": jnp.ones(1)}, "a": {"b.c": jnp.ones(1)}})
  with pytest.raises(TypeError, match="params must be a nested dict"):
    save_checkpoint(tmp_path / "x", [jnp.ones(1)])


def test_never_pickles(tmp_path):
  save_checkpoint(tmp_path, make_params(), opt_state=optax.adam(1.0).init(make_params()))
  for root, _, files in os.walk(tmp_path):
    for name in files:
      assert not name.endswith((".pkl", ".pickle")), name
      with open(os.path.join(root, name), "rb") as f:
        head = f.read(2)
      assert not (head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")), name


def test_restore_honours_target_sharding(tmp_path):
  mesh = jax.make_mesh((len(jax.devices()),), ("x",))
  sharding = jax.sharding.NamedSharding(mesh, jax.P("x"))
  save_checkpoint(tmp_path, {"w": jnp.arange(8.0)})
  target = {"w": jax.ShapeDtypeStruct((8,), jnp.float32, sharding=sharding)}
  restored = restore_checkpoint(tmp_path, target)
  assert restored["w"].sharding == sharding


SHARDED_SCRIPT = textwrap.dedent("""
  import sys, jax, jax.numpy as jnp, numpy as np
  from varscope_jax._src.io.orbax.checkpoint import save_checkpoint, restore_checkpoint
  assert len(jax.devices()) == 4, jax.devices()
  mesh = jax.make_mesh((2, 2), ("data", "model"))
  put = lambda x, spec: jax.device_put(x, jax.sharding.NamedSharding(mesh, spec))
  params = {"fc": {"w": put(jnp.arange(32.0).reshape(8, 4), jax.P("data", "model"))}}
  save_checkpoint(sys.argv[1], params)
  want = jax.sharding.NamedSharding(mesh, jax.P("model", None))
  target = {"fc": {"w": jax.ShapeDtypeStruct((8, 4), jnp.float32, sharding=want)}}
  w = restore_checkpoint(sys.argv[1], target)["fc"]["w"]
  assert w.sharding == want, w.sharding
  assert len(w.addressable_shards) == 4 and w.addressable_shards[0].data.shape == (4, 4)
  np.testing.assert_array_equal(np.asarray(w), np.arange(32.0).reshape(8, 4))
  print("OK")
""")


def subprocess_env(**extra):
  env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO, **extra)
  return env


@pytest.mark.slow
def test_sharded_params_restore_sharded_on_four_devices(tmp_path):
  env = subprocess_env(XLA_FLAGS="--xla_force_host_platform_device_count=4")
  result = subprocess.run(
    [sys.executable, "-c", SHARDED_SCRIPT, str(tmp_path / "c")],
    env=env,
    capture_output=True,
    text=True,
    timeout=120,
  )
  assert result.returncode == 0 and "OK" in result.stdout, result.stderr[-3000:]


# Killed writers (new steps and overwrites): tests/io/test_checkpoint_atomic.py, which kills
# each writer at a deterministic point instead of polling for a temporary folder.


def test_restore_logs_no_orbax_warnings(tmp_path, caplog):
  import logging
  from varscope_jax._src.io.orbax import store as orbax_store

  params = {"fc": {"w": jnp.ones(3)}}
  save_checkpoint(str(tmp_path / "c"), params, step=1)
  with caplog.at_level(logging.WARNING):
    restore_checkpoint(str(tmp_path / "c"), target=params)
    restore_checkpoint(str(tmp_path / "c"), target=params, step=1)
    with CheckpointManager(str(tmp_path / "m")) as mgr:
      mgr.save(1, params)
      mgr.restore(1, target=params)
  assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
  # Exactly orbax's read-only notice is dropped; any other message passes.
  with caplog.at_level(logging.WARNING), orbax_store._quiet_read_only_notice():
    logging.getLogger("absl").warning("Given directory is read only=%s", "d")
    logging.getLogger("absl").warning("another notice=%s", "d")
  assert [r.getMessage() for r in caplog.records] == ["another notice=d"]
