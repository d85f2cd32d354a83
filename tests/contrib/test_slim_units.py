"""vs.contrib.slim beyond the golden programs: arg_scope per thread and after errors,
one object per layer name, initializer distributions, dropout, traced is_training,
documentation of every public name, and one bad call per public name."""

import inspect
import re
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax.contrib import framework, layers, slim


def _public(module):
  for name in module.__all__:
    obj = getattr(module, name)
    if inspect.ismodule(obj) or not callable(obj):
      continue
    if not getattr(obj, "__module__", "").startswith("varscope_jax"):
      continue  # functools.partial shorthands (relu, linear ...)
    yield name, obj


@pytest.mark.parametrize(
  "module", [slim, layers, framework, layers.utils, layers.initializers, layers.regularizers]
)
def test_every_public_name_has_an_example(module):
  missing = [n for n, obj in _public(module) if ">>>" not in (obj.__doc__ or "")]
  assert missing == []


def test_one_object_per_layer_whichever_path():
  assert slim.conv2d is layers.conv2d is layers.convolution2d is slim.convolution2d
  assert slim.separable_conv2d is layers.separable_convolution2d
  assert slim.conv2d_transpose is layers.convolution2d_transpose
  assert slim.layer_norm is vs.contrib.layers.layer_norm
  assert slim.arg_scope is framework.arg_scope
  assert slim.model_variable is framework.model_variable
  assert slim.utils is layers.utils
  assert slim.arg_scope_func_key(slim.conv2d) == slim.arg_scope_func_key(
    inspect.unwrap(slim.conv2d)
  )


def test_arg_scope_is_per_thread():
  seen = {}
  entered, release = threading.Event(), threading.Event()

  def other():
    entered.wait()
    seen["other"] = dict(slim.current_arg_scope())
    release.set()

  t = threading.Thread(target=other)
  t.start()
  with slim.arg_scope([slim.conv2d], padding="VALID"):
    entered.set()
    release.wait()
    seen["main"] = len(slim.current_arg_scope())
  t.join()
  assert seen == {"other": {}, "main": 1}


def test_arg_scope_restored_after_an_error_in_arg_scope():
  with slim.arg_scope([slim.conv2d], padding="VALID"):
    with pytest.raises(ValueError):
      with slim.arg_scope([slim.conv2d, len], stride=2):
        pass
    # tf-slim would pop the outer scope here; the outer scope must still be current.
    assert slim.current_arg_scope()[slim.arg_scope_func_key(slim.conv2d)] == {"padding": "VALID"}
  assert slim.current_arg_scope() == {}


def test_arg_scope_yielded_dict_is_a_copy():
  with slim.arg_scope([slim.conv2d], padding="VALID") as sc:
    pass
  with slim.arg_scope([slim.conv2d], stride=2):
    pass
  assert sc == {slim.arg_scope_func_key(slim.conv2d): {"padding": "VALID"}}


def test_unknown_scoped_argument_names_the_arg_scope():
  with slim.arg_scope([slim.fully_connected], kernel_size=3):
    with pytest.raises(
      TypeError,
      match=r"(?s)^fully_connected\(\) got an unexpected "
      r"keyword argument 'kernel_size'\n.*comes from an arg_scope",
    ):
      vs.transform(lambda x: slim.fully_connected(x, 2)).specs(jnp.ones((2, 3)))


def test_undecorated_function_error():
  def plain(x, y=1):
    return x

  with pytest.raises(
    ValueError,
    match=r"^\('" + re.escape(__name__) + r"', 'plain'\) is not decorated "
    r"with @add_arg_scope\n",
  ):
    with slim.arg_scope([plain], y=2):
      pass


def test_wrong_kernel_rank_on_reuse_names_the_variable():
  def f(x2, x1):
    slim.conv2d(x2, 3, [3, 3], scope="c")
    return slim.conv1d(x1, 3, 3, scope="c", reuse=True)

  with pytest.raises(
    ValueError,
    match=r"^Trying to share variable c/weights, but specified "
    r"shape \(3, 2, 3\) and found shape \(3, 3, 2, 3\)\.",
  ):
    vs.transform(f).specs(jnp.ones((1, 5, 5, 2)), jnp.ones((1, 5, 2)))


