"""safetensors files of params trees: flat ``a/b/w`` keys, every dtype, bfloat16."""

import json
import struct

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
import safetensors.numpy

from varscope_jax._src.io.safetensors import load_safetensors, save_safetensors


def test_round_trip_dtypes_and_flat_keys(tmp_path):
  path = tmp_path / "m.safetensors"
  params = {
    "model": {
      "fc1": {"w": jnp.arange(6, dtype=jnp.bfloat16).reshape(2, 3), "b": jnp.ones(3, jnp.float16)},
      "table": np.arange(4, dtype=np.float64),
    },
    "step": np.array(5, np.int64),
    "mask": np.array([True, False]),
    "u8": np.array([0, 255], np.uint8),
    "c": np.array([1 + 2j], np.complex64),
    "f8": np.array([1.0, -2.0], ml_dtypes.float8_e4m3fn),
    "empty": np.zeros((0, 2), np.float32),
  }
  save_safetensors(path, params, metadata={"format": "varscope_jax"})
  with open(path, "rb") as f:
    (header_len,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(header_len))
  assert header["model/fc1/w"]["dtype"] == "BF16"
  assert header["__metadata__"] == {"format": "varscope_jax"}
  assert sorted(k for k in header if k != "__metadata__") == sorted(
    ["model/fc1/w", "model/fc1/b", "model/table", "step", "mask", "u8", "c", "f8", "empty"]
  )
  loaded = load_safetensors(path, as_numpy=True)
  assert jax.tree.structure(loaded) == jax.tree.structure(jax.tree.map(lambda x: x, params))
  for (name, a), b in zip(jax.tree.leaves_with_path(loaded), jax.tree.leaves(params)):
    assert a.dtype == np.asarray(b).dtype, name
    np.testing.assert_array_equal(a.astype(np.float64) if a.dtype.kind == "V" else a, np.asarray(b))
  as_jax = load_safetensors(path)
  assert isinstance(as_jax["model"]["fc1"]["w"], jax.Array)
  assert as_jax["model"]["fc1"]["w"].dtype == jnp.bfloat16


def test_other_tools_read_our_files(tmp_path):
  path = tmp_path / "m.safetensors"
  save_safetensors(path, {"a": {"b": jnp.arange(3.0)}})
  np.testing.assert_array_equal(safetensors.numpy.load_file(path)["a/b"], [0, 1, 2])


def test_errors_name_the_variable(tmp_path):
  with pytest.raises(TypeError, match="Variable a/c has dtype complex128"):
    save_safetensors(tmp_path / "x", {"a": {"c": np.ones(1, np.complex128)}})
  with pytest.raises(TypeError, match="Variable a is a str"):
    save_safetensors(tmp_path / "x", {"a": "hello"})
  safetensors.numpy.save_file({"a": np.ones(1), "a/b": np.ones(1)}, tmp_path / "clash")
  with pytest.raises(ValueError, match="Variable a/b cannot be stored"):
    load_safetensors(tmp_path / "clash")
