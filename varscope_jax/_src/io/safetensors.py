"""Params trees as ``.safetensors`` files, keyed by scoped name (``model/fc1/w``).

safetensors is a flat ``{name: tensor}`` format with a JSON header and raw little-endian
data, read by PyTorch, Hugging Face and others; it cannot run code when loaded (no
pickle). Writing goes through ``safetensors.numpy.save`` into a locked temporary
file beside the target (``durable.Temporary``), fsynced and renamed over it when complete:
a killed writer leaves the old file, a power cut the old or the new one, a full disk the
old one and a ``CheckpointError``; the next save removes a killed writer's temporary.
Reading goes through ``safetensors.deserialize`` with our own dtype table, because
``safetensors.numpy`` has no numpy type for ``BF16`` and the float8 types; ``ml_dtypes``
supplies them. Every problem with a file is a ``CheckpointError`` naming it. The format
has no checksum: a changed data byte is a changed value, which no reader can detect.
"""

from __future__ import annotations

import os
from typing import Mapping

import jax
import ml_dtypes
import numpy as np
import safetensors
import safetensors.numpy

from varscope_jax._src.io import durable
from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.io.errors import CheckpointError
from varscope_jax._src.io.host_values import to_device
from varscope_jax._src.params.checks import checked_leaves

_DTYPES = {
  "F64": np.float64,
  "F32": np.float32,
  "F16": np.float16,
  "BF16": ml_dtypes.bfloat16,
  "F8_E4M3": ml_dtypes.float8_e4m3fn,
  "F8_E5M2": ml_dtypes.float8_e5m2,
  "F8_E4M3FNUZ": ml_dtypes.float8_e4m3fnuz,
  "F8_E5M2FNUZ": ml_dtypes.float8_e5m2fnuz,
  "F8_E8M0": ml_dtypes.float8_e8m0fnu,
  "I64": np.int64,
  "I32": np.int32,
  "I16": np.int16,
  "I8": np.int8,
  "U64": np.uint64,
  "U32": np.uint32,
  "U16": np.uint16,
  "U8": np.uint8,
  "BOOL": np.bool_,
  "C64": np.complex64,
}
_CAST_HINT = {
  "int4": "int8",
  "uint4": "uint8",
  "int2": "int8",
  "uint2": "uint8",
  "float4_e2m1fn": "float8_e4m3fn or bfloat16",
  "complex128": "complex64",
  "float8_e4m3b11fnuz": "bfloat16",
  "float8_e3m4": "bfloat16",
  "float8_e4m3": "float8_e4m3fn",
}


def save_safetensors(path, params: Mapping, *, metadata: Mapping[str, str] | None = None) -> None:
  """Writes a params tree to one ``.safetensors`` file with flat keys ``a/b/w``.

  The file is written beside ``path``, fsynced and renamed over it when complete, so
  ``path`` always holds either the old file or the new one (after a kill, a power cut or a
  full disk); a killed writer's temporary is removed by the next save.

  Args:
    path: the file to write (replaced if it exists).
    params: a nested dict of arrays (``jax.Array`` or numpy). Sharded arrays are gathered
      to the host. Every dtype the format has: bool, (u)int8-64, float16/32/64, bfloat16,
      float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu,
      complex64.
    metadata: optional ``{str: str}`` stored in the file header.

  Raises:
    TypeError: if a leaf is not a numeric array, or its dtype has no safetensors code
      (e.g. int4, complex128), naming the variable and a dtype to cast to.
    ValueError: if a key holds ``/`` or is empty (it could not be read back as the same
      tree), or a variable is named ``__metadata__`` (the header's own key).
    CheckpointError: if the file cannot be written (a full disk), naming it.

  >>> import os, tempfile, jax.numpy as jnp
  >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
  >>> save_safetensors(path, {"model": {"fc1": {"w": jnp.ones((3, 4), jnp.bfloat16)}}})
  >>> load_safetensors(path)["model"]["fc1"]["w"].dtype
  dtype(bfloat16)
  """
  leaves = checked_leaves(params, allow_empty=True, reserved=_reserved)
  if metadata is not None and not (
    isinstance(metadata, Mapping)
    and all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
  ):
    raise TypeError(f"metadata must be a dict of str to str, got {metadata!r}.")
  known = {np.dtype(d) for d in _DTYPES.values()}
  tensors = {}
  for name, leaf in leaves.items():
    dtype = np.dtype(leaf.dtype)
    if dtype not in known:
      hint = _CAST_HINT.get(dtype.name, "a dtype it has")
      raise TypeError(
        f"Variable {name} has dtype {dtype.name}, which safetensors cannot "
        f"store. Cast it (e.g. to {hint}) or leave it out."
      )
    tensors[name] = np.ascontiguousarray(np.asarray(jax.device_get(leaf)))
  path = os.fspath(path)
  durable.remove_stale(path)
  try:
    # ``save`` (bytes), not ``save_file``: the latter writes through a temporary of its
    # own, which a killed writer would leave behind under a name no one can claim.
    data = safetensors.numpy.save(tensors, metadata=dict(metadata) if metadata else None)
    with durable.Temporary(path) as tmp:
      tmp.write_at(data, 0)
      del data
      tmp.commit()
  except OSError as e:
    raise durable.disk_error(path, e) from None
  except safetensors.SafetensorError as e:
    raise CheckpointError(
      f"Could not write {path}: {e} The previous file there, if any, is intact.", path=path
    ) from None


