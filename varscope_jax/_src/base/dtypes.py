"""Dtypes: TF1 names for JAX dtypes and TF1's rules for inferring a value's dtype.

``vs.float32`` is ``jnp.float32``; a dtype argument may be anything ``jnp.dtype``
accepts (``"float32"``, ``np.float32``, ``jnp.bfloat16``). TF's ``_ref`` dtypes do not
exist in JAX: ``"float32_ref"`` is read as ``float32``.

JAX stores 64-bit values only when ``jax_enable_x64`` is on. Without it a variable asked
for as ``int64``/``float64`` is created as ``int32``/``float32`` (JAX's canonical dtype),
and its dtype says so; sharing checks compare canonical dtypes.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

float16 = jnp.float16
bfloat16 = jnp.bfloat16
float32 = jnp.float32
float64 = jnp.float64
int8 = jnp.int8
int16 = jnp.int16
int32 = jnp.int32
int64 = jnp.int64
uint8 = jnp.uint8
uint16 = jnp.uint16
uint32 = jnp.uint32
uint64 = jnp.uint64
bool_ = jnp.bool_
complex64 = jnp.complex64
complex128 = jnp.complex128
# TF's other names for the same dtypes.
half = float16
double = float64
# TF1 names with no JAX counterpart, on purpose: the quantized qint8/quint8/qint16/
# quint16/qint32 (integers tagged for TF's quantized kernels; in JAX keep int8/int32
# storage and the scale yourself), string, resource and variant (see
# docs/tf1_differences.md).


_AS_DTYPE_CACHE: dict = {}
_CANONICAL_CACHE: dict = {}


def as_dtype(dtype, *, what: str = "dtype", variable: str | None = None) -> np.dtype:
  """Cached ``_as_dtype``; ``variable`` names the variable in the error message."""
  try:
    return _AS_DTYPE_CACHE[dtype]
  except (KeyError, TypeError):
    pass
  if variable is not None:
    what = f"Variable {variable}: dtype"
  result = _as_dtype(dtype, what=what)
  try:
    _AS_DTYPE_CACHE[dtype] = result
  except TypeError:
    pass
  return result


def _as_dtype(dtype, *, what: str = "dtype") -> np.dtype:
  """Returns ``dtype`` as a numpy dtype, accepting TF-style names (``"float32_ref"``).

  Raises:
    TypeError: if ``dtype`` is not a dtype JAX can hold (for example ``tf.string``).
  """
  if isinstance(dtype, str) and dtype.endswith("_ref"):
    dtype = dtype[: -len("_ref")]
  name = getattr(dtype, "name", None)
  if isinstance(name, str) and not isinstance(dtype, (np.dtype, type)):
    # A tf.DType-like object (has .name and maybe .as_numpy_dtype).
    dtype = getattr(dtype, "as_numpy_dtype", name)
  try:
    result = jnp.dtype(dtype)
  except TypeError as e:
    raise TypeError(
        f"{what} {dtype!r} is not a dtype JAX can hold (JAX has no string tensors). "
        "Use one of vs.float32, vs.int32, vs.bool, ... .") from e
  if result.kind in "OSU" or (result.kind == "V" and not _is_ml_number(result)):
    raise TypeError(f"{what} {dtype!r} is not a dtype JAX can hold (JAX has no string "
                    "tensors). Use one of vs.float32, vs.int32, vs.bool, ... .")
  return result


def _is_ml_number(dtype: np.dtype) -> bool:
  """bfloat16, the float8 kinds, int4... (ml_dtypes: numpy kind 'V')."""
  return bool(jnp.issubdtype(dtype, jnp.floating) or jnp.issubdtype(dtype, jnp.integer))


def canonical(dtype) -> np.dtype:
  """The dtype JAX will actually store for ``dtype`` (64-bit needs jax_enable_x64)."""
  key = (dtype, jax.config.jax_enable_x64)
  try:
    return _CANONICAL_CACHE[key]
  except (KeyError, TypeError):
    pass
  result = np.dtype(jax.dtypes.canonicalize_dtype(as_dtype(dtype)))
  try:
    _CANONICAL_CACHE[key] = result
  except TypeError:
    pass
  return result


def infer_value_dtype(value) -> np.dtype:
  """TF1's ``convert_to_tensor`` dtype for a constant initial value.

  Python ``int`` -> int32, ``float`` -> float32, ``bool`` -> bool, ``complex`` ->
  complex128; lists as their elements; numpy and JAX arrays keep their dtype.
  """
  if hasattr(value, "dtype") and hasattr(value, "shape"):
    return np.dtype(value.dtype)
  kinds = set()

  def visit(x):
    if isinstance(x, (list, tuple)):
      for y in x:
        visit(y)
    elif isinstance(x, (bool, np.bool_)):
      kinds.add("b")
    elif isinstance(x, (int, np.integer)):
      kinds.add("i")
    elif isinstance(x, (float, np.floating)):
      kinds.add("f")
    elif isinstance(x, (complex, np.complexfloating)):
      kinds.add("c")
    else:
      raise TypeError(
          f"Failed to convert object of type {type(x)} to Tensor. Contents: {x!r}. "
          "Consider casting elements to a supported type.")

  visit(value)
  if "c" in kinds:
    return np.dtype(np.complex128)
  if "f" in kinds:
    return np.dtype(np.float32)
  if "i" in kinds:
    return np.dtype(np.int32)
  if "b" in kinds:
    return np.dtype(np.bool_)
  return np.dtype(np.float32)  # empty list


def is_floating(dtype) -> bool:
  return jnp.issubdtype(dtype, jnp.floating)
