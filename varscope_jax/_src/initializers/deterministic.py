"""TF1's deterministic initializers (zeros, ones, constant) and the default initializer TF
picks for a variable given none."""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.initializers.base import (
  FLOAT32,
  Initializer,
  as_numpy_dtype,
  canonical_shape,
  check_dtype_and_seed,
  initializer_dataclass,
  nested_tuple,
  tf_dtype_str,
)
from varscope_jax._src.initializers.random import GlorotUniform

__all__ = [
  "Constant",
  "Zeros",
  "Ones",
  "constant_initializer",
  "zeros_initializer",
  "ones_initializer",
  "default_initializer",
]


# ------------------------------------------------------------------ constant / zeros / ones
@initializer_dataclass
class Zeros(Initializer):
  """Initializer that generates zeros (TF1 ``zeros_initializer``); any dtype.

  Args:
    dtype: Default dtype of the result.

  >>> import jax
  >>> zeros_initializer()(jax.random.PRNGKey(0), (2,), jnp.int32)
  Array([0, 0], dtype=int32)
  """

  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "zeros_initializer"

  def __post_init__(self):
    check_dtype_and_seed(self)

  def _init(self, key, shape, dtype):
    return jnp.zeros(shape, dtype)


@initializer_dataclass
class Ones(Initializer):
  """Initializer that generates ones (TF1 ``ones_initializer``); any dtype.

  Args:
    dtype: Default dtype of the result.

  >>> import jax
  >>> ones_initializer()(jax.random.PRNGKey(0), (2,))
  Array([1., 1.], dtype=float32)
  """

  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "ones_initializer"

  def __post_init__(self):
    check_dtype_and_seed(self)

  def _init(self, key, shape, dtype):
    return jnp.ones(shape, dtype)


_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}

# TF's ``tensor_util._AssertCompatible``: which Python / NumPy leaf types a (non-NumPy)
# constant may hold for each target kind. bool counts as an integer and a real, as in
# Python; NumPy arrays given directly are cast without a check, as TF does.
_OK_TYPES = {
  "i": (numbers.Integral, np.integer),
  "f": (numbers.Real, np.integer, np.floating),
  "c": (numbers.Complex, np.number),
  "b": (bool,),
}


def _first_mismatch(value, ok_types):
  """The first leaf (in TF's ``nest.flatten`` order) that is not of ``ok_types``."""
  if isinstance(value, (list, tuple)):
    for v in value:
      bad = _first_mismatch(v, ok_types)
      if bad is not None:
        return bad
    return None
  if isinstance(value, ok_types):
    return None
  if isinstance(value, np.ndarray) and issubclass(value.dtype.type, ok_types):
    return None
  return (str(value), type(value).__name__)


