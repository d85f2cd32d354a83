"""Dtypes: TF1 names for JAX dtypes and TF1's rules for inferring a value's dtype.

``vs.float32`` is TF's ``DType`` object, equal to (and hashed as) ``np.dtype("float32")``
and taken wherever JAX takes a dtype; a dtype argument may be anything ``jnp.dtype``
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

from varscope_jax._src.base import errors
from varscope_jax._src.base import tf_errors

# TF's DataType enum values (``tf.float32.as_datatype_enum`` ...).
_DATATYPE_ENUM = {
  "float32": 1,
  "float64": 2,
  "int32": 3,
  "uint8": 4,
  "int16": 5,
  "int8": 6,
  "complex64": 8,
  "int64": 9,
  "bool": 10,
  "bfloat16": 14,
  "uint16": 17,
  "complex128": 18,
  "float16": 19,
  "uint32": 22,
  "uint64": 23,
}
# TF's ``dtypes.dtype_range`` (what ``DType.limits`` reads; float32/64 are [-1, 1]).
_LIMITS = {
  "bool": (False, True),
  "uint8": (0, 255),
  "uint16": (0, 65535),
  "int8": (-128, 127),
  "int16": (-32768, 32767),
  "int32": (-(2**31), 2**31 - 1),
  "int64": (-(2**63), 2**63 - 1),
  "uint32": (0, 2**32 - 1),
  "uint64": (0, 2**64 - 1),
  "float32": (-1, 1),
  "float64": (-1, 1),
}


class DType:
  """TF's ``tf.DType`` for a dtype JAX holds: equal to, and hashed as, its numpy dtype.

  ``vs.float32 == np.dtype("float32") == jnp.float32 == "float32"``, so
  ``x.dtype in {vs.uint8, vs.int32}`` is true for an int32 array, and a ``DType`` goes
  wherever JAX or numpy takes a dtype (``jnp.zeros(2, vs.float32)``, ``x.astype(vs.int32)``:
  it has numpy's ``.dtype``). TF's attributes (``base_dtype``, ``is_floating``,
  ``as_numpy_dtype``, ``max`` ...) have TF's values.

  >>> import numpy as np, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> jnp.zeros(2, jnp.int32).dtype in {vs.uint8, vs.int32}
  True
  >>> vs.float32.is_floating, vs.uint8.max, vs.complex64.real_dtype, vs.int32.size
  (True, 255, tf.float32, 4)
  >>> jnp.ones(2).astype(vs.int32).dtype
  dtype('int32')
  """

  __slots__ = ("_np",)

  def __init__(self, dtype):
    object.__setattr__(self, "_np", _tf_convertible(dtype))

  def __setattr__(self, name, value):
    raise AttributeError(f"DType {self.name} is immutable")

  def __reduce__(self):
    return (as_tf_dtype, (self._np.name,))

  # numpy and JAX read ``.dtype`` (np.dtype(obj), jnp.zeros(..., obj), x.astype(obj)).
  @property
  def dtype(self) -> np.dtype:
    return self._np

  @property
  def name(self) -> str:
    return self._np.name

  @property
  def size(self) -> int:
    return self._np.itemsize

  @property
  def itemsize(self) -> int:
    return self._np.itemsize

  @property
  def kind(self) -> str:
    return self._np.kind

  @property
  def type(self):
    return self._np.type

  @property
  def as_numpy_dtype(self):
    return self._np.type

  @property
  def as_datatype_enum(self) -> int:
    return _DATATYPE_ENUM[self.name]

  @property
  def base_dtype(self) -> "DType":
    return self

  @property
  def real_dtype(self) -> "DType":
    if self.is_complex:
      return as_tf_dtype(np.finfo(self._np).dtype)
    return self

  @property
  def is_bool(self) -> bool:
    return self._np == np.bool_

  @property
  def is_complex(self) -> bool:
    return self._np.kind == "c"

  @property
  def is_floating(self) -> bool:
    return bool(jnp.issubdtype(self._np, jnp.floating))

  @property
  def is_integer(self) -> bool:
    return bool(jnp.issubdtype(self._np, jnp.integer))

  @property
  def is_unsigned(self) -> bool:
    return bool(jnp.issubdtype(self._np, jnp.unsignedinteger))

  @property
  def is_quantized(self) -> bool:
    return False

  @property
  def is_numpy_compatible(self) -> bool:
    return True

  @property
  def max(self):
    if self.is_integer:
      return int(jnp.iinfo(self._np).max)
    if self.is_floating:
      return float(jnp.finfo(self._np).max)
    raise TypeError(tf_errors.NO_MAX % (self, self))

  @property
  def min(self):
    if self.is_integer:
      return int(jnp.iinfo(self._np).min)
    if self.is_floating:
      return float(jnp.finfo(self._np).min)
    raise TypeError(tf_errors.NO_MIN % (self, self))

  @property
  def limits(self):
    """TF's ``limits`` (its default ``clip_negative=True``: the low end is at least 0)."""
    if self.name not in _LIMITS:
      raise ValueError(tf_errors.NO_LIMITS % (self,))
    lo, hi = _LIMITS[self.name]
    return (max(lo, 0) if not self.is_bool else 0), hi

  def is_compatible_with(self, other) -> bool:
    """True when ``other`` is this dtype (TF's rule for non-ref dtypes)."""
    try:
      return self == as_tf_dtype(other)
    except TypeError:
      return False

  def __eq__(self, other):
    if other is None or isinstance(other, (bool, int, float)):
      return False
    if isinstance(other, DType):
      return self._np == other._np
    try:
      return self._np == _as_dtype(other)
    except TypeError:
      return False

  def __ne__(self, other):
    return not self.__eq__(other)

  def __hash__(self):
    return hash(self._np)

  def __repr__(self):
    return f"tf.{self.name}"

  def __str__(self):
    return f"<dtype: '{self.name}'>"


_TF_DTYPES: dict = {}


def _tf_convertible(dtype) -> np.dtype:
  try:
    return as_dtype(dtype)
  except TypeError:
    raise TypeError(
      tf_errors.CANNOT_CONVERT_DTYPE % (dtype,) + " JAX holds numbers and bools "
      "only: use one of vs.float32, vs.int32, vs.bool, ... ."
    ) from None


def as_tf_dtype(dtype) -> DType:
  """TF's ``tf.as_dtype``: ``dtype`` (a name, numpy/JAX dtype or ``DType``) as a ``DType``.

  Raises:
    TypeError: naming the value, when it is not a dtype JAX can hold.

  >>> import numpy as np
  >>> import varscope_jax as vs
  >>> vs.as_dtype("float32_ref"), vs.as_dtype(np.int64).max
  (tf.float32, 9223372036854775807)
  """
  if isinstance(dtype, DType):
    return dtype
  np_dtype = _tf_convertible(dtype)
  result = _TF_DTYPES.get(np_dtype)
  if result is None:
    result = _TF_DTYPES[np_dtype] = DType(np_dtype)
  return result


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
  if isinstance(dtype, DType):
    return dtype.dtype
  if isinstance(dtype, str) and dtype.endswith("_ref"):
    dtype = dtype[: -len("_ref")]
  name = getattr(dtype, "name", None)
  if isinstance(name, str) and not isinstance(dtype, (np.dtype, type)):
    # A tf.DType-like object (has .name and maybe .as_numpy_dtype).
    dtype = getattr(dtype, "as_numpy_dtype", name)
  try:
    result = jnp.dtype(dtype)
  except TypeError as e:
    raise TypeError(errors.not_a_jax_dtype(what, dtype)) from e
  if result.kind in "OSU" or (result.kind == "V" and not _is_ml_number(result)):
    raise TypeError(errors.not_a_jax_dtype(what, dtype))
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
      raise TypeError(tf_errors.CONVERT_TO_TENSOR % (type(x), repr(x)))

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


float16 = as_tf_dtype("float16")
bfloat16 = as_tf_dtype(jnp.bfloat16)
float32 = as_tf_dtype("float32")
float64 = as_tf_dtype("float64")
int8 = as_tf_dtype("int8")
int16 = as_tf_dtype("int16")
int32 = as_tf_dtype("int32")
int64 = as_tf_dtype("int64")
uint8 = as_tf_dtype("uint8")
uint16 = as_tf_dtype("uint16")
uint32 = as_tf_dtype("uint32")
uint64 = as_tf_dtype("uint64")
bool_ = as_tf_dtype("bool")
complex64 = as_tf_dtype("complex64")
complex128 = as_tf_dtype("complex128")
# TF's other names for the same dtypes.
half = float16
double = float64
# TF1 names with no JAX counterpart, on purpose: the quantized qint8/quint8/qint16/
# quint16/qint32 (integers tagged for TF's quantized kernels; in JAX keep int8/int32
# storage and the scale yourself), string, resource and variant (see
# docs/tf1_differences.md).
