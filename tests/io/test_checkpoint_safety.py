"""Nothing lost, nothing silently wrong, in orbax checkpoints and safetensors files: folders
that are not checkpoints are never overwritten, relative paths work, names, steps and
dtypes that could not be read back as saved are refused before anything is written,
64-bit values are never silently changed, every dtype JAX holds round-trips."""

import gc
import os
import re

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import varscope_jax as vs

# ---------------------------------------------------------------------------
# Folders that are not checkpoints.


def test_force_never_empties_a_folder_that_is_not_a_checkpoint(tmp_path):
  (tmp_path / "data").mkdir()
  (tmp_path / "data" / "train.csv").write_text("1,2\n")
  (tmp_path / "thesis.tex").write_text("\\documentclass{article}")
  with pytest.raises(
    ValueError,
    match=re.escape(
      "is not a checkpoint folder: it holds data/, thesis.tex. save_checkpoint never "
      "overwrites such a folder, even with force=True."
    ),
  ):
    vs.save_checkpoint(tmp_path, {"w": jnp.ones(2)}, force=True)
  assert sorted(os.listdir(tmp_path)) == ["data", "thesis.tex"]
  assert (tmp_path / "data" / "train.csv").read_text() == "1,2\n"


def test_a_file_dropped_into_a_checkpoint_makes_it_foreign(tmp_path):
  vs.save_checkpoint(tmp_path / "c", {"w": jnp.ones(2)})
  (tmp_path / "c" / "_notes").write_text("mine")
  with pytest.raises(ValueError, match=r"it holds _notes\. .*never overwrites"):
    vs.save_checkpoint(tmp_path / "c", {"w": jnp.zeros(2)}, force=True)
  assert (tmp_path / "c" / "_notes").read_text() == "mine"


def test_folder_of_steps_is_not_overwritten_by_a_stepless_save(tmp_path):
  vs.save_checkpoint(tmp_path, {"w": jnp.ones(2)}, step=1)
  with pytest.raises(ValueError, match=r"holds 1/\. .*It holds steps \(1/\): save with step=N"):
    vs.save_checkpoint(tmp_path, {"w": jnp.ones(2)}, force=True)
  assert vs.CheckpointManager(tmp_path).all_steps() == [1]


def test_empty_folder_and_file(tmp_path):
  vs.save_checkpoint(tmp_path, {"w": jnp.ones(2)})  # an empty folder is fine
  np.testing.assert_array_equal(vs.restore_checkpoint(tmp_path)["w"], [1, 1])
  (tmp_path / "f").write_text("x")
  with pytest.raises(ValueError, match="is a file, not a checkpoint folder"):
    vs.save_checkpoint(tmp_path / "f", {"w": jnp.ones(2)}, force=True)


# ---------------------------------------------------------------------------
# Relative paths, and no temporary folders left behind.


def test_relative_paths(tmp_path, monkeypatch):
  monkeypatch.chdir(tmp_path)
  path = vs.save_checkpoint("ckpt", {"w": jnp.ones(2)})
  assert path == str(tmp_path / "ckpt")
  vs.save_checkpoint("ckpt", {"w": jnp.zeros(2)}, force=True)
  np.testing.assert_array_equal(vs.restore_checkpoint("ckpt")["w"], [0, 0])
  vs.save_checkpoint("steps", {"w": jnp.ones(2)}, step=3)
  with vs.CheckpointManager("steps") as manager:
    manager.save(4, {"w": jnp.ones(2)})
    manager.save(4, {"w": jnp.zeros(2)}, force=True)
    assert manager.all_steps() == [3, 4]
  np.testing.assert_array_equal(vs.restore_checkpoint("steps")["w"], [0, 0])
  assert sorted(os.listdir(tmp_path)) == ["ckpt", "steps"]
  assert sorted(os.listdir(tmp_path / "steps")) == ["3", "4"]


def test_a_failed_write_leaves_the_old_checkpoint_and_no_temporary_folder(tmp_path, monkeypatch):
  from varscope_jax._src.io.orbax import store as orbax_store

  vs.save_checkpoint(tmp_path / "c", {"w": jnp.ones(2)})
  vs.save_checkpoint(tmp_path / "s", {"w": jnp.ones(2)}, step=1)
  original = orbax_store.write

  def failing(path, args, shown=None):
    original(path, args)  # the new checkpoint is written, then the disk "fills up"
    raise OSError(28, "No space left on device")

  monkeypatch.setattr(orbax_store, "write", failing)
  with pytest.raises(vs.CheckpointError, match="Could not write .*/c: No space left"):
    vs.save_checkpoint(tmp_path / "c", {"w": jnp.zeros(2)}, force=True)
  with pytest.raises(vs.CheckpointError, match="No space left"):
    vs.save_checkpoint(tmp_path / "s", {"w": jnp.zeros(2)}, step=1, force=True)
  assert sorted(os.listdir(tmp_path)) == ["c", "s"]
  assert sorted(os.listdir(tmp_path / "s")) == ["1"]
  np.testing.assert_array_equal(vs.restore_checkpoint(tmp_path / "c")["w"], [1, 1])
  np.testing.assert_array_equal(vs.restore_checkpoint(tmp_path / "s")["w"], [1, 1])


