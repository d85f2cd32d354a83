"""The base of varscope_jax's TF1 initializers: the hashable ``Initializer`` class and helpers.

See ``varscope_jax/_src/initializers.py`` for the public initializers.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
import sys
from typing import TYPE_CHECKING, Any, ClassVar

import jax
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib

FLOAT32 = np.dtype("float32")  # the initializers' default dtype
# scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.), as in TF.
TRUNCATED_STDDEV = 0.87962566103423978


# ----------------------------------------------------------------------------- helpers
def as_numpy_dtype(dtype) -> np.dtype:
  """``dtype`` as a numpy dtype: numpy's names first, then TF's (``"float32_ref"``, ``tf.DType``)."""
  try:
    return np.dtype(dtype)
  except TypeError:
    # "bfloat16" and the other ml_dtypes names; otherwise a TypeError naming the dtype.
    return dtypes_lib.as_dtype(dtype, what="dtype")


def tf_dtype_str(dtype) -> str:
  """Formats a dtype the way TF prints a ``tf.DType``: ``<dtype: 'int32'>``."""
  return f"<dtype: '{np.dtype(dtype).name}'>"


def assert_float_dtype(dtype) -> np.dtype:
  """``dtype`` as a numpy dtype; TF's ``ValueError`` when it is not floating."""
  dtype = as_numpy_dtype(dtype)
  if not dtypes_lib.is_floating(dtype):
    raise ValueError(tf_errors.EXPECTED_FLOAT % tf_dtype_str(dtype))
  return dtype


def canonical_shape(shape) -> tuple[int, ...]:
  """``shape`` (an int or a sequence of ints) as a tuple of non-negative Python ints."""
  if isinstance(shape, (int, np.integer)):
    shape = (shape,)
  try:
    if isinstance(shape, (str, bytes)):
      raise TypeError
    out = tuple(operator.index(d) for d in shape)
  except TypeError:
    raise TypeError(f"shape must be a sequence of ints, such as (3, 4), got {shape!r}.") from None
  if any(d < 0 for d in out):
    raise ValueError(f"shape must have non-negative dimensions, got {out}.")
  return out


def scalar_arg(name: str, value, *, to_float: bool = False):
  """Returns ``value`` as a hashable Python scalar (rejects arrays)."""
  arr = np.asarray(value)
  if arr.ndim != 0 or arr.dtype.kind not in "biuf":
    raise TypeError(f"`{name}` must be a real Python/NumPy scalar, got {value!r}.")
  return float(arr) if to_float else arr.item()


def _seed(seed):
  if seed is None:
    return None
  if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
    raise TypeError(f"`seed` must be an int or None, got {seed!r}.")
  if not -(2**63) <= int(seed) < 2**64:
    raise ValueError(
      f"`seed` {seed} does not fit in 64 bits; use a seed in [-2**63, 2**64) or None."
    )
  return operator.index(seed)


def seeded_key(key, seed):
  """``key`` folded with an initializer's ``seed`` (``key`` itself when the seed is None)."""
  return key if seed is None else jax.random.fold_in(key, seed % (1 << 32))


def sample_dtype(dtype: np.dtype) -> np.dtype:
  """The dtype random samples for ``dtype`` are drawn in.

  Half-precision samples are drawn in float32 then rounded (better tails, same API).
  """
  return FLOAT32 if dtype.itemsize < 4 else dtype


def nested_tuple(x):
  """Nested lists as nested tuples (hashable), anything else as is."""
  return tuple(nested_tuple(v) for v in x) if isinstance(x, list) else x


def compute_fans(shape) -> tuple[int, int]:
  """Computes ``(fan_in, fan_out)`` like TF1's ``init_ops._compute_fans``.

  Args:
    shape: Variable shape. Scalars give ``(1, 1)``; 1-D ``(n, n)``; 2-D
      ``(shape[0], shape[1])``; higher ranks multiply both by the receptive field
      size ``prod(shape[:-2])``.

  Returns:
    A ``(fan_in, fan_out)`` tuple of Python ints.

  >>> compute_fans(()), compute_fans((5,)), compute_fans((3, 4)), compute_fans((2, 2, 3, 4))
  ((1, 1), (5, 5), (3, 4), (12, 16))
  """
  shape = canonical_shape(shape)
  if len(shape) < 1:
    return 1, 1
  if len(shape) == 1:
    return shape[0], shape[0]
  if len(shape) == 2:
    return shape[0], shape[1]
  receptive = math.prod(shape[:-2])
  return shape[-2] * receptive, shape[-1] * receptive


