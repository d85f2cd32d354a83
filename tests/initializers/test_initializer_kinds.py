"""get_variable accepts every kind of initializer a TF1 or JAX user would pass."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import linen as nn

import varscope_jax as vs


def init_one(**kwargs):
  def f():
    return vs.get_variable("v", **kwargs)

  t = vs.transform(f)
  return t.init(jax.random.PRNGKey(0))["v"]


def test_jax_nn_and_flax_initializers_take_a_key():
  a = init_one(shape=[3, 4], initializer=jax.nn.initializers.lecun_normal())
  b = init_one(shape=[3, 4], initializer=nn.initializers.zeros)
  assert a.shape == (3, 4) and float(jnp.abs(a).sum()) > 0
  assert float(jnp.abs(b).sum()) == 0.0


def test_tf_style_callables_take_shape_and_dtype():
  seen = {}

  def tf_init(shape, dtype=None, partition_info=None):
    seen["args"] = (shape, dtype, partition_info)
    return np.full(shape, 7.0)

  v = init_one(shape=[2, 2], initializer=tf_init)
  assert seen["args"] == ([2, 2], np.dtype("float32"), None)
  np.testing.assert_array_equal(v, np.full((2, 2), 7.0, np.float32))
  v = init_one(initializer=lambda: [1.0, 2.0])  # no-argument callable: no shape needed
  np.testing.assert_array_equal(v, [1.0, 2.0])


def test_initializer_class_is_instantiated_and_values_and_arrays_give_the_shape():
  np.testing.assert_array_equal(init_one(shape=[2], initializer=vs.ones_initializer), [1, 1])
  np.testing.assert_array_equal(init_one(initializer=np.arange(3, dtype=np.int32)), [0, 1, 2])
  assert init_one(initializer=5).dtype == jnp.int32
  with pytest.raises(ValueError, match=r"^If initializer is a constant, do not specify shape"):
    init_one(shape=[2], initializer=jnp.ones(2))


def test_scope_initializer_and_dtype_are_inherited():
  def f():
    with vs.variable_scope("s", initializer=vs.constant_initializer(0.5), dtype=vs.float16):
      with vs.variable_scope("inner"):
        return vs.get_variable("v", [2])

  params = vs.transform(f).init(jax.random.PRNGKey(0))
  v = params["s"]["inner"]["v"]
  assert v.dtype == jnp.float16 and v.tolist() == [0.5, 0.5]


def test_eager_variable_assign_methods():
  v = vs.get_variable("v", [2], initializer=vs.zeros_initializer())
  v.assign([1.0, 2.0])
  v.assign_add(1.0)
  v.assign_sub(0.5)
  np.testing.assert_array_equal(v.numpy(), [1.5, 2.5])


def test_key_style_lambda_initializer_with_any_parameter_names():
  def f():
    return vs.get_variable("w", [2, 3], initializer=lambda k, shape, dtype: jnp.ones(shape, dtype))

  p = vs.transform(f).init(jax.random.PRNGKey(0))
  np.testing.assert_array_equal(p["w"], np.ones((2, 3)))
  # A TF-style callable (one required positional: the shape) is still called TF's way.
  g = lambda shape, dtype=None, partition_info=None: np.full(shape, 2.0, np.float32)
  p = vs.transform(lambda: vs.get_variable("v", [2], initializer=g)).init(jax.random.PRNGKey(0))
  np.testing.assert_array_equal(p["v"], [2.0, 2.0])
