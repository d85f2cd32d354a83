"""Numpy values read from files, turned into ``jax.Array`` without silent changes.

Without ``jax_enable_x64``, JAX stores int64, uint64, float64 and complex128 values in their
32-bit kinds. Rounding a float64 to the nearest float32 is the narrowing JAX documents, and
is allowed; anything else would change values silently, so it is an error naming the
tensor: an integer that does not fit the 32-bit kind (``jax.device_put`` would wrap it:
``2**40`` becomes ``0``), or a finite float that would become ``inf``.
"""

from __future__ import annotations

import jax
import numpy as np

from varscope_jax._src.io.errors import CheckpointError

_NARROWED = {
  np.dtype(np.int64): np.dtype(np.int32),
  np.dtype(np.uint64): np.dtype(np.uint32),
  np.dtype(np.float64): np.dtype(np.float32),
  np.dtype(np.complex128): np.dtype(np.complex64),
}


def _does_not_fit(value: np.ndarray, narrow: np.dtype) -> str | None:
  """Why ``value`` cannot become ``narrow`` without changing, or ``None``."""
  if value.size == 0:
    return None
  if narrow.kind in "iu":
    info = np.iinfo(narrow)
    low, high = int(value.min()), int(value.max())
    if low < info.min or high > info.max:
      return f"holds {value.dtype.name} values from {low} to {high}, outside {narrow.name}'s range"
    return None
  parts = [value.real, value.imag] if value.dtype.kind == "c" else [value]
  limit = float(np.finfo(narrow).max)
  for part in parts:
    finite = part[np.isfinite(part)]
    if finite.size and float(np.abs(finite).max()) > limit:
      return (
        f"holds finite {value.dtype.name} values up to {float(np.abs(finite).max())!r},"
        f" which {narrow.name} can only hold as inf"
      )
  return None


def to_device(value: np.ndarray, name: str, path) -> jax.Array:
  """``jax.device_put(value)``, refusing a 64-bit value JAX would change (not just round).

  Raises:
    CheckpointError: naming ``name`` and ``path``, with the three ways out.
  """
  narrow = _NARROWED.get(value.dtype)
  if narrow is not None and jax.dtypes.canonicalize_dtype(value.dtype) == narrow:
    why = _does_not_fit(value, narrow)
    if why is not None:
      raise CheckpointError(
        f"Tensor {name} in {path} {why}: JAX stores {value.dtype.name} as {narrow.name} "
        "unless jax_enable_x64 is on, so it cannot be loaded unchanged. Load it with "
        "as_numpy=True, turn on jax.config.update('jax_enable_x64', True) first, or "
        f"drop it with rename={{'^{name}$': None}}.",
        path=path,
        tensor=name,
      )
  return jax.device_put(value)