# ---------------------------------------------------------------------------
# Names and steps that would lose data: errors before anything is written.


@pytest.mark.parametrize(
  "params, error, match",
  [
    (
      {"a/b": jnp.ones(1)},
      ValueError,
      r"params key 'a/b' at the top level contains '/': it would be written as the scoped "
      r"name 'a/b' and read back as nested scopes",
    ),
    (
      {"m": {"a/b": jnp.ones(1), "a": {"b": jnp.zeros(1)}}},
      ValueError,
      r"params key 'a/b' under m contains '/'",
    ),
    ({"m": {"": jnp.ones(1)}}, ValueError, r"params key '' under m is empty"),
    (
      {"m": {1: jnp.ones(1)}},
      TypeError,
      r"params key 1 under m is a int; keys of a params "
      r"tree are str",
    ),
    (
      {"w": np.zeros(2, ml_dtypes.uint4)},
      TypeError,
      r"Variable w has dtype uint4, which orbax \(tensorstore\) cannot store",
    ),
    ({"w": np.zeros(2, ml_dtypes.float8_e4m3)}, TypeError, r"Variable w has dtype float8_e4m3"),
  ],
)
def test_bad_names_and_dtypes_are_refused_before_writing(tmp_path, params, error, match):
  with pytest.raises(error, match=match):
    vs.save_checkpoint(tmp_path / "c", params)
  with pytest.raises(error, match=match):
    vs.save_checkpoint(tmp_path / "s", params, step=1)
  with pytest.raises(error, match=match):
    vs.CheckpointManager(tmp_path / "m").save(1, params)
  assert sorted(os.listdir(tmp_path)) == ["m"] and os.listdir(tmp_path / "m") == []


@pytest.mark.parametrize(
  "step, error, match",
  [
    (-1, ValueError, r"step must be >= 0, got -1"),
    (1.5, TypeError, r"step must be an int, got 1.5 \(float\)"),
    (2.0, TypeError, r"step must be an int, got 2.0"),
    (True, TypeError, r"step must be an int, got True \(bool\)"),
    ("3", TypeError, r"step must be an int, got '3' \(str\)"),
  ],
)
def test_bad_steps_are_refused_before_writing(tmp_path, step, error, match):
  with pytest.raises(error, match=match):
    vs.save_checkpoint(tmp_path / "s", {"w": jnp.ones(1)}, step=step)
  with vs.CheckpointManager(tmp_path / "m") as manager:
    with pytest.raises(error, match=match):
      manager.save(step, {"w": jnp.ones(1)})
  assert not (tmp_path / "s").exists() and os.listdir(tmp_path / "m") == []
  vs.save_checkpoint(tmp_path / "s", {"w": jnp.ones(1)}, step=np.int64(7))  # numpy ints: fine
  assert vs.CheckpointManager(tmp_path / "s").all_steps() == [7]


# ---------------------------------------------------------------------------
# Every dtype JAX holds; 64-bit values never silently changed.

ORBAX_DTYPES = [
  "bool",
  "int8",
  "int16",
  "int32",
  "uint8",
  "uint16",
  "uint32",
  "float16",
  "float32",
  "bfloat16",
  "complex64",
  "float8_e4m3fn",
  "float8_e5m2",
  "float8_e4m3fnuz",
  "float8_e5m2fnuz",
  "float8_e4m3b11fnuz",
  "float8_e3m4",
  "float8_e8m0fnu",
  "float4_e2m1fn",
  "int4",
  "int2",
]


def values_of(dtype_name):
  dtype = np.dtype(jnp.dtype(dtype_name))
  if dtype == np.bool_:
    values = [True, False, True]
  elif dtype.kind in "iu" or "int" in dtype_name:
    values = [0, 1, int(ml_dtypes.iinfo(dtype).max)]
  elif dtype_name == "float8_e8m0fnu":
    values = [1.0, 2.0, 0.5]
  else:
    values = [0.0, 1.5, -0.5] if "fnu" not in dtype_name else [0.0, 1.5, 0.5]
  return jnp.asarray(np.array(values, dtype))