@initializer_dataclass
class Constant(Initializer):
  """Initializer that generates a constant (TF1 ``constant_initializer``).

  TF1 ``constant_v1`` rules: a scalar fills the shape; a list/array with as many
  elements as the shape is reshaped (row-major); with fewer elements the last one is
  repeated; more elements raise ``ValueError``. ``verify_shape=True`` requires the
  value's shape to equal the requested shape (``TypeError``, as in TF). Values are
  stored as nested tuples (plus ``value_dtype``) so the initializer stays hashable.

  Args:
    value: Python scalar, (nested) list/tuple, or NumPy array.
    dtype: Default dtype of the result; any dtype.
    verify_shape: Whether the value's shape must equal the requested shape.

  >>> import jax
  >>> init = constant_initializer([1, 2, 3])
  >>> init(jax.random.PRNGKey(0), (2, 3), jnp.int32)
  Array([[1, 2, 3],
         [3, 3, 3]], dtype=int32)
  >>> init
  constant_initializer(value=(1, 2, 3), dtype=float32, verify_shape=False)
  """

  value: Any = 0
  dtype: Any = FLOAT32
  verify_shape: bool = False
  value_dtype: np.dtype = dataclasses.field(init=False, repr=False)
  _mismatch: dict = dataclasses.field(init=False, repr=False, compare=False)
  _tf_name: ClassVar[str] = "constant_initializer"

  def __post_init__(self):
    value = self.value
    if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray, np.generic))):
      raise TypeError(tf_errors.INVALID_INITIAL_VALUE_TYPE % (type(value),))
    try:
      arr = np.asarray(value)
    except ValueError as e:
      # TF's text (NumPy's, as TF raises it), then the argument and the fix.
      raise ValueError(
        f"{e}\nconstant_initializer: value must be rectangular (every row of "
        f"the same length), got {value!r}."
      ) from None
    if arr.dtype.kind not in _KIND_RANK and arr.dtype.kind not in "US":
      raise TypeError(f"Unsupported constant value dtype {arr.dtype}: {value!r}.")
    # Strings are TF's errors when the variable is made (validate), as in TF.
    # What TF's type check would say for each target kind (None: no complaint).
    # NumPy values are cast as they are (TF does not check them).
    mismatch = (
      {}
      if isinstance(value, (np.ndarray, np.generic))
      else {kind: _first_mismatch(value, ok) for kind, ok in _OK_TYPES.items()}
    )
    object.__setattr__(self, "_mismatch", mismatch)
    object.__setattr__(self, "value", nested_tuple(arr.tolist()))
    object.__setattr__(self, "value_dtype", arr.dtype)
    object.__setattr__(self, "verify_shape", bool(self.verify_shape))
    check_dtype_and_seed(self)

  def __hash__(self):  # cached: values can be large nested tuples
    h = self.__dict__.get("_hash_cache")
    if h is None:
      h = hash((Constant, self.value, self.value_dtype, self.dtype, self.verify_shape))
      object.__setattr__(self, "_hash_cache", h)
    return h

  def __getstate__(self):  # hashes are per process: never pickle the cache
    return {k: v for k, v in self.__dict__.items() if k != "_hash_cache"}

  def numpy_value(self, shape, dtype=None) -> np.ndarray:
    """Returns the initial value as a NumPy array (host-side, no JAX op).

    >>> constant_initializer(7).numpy_value((2,), np.int8)
    array([7, 7], dtype=int8)
    """
    shape = canonical_shape(shape)
    dtype = as_numpy_dtype(self.dtype if dtype is None else dtype)
    self.validate(shape, dtype)
    arr = np.asarray(self.value, dtype=self.value_dtype)
    size = math.prod(shape)
    if size == 0:
      return np.zeros(shape, dtype)
    if arr.size > size:
      raise ValueError(tf_errors.TOO_MANY_ELEMENTS % (size, arr.size))
    flat = arr.astype(dtype).reshape(-1)
    if flat.size < size:
      fill = flat[-1:] if flat.size else np.zeros((1,), dtype)
      flat = np.concatenate([flat, np.repeat(fill, size - flat.size)])
    return flat.reshape(shape)

  def _init(self, key, shape, dtype):
    return jnp.asarray(self.numpy_value(shape, dtype), dtype)

  def validate(self, shape, dtype=None) -> None:
    """Raises TF's ``TypeError`` if this value cannot make a ``dtype`` tensor of
    ``shape`` (TF checks when the variable is made, so every mode checks then).

    >>> constant_initializer(2.5).validate((2,), np.int32)
    Traceback (most recent call last):
    ...
    TypeError: Expected int32, but got 2.5 of type 'float'.
    """
    shape = canonical_shape(shape)
    dtype = as_numpy_dtype(self.dtype if dtype is None else dtype)
    kind = "f" if dtypes_lib.is_floating(dtype) else "i" if dtype.kind == "u" else dtype.kind
    bad = self._mismatch.get(kind) if math.prod(shape) else None
    if bad is not None:
      raise TypeError(tf_errors.EXPECTED_VALUE_OF_DTYPE % (dtype.name, bad[0], bad[1]))
    if self.value_dtype.kind in "US":  # a numpy array of strings: numpy's own error
      np.asarray(self.value, self.value_dtype).astype(dtype)
    if self.verify_shape and np.shape(self.value) != shape:
      raise TypeError(tf_errors.EXPECTED_TENSOR_SHAPE % (shape, np.shape(self.value)))


# ------------------------------------------------------------------------ TF1 names
constant_initializer = Constant
zeros_initializer = Zeros
ones_initializer = Ones


def default_initializer(name: str, dtype=FLOAT32) -> Initializer:
  """Default initializer for a variable, like TF1's ``_get_default_initializer``.

  Args:
    name: Variable name (used in the error message).
    dtype: Variable dtype.

  Returns:
    ``glorot_uniform_initializer()`` for floating dtypes, ``zeros_initializer()`` for
    integer, unsigned and bool dtypes.

  Raises:
    ValueError: For any other dtype (e.g. complex).

  >>> default_initializer("w", jnp.bfloat16)
  glorot_uniform_initializer(seed=None, dtype=float32)
  >>> default_initializer("step", jnp.int32)
  zeros_initializer(dtype=float32)
  >>> default_initializer("c", jnp.complex64)
  Traceback (most recent call last):
  ValueError: An initializer for variable c of <dtype: 'complex64'> is required
  """
  dtype = as_numpy_dtype(dtype)
  if dtypes_lib.is_floating(dtype):
    return GlorotUniform()
  if dtype.kind in "iub" or jnp.issubdtype(dtype, jnp.integer):  # (int4: kind 'V')
    return Zeros()
  raise ValueError(tf_errors.INITIALIZER_REQUIRED % (name, tf_dtype_str(dtype)))