def _reserved(name: str) -> str | None:
  if name == "__metadata__":
    return "safetensors keeps the key '__metadata__' for the file's metadata."
  return None


def load_safetensors(path, *, as_numpy: bool = False) -> dict:
  """Reads a ``.safetensors`` file into a params tree (``a/b/w`` -> ``["a"]["b"]["w"]``).

  Args:
    path: the file to read (any safetensors file; keys are split on ``/``).
    as_numpy: return numpy arrays instead of ``jax.Array``. Without it and without
      ``jax_enable_x64``, 64-bit values become 32-bit ones; a value that would change
      beyond rounding is a ``CheckpointError`` naming the tensor.

  Returns:
    The nested params dict, keys in sorted order.

  Raises:
    CheckpointError: (a ``ValueError``) if the file is missing or malformed, a dtype is
      unknown, a name is both a variable and a scope (``a`` and ``a/b``) or has an empty
      part, or a 64-bit value JAX would change; the message names the file (and tensor).

  >>> import os, tempfile, numpy as np
  >>> path = os.path.join(tempfile.mkdtemp(), "x.safetensors")
  >>> save_safetensors(path, {"a": {"b": np.arange(3, dtype=np.int32)}})
  >>> load_safetensors(path, as_numpy=True)
  {'a': {'b': array([0, 1, 2], dtype=int32)}}
  """
  if not isinstance(path, (str, os.PathLike)):
    raise TypeError(
      f"load_safetensors: path must be a file path (str or os.PathLike), got {path!r}."
    )
  path = os.fspath(path)
  try:
    with open(path, "rb") as f:
      raw = f.read()
  except OSError as e:
    raise CheckpointError(
      f"Cannot read safetensors file {path}: {e.strerror}.", path=path
    ) from None
  try:
    entries = safetensors.deserialize(raw)
  except Exception as e:  # SafetensorError, or anything else the parser raises
    raise CheckpointError(f"{path} is not a valid safetensors file: {e}", path=path) from None
  flat = {}
  for name, info in sorted(entries):
    if info["dtype"] not in _DTYPES:
      raise CheckpointError(
        f"Variable {name} in {path} has safetensors dtype {info['dtype']}, which "
        f"varscope_jax cannot read. Known: {sorted(_DTYPES)}.",
        path=path,
        tensor=name,
      )
    if "" in name.split("/"):
      raise CheckpointError(
        f"Variable {name!r} in {path} has an empty part in its name, "
        "which a params tree cannot hold.",
        path=path,
        tensor=name,
      )
    dtype = np.dtype(_DTYPES[info["dtype"]])
    shape = tuple(info["shape"])
    if int(np.prod(shape, dtype=object)) * dtype.itemsize != len(info["data"]):
      raise CheckpointError(
        f"Variable {name} in {path}: {len(info['data'])} bytes do not "
        f"hold shape {list(shape)} of {dtype.name}.",
        path=path,
        tensor=name,
      )
    array = np.frombuffer(info["data"], dtype).reshape(shape)
    if dtype == np.bool_ and (array.view(np.uint8) > 1).any():
      raise CheckpointError(
        f"Variable {name} in {path}: a bool byte is neither 0 nor 1 (corrupt or crafted file).",
        path=path,
        tensor=name,
      )
    flat[name] = array.copy() if as_numpy else to_device(array, name, path)
  try:
    return params_lib.unflatten(flat)
  except ValueError as e:
    raise CheckpointError(f"{path}: {e}", path=path) from None
