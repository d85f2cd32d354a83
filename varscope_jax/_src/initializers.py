"""TensorFlow 1 initializers (``tf.compat.v1.initializers``) as hashable JAX initializers.

Every initializer is a frozen, hashable dataclass with TF1's constructor signature
and defaults, called like ``jax.nn.initializers``: ``init(key, shape, dtype=None)``.
``dtype=None`` uses the initializer's own ``dtype``. Calls are pure, jittable and
give bitwise identical values under ``jax.vmap`` over keys.

TF's op-level ``seed`` cannot reproduce TF's random values in JAX. When a ``seed``
is given it is folded into the key (``jax.random.fold_in(key, seed % 2**32)``), so
it changes the values deterministically; randomness always comes from ``key``.

>>> import jax
>>> init = glorot_uniform_initializer()
>>> init
glorot_uniform_initializer(seed=None, dtype=float32)
>>> w = init(jax.random.PRNGKey(0), (3, 4))
>>> w.shape, w.dtype
((3, 4), dtype('float32'))
>>> hash(init) == hash(glorot_uniform_initializer())
True
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "Initializer", "Constant", "Zeros", "Ones", "RandomNormal", "TruncatedNormal",
    "RandomUniform", "VarianceScaling", "GlorotUniform", "GlorotNormal", "Orthogonal",
    "constant_initializer", "zeros_initializer", "ones_initializer",
    "random_normal_initializer", "truncated_normal_initializer", "random_uniform_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
    "orthogonal_initializer", "is_initializer", "default_initializer", "compute_fans",
]

_FLOAT32 = np.dtype("float32")
# scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.), as in TF.
_TRUNCATED_STDDEV = 0.87962566103423978


# ----------------------------------------------------------------------------- helpers
def _as_dtype(dtype) -> np.dtype:
    return np.dtype(dtype)


def _tf_dtype_str(dtype) -> str:
    """Formats a dtype the way TF prints a ``tf.DType``: ``<dtype: 'int32'>``."""
    return f"<dtype: '{np.dtype(dtype).name}'>"


def _is_float(dtype) -> bool:
    return jnp.issubdtype(dtype, jnp.floating)


def _assert_float_dtype(dtype) -> np.dtype:
    dtype = _as_dtype(dtype)
    if not _is_float(dtype):
        raise ValueError(f"Expected floating point type, got {_tf_dtype_str(dtype)}.")
    return dtype


def _canonical_shape(shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    out = tuple(operator.index(d) for d in shape)
    if any(d < 0 for d in out):
        raise ValueError(f"Shape dimensions must be non-negative, got {out}.")
    return out


def _scalar(name: str, value, *, to_float: bool = False):
    """Returns ``value`` as a hashable Python scalar (rejects arrays)."""
    arr = np.asarray(value)
    if arr.ndim != 0 or arr.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must be a real Python/NumPy scalar, got {value!r}.")
    return float(arr) if to_float else arr.item()


def _seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise TypeError(f"`seed` must be an int or None, got {seed!r}.")
    return operator.index(seed)


def _key(key, seed):
    return key if seed is None else jax.random.fold_in(key, seed % (1 << 32))


def _sample_dtype(dtype: np.dtype) -> np.dtype:
    # Half-precision samples are drawn in float32 then rounded (better tails, same API).
    return _FLOAT32 if dtype.itemsize < 4 else dtype


def _nested_tuple(x):
    return tuple(_nested_tuple(v) for v in x) if isinstance(x, list) else x


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
    shape = _canonical_shape(shape)
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
_dataclass = functools.partial(dataclasses.dataclass, frozen=True, repr=False)


@_dataclass
class Initializer:
    """Base class of TF1-style initializers: frozen, hashable, ``jax.nn.initializers``-callable.

    Subclasses implement ``_init(key, shape, dtype)`` with a canonical shape tuple and a
    ``numpy.dtype``. Instances compare equal (and hash equal) when their class and
    configuration are equal.

    >>> isinstance(zeros_initializer(), Initializer)
    True
    >>> zeros_initializer().get_config()
    {'dtype': 'float32'}
    """

    _tf_name: ClassVar[str] = "initializer"

    def __call__(self, key, shape, dtype=None) -> jax.Array:
        """Returns a ``jax.Array`` of ``shape`` and ``dtype`` (default: ``self.dtype``)."""
        dtype = _as_dtype(self.dtype if dtype is None else dtype)
        return _jit_init(self, key, _canonical_shape(shape), dtype)

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


def _dtype_post_init(self, *, floating: bool = False):
    dtype = _assert_float_dtype(self.dtype) if floating else _as_dtype(self.dtype)
    object.__setattr__(self, "dtype", dtype)
    if hasattr(self, "seed"):
        object.__setattr__(self, "seed", _seed(self.seed))


# ------------------------------------------------------------------ constant / zeros / ones
@_dataclass
class Zeros(Initializer):
    """Initializer that generates zeros (TF1 ``zeros_initializer``); any dtype.

    Args:
      dtype: Default dtype of the result.

    >>> import jax
    >>> zeros_initializer()(jax.random.PRNGKey(0), (2,), jnp.int32)
    Array([0, 0], dtype=int32)
    """

    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "zeros_initializer"

    def __post_init__(self):
        _dtype_post_init(self)

    def _init(self, key, shape, dtype):
        return jnp.zeros(shape, dtype)


@_dataclass
class Ones(Initializer):
    """Initializer that generates ones (TF1 ``ones_initializer``); any dtype.

    Args:
      dtype: Default dtype of the result.

    >>> import jax
    >>> ones_initializer()(jax.random.PRNGKey(0), (2,))
    Array([1., 1.], dtype=float32)
    """

    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "ones_initializer"

    def __post_init__(self):
        _dtype_post_init(self)

    def _init(self, key, shape, dtype):
        return jnp.ones(shape, dtype)


_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}


@_dataclass
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
    dtype: Any = _FLOAT32
    verify_shape: bool = False
    value_dtype: np.dtype = dataclasses.field(init=False, repr=False)
    _tf_name: ClassVar[str] = "constant_initializer"

    def __post_init__(self):
        value = self.value
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray, np.generic))):
            raise TypeError(
                f"Invalid type for initial value: {type(value)} (expected Python scalar, "
                "list or tuple of values, or numpy.ndarray)."
            )
        arr = np.asarray(value)
        if arr.dtype.kind not in _KIND_RANK:
            raise TypeError(f"Unsupported constant value dtype {arr.dtype}: {value!r}.")
        object.__setattr__(self, "value", _nested_tuple(arr.tolist()))
        object.__setattr__(self, "value_dtype", arr.dtype)
        object.__setattr__(self, "verify_shape", bool(self.verify_shape))
        _dtype_post_init(self)

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
        shape = _canonical_shape(shape)
        dtype = _as_dtype(self.dtype if dtype is None else dtype)
        arr = np.asarray(self.value, dtype=self.value_dtype)
        src, dst = arr.dtype.kind, "f" if _is_float(dtype) else dtype.kind
        bad = (dst == "b" and src != "b") or _KIND_RANK[src] > _KIND_RANK.get(dst, 9)
        if bad and arr.size:
            raise TypeError(
                f"Expected {dtype.name}, got {self.value!r} of type '{arr.dtype.name}' instead."
            )
        if self.verify_shape and arr.shape != shape:
            raise TypeError(f"Expected Tensor's shape: {shape}, got {arr.shape}.")
        size = math.prod(shape)
        if size == 0:
            return np.zeros(shape, dtype)
        if arr.size > size:
            raise ValueError(
                f"Too many elements provided. Needed at most {size}, but received {arr.size}"
            )
        flat = arr.astype(dtype).reshape(-1)
        if flat.size < size:
            fill = flat[-1:] if flat.size else np.zeros((1,), dtype)
            flat = np.concatenate([flat, np.repeat(fill, size - flat.size)])
        return flat.reshape(shape)

    def _init(self, key, shape, dtype):
        return jnp.asarray(self.numpy_value(shape, dtype), dtype)


# --------------------------------------------------------------------- random initializers
@_dataclass
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
    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "random_normal_initializer"

    def __post_init__(self):
        object.__setattr__(self, "mean", _scalar("mean", self.mean, to_float=True))
        object.__setattr__(self, "stddev", _scalar("stddev", self.stddev, to_float=True))
        _dtype_post_init(self, floating=True)

    def _init(self, key, shape, dtype):
        _assert_float_dtype(dtype)
        x = jax.random.normal(_key(key, self.seed), shape, _sample_dtype(dtype))
        return (x * self.stddev + self.mean).astype(dtype)


@_dataclass
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
    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "truncated_normal_initializer"

    def __post_init__(self):
        object.__setattr__(self, "mean", _scalar("mean", self.mean, to_float=True))
        object.__setattr__(self, "stddev", _scalar("stddev", self.stddev, to_float=True))
        _dtype_post_init(self, floating=True)

    def _init(self, key, shape, dtype):
        _assert_float_dtype(dtype)
        x = jax.random.truncated_normal(_key(key, self.seed), -2.0, 2.0, shape,
                                        _sample_dtype(dtype))
        return (x * self.stddev + self.mean).astype(dtype)


@_dataclass
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
    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "random_uniform_initializer"

    def __post_init__(self):
        object.__setattr__(self, "minval", _scalar("minval", self.minval))
        if self.maxval is not None:
            object.__setattr__(self, "maxval", _scalar("maxval", self.maxval))
        _dtype_post_init(self)
        self._check_dtype(self.dtype)

    @staticmethod
    def _check_dtype(dtype):
        if dtype.kind not in "fiu" and not _is_float(dtype):
            raise ValueError(
                "random_uniform_initializer requires a floating point or integer dtype, "
                f"got {_tf_dtype_str(dtype)}."
            )

    def _init(self, key, shape, dtype):
        self._check_dtype(dtype)
        key = _key(key, self.seed)
        if _is_float(dtype):
            maxval = 1.0 if self.maxval is None else self.maxval
            return jax.random.uniform(key, shape, dtype, self.minval, maxval)
        if self.maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {_tf_dtype_str(dtype)}")
        bounds = []
        for name, v in (("minval", self.minval), ("maxval", self.maxval)):
            if float(v) != int(v):
                raise TypeError(f"`{name}`={v!r} is not an integer for dtype {dtype.name}.")
            bounds.append(int(v))
        return jax.random.randint(key, shape, bounds[0], bounds[1], dtype)


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")


@_dataclass
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
    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "variance_scaling_initializer"

    def __post_init__(self):
        scale = _scalar("scale", self.scale, to_float=True)
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if self.mode not in _MODES:
            raise ValueError(f"Invalid `mode` argument: {self.mode}")
        distribution = str(self.distribution).lower()
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"Invalid `distribution` argument: {self.distribution}")
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "distribution", distribution)
        _dtype_post_init(self, floating=True)

    def stddev_or_limit(self, shape) -> float:
        """Returns the stddev (normal variants) or the limit (uniform) for ``shape``.

        >>> variance_scaling_initializer(3.0, "fan_out", "uniform").stddev_or_limit((4, 9))
        1.0
        """
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        s = self.scale / max(1.0, n[self.mode])
        if self.distribution in ("normal", "truncated_normal"):
            return math.sqrt(s) / _TRUNCATED_STDDEV
        if self.distribution == "untruncated_normal":
            return math.sqrt(s)
        return math.sqrt(3.0 * s)

    def _init(self, key, shape, dtype):
        _assert_float_dtype(dtype)
        key, v = _key(key, self.seed), self.stddev_or_limit(shape)
        if self.distribution == "uniform":
            return jax.random.uniform(key, shape, dtype, -v, v)
        sd = _sample_dtype(dtype)
        if self.distribution == "untruncated_normal":
            x = jax.random.normal(key, shape, sd)
        else:
            x = jax.random.truncated_normal(key, -2.0, 2.0, shape, sd)
        return (x * v).astype(dtype)


@_dataclass
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


@_dataclass
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


@_dataclass
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
    dtype: Any = _FLOAT32
    _tf_name: ClassVar[str] = "orthogonal_initializer"

    def __post_init__(self):
        object.__setattr__(self, "gain", _scalar("gain", self.gain, to_float=True))
        _dtype_post_init(self, floating=True)

    def _init(self, key, shape, dtype):
        _assert_float_dtype(dtype)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        num_rows, num_cols = math.prod(shape[:-1]), shape[-1]
        if num_rows * num_cols == 0:
            return jnp.zeros(shape, dtype)
        flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
        a = jax.random.normal(_key(key, self.seed), flat_shape, _sample_dtype(dtype))
        q, r = jnp.linalg.qr(a, mode="reduced")
        q = q * jnp.sign(jnp.diagonal(r))
        if num_rows < num_cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)


# ------------------------------------------------------------------------ TF1 names
constant_initializer = Constant
zeros_initializer = Zeros
ones_initializer = Ones
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
random_uniform_initializer = RandomUniform
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal


def is_initializer(obj) -> bool:
    """Returns whether ``obj`` is an :class:`Initializer` instance (not a class/callable).

    >>> is_initializer(zeros_initializer()), is_initializer(zeros_initializer), is_initializer(0.5)
    (True, False, False)
    """
    return isinstance(obj, Initializer)


def default_initializer(name: str, dtype=_FLOAT32) -> Initializer:
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
    dtype = _as_dtype(dtype)
    if _is_float(dtype):
        return GlorotUniform()
    if dtype.kind in "iub":
        return Zeros()
    raise ValueError(f"An initializer for variable {name} of {_tf_dtype_str(dtype)} is required")