def assert_identical(got, want, name):
  got, want = np.asarray(got), np.asarray(want)
  assert got.dtype == want.dtype and got.shape == want.shape, name
  assert got.tobytes() == want.tobytes(), name


def test_every_dtype_round_trips_through_orbax(tmp_path):
  params = {name: values_of(name) for name in ORBAX_DTYPES}
  vs.save_checkpoint(tmp_path, params)
  for restored in (
    vs.restore_checkpoint(tmp_path),
    vs.restore_checkpoint(tmp_path, jax.eval_shape(lambda: params)),
  ):
    for name, value in params.items():
      assert_identical(restored[name], value, name)


def test_numpy_int64_is_never_truncated_on_restore(tmp_path):
  params = {
    "big": np.array([2**40, -5], np.int64),
    "small": np.array([3, -5], np.int64),
    "huge": np.array([1e300]),
    "fine": np.array([0.1]),
  }
  vs.save_checkpoint(tmp_path, params)
  with pytest.raises(
    vs.CheckpointError,
    match=r"Tensor big in .* holds int64 values from -5 "
    r"to 1099511627776, outside int32's range",
  ):
    vs.restore_checkpoint(tmp_path)
  with pytest.raises(vs.CheckpointError, match=r"Tensor huge .* float32 can only hold as inf"):
    vs.restore_checkpoint(tmp_path, rename={"^big$": None}, partial=True)
  ok = vs.restore_checkpoint(tmp_path, rename={"^(big|huge)$": None})
  assert ok["small"].dtype == jnp.int32 and ok["small"].tolist() == [3, -5]
  assert ok["fine"].dtype == jnp.float32
  with jax.enable_x64(True):
    exact = vs.restore_checkpoint(tmp_path)
    assert exact["big"].dtype == jnp.int64 and exact["big"].tolist() == [2**40, -5]
    assert exact["huge"].tolist() == [1e300]


SAFETENSORS_DTYPES = [
  "bool",
  "int8",
  "int16",
  "int32",
  "uint8",
  "uint16",
  "uint32",
  "float16",
  "float32",
  "bfloat16",
  "complex64",
  "float8_e4m3fn",
  "float8_e5m2",
  "float8_e4m3fnuz",
  "float8_e5m2fnuz",
  "float8_e8m0fnu",
]


def test_every_dtype_safetensors_has_round_trips(tmp_path):
  params = {name: values_of(name) for name in SAFETENSORS_DTYPES}
  params["int64"] = np.array([2**40], np.int64)
  vs.save_safetensors(tmp_path / "m.safetensors", params)
  loaded = vs.load_safetensors(tmp_path / "m.safetensors", as_numpy=True)
  for name, value in params.items():
    assert_identical(loaded[name], value, name)
  with pytest.raises(
    vs.CheckpointError,
    match=r"Tensor int64 in .*m\.safetensors holds int64 "
    r"values from 1099511627776 to 1099511627776, outside int32's range",
  ):
    vs.load_safetensors(tmp_path / "m.safetensors")


@pytest.mark.parametrize(
  "dtype, hint",
  [
    ("int4", "int8"),
    ("uint4", "uint8"),
    ("int2", "int8"),
    ("float4_e2m1fn", "float8_e4m3fn or bfloat16"),
  ],
)
def test_safetensors_dtypes_it_lacks_name_a_cast(tmp_path, dtype, hint):
  with pytest.raises(
    TypeError,
    match=f"Variable m/w has dtype {dtype}, which safetensors "
    f"cannot store. Cast it \\(e.g. to {hint}\\)",
  ):
    vs.save_safetensors(tmp_path / "x", {"m": {"w": jnp.zeros(2, dtype)}})
  assert os.listdir(tmp_path) == []


def test_safetensors_names_that_would_lose_data(tmp_path):
  with pytest.raises(ValueError, match=r"params key 'a/b' at the top level contains '/'"):
    vs.save_safetensors(tmp_path / "x", {"a/b": jnp.ones(1), "a": {"b": jnp.zeros(1)}})
  with pytest.raises(TypeError, match=r"metadata must be a dict of str to str"):
    vs.save_safetensors(tmp_path / "x", {"a": jnp.ones(1)}, metadata={"n": 1})
  assert os.listdir(tmp_path) == []