@pytest.mark.slow
def test_xavier_and_variance_scaling_distributions():
  key = jax.random.PRNGKey(0)
  w = layers.xavier_initializer()(key, (200, 300))
  limit = np.sqrt(6.0 / 500)
  assert float(jnp.max(jnp.abs(w))) <= limit and float(jnp.max(jnp.abs(w))) > 0.99 * limit
  w = layers.xavier_initializer(uniform=False)(key, (200, 300))
  sd = np.sqrt(1.3 / 250)  # contrib: truncated normal, stddev sqrt(1.3 * factor / n)
  assert float(jnp.max(jnp.abs(w))) <= 2 * sd + 1e-6
  np.testing.assert_allclose(float(jnp.std(w)), sd * 0.8796, rtol=0.02)
  w = layers.variance_scaling_initializer()(key, (3, 3, 64, 32))  # He: 2.0, FAN_IN
  sd = np.sqrt(1.3 * 2.0 / (9 * 64))
  np.testing.assert_allclose(float(jnp.std(w)), sd * 0.8796, rtol=0.03)
  w = layers.variance_scaling_initializer(1.0, "FAN_OUT", True)(key, (3, 3, 64, 32))
  assert float(jnp.max(jnp.abs(w))) <= np.sqrt(3.0 / (9 * 32))


@pytest.mark.slow
def test_slim_layers_use_xavier_by_default():
  t = vs.transform(lambda x: slim.fully_connected(x, 300))
  w = t.init(jax.random.PRNGKey(1), jnp.ones((1, 200)))["fully_connected"]["weights"]
  assert float(jnp.max(jnp.abs(w))) <= np.sqrt(6.0 / 500)


@pytest.mark.slow
def test_dropout_train_and_traced_flag():
  t = vs.transform(lambda x, training: slim.dropout(x, 0.25, is_training=training))
  x = jnp.ones((100, 100))
  y = jax.jit(lambda x, f: t.apply({}, x, f, rng=jax.random.PRNGKey(0)))(x, jnp.array(True))
  values = set(np.unique(np.asarray(y)).tolist())
  assert values == {0.0, 4.0}
  assert abs(float(jnp.mean(y == 4.0)) - 0.25) < 0.02
  y = jax.jit(lambda x, f: t.apply({}, x, f, rng=jax.random.PRNGKey(0)))(x, jnp.array(False))
  np.testing.assert_array_equal(y, x)


@pytest.mark.slow
def test_batch_norm_updates_listed_and_returned():
  def net(x):
    y = slim.batch_norm(x, decay=0.5, updates_collections="mine")
    return y, len(vs.get_collection("mine")), len(vs.get_collection(vs.GraphKeys.UPDATE_OPS))

  t = vs.transform(net)
  x = jnp.arange(12.0).reshape(4, 3)
  params = t.init(jax.random.PRNGKey(0), x)
  (y, n_mine, n_update_ops), new = t.apply(params, x, mutable=True)
  assert (n_mine, n_update_ops) == (2, 0)
  np.testing.assert_allclose(new["BatchNorm"]["moving_mean"], 0.5 * jnp.mean(x, 0))


def test_get_tensor_aliases_of_an_unnamed_array_is_clear():
  vs.reset_default_graph()
  with pytest.raises(ValueError, match=r"has no alias and no name.*collect_named_outputs"):
    slim.utils.get_tensor_aliases(jnp.ones(2))


X4 = jnp.ones((1, 5, 5, 2))
X2 = jnp.ones((2, 3))


def _t(fn, *args):
  return vs.transform(lambda: fn(*args)).specs()


