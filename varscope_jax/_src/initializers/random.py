"""TF1's random initializers: normal, truncated normal, uniform, variance scaling, glorot,
orthogonal (``tf.compat.v1.initializers``), as hashable JAX initializers."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.initializers.base import (
  FLOAT32,
  Initializer,
  TRUNCATED_STDDEV,
  assert_float_dtype,
  check_dtype_and_seed,
  compute_fans,
  initializer_dataclass,
  sample_dtype,
  scalar_arg,
  seeded_key,
  tf_dtype_str,
)


# --------------------------------------------------------------------- random initializers
def _mean_stddev_post_init(self):
  """Shared by the normal initializers: scalar mean/stddev, floating dtype, seed."""
  object.__setattr__(self, "mean", scalar_arg("mean", self.mean, to_float=True))
  object.__setattr__(self, "stddev", scalar_arg("stddev", self.stddev, to_float=True))
  check_dtype_and_seed(self, floating=True)


@initializer_dataclass
class RandomNormal(Initializer):
  """Normal-distribution initializer (TF1 ``random_normal_initializer``).

  Args:
    mean: Mean of the distribution.
    stddev: Standard deviation of the distribution.
    seed: Optional int folded into the key (``jax.random.fold_in``); it cannot
      reproduce TF's values, but changes the values deterministically.
    dtype: Default dtype; must be floating point.

  >>> import jax
  >>> x = random_normal_initializer(stddev=0.1)(jax.random.PRNGKey(0), (2, 3), jnp.bfloat16)
  >>> x.shape, x.dtype
  ((2, 3), dtype(bfloat16))
  """

  mean: float = 0.0
  stddev: float = 1.0
  seed: int | None = None
  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "random_normal_initializer"

  def __post_init__(self):
    _mean_stddev_post_init(self)

  def _init(self, key, shape, dtype):
    assert_float_dtype(dtype)
    x = jax.random.normal(seeded_key(key, self.seed), shape, sample_dtype(dtype))
    return (x * self.stddev + self.mean).astype(dtype)


@initializer_dataclass
class TruncatedNormal(Initializer):
  """Truncated-normal initializer (TF1 ``truncated_normal_initializer``).

  Samples a normal distribution truncated at two standard deviations from the mean.

  Args:
    mean: Mean of the (untruncated) distribution.
    stddev: Standard deviation of the (untruncated) distribution.
    seed: Optional int folded into the key (see :class:`RandomNormal`).
    dtype: Default dtype; must be floating point.

  >>> import jax
  >>> x = truncated_normal_initializer(stddev=0.5)(jax.random.PRNGKey(0), (1000,))
  >>> bool(abs(x).max() <= 1.0)
  True
  """

  mean: float = 0.0
  stddev: float = 1.0
  seed: int | None = None
  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "truncated_normal_initializer"

  def __post_init__(self):
    _mean_stddev_post_init(self)

  def _init(self, key, shape, dtype):
    assert_float_dtype(dtype)
    x = jax.random.truncated_normal(
      seeded_key(key, self.seed), -2.0, 2.0, shape, sample_dtype(dtype)
    )
    return (x * self.stddev + self.mean).astype(dtype)


@initializer_dataclass
class RandomUniform(Initializer):
  """Uniform initializer on ``[minval, maxval)`` (TF1 ``random_uniform_initializer``).

  Args:
    minval: Lower bound (inclusive).
    maxval: Upper bound (exclusive); ``None`` means 1 for floating dtypes and is an
      error for integer dtypes.
    seed: Optional int folded into the key (see :class:`RandomNormal`).
    dtype: Default dtype; floating point or integer (not bool).

  >>> import jax
  >>> x = random_uniform_initializer(0, 10, dtype=jnp.int32)(jax.random.PRNGKey(0), (100,))
  >>> x.dtype, bool((x >= 0).all() & (x < 10).all())
  (dtype('int32'), True)
  """

  minval: float = 0
  maxval: float | None = None
  seed: int | None = None
  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "random_uniform_initializer"

  def __post_init__(self):
    object.__setattr__(self, "minval", scalar_arg("minval", self.minval))
    if self.maxval is not None:
      object.__setattr__(self, "maxval", scalar_arg("maxval", self.maxval))
    check_dtype_and_seed(self)
    self._check_dtype(self.dtype)

  @staticmethod
  def _check_dtype(dtype):
    if dtype.kind not in "fiu" and not dtypes_lib.is_floating(dtype):
      raise ValueError(
        "random_uniform_initializer requires a floating point or integer dtype, "
        f"got {tf_dtype_str(dtype)}."
      )

  def _init(self, key, shape, dtype):
    self._check_dtype(dtype)
    key = seeded_key(key, self.seed)
    if dtypes_lib.is_floating(dtype):
      maxval = 1.0 if self.maxval is None else self.maxval
      # TF's rule, rnd * (maxval - minval) + minval (jax.random.uniform would also
      # clamp at minval: all values equal minval when minval > maxval).
      unit = jax.random.uniform(key, shape, dtype)
      return (
        unit * (jnp.asarray(maxval, dtype) - jnp.asarray(self.minval, dtype))
        + jnp.asarray(self.minval, dtype)
      ).astype(dtype)
    if self.maxval is None:
      raise ValueError(tf_errors.MAXVAL_FOR_INTEGER % tf_dtype_str(dtype))
    bounds = []
    for name, v in (("minval", self.minval), ("maxval", self.maxval)):
      if float(v) != int(v):
        raise TypeError(f"`{name}`={v!r} is not an integer for dtype {dtype.name}.")
      bounds.append(int(v))
    return jax.random.randint(key, shape, bounds[0], bounds[1], dtype)


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")


@initializer_dataclass
class VarianceScaling(Initializer):
  """Variance-scaling initializer with TF1 (v1) rules (``variance_scaling_initializer``).

  ``n`` is ``fan_in``, ``fan_out`` or their average (see :func:`compute_fans`), and
  ``s = scale / max(1, n)``. ``"normal"`` and ``"truncated_normal"`` draw a normal
  truncated at 2 stddev with ``stddev = sqrt(s) / .87962566103423978``;
  ``"untruncated_normal"`` uses ``stddev = sqrt(s)``; ``"uniform"`` draws from
  ``[-sqrt(3 s), sqrt(3 s))``.

  Args:
    scale: Positive scaling factor.
    mode: One of ``"fan_in"``, ``"fan_out"``, ``"fan_avg"``.
    distribution: One of ``"normal"``, ``"truncated_normal"``,
      ``"untruncated_normal"``, ``"uniform"`` (case-insensitive).
    seed: Optional int folded into the key (see :class:`RandomNormal`).
    dtype: Default dtype; must be floating point.

  Raises:
    ValueError: For a non-positive scale, unknown mode or distribution, or a
      non-floating dtype.

  >>> import jax
  >>> init = variance_scaling_initializer(2.0, distribution="uniform")
  >>> init(jax.random.PRNGKey(0), (3, 3, 16, 32)).shape
  (3, 3, 16, 32)
  """

  scale: float = 1.0
  mode: str = "fan_in"
  distribution: str = "truncated_normal"
  seed: int | None = None
  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "variance_scaling_initializer"

  def __post_init__(self):
    scale = scalar_arg("scale", self.scale, to_float=True)
    if scale <= 0.0:
      raise ValueError(tf_errors.SCALE_POSITIVE)
    if self.mode not in _MODES:
      raise ValueError(tf_errors.INVALID_MODE % (self.mode,))
    distribution = str(self.distribution).lower()
    if distribution not in _DISTRIBUTIONS:
      raise ValueError(tf_errors.INVALID_DISTRIBUTION % (self.distribution,))
    object.__setattr__(self, "scale", scale)
    object.__setattr__(self, "distribution", distribution)
    check_dtype_and_seed(self, floating=True)

  def stddev_or_limit(self, shape) -> float:
    """Returns the stddev (normal variants) or the limit (uniform) for ``shape``.

    >>> variance_scaling_initializer(3.0, "fan_out", "uniform").stddev_or_limit((4, 9))
    1.0
    """
    fan_in, fan_out = compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
    s = self.scale / max(1.0, n[self.mode])
    if self.distribution in ("normal", "truncated_normal"):
      return math.sqrt(s) / TRUNCATED_STDDEV
    if self.distribution == "untruncated_normal":
      return math.sqrt(s)
    return math.sqrt(3.0 * s)

  def _init(self, key, shape, dtype):
    assert_float_dtype(dtype)
    key, v = seeded_key(key, self.seed), self.stddev_or_limit(shape)
    if self.distribution == "uniform":
      return jax.random.uniform(key, shape, dtype, -v, v)
    sd = sample_dtype(dtype)
    if self.distribution == "untruncated_normal":
      x = jax.random.normal(key, shape, sd)
    else:
      x = jax.random.truncated_normal(key, -2.0, 2.0, shape, sd)
    return (x * v).astype(dtype)


@initializer_dataclass
class GlorotUniform(VarianceScaling):
  """Glorot/Xavier uniform initializer (TF1 ``glorot_uniform_initializer``).

  Same as ``variance_scaling_initializer(1.0, "fan_avg", "uniform")``; the default
  initializer of ``get_variable`` for floating dtypes.

  Args:
    seed: Optional int folded into the key (see :class:`RandomNormal`).
    dtype: Default dtype; must be floating point.

  >>> import jax
  >>> glorot_uniform_initializer()(jax.random.PRNGKey(0), (6, 2)).shape
  (6, 2)
  """

  scale: float = dataclasses.field(default=1.0, init=False)
  mode: str = dataclasses.field(default="fan_avg", init=False)
  distribution: str = dataclasses.field(default="uniform", init=False)
  _tf_name: ClassVar[str] = "glorot_uniform_initializer"


@initializer_dataclass
class GlorotNormal(VarianceScaling):
  """Glorot/Xavier (truncated) normal initializer (TF1 ``glorot_normal_initializer``).

  Same as ``variance_scaling_initializer(1.0, "fan_avg", "truncated_normal")``.

  Args:
    seed: Optional int folded into the key (see :class:`RandomNormal`).
    dtype: Default dtype; must be floating point.

  >>> import jax
  >>> glorot_normal_initializer(seed=3)(jax.random.PRNGKey(0), (6, 2)).shape
  (6, 2)
  """

  scale: float = dataclasses.field(default=1.0, init=False)
  mode: str = dataclasses.field(default="fan_avg", init=False)
  distribution: str = dataclasses.field(default="truncated_normal", init=False)
  _tf_name: ClassVar[str] = "glorot_normal_initializer"


@initializer_dataclass
class Orthogonal(Initializer):
  """Orthogonal-matrix initializer (TF1 ``orthogonal_initializer``).

  TF's algorithm: view the shape as ``(prod(shape[:-1]), shape[-1])``, draw a normal
  matrix of shape ``(max, min)``, take its QR decomposition, multiply ``Q`` by
  ``sign(diag(R))``, transpose if there are fewer rows than columns, reshape and
  multiply by ``gain``. Rows (or columns, whichever are fewer) are orthonormal.

  Args:
    gain: Multiplicative factor applied to the orthogonal matrix.
    seed: Optional int folded into the key (see :class:`RandomNormal`).
    dtype: Default dtype; must be floating point.

  Raises:
    ValueError: If the shape has rank < 2 or the dtype is not floating point.

  >>> import jax
  >>> q = orthogonal_initializer()(jax.random.PRNGKey(0), (4, 4))
  >>> bool(jnp.allclose(q.T @ q, jnp.eye(4), atol=1e-5))
  True
  """

  gain: float = 1.0
  seed: int | None = None
  dtype: Any = FLOAT32
  _tf_name: ClassVar[str] = "orthogonal_initializer"

  def __post_init__(self):
    object.__setattr__(self, "gain", scalar_arg("gain", self.gain, to_float=True))
    check_dtype_and_seed(self, floating=True)

  def _init(self, key, shape, dtype):
    assert_float_dtype(dtype)
    if len(shape) < 2:
      raise ValueError(tf_errors.ORTHOGONAL_RANK)
    num_rows, num_cols = math.prod(shape[:-1]), shape[-1]
    if num_rows * num_cols == 0:
      return jnp.zeros(shape, dtype)
    flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
    a = jax.random.normal(seeded_key(key, self.seed), flat_shape, sample_dtype(dtype))
    q, r = jnp.linalg.qr(a, mode="reduced")
    q = q * jnp.sign(jnp.diagonal(r))
    if num_rows < num_cols:
      q = q.T
    return (self.gain * q.reshape(shape)).astype(dtype)


random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
random_uniform_initializer = RandomUniform
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