def test_safetensors_overwrite_is_a_rename(tmp_path):
  path = tmp_path / "m.safetensors"
  vs.save_safetensors(path, {"a": jnp.ones(2)})
  inode = os.stat(path).st_ino
  vs.save_safetensors(path, {"a": jnp.zeros(2)})
  assert os.listdir(tmp_path) == ["m.safetensors"]
  assert os.stat(path).st_ino != inode  # a new file renamed over the old, not rewritten
  np.testing.assert_array_equal(vs.load_safetensors(path)["a"], [0, 0])


def test_safetensors_errors_name_the_file(tmp_path):
  bad = tmp_path / "bad.safetensors"
  bad.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{\"a\":")
  with pytest.raises(
    vs.CheckpointError,
    match=r"bad\.safetensors is not a valid safetensors "
    r"file: .*JSON",
  ) as info:
    vs.load_safetensors(bad)
  assert info.value.path == str(bad)
  with pytest.raises(vs.CheckpointError, match=r"Cannot read safetensors file .*missing"):
    vs.load_safetensors(tmp_path / "missing.safetensors")


# ---------------------------------------------------------------------------
# Orbax restores of damaged checkpoints.


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # orbax's noise
def test_damaged_orbax_checkpoint_is_a_checkpoint_error(tmp_path):
  vs.save_checkpoint(tmp_path / "c", {"w": jnp.arange(4.0)})
  for root, _, files in os.walk(tmp_path / "c" / "params"):
    for name in files:
      with open(os.path.join(root, name), "wb") as f:
        f.write(b"garbage")
  with pytest.raises(
    vs.CheckpointError,
    match=r"Checkpoint .*c cannot be read \(corrupt or "
    r"incomplete\)",
  ) as info:
    vs.restore_checkpoint(tmp_path / "c")
  assert info.value.path == str(tmp_path / "c")
  gc.collect()  # orbax's abandoned coroutines complain now, under this test's filter


def test_orbax_failing_on_a_new_step_leaves_no_temporary_folder(tmp_path, monkeypatch):
  import orbax.checkpoint as ocp

  with vs.CheckpointManager(tmp_path) as manager:
    manager.save(1, {"w": jnp.ones(2)})
    original = ocp.CompositeCheckpointHandler.save

    def failing(self, *args, **kwargs):
      original(self, *args, **kwargs)
      raise OSError(28, "No space left on device")

    monkeypatch.setattr(ocp.CompositeCheckpointHandler, "save", failing)
    with pytest.raises(vs.CheckpointError, match="Could not write .*/2: No space left"):
      manager.save(2, {"w": jnp.zeros(2)})
    with pytest.raises(vs.CheckpointError, match="Could not write .*/new: No space left"):
      vs.save_checkpoint(tmp_path / "new", {"w": jnp.zeros(2)})
  assert sorted(os.listdir(tmp_path)) == ["1"]
  assert vs.CheckpointManager(tmp_path).all_steps() == [1]


def test_url_paths_take_orbax_own_path(tmp_path, monkeypatch):
  """Object stores (gs://) have no atomic rename: there, orbax's own overwrite is used and
  every path is handled with etils.epath. Simulated here on local paths."""
  from varscope_jax._src.io.orbax import atomic

  monkeypatch.setattr(atomic, "is_remote", lambda path: True)
  vs.save_checkpoint(tmp_path / "c", {"w": jnp.ones(2)})
  vs.save_checkpoint(tmp_path / "c", {"w": jnp.zeros(2)}, force=True)
  np.testing.assert_array_equal(vs.restore_checkpoint(tmp_path / "c")["w"], [0, 0])
  (tmp_path / "other").mkdir()
  (tmp_path / "other" / "notes.txt").write_text("mine")
  with pytest.raises(ValueError, match=r"is not a checkpoint folder: it holds notes\.txt"):
    vs.save_checkpoint(tmp_path / "other", {"w": jnp.ones(2)}, force=True)
  vs.save_checkpoint(tmp_path / "s", {"w": jnp.ones(2)}, step=1)
  with vs.CheckpointManager(tmp_path / "s") as manager:
    manager.save(1, {"w": jnp.full(2, 3.0)}, force=True)
    manager.save(2, {"w": jnp.full(2, 4.0)})
    assert manager.all_steps() == [1, 2]
    np.testing.assert_array_equal(manager.restore(1)["w"], [3, 3])
  np.testing.assert_array_equal(vs.restore_checkpoint(tmp_path / "s")["w"], [4, 4])
  with vs.CheckpointManager(tmp_path / "s", max_to_keep=1) as manager:  # deleted by epath
    manager.save(3, {"w": jnp.full(2, 5.0)})
    assert manager.all_steps() == [3]
  assert sorted(os.listdir(tmp_path / "s")) == ["3"]