BAD = {
  "conv2d": (
    lambda: _t(slim.conv2d, jnp.ones((5, 5, 2)), 3, 3),
    ValueError,
    r"^Convolution expects input with rank 4, got 3\n\(conv2d in variable scope",
  ),
  "convolution": (
    lambda: _t(slim.convolution, X4, 3, 3, 1, "SAME", "HWC"),
    ValueError,
    r"^Invalid data_format: 'HWC'",
  ),
  "conv2d_transpose": (
    lambda: _t(lambda: slim.conv2d_transpose(X4, 2, 3, data_format="NWC")),
    ValueError,
    r"^data_format has to be either NCHW or NHWC\.",
  ),
  "separable_conv2d": (
    lambda: _t(lambda: slim.separable_conv2d(X4, 2, 3, data_format="NWC")),
    ValueError,
    r"^data_format has to be either NCHW or NHWC\.",
  ),
  "conv2d_in_plane": (
    lambda: _t(slim.conv2d_in_plane, jnp.ones((5, 2)), 3),
    ValueError,
    r"^rank of shape must be at least 4 not: 2",
  ),
  "maxout": (
    lambda: _t(slim.maxout, jnp.ones((2, 6)), 4),
    ValueError,
    r"^number of features\(6\) is not a multiple of num_units\(4\)",
  ),
  "unit_norm": (
    lambda: _t(slim.unit_norm, X2, 2),
    ValueError,
    r"^dim must be positive but smaller than the input rank\.",
  ),
  "pool": (
    lambda: _t(slim.pool, X4, [2, 2], "MIN"),
    ValueError,
    r"^2-D MIN pooling is not supported\.",
  ),
  "images_to_sequence": (
    lambda: _t(slim.images_to_sequence, X2),
    ValueError,
    r"inputs must be 4-D",
  ),
  "sequence_to_images": (
    lambda: _t(slim.sequence_to_images, jnp.ones((5, 6, 4)), 4),
    ValueError,
    r"height=4 must be a positive int dividing",
  ),
  "spatial_softmax": (
    lambda: _t(lambda: slim.spatial_softmax(X4, data_format="NWC")),
    ValueError,
    r"^data_format has to be either NCHW or NHWC\.",
  ),
  "scale_gradient": (
    lambda: slim.scale_gradient(X2, "half"),
    TypeError,
    r"gradient_multiplier must be a Python number",
  ),
  "filter_variables": (
    lambda: slim.filter_variables([], include_patterns="w"),
    TypeError,
    r"include_patterns must be a list of regular expressions",
  ),
  "local_variable": (
    lambda: slim.local_variable(None),
    ValueError,
    r"initial_value must be specified",
  ),
  "global_variable": (
    lambda: slim.global_variable(None),
    ValueError,
    r"initial_value must be specified",
  ),
  "instance_norm": (
    lambda: _t(lambda: slim.instance_norm(X4, data_format="NWC")),
    ValueError,
    r"^data_format has to be either NCHW or NHWC\.",
  ),
  "group_norm": (
    lambda: _t(lambda: slim.group_norm(jnp.ones((1, 2, 2, 6)), groups=4)),
    ValueError,
    r"^6 channels is not commensurate with 4 groups\.",
  ),
  "fully_connected": (
    lambda: _t(slim.fully_connected, X2, 2.0),
    ValueError,
    r"^num_outputs type should be one of \[<class 'int'>\]",
  ),
  "batch_norm": (
    lambda: _t(lambda: slim.batch_norm(X4, is_training="yes")),
    TypeError,
    r"is_training must be a bool or a scalar bool array",
  ),
  "layer_norm": (
    lambda: _t(lambda: slim.layer_norm(X2, begin_norm_axis=5)),
    ValueError,
    r"begin_norm_axis \(5\) must be < rank",
  ),
  "max_pool2d": (
    lambda: _t(lambda: slim.max_pool2d(X4, 2, data_format="NDHWC")),
    ValueError,
    r"^data_format has to be either NCHW or NHWC\.",
  ),
  "avg_pool2d": (
    lambda: _t(lambda: slim.avg_pool2d(jnp.ones((5, 5, 2)), 2)),
    ValueError,
    r"expected ndim=4, found ndim=3",
  ),
  "dropout": (
    lambda: _t(lambda: slim.dropout(X2, keep_prob=2.0)),
    ValueError,
    r"Invalid value -1.0 received for `rate`",
  ),
  "flatten": (
    lambda: _t(lambda: slim.flatten(object())),
    TypeError,
    r"flatten: inputs must be an array",
  ),
  "softmax": (
    lambda: _t(lambda: slim.softmax(jnp.ones(3))),
    ValueError,
    r"^rank of shape must be at least 2 not: 1",
  ),
  "one_hot_encoding": (
    lambda: _t(lambda: slim.one_hot_encoding(jnp.ones(2), 3)),
    TypeError,
    r"labels must be integers",
  ),
  "bias_add": (
    lambda: _t(lambda: slim.bias_add(X2, data_format="NCHW")),
    ValueError,
    r"^Data format NCHW only supports 4D Tensor",
  ),
  "repeat": (lambda: _t(lambda: slim.repeat(X2, 2, "fc")), TypeError, r"layer must be callable"),
  "stack": (
    lambda: _t(lambda: slim.stack(X2, slim.fully_connected, 3)),
    ValueError,
    r"^stack_args need to be a list or tuple",
  ),
  "arg_scope": (
    lambda: slim.arg_scope(slim.conv2d).__enter__(),
    TypeError,
    r"^list_ops_or_scope must either be a list/tuple",
  ),
  "add_arg_scope": (lambda: slim.add_arg_scope(3), TypeError, r"expected a function"),
  "arg_scoped_arguments": (
    lambda: slim.arg_scoped_arguments(len),
    ValueError,
    r"not decorated with @add_arg_scope",
  ),
  "get_variables": (lambda: slim.get_variables(3), TypeError, r"scope must be a string"),
  "get_variables_to_restore": (
    lambda: slim.get_variables_to_restore(exclude="a"),
    TypeError,
    r"^exclude is provided but is not a list",
  ),
  "get_unique_variable": (
    lambda: slim.get_unique_variable("nope"),
    ValueError,
    r"^Couldn't find variable nope",
  ),
  "get_variable_full_name": (
    lambda: slim.get_variable_full_name(jnp.ones(2)),
    ValueError,
    r"is not a variable of the current graph",
  ),
  "get_variables_by_name": (
    lambda: slim.get_variables_by_name(3),
    TypeError,
    r"given_name must be a string",
  ),
  "get_variables_by_suffix": (
    lambda: slim.get_variables_by_suffix(3),
    TypeError,
    r"suffix must be a string",
  ),
  "model_variable": (
    lambda: slim.model_variable("v", [2], collections="mine"),
    TypeError,
    r"collections is the string 'mine'",
  ),
  "variable": (
    lambda: slim.variable("v", [2], collections="mine"),
    TypeError,
    r"collections is the string 'mine'",
  ),
  "xavier_initializer": (
    lambda: slim.xavier_initializer(dtype=jnp.int32),
    TypeError,
    r"^Cannot create initializer for non-floating point type\.",
  ),
  "variance_scaling_initializer": (
    lambda: slim.variance_scaling_initializer(mode="x"),
    TypeError,
    r"^Unknown mode x",
  ),
  "l2_regularizer": (lambda: slim.l2_regularizer(1), ValueError, r"^scale cannot be an integer: 1"),
  "l1_regularizer": (
    lambda: slim.l1_regularizer(-0.5),
    ValueError,
    r"^Setting a scale less than 0 on a regularizer: -0\.5",
  ),
  "l1_l2_regularizer": (
    lambda: slim.l1_l2_regularizer(1, 0.5),
    ValueError,
    r"^scale_l1 cannot be an integer: 1",
  ),
  "sum_regularizer": (lambda: slim.sum_regularizer([3]), TypeError, r"is not a regularizer"),
  "apply_regularization": (
    lambda: slim.apply_regularization(slim.l2_regularizer(0.1), []),
    ValueError,
    r"^No weights to regularize\.",
  ),
  "collect_named_outputs": (
    lambda: slim.utils.collect_named_outputs(3, "a", X2),
    TypeError,
    r"outputs_collections must be a collection name",
  ),
  "append_tensor_alias": (
    lambda: slim.utils.append_tensor_alias(X2, ""),
    TypeError,
    r"alias must be a non-empty string",
  ),
  "smart_cond": (
    lambda: slim.utils.smart_cond(True, 1, lambda: 2),
    TypeError,
    r"^fn1 must be callable\.",
  ),
  "two_element_tuple": (
    lambda: slim.utils.two_element_tuple([1, 2, 3]),
    ValueError,
    r"^Must be a list with 2 elements",
  ),
  "n_positive_integers": (
    lambda: slim.utils.n_positive_integers(2, [0, 1]),
    ValueError,
    r"^expected positive integer, but received 0",
  ),
  "last_dimension": (
    lambda: slim.utils.last_dimension((3,), min_rank=2),
    ValueError,
    r"^rank of shape must be at least 2 not: 1",
  ),
  "constant_value": (
    lambda: slim.utils.constant_value(None),
    ValueError,
    r"^value_or_tensor_or_var cannot be None",
  ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_a_clear_error(name):
  fn, exc, match = BAD[name]
  vs.reset_default_graph()
  with pytest.raises(exc) as info:
    fn()
  assert re.search(match, str(info.value), re.S), str(info.value)


def test_scale_gradient_scales_only_the_gradient():
  x = jnp.array([1.0, 2.0])
  y, g = jax.value_and_grad(lambda x: jnp.sum(slim.scale_gradient(x, -2.0) ** 2))(x)
  assert float(y) == 5.0
  np.testing.assert_allclose(g, -2.0 * 2 * x)


# ---- arg_scope merge rules against a model of them (hypothesis finds the nestings)
from hypothesis import given, settings, strategies as st  # noqa: E402


@slim.add_arg_scope
def _op_a(a=0, b=0, c=0):
  return {"a": a, "b": b, "c": c}


@slim.add_arg_scope
def _op_b(a=0, b=0, c=0):
  return {"a": a, "b": b, "c": c}


_OPS = {"A": _op_a, "B": _op_b}
_frame = st.tuples(
  st.sets(st.sampled_from("AB"), min_size=1),
  st.dictionaries(st.sampled_from("abc"), st.integers(0, 9), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(
  frames=st.lists(_frame, max_size=5),
  explicit=st.dictionaries(st.sampled_from("abc"), st.integers(10, 19), max_size=2),
  reenter=st.integers(0, 5),
)
def test_arg_scope_nesting_matches_the_merge_rule(frames, explicit, reenter):
  """Inner frames win per argument, explicit keywords win over all, a yielded scope
  re-entered later gives what it gave inside its own with, and the stack is empty after."""
  expected = {"A": {"a": 0, "b": 0, "c": 0}, "B": {"a": 0, "b": 0, "c": 0}}
  saved = []

  def enter(i, expected):
    if i == len(frames):
      for name, op in _OPS.items():
        assert op(**explicit) == {**expected[name], **explicit}
      return
    ops, kwargs = frames[i]
    inner = {n: dict(v) for n, v in expected.items()}
    for n in ops:
      inner[n].update(kwargs)
    with slim.arg_scope([_OPS[n] for n in sorted(ops)], **kwargs) as sc:
      saved.append((sc, {n: dict(v) for n, v in inner.items()}))
      enter(i + 1, inner)

  enter(0, expected)
  assert slim.current_arg_scope() == {}
  if saved:
    sc, want = saved[min(reenter, len(saved) - 1)]
    with slim.arg_scope(sc):
      for name, op in _OPS.items():
        assert op() == want[name]
  assert slim.current_arg_scope() == {}
