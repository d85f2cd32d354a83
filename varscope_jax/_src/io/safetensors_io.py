"""Params trees as ``.safetensors`` files, keyed by scoped name (``model/fc1/w``).

safetensors is a flat ``{name: tensor}`` format with a JSON header and raw little-endian
data, read by PyTorch, Hugging Face and others; it cannot run code when loaded (no
pickle). Writing goes through ``safetensors.numpy.save_file``. Reading goes through
``safetensors.deserialize`` with our own dtype table, because ``safetensors.numpy``
has no numpy type for ``BF16`` and the float8 types; ``ml_dtypes`` supplies them.
"""
from __future__ import annotations

import os
from typing import Mapping

import jax
import ml_dtypes
import numpy as np
import safetensors
import safetensors.numpy

from varscope_jax._src.base import params as params_lib

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": ml_dtypes.bfloat16,
    "F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8,
    "BOOL": np.bool_, "C64": np.complex64,
}


def save_safetensors(path, params: Mapping, *, metadata: Mapping[str, str] | None = None
                     ) -> None:
  """Writes a params tree to one ``.safetensors`` file with flat keys ``a/b/w``.

  Args:
    path: the file to write (overwritten if it exists).
    params: a nested dict of arrays (``jax.Array`` or numpy). Sharded arrays are gathered
      to the host.
    metadata: optional ``{str: str}`` stored in the file header.

  Raises:
    TypeError: if a leaf is not a numeric array, or its dtype has no safetensors code
      (e.g. complex128), naming the variable.

  >>> import os, tempfile, jax.numpy as jnp
  >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
  >>> save_safetensors(path, {"model": {"fc1": {"w": jnp.ones((3, 4), jnp.bfloat16)}}})
  >>> load_safetensors(path)["model"]["fc1"]["w"].dtype
  dtype(bfloat16)
  """
  if not isinstance(params, Mapping):
    raise TypeError(f"params must be a nested dict of arrays, got {type(params).__name__}.")
  known = {np.dtype(d) for d in _DTYPES.values()}
  tensors = {}
  for name, leaf in params_lib.flatten(params):
    if not isinstance(leaf, (jax.Array, np.ndarray, np.generic)):
      raise TypeError(f"Variable {name} is a {type(leaf).__name__}, not an array. Convert it "
                      "with jnp.asarray, or leave it out.")
    array = np.ascontiguousarray(np.asarray(jax.device_get(leaf)))
    if array.dtype not in known:
      raise TypeError(f"Variable {name} has dtype {array.dtype}, which safetensors cannot "
                      "store. Cast it (e.g. complex128 -> complex64) or leave it out.")
    tensors[name] = array
  safetensors.numpy.save_file(tensors, os.fspath(path),
                              metadata=dict(metadata) if metadata else None)


def load_safetensors(path, *, as_numpy: bool = False) -> dict:
  """Reads a ``.safetensors`` file into a params tree (``a/b/w`` -> ``["a"]["b"]["w"]``).

  Args:
    path: the file to read (any safetensors file; keys are split on ``/``).
    as_numpy: return numpy arrays instead of ``jax.Array`` (JAX turns 64-bit values into
      32-bit ones unless ``jax_enable_x64`` is on).

  Returns:
    The nested params dict, keys in sorted order.

  Raises:
    ValueError: if a name is both a variable and a scope (``a`` and ``a/b``), or a dtype
      is unknown.

  >>> import os, tempfile, numpy as np
  >>> path = os.path.join(tempfile.mkdtemp(), "x.safetensors")
  >>> save_safetensors(path, {"a": {"b": np.arange(3, dtype=np.int32)}})
  >>> load_safetensors(path, as_numpy=True)
  {'a': {'b': array([0, 1, 2], dtype=int32)}}
  """
  with open(os.fspath(path), "rb") as f:
    entries = safetensors.deserialize(f.read())
  flat = {}
  for name, info in sorted(entries):
    if info["dtype"] not in _DTYPES:
      raise ValueError(f"Variable {name} in {path} has safetensors dtype {info['dtype']}, "
                       f"which varscope_jax cannot read. Known: {sorted(_DTYPES)}.")
    array = np.frombuffer(info["data"], _DTYPES[info["dtype"]]).reshape(info["shape"])
    flat[name] = array.copy() if as_numpy else jax.device_put(array)
  return params_lib.unflatten(flat)
