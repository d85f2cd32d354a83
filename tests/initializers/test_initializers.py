"""Tests for varscope_jax._src.initializers (TF1 initializers on JAX)."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import varscope_jax as vs
from varscope_jax._src import initializers as I
from varscope_jax._src.initializers.base import TRUNCATED_STDDEV

KEY = jax.random.PRNGKey(42)
BIG = (400, 500)  # 200k samples for statistics


def _bits(x):
  return np.asarray(x).view(np.uint8)


SHAPE = (3, 5)  # shared by most tests so compiled initializers are reused
ALL_INITS = [
  I.zeros_initializer(),
  I.ones_initializer(),
  I.constant_initializer([1.0, 2.0, 3.0]),
  I.random_normal_initializer(0.5, 0.3, seed=7),
  I.truncated_normal_initializer(0.1, 0.2),
  I.random_uniform_initializer(-1.0, 2.0),
  I.random_uniform_initializer(-3, 9, dtype=jnp.int32),
  I.variance_scaling_initializer(2.0, "fan_out", "normal"),
  I.variance_scaling_initializer(0.5, "fan_avg", "untruncated_normal"),
  I.variance_scaling_initializer(3.0, "fan_in", "uniform", seed=1),
  I.glorot_uniform_initializer(),
  I.glorot_normal_initializer(),
  I.orthogonal_initializer(gain=2.0, seed=3),
]
FLOAT_INITS = [i for i in ALL_INITS if i.dtype.kind == "f"]


# ----------------------------------------------------------------------------- vmap / jit
@pytest.mark.parametrize("init", ALL_INITS, ids=repr)
def test_vmap_over_keys_is_bitwise_identical(init):
  keys = jax.random.split(KEY, 3)
  single = np.stack([np.asarray(init(k, SHAPE)) for k in keys])
  batched = jax.vmap(lambda k: init(k, SHAPE))(keys)
  assert batched.shape == (3,) + SHAPE and batched.dtype == init.dtype
  np.testing.assert_array_equal(_bits(batched), _bits(single))


@pytest.mark.slow
@pytest.mark.parametrize(
  "init,dtype",
  [
    (ALL_INITS[2], None),
    (ALL_INITS[3], jnp.bfloat16),
    (ALL_INITS[8], None),
    (ALL_INITS[8], jnp.float16),
    (ALL_INITS[12], jnp.bfloat16),
  ],
  ids=repr,
)
def test_jit_vmap_matches_eager_calls(init, dtype):
  keys = jax.random.split(KEY, 3)
  single = np.stack([np.asarray(init(k, (5, 3), dtype)) for k in keys])
  batched = jax.jit(jax.vmap(lambda k: init(k, (5, 3), dtype)))(keys)
  np.testing.assert_array_equal(_bits(batched), _bits(single))


@pytest.mark.slow
@pytest.mark.parametrize("init", [ALL_INITS[i] for i in (3, 6, 10)], ids=repr)
def test_jit_static_args_and_keys_differ(init):
  f = jax.jit(init, static_argnums=(1, 2))
  k1, k2 = jax.random.split(KEY)
  a, b = f(k1, SHAPE, None), f(k2, SHAPE, None)
  np.testing.assert_array_equal(a, init(k1, SHAPE))
  assert not np.array_equal(a, b)


@pytest.mark.slow
def test_typed_keys_work():
  keys = jax.random.split(jax.random.key(0), 3)
  out = jax.vmap(lambda k: I.orthogonal_initializer(seed=2)(k, (3, 3)))(keys)
  assert out.shape == (3, 3, 3)
  x = I.glorot_uniform_initializer()(jax.random.key(1), (2, 2))
  assert x.shape == (2, 2)


@pytest.mark.slow
def test_flax_dense_kernel_init():
  import flax.linen as nn

  model = nn.Dense(
    3, kernel_init=I.glorot_uniform_initializer(), bias_init=I.constant_initializer(0.5)
  )
  params = model.init(KEY, jnp.ones((1, 4)))["params"]
  assert params["kernel"].shape == (4, 3) and params["kernel"].dtype == jnp.float32
  np.testing.assert_array_equal(params["bias"], np.full((3,), 0.5, np.float32))
  limit = math.sqrt(6.0 / 7.0)
  assert np.all(np.abs(params["kernel"]) <= limit)


# ----------------------------------------------------------------------------- statistics
@pytest.mark.slow
def test_random_normal_statistics():
  x = np.asarray(I.random_normal_initializer(1.5, 0.5)(KEY, BIG), np.float64)
  assert abs(x.mean() - 1.5) < 0.005
  assert abs(x.std() / 0.5 - 1) < 0.01
  assert np.abs(x - 1.5).max() > 3 * 0.5  # not truncated


@pytest.mark.slow
def test_truncated_normal_statistics_and_bounds():
  x = np.asarray(I.truncated_normal_initializer(-1.0, 2.0)(KEY, BIG), np.float64)
  assert x.min() >= -5.0 and x.max() <= 3.0
  assert abs(x.mean() + 1.0) < 0.01
  assert abs(x.std() / (2.0 * TRUNCATED_STDDEV) - 1) < 0.01
  assert x.min() < -4.9 and x.max() > 2.9


@pytest.mark.slow
def test_random_uniform_statistics_and_bounds():
  x = np.asarray(I.random_uniform_initializer(-2.0, 3.0)(KEY, BIG), np.float64)
  assert x.min() >= -2.0 and x.max() < 3.0
  assert abs(x.mean() - 0.5) < 0.02
  assert abs(x.std() / (5 / math.sqrt(12)) - 1) < 0.01
  y = np.asarray(I.random_uniform_initializer()(KEY, BIG))
  assert y.min() >= 0.0 and y.max() < 1.0 and abs(y.mean() - 0.5) < 0.01


@pytest.mark.slow
def test_random_uniform_integer():
  x = np.asarray(I.random_uniform_initializer(-3, 4, dtype=jnp.int32)(KEY, (10000,)))
  assert x.dtype == np.int32
  assert set(np.unique(x)) == set(range(-3, 4))
  y = I.random_uniform_initializer(0, 5)(KEY, (10,), jnp.uint8)
  assert y.dtype == jnp.uint8 and int(y.max()) < 5


@pytest.mark.slow
@pytest.mark.parametrize(
  "mode,distribution",
  [
    ("fan_in", "truncated_normal"),
    ("fan_out", "normal"),
    ("fan_avg", "untruncated_normal"),
    ("fan_in", "uniform"),
    ("fan_out", "uniform"),
    ("fan_avg", "truncated_normal"),
  ],
)
def test_variance_scaling_statistics(mode, distribution):
  shape = (300, 700)
  n = {"fan_in": 300, "fan_out": 700, "fan_avg": 500}[mode]
  init = I.variance_scaling_initializer(2.0, mode, distribution)
  x = np.asarray(init(KEY, shape), np.float64)
  target_std = math.sqrt(2.0 / n)  # every distribution has variance scale / n
  assert abs(x.mean()) < 0.01 * target_std
  assert abs(x.std() / target_std - 1) < 0.01
  v = init.stddev_or_limit(shape)
  if distribution == "uniform":
    assert v == pytest.approx(math.sqrt(3 * 2.0 / n))
    assert np.abs(x).max() <= v
  elif distribution == "untruncated_normal":
    assert v == pytest.approx(math.sqrt(2.0 / n))
    assert np.abs(x).max() > 2 * v
  else:
    assert v == pytest.approx(math.sqrt(2.0 / n) / 0.87962566103423978)
    assert np.abs(x).max() <= 2 * v * (1 + 1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("mode,n", [("fan_in", 360), ("fan_out", 540), ("fan_avg", 450)])
def test_variance_scaling_conv_fans(mode, n):
  shape = (3, 3, 40, 60)  # receptive field 9: fan_in 360, fan_out 540
  init = I.variance_scaling_initializer(1.5, mode, "untruncated_normal")
  assert init.stddev_or_limit(shape) == pytest.approx(math.sqrt(1.5 / n))
  if mode == "fan_avg":
    x = np.asarray(init(KEY, shape), np.float64)
    assert abs(x.std() / math.sqrt(1.5 / n) - 1) < 0.02


def test_variance_scaling_small_fans_use_max_one():
  init = I.variance_scaling_initializer(4.0, "fan_in", "uniform")
  assert init.stddev_or_limit(()) == pytest.approx(math.sqrt(12.0))
  assert init.stddev_or_limit((0, 5)) == pytest.approx(math.sqrt(12.0))


@pytest.mark.slow
def test_glorot_equals_variance_scaling():
  np.testing.assert_array_equal(
    I.glorot_uniform_initializer()(KEY, SHAPE),
    I.variance_scaling_initializer(1.0, "fan_avg", "uniform")(KEY, SHAPE),
  )
  np.testing.assert_array_equal(
    I.glorot_normal_initializer()(KEY, SHAPE),
    I.variance_scaling_initializer(1.0, "fan_avg", "truncated_normal")(KEY, SHAPE),
  )
  g = I.glorot_uniform_initializer()
  assert (g.scale, g.mode, g.distribution) == (1.0, "fan_avg", "uniform")
  assert isinstance(g, I.VarianceScaling)


@pytest.mark.slow
@given(st.lists(st.integers(0, 6), min_size=0, max_size=5))
@settings(max_examples=60, deadline=None)
def test_compute_fans_matches_tf_rule(shape):
  fan_in, fan_out = I.compute_fans(shape)
  if not shape:
    assert (fan_in, fan_out) == (1, 1)
  elif len(shape) == 1:
    assert fan_in == fan_out == shape[0]
  else:
    rf = math.prod(shape[:-2])
    assert (fan_in, fan_out) == (shape[-2] * rf, shape[-1] * rf)


# ----------------------------------------------------------------------------- orthogonal
@pytest.mark.slow
@pytest.mark.parametrize(
  "shape,gain", [((5, 3), 1.0), ((3, 5), 2.5), ((4, 4), 1.0), ((2, 3, 4), 2.0), ((2, 2, 3, 9), 1.0)]
)
def test_orthogonal(shape, gain):
  q = np.asarray(I.orthogonal_initializer(gain)(KEY, shape), np.float64)
  assert q.shape == shape
  m = q.reshape(-1, shape[-1])
  gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
  np.testing.assert_allclose(gram, gain**2 * np.eye(gram.shape[0]), atol=1e-4 * gain**2)


@pytest.mark.slow
@given(st.lists(st.integers(1, 6), min_size=2, max_size=4))
@settings(max_examples=6, deadline=None)
def test_orthogonal_hypothesis(shape):
  q = np.asarray(I.orthogonal_initializer(seed=1)(KEY, tuple(shape)), np.float64)
  m = q.reshape(-1, shape[-1])
  gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
  np.testing.assert_allclose(gram, np.eye(gram.shape[0]), atol=1e-4)


@pytest.mark.slow
def test_orthogonal_follows_tf_algorithm():
  # TF: normal of (max, min), QR, sign by diag(r), transpose when rows < cols.
  a = jax.random.normal(KEY, (5, 2))
  q, r = np.linalg.qr(np.asarray(a, np.float64))
  expected = (q * np.sign(np.diag(r))).T
  got = np.asarray(I.orthogonal_initializer()(KEY, (2, 5)))
  np.testing.assert_allclose(got, expected, atol=1e-5)


def test_orthogonal_errors_and_edge_cases():
  init = I.orthogonal_initializer()
  for shape in [(), (4,)]:
    with pytest.raises(ValueError, match="must be at least two-dimensional"):
      init(KEY, shape)
  assert init(KEY, (0, 3)).shape == (0, 3)
  assert init(KEY, (4, 4), jnp.float16).dtype == jnp.float16


# ----------------------------------------------------------------------------- constant
def test_constant_rules():
  c = I.constant_initializer
  np.testing.assert_array_equal(c(3)(None, (2, 2)), np.full((2, 2), 3.0, np.float32))
  np.testing.assert_array_equal(c(np.arange(6))(KEY, (2, 3), jnp.int32), np.arange(6).reshape(2, 3))
  np.testing.assert_array_equal(
    c([1, 2])(KEY, (2, 3)), np.array([[1, 2, 2], [2, 2, 2]], np.float32)
  )
  np.testing.assert_array_equal(c([[1, 2], [3, 4]])(KEY, (4,)), [1, 2, 3, 4])
  np.testing.assert_array_equal(c([])(KEY, (3,)), np.zeros(3))
  assert c(5)(KEY, (0, 2)).shape == (0, 2)
  assert c(5)(KEY, ()).shape == ()
  np.testing.assert_array_equal(c([True])(KEY, (2,), jnp.bool_), [True, True])
  np.testing.assert_array_equal(c(1)(KEY, (2,), jnp.float32), [1.0, 1.0])  # int -> float ok
  np.testing.assert_array_equal(c(np.float32(0.25))(KEY, (1,)), [0.25])


def test_constant_errors():
  with pytest.raises(
    ValueError, match="Too many elements provided. Needed at most 4, but received 6"
  ):
    I.constant_initializer(np.arange(6))(KEY, (2, 2))
  with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(2, 3\), but got \(6,\)"):
    I.constant_initializer(np.arange(6), verify_shape=True)(KEY, (2, 3))
  assert I.constant_initializer(np.ones((2, 3)), verify_shape=True)(KEY, (2, 3)).shape == (2, 3)
  with pytest.raises(TypeError, match="Expected int32, but got 0.5 of type 'float'."):
    I.constant_initializer(0.5)(KEY, (2,), jnp.int32)
  with pytest.raises(TypeError, match="Expected bool"):
    I.constant_initializer(1)(KEY, (2,), jnp.bool_)
  with pytest.raises(TypeError, match="Invalid type for initial value"):
    I.constant_initializer({"a": 1})
  with pytest.raises(TypeError, match="Invalid type for initial value"):
    I.constant_initializer(jnp.ones(3))


@given(
  st.lists(st.integers(-100, 100), min_size=1, max_size=12),
  st.lists(st.integers(1, 4), min_size=0, max_size=3),
)
@settings(max_examples=60, deadline=None)
def test_constant_padding_hypothesis(values, shape):
  size = math.prod(shape)
  init = I.constant_initializer(values, dtype=jnp.int32)
  if len(values) > size:
    with pytest.raises(ValueError, match=f"Needed at most {size}, but received {len(values)}"):
      init.numpy_value(shape)
    return
  expected = np.array(values + [values[-1]] * (size - len(values)), np.int32).reshape(shape)
  np.testing.assert_array_equal(init.numpy_value(shape), expected)


def test_constant_hash_cache_is_not_pickled():
  import copy
  import pickle

  a = I.constant_initializer([[1, 2], [3, 4]], dtype=jnp.int32)
  h = hash(a)
  b = pickle.loads(pickle.dumps(a))
  assert "_hash_cache" not in b.__dict__ and b == a and hash(b) == h
  assert copy.deepcopy(a) == a
  np.testing.assert_array_equal(b(None, (2, 2)), [[1, 2], [3, 4]])


def test_constant_is_hashable_with_array_values():
  a = I.constant_initializer(np.arange(4.0).reshape(2, 2))
  b = I.constant_initializer([[0.0, 1.0], [2.0, 3.0]])
  assert a == b and hash(a) == hash(b)
  assert a.value == ((0.0, 1.0), (2.0, 3.0)) and a.value_dtype == np.float64
  assert a != I.constant_initializer([[0.0, 1.0], [2.0, 4.0]])
  assert I.constant_initializer([1, 2]) != I.constant_initializer([1.0, 2.0])  # value dtype
  assert a != I.constant_initializer(np.arange(4.0).reshape(2, 2), verify_shape=True)
  assert len({a, b}) == 1


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
  "cls",
  [
    I.random_normal_initializer,
    I.truncated_normal_initializer,
    I.glorot_uniform_initializer,
    I.glorot_normal_initializer,
    I.variance_scaling_initializer,
    I.orthogonal_initializer,
  ],
)
@pytest.mark.parametrize(
  "dtype,name",
  [(jnp.int32, "int32"), (jnp.bool_, "bool"), (jnp.uint8, "uint8"), (jnp.complex64, "complex64")],
)
def test_random_initializers_reject_non_float(cls, dtype, name):
  msg = f"Expected floating point type, got <dtype: '{name}'>"
  with pytest.raises(ValueError, match=msg):
    cls(dtype=dtype)
  with pytest.raises(ValueError, match=msg):
    cls()(KEY, (3, 3), dtype)


def test_random_uniform_errors():
  with pytest.raises(ValueError, match="Must specify maxval for integer dtype <dtype: 'int32'>"):
    I.random_uniform_initializer(dtype=jnp.int32)(KEY, (3,))
  with pytest.raises(ValueError, match="Must specify maxval"):
    I.random_uniform_initializer()(KEY, (3,), jnp.int8)
  with pytest.raises(ValueError, match="<dtype: 'bool'>"):
    I.random_uniform_initializer(dtype=jnp.bool_)
  with pytest.raises(ValueError, match="<dtype: 'bool'>"):
    I.random_uniform_initializer(0, 1)(KEY, (3,), jnp.bool_)
  with pytest.raises(TypeError, match="not an integer"):
    I.random_uniform_initializer(0.5, 3)(KEY, (3,), jnp.int32)
  with pytest.raises(TypeError, match="must be a real"):
    I.random_uniform_initializer(np.zeros(2))


def test_variance_scaling_errors():
  with pytest.raises(ValueError, match="`scale` must be positive float."):
    I.variance_scaling_initializer(0.0)
  with pytest.raises(ValueError, match="`scale` must be positive float."):
    I.variance_scaling_initializer(-1)
  with pytest.raises(ValueError, match="Invalid `mode` argument: fan_sum"):
    I.variance_scaling_initializer(mode="fan_sum")
  with pytest.raises(ValueError, match="Invalid `distribution` argument: gamma"):
    I.variance_scaling_initializer(distribution="gamma")
  assert I.variance_scaling_initializer(distribution="Uniform").distribution == "uniform"


def test_bad_shape_and_seed():
  with pytest.raises(ValueError, match="non-negative"):
    I.zeros_initializer()(KEY, (2, -1))
  with pytest.raises(TypeError):
    I.random_normal_initializer(seed=1.5)
  assert I.zeros_initializer()(KEY, 3).shape == (3,)
  assert I.zeros_initializer()(KEY, [np.int64(2), 3]).shape == (2, 3)


def test_default_initializer():
  for dt in [jnp.float32, jnp.bfloat16, jnp.float16, "float64"]:
    assert I.default_initializer("w", dt) == I.glorot_uniform_initializer()
  for dt in [jnp.int32, jnp.int8, jnp.uint32, jnp.bool_]:
    assert I.default_initializer("w", dt) == I.zeros_initializer()
  with pytest.raises(
    ValueError,
    match=r"An initializer for variable a/b of "
    r"<dtype: 'complex64'> is required",
  ):
    I.default_initializer("a/b", jnp.complex64)
  assert I.is_initializer(I.zeros_initializer())
  assert not I.is_initializer(I.zeros_initializer)
  assert not I.is_initializer(jax.nn.initializers.zeros)
  assert not I.is_initializer(np.zeros(3))


# ----------------------------------------------------------------------------- hash / config
def test_hash_and_equality():
  same = [
    (I.random_normal_initializer(0, 1), I.random_normal_initializer(0.0, 1.0)),
    (I.random_normal_initializer(np.float32(0.5)), I.random_normal_initializer(0.5)),
    (I.zeros_initializer(jnp.float32), I.zeros_initializer("float32")),
    (I.zeros_initializer(np.float32), I.zeros_initializer(np.dtype("float32"))),
    (
      I.variance_scaling_initializer(2.0, "fan_avg", "NORMAL", seed=np.int64(3)),
      I.variance_scaling_initializer(2, "fan_avg", "normal", seed=3),
    ),
    (I.orthogonal_initializer(), I.orthogonal_initializer(1.0, None, jnp.float32)),
  ]
  for a, b in same:
    assert a == b and hash(a) == hash(b)
  different = [
    I.random_normal_initializer(),
    I.random_normal_initializer(stddev=2.0),
    I.random_normal_initializer(seed=1),
    I.random_normal_initializer(dtype=jnp.bfloat16),
    I.truncated_normal_initializer(),
    I.glorot_uniform_initializer(),
    I.variance_scaling_initializer(1.0, "fan_avg", "uniform"),
    I.zeros_initializer(),
    I.zeros_initializer(jnp.int32),
    I.ones_initializer(),
    I.constant_initializer(0),
    I.constant_initializer(0.0),
    I.orthogonal_initializer(),
  ]
  assert len(set(different)) == len(different)
  with pytest.raises(AttributeError):
    I.zeros_initializer().dtype = np.dtype("int32")


@pytest.mark.parametrize("init", ALL_INITS, ids=repr)
def test_config_round_trip_and_repr(init):
  config = init.get_config()
  assert isinstance(config["dtype"], str)
  again = type(init).from_config(config)
  assert again == init and hash(again) == hash(init)
  text = repr(init)
  assert text.startswith(type(init)._tf_name + "(") and "dtype=" in text
  assert eval(text, {**vars(I), "float32": "float32", "int32": "int32"}) == init


def test_config_contents():
  assert I.glorot_uniform_initializer(seed=2).get_config() == {"seed": 2, "dtype": "float32"}
  assert I.variance_scaling_initializer().get_config() == {
    "scale": 1.0,
    "mode": "fan_in",
    "distribution": "truncated_normal",
    "seed": None,
    "dtype": "float32",
  }
  assert I.random_uniform_initializer().get_config() == {
    "minval": 0,
    "maxval": None,
    "seed": None,
    "dtype": "float32",
  }
  assert repr(I.random_normal_initializer()) == (
    "random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=float32)"
  )
  assert repr(I.zeros_initializer(jnp.bfloat16)) == "zeros_initializer(dtype=bfloat16)"


# ----------------------------------------------------------------------------- seed / dtype
@pytest.mark.slow
def test_seed_is_folded_into_key():
  shape = (4, 4)
  a = I.random_normal_initializer(seed=5)(KEY, shape)
  np.testing.assert_array_equal(a, I.random_normal_initializer(seed=5)(KEY, shape))
  np.testing.assert_array_equal(a, I.random_normal_initializer()(jax.random.fold_in(KEY, 5), shape))
  assert not np.array_equal(a, I.random_normal_initializer(seed=6)(KEY, shape))
  assert not np.array_equal(a, I.random_normal_initializer()(KEY, shape))
  big = I.random_normal_initializer(seed=2**40 + 5)(KEY, shape)  # reduced modulo 2**32
  np.testing.assert_array_equal(big, a)
  I.random_normal_initializer(seed=-1)(KEY, shape)


@pytest.mark.parametrize(
  "init,dtype",
  [(init, (jnp.bfloat16, jnp.float16)[i % 2]) for i, init in enumerate(FLOAT_INITS)],
  ids=repr,
)
def test_half_precision_dtypes(init, dtype):
  x = init(KEY, SHAPE, dtype)
  assert x.dtype == dtype and x.shape == SHAPE
  assert bool(jnp.all(jnp.isfinite(x.astype(jnp.float32))))


@pytest.mark.slow
@pytest.mark.parametrize("init", [ALL_INITS[i] for i in (1, 4, 12)], ids=repr)
def test_dtype_none_uses_own_dtype(init):
  own = type(init).from_config({**init.get_config(), "dtype": "bfloat16"})
  assert own.dtype == jnp.bfloat16
  x = own(KEY, (5, 3))
  assert x.dtype == jnp.bfloat16
  np.testing.assert_array_equal(_bits(x), _bits(init(KEY, (5, 3), jnp.bfloat16)))


@pytest.mark.slow
def test_half_precision_statistics():
  x = I.truncated_normal_initializer(stddev=0.5)(KEY, BIG, jnp.bfloat16)
  x = np.asarray(x.astype(jnp.float32))
  assert np.abs(x).max() <= 1.0
  assert abs(x.std() / (0.5 * TRUNCATED_STDDEV) - 1) < 0.02
  u = np.asarray(I.random_uniform_initializer(-1.0, 1.0)(KEY, BIG, jnp.float16), np.float32)
  assert u.min() >= -1.0 and u.max() <= 1.0 and abs(u.std() - 1 / math.sqrt(3)) < 0.01


def test_integer_and_bool_dtypes_for_zeros_ones():
  assert I.zeros_initializer(jnp.int8)(KEY, (2,)).dtype == jnp.int8
  np.testing.assert_array_equal(I.ones_initializer()(KEY, (2,), jnp.bool_), [True, True])
  np.testing.assert_array_equal(I.ones_initializer()(KEY, (2,), jnp.uint16), [1, 1])


def test_public_namespace():
  from varscope_jax import initializers as pub

  names = [
    "constant",
    "zeros",
    "ones",
    "random_normal",
    "truncated_normal",
    "random_uniform",
    "glorot_uniform",
    "glorot_normal",
    "variance_scaling",
    "orthogonal",
  ]
  for name in names:
    assert getattr(pub, name) is getattr(I, name + "_initializer")
    assert issubclass(getattr(pub, name), pub.Initializer)
  for name in pub.__all__:
    assert hasattr(pub, name)


@pytest.mark.slow
def test_random_uniform_with_minval_above_maxval_is_tfs_formula():
  x = np.asarray(vs.random_uniform_initializer(5, 1)(jax.random.PRNGKey(0), (1000,)))
  assert x.min() > 1.0 and x.max() <= 5.0 and x.std() > 0.5  # TF: rnd*(1-5)+5
  y = np.asarray(vs.random_uniform_initializer(1, 5)(jax.random.PRNGKey(0), (1000,)))
  ref = np.asarray(jax.random.uniform(jax.random.PRNGKey(0), (1000,), minval=1, maxval=5))
  np.testing.assert_array_equal(y, ref)  # unchanged where ordered
