"""tf-slim's initializers: ``xavier_initializer`` and contrib's ``variance_scaling_initializer``.

Contrib's variance scaling is not TF core's: ``n`` is the fan (``FAN_IN``, ``FAN_OUT``
or ``FAN_AVG``, with the receptive field multiplied into both fans), ``uniform`` draws
from ``[-sqrt(3 factor / n), sqrt(3 factor / n))`` and the normal variant is a normal
truncated at two standard deviations with ``stddev = sqrt(1.3 factor / n)`` (TF core
divides by .8796 instead, and clamps ``n`` at 1). Values are drawn with JAX's random
numbers, so they follow TF's distribution, not TF's bits.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import jax
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.initializers import base as init_base

_MODES = ("FAN_IN", "FAN_OUT", "FAN_AVG")


def _check_floating(dtype):
  dtype = dtypes_lib.as_dtype(dtype)
  if not dtypes_lib.is_floating(dtype):
    raise TypeError(tf_errors.NON_FLOAT_INITIALIZER)
  return dtype


@init_base.initializer_dataclass
class ContribVarianceScaling(init_base.Initializer):
  """contrib's variance scaling (see the module docstring); ``xavier_initializer`` is
  ``factor=1.0, mode="FAN_AVG"``."""

  factor: float = 2.0
  mode: str = "FAN_IN"
  uniform: bool = False
  seed: int | None = None
  dtype: Any = np.dtype("float32")
  _tf_name: ClassVar[str] = "variance_scaling_initializer"

  def __post_init__(self):
    if isinstance(self.factor, bool) or not isinstance(self.factor, (int, float, np.number)):
      raise TypeError(
        "variance_scaling_initializer: factor must be a number such as 2.0, "
        "got %r." % (self.factor,)
      )
    object.__setattr__(self, "factor", float(self.factor))
    object.__setattr__(self, "uniform", bool(self.uniform))
    object.__setattr__(self, "dtype", _check_floating(self.dtype))
    if self.mode not in _MODES:
      raise TypeError(tf_errors.UNKNOWN_FAN_MODE % (self.mode,))
    if self.seed is not None and (
      isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer))
    ):
      raise TypeError(
        "variance_scaling_initializer: seed must be an int or None, got %r." % (self.seed,)
      )

  def stddev_or_limit(self, shape) -> float:
    """The uniform limit or the (pre-truncation) normal stddev for ``shape``.

    >>> from varscope_jax.contrib import layers
    >>> layers.variance_scaling_initializer(factor=3.0, uniform=True).stddev_or_limit((9, 4))
    1.0
    """
    dims: list[int] = [int(d) for d in shape]
    if dims:
      fan_in = float(dims[-2]) if len(dims) > 1 else float(dims[-1])
      fan_out = float(dims[-1])
    else:
      fan_in = fan_out = 1.0
    for dim in dims[:-2]:
      fan_in *= float(dim)
      fan_out *= float(dim)
    n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[self.mode]
    if n <= 0:
      raise ValueError(
        "variance_scaling_initializer: shape %s has a zero fan (%s), so the "
        "scale factor / n is undefined." % (dims, self.mode)
      )
    if self.uniform:
      return math.sqrt(3.0 * self.factor / n)
    return math.sqrt(1.3 * self.factor / n)

  def _init(self, key, shape, dtype):
    _check_floating(dtype)
    key = init_base.seeded_key(key, self.seed)
    v = self.stddev_or_limit(shape)
    if self.uniform:
      return jax.random.uniform(key, shape, dtype, -v, v)
    sample = init_base.sample_dtype(np.dtype(dtype))
    return (jax.random.truncated_normal(key, -2.0, 2.0, shape, sample) * v).astype(dtype)


def variance_scaling_initializer(
  factor=2.0, mode="FAN_IN", uniform=False, seed=None, dtype=dtypes_lib.float32
):
  """contrib's ``variance_scaling_initializer`` (He et al. by default: ``factor=2.0``,
  ``FAN_IN``, truncated normal with ``stddev = sqrt(1.3 * factor / n)``).

  Raises:
    TypeError: TF's ``Cannot create initializer for non-floating point type.`` or
      ``Unknown mode ...``.

  >>> import jax
  >>> from varscope_jax.contrib import layers
  >>> init = layers.variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=True)
  >>> w = init(jax.random.PRNGKey(0), (3, 3, 8, 16))
  >>> bool(abs(w).max() <= (3.0 / (9 * 12)) ** 0.5)
  True
  """
  return ContribVarianceScaling(factor=factor, mode=mode, uniform=uniform, seed=seed, dtype=dtype)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes_lib.float32):
  """Glorot/Xavier: ``variance_scaling_initializer(1.0, "FAN_AVG", uniform)``, the slim
  layers' default ``weights_initializer``.

  >>> from varscope_jax.contrib import layers
  >>> layers.xavier_initializer().stddev_or_limit((4, 2))
  1.0
  """
  return variance_scaling_initializer(
    factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype
  )


xavier_initializer_conv2d = xavier_initializer