# ------------------------------------------------------------------------- base class
# repr=False: every class uses Initializer.__repr__ (TF1 name + constructor arguments).
if TYPE_CHECKING or sys.version_info >= (3, 11):
  from typing import dataclass_transform
else:

  def dataclass_transform(**kwargs):
    del kwargs
    return lambda decorator: decorator


@dataclass_transform(frozen_default=True)
def initializer_dataclass(cls):
  """A frozen dataclass without a generated ``repr`` (initializers print TF's form)."""
  return dataclasses.dataclass(cls, frozen=True, repr=False)


@initializer_dataclass
class Initializer:
  """Base class of TF1-style initializers: frozen, hashable, ``jax.nn.initializers``-callable.

  Subclasses implement ``_init(key, shape, dtype)`` with a canonical shape tuple and a
  ``numpy.dtype``. Instances compare equal (and hash equal) when their class and
  configuration are equal.

  >>> from varscope_jax.initializers import zeros_initializer
  >>> isinstance(zeros_initializer(), Initializer)
  True
  >>> zeros_initializer().get_config()
  {'dtype': 'float32'}
  """

  _tf_name: ClassVar[str] = "initializer"

  def __call__(self, key, shape, dtype=None) -> jax.Array:
    """Returns a ``jax.Array`` of ``shape`` and ``dtype`` (default: ``self.dtype``)."""
    dtype = as_numpy_dtype(self.dtype if dtype is None else dtype)
    return _jit_init(self, key, canonical_shape(shape), dtype)

  def _init(self, key, shape: tuple[int, ...], dtype: np.dtype) -> jax.Array:
    raise NotImplementedError

  def get_config(self) -> dict[str, Any]:
    """Returns the constructor arguments (dtype as its name), like TF's ``get_config``."""
    config = {}
    for f in dataclasses.fields(self):
      if f.init:
        value = getattr(self, f.name)
        config[f.name] = value.name if isinstance(value, np.dtype) else value
    return config

  @classmethod
  def from_config(cls, config: dict[str, Any]) -> "Initializer":
    """Instantiates an initializer from a ``get_config()`` dictionary."""
    return cls(**config)

  def __repr__(self) -> str:
    args = ", ".join(
      f"{k}={v}" if k == "dtype" else f"{k}={v!r}" for k, v in self.get_config().items()
    )
    return f"{self._tf_name}({args})"


# One XLA computation per (initializer, shape, dtype): eager calls, calls under jit and
# calls under vmap then get the same XLA simplifications, hence bitwise-equal values.
@functools.partial(jax.jit, static_argnums=(0, 2, 3))
def _jit_init(init: Initializer, key, shape, dtype):
  return init._init(key, shape, dtype)


def check_dtype_and_seed(self, *, floating: bool = False):
  """An initializer's ``__post_init__`` step: its ``dtype`` as a numpy dtype (floating when
  ``floating``) and its ``seed``, if it has one, checked."""
  dtype = self.dtype
  if floating:
    object.__setattr__(self, "dtype", assert_float_dtype(dtype))
  elif not isinstance(dtype, np.dtype):
    object.__setattr__(self, "dtype", as_numpy_dtype(dtype))
  if "seed" in self.__dataclass_fields__:
    object.__setattr__(self, "seed", _seed(self.seed))


def is_initializer(obj) -> bool:
  """Returns whether ``obj`` is an :class:`Initializer` instance (not a class/callable).

  >>> from varscope_jax.initializers import zeros_initializer
  >>> is_initializer(zeros_initializer()), is_initializer(zeros_initializer), is_initializer(0.5)
  (True, False, False)
  """
  return isinstance(obj, Initializer)
