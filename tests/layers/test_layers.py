"""``vs.layers`` beyond the golden suite: bad input, state across traces, randomness,
updates, jit/grad, and the public surface."""

import inspect
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

KEY = jax.random.PRNGKey(0)


def test_every_public_layers_callable_has_an_example():
  missing = []
  for name in vs.layers.__all__:
    obj = getattr(vs.layers, name)
    if callable(obj) and ">>>" not in (obj.__doc__ or ""):
      missing.append(name)
  assert missing == []


def test_the_names_are_those_tf_compat_v1_layers_exports():
  # dir(tf.compat.v1.layers) in TF 2.21 with tf-keras (TF_USE_LEGACY_KERAS=1), but
  # `experimental` (keras_style_scope; see docs/layers.md).
  tf_names = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "BatchNormalization",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Dense",
    "Dropout",
    "Flatten",
    "InputSpec",
    "Layer",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
    "batch_normalization",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "dense",
    "dropout",
    "flatten",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
    "separable_conv1d",
    "separable_conv2d",
  ]
  assert sorted(vs.layers.__all__) == tf_names
  assert sorted(n for n in dir(vs.layers) if not n.startswith("_")) == tf_names


@pytest.mark.parametrize(
  "name",
  [
    "dense",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv2d_transpose",
    "conv3d_transpose",
    "separable_conv1d",
    "separable_conv2d",
    "batch_normalization",
    "dropout",
    "flatten",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
  ],
)
def test_functions_have_tf_argument_names_and_defaults(name):
  """The signatures are TF's (tf_keras/src/legacy_tf_layers), argument for argument."""
  expected = {
    "dense": "inputs units activation=None use_bias=True kernel_initializer=None "
    "bias_initializer kernel_regularizer=None bias_regularizer=None "
    "activity_regularizer=None kernel_constraint=None bias_constraint=None "
    "trainable=True name=None reuse=None",
    "conv2d": "inputs filters kernel_size strides=(1, 1) padding='valid' "
    "data_format='channels_last' dilation_rate=(1, 1) activation=None "
    "use_bias=True kernel_initializer=None bias_initializer "
    "kernel_regularizer=None bias_regularizer=None activity_regularizer=None "
    "kernel_constraint=None bias_constraint=None trainable=True name=None "
    "reuse=None",
    "batch_normalization": "inputs axis=-1 momentum=0.99 epsilon=0.001 center=True "
    "scale=True beta_initializer gamma_initializer "
    "moving_mean_initializer moving_variance_initializer "
    "beta_regularizer=None gamma_regularizer=None "
    "beta_constraint=None gamma_constraint=None training=False "
    "trainable=True name=None reuse=None renorm=False "
    "renorm_clipping=None renorm_momentum=0.99 fused=None "
    "virtual_batch_size=None adjustment=None",
    "dropout": "inputs rate=0.5 noise_shape=None seed=None training=False name=None",
    "flatten": "inputs name=None data_format='channels_last'",
    "max_pooling2d": "inputs pool_size strides padding='valid' "
    "data_format='channels_last' name=None",
  }
  params = inspect.signature(getattr(vs.layers, name)).parameters.values()
  text = " ".join(
    p.name
    + (
      ""
      if p.default is inspect.Parameter.empty or "initializer" in p.name and p.default is not None
      else "=" + repr(p.default)
    )
    for p in params
  )
  if name in expected:
    assert text == expected[name]
  assert list(inspect.signature(getattr(vs.layers, name)).parameters)[0] == "inputs"


# ---- bad input: TF's first line, then the layer and its variable scope -------------
def _raises(fn, cls, first_line, second=None):
  with pytest.raises(cls) as info:
    fn()
  lines = str(info.value).split("\n")
  assert lines[0] == first_line
  if second is not None:
    assert second in "\n".join(lines[1:]), str(info.value)


def test_wrong_rank_names_the_layer_and_scope():
  def model(x):
    with vs.variable_scope("net"):
      return vs.layers.conv2d(x, 2, 3)

  t = vs.transform(model)
  _raises(
    lambda: t.init(KEY, jnp.ones((2, 5, 3))),
    ValueError,
    'Input 0 of layer "conv2d_1" is incompatible with the layer: expected min_ndim=4, '
    "found ndim=3. Full shape received: (2, 5, 3)",
    "variable scope 'net/conv2d'",
  )


def test_channels_that_do_not_match_an_existing_kernel():
  vs.reset_default_graph()
  layer = vs.layers.Dense(2)
  with vs.variable_scope("m"):
    layer(jnp.ones((2, 3)))
  _raises(
    lambda: layer(jnp.ones((2, 7))),
    ValueError,
    'Input 0 of layer "dense_1" is incompatible with the layer: expected axis -1 of '
    "input shape to have value 3, but received input with shape (2, 7)",
    "variable scope 'm/dense'",
  )
  vs.layers.conv2d(jnp.ones((1, 5, 5, 3)), 2, 3, name="c")
  _raises(
    lambda: vs.layers.conv2d(jnp.ones((1, 5, 5, 4)), 2, 3, name="c", reuse=True),
    ValueError,
    "Trying to share variable c/kernel, but specified shape (3, 3, 4, 2) "
    "and found shape (3, 3, 3, 2).",
  )


@pytest.mark.parametrize(
  "make, first",
  [
    (
      lambda: vs.layers.Conv2D(2, 3, padding="full"),
      'The `padding` argument must be a list/tuple or one of "valid", "same" (or "causal", '
      "only for `Conv1D). Received: full",
    ),
    (
      lambda: vs.layers.MaxPooling2D(2, 2, data_format="NHWC"),
      'The `data_format` argument must be one of "channels_first", "channels_last". Received: NHWC',
    ),
    (
      lambda: vs.layers.Conv2D(2, 3, padding="causal"),
      "Causal padding is only supported for `Conv1D`and `SeparableConv1D`.",
    ),
    (
      lambda: vs.layers.Conv1D(2, (3, 3)),
      "The `kernel_size` argument must be a tuple of 1 integers. Received: (3, 3)",
    ),
    (
      lambda: vs.layers.Dropout(1.5),
      "Invalid value 1.5 received for `rate`, expected a value between 0 and 1.",
    ),
    (
      lambda: vs.layers.Flatten(data_format="nchw"),
      'The `data_format` argument must be one of "channels_first", "channels_last". Received: nchw',
    ),
    (
      lambda: vs.layers.Dense(4, activation="nope"),
      "Unknown activation function: 'nope'. Pass a callable (jax.nn.relu, ...) or one of "
      "['elu', 'exponential', 'gelu', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', "
      "'softmax', 'softplus', 'softsign', 'swish', 'tanh'].",
    ),
  ],
)
def test_bad_arguments_say_which_layer_and_where(make, first):
  with vs.variable_scope("block"):
    _raises(make, ValueError, first, "made in variable scope 'block'")


def test_training_none_is_an_error_naming_the_scope():
  vs.reset_default_graph()
  with vs.variable_scope("s"):
    _raises(
      lambda: vs.layers.batch_normalization(jnp.ones((2, 3)), training=None),
      ValueError,
      "Layer 'batch_normalization_1' (variable scope 's/batch_normalization')"
      " was called with training=None. TF1 would read the Keras learning phase; JAX "
      "has none. Pass training=True or False, or a bool array (traced inside jit) "
      "that says which.",
    )
    with pytest.raises(ValueError, match="training=None"):
      vs.layers.dropout(jnp.ones(3), training=None)
  with pytest.raises(ValueError, match="training must be a scalar bool"):
    vs.layers.dropout(jnp.ones(3), training=jnp.ones(2, bool))


def test_batch_norm_updates_without_mutable_are_vs_assign_error():
  t = vs.transform(lambda x, tr: vs.layers.batch_normalization(x, training=tr))
  x = jnp.arange(6.0).reshape(3, 2)
  params = t.init(KEY, x, True)
  with pytest.raises(
    ValueError,
    match=re.escape(
      "Variable batch_normalization/moving_mean is assigned inside apply, but apply was "
      "not asked for updates"
    ),
  ):
    t.apply(params, x, True)
  t.apply(params, x, False)  # inference: no update, no error
  with pytest.raises(ValueError, match="not asked for updates"):
    jax.jit(t.apply)(params, x, jnp.asarray(False))  # traced: the update exists


def test_dropout_in_training_needs_an_rng():
  t = vs.transform(lambda x: vs.layers.dropout(x, training=True))
  with pytest.raises(ValueError, match="needs a random key"):
    t.apply({}, jnp.ones(3))


def test_too_small_input_for_valid_conv():
  vs.reset_default_graph()
  _raises(
    lambda: vs.layers.conv2d(jnp.ones((1, 2, 2, 3)), 2, 3),
    ValueError,
    "Negative dimension size caused by subtracting 3 from 2 (input shape (1, 2, 2, 3),"
    " padding 'valid')",
    "variable scope 'conv2d'",
  )


@pytest.mark.slow
def test_unsupported_options_say_so():
  ghost = vs.layers.BatchNormalization(virtual_batch_size=2, fused=True)
  ghost(jnp.ones((4, 2, 2, 3)), training=True)
  assert ghost.fused is False  # as TF: the fused kernel takes no ghost batches
  with pytest.raises(NotImplementedError, match="explicit padding"):
    vs.layers.Conv2D(2, 3, padding=[[0, 0], [1, 1], [1, 1], [0, 0]])


# ---- state across traces, updates, randomness -------------------------------------
def test_layer_made_outside_the_model_works_in_init_and_apply():
  layer = vs.layers.Dense(3, name="shared")
  bn = vs.layers.BatchNormalization()

  def model(x, training):
    return bn(layer(x) + layer(x), training=training)

  t = vs.transform(model)
  x = jnp.ones((4, 2))
  params = t.init(KEY, x, True)
  assert jax.tree_util.tree_map(jnp.shape, params) == {
    "shared": {"kernel": (2, 3), "bias": (3,)},
    "batch_normalization": {
      "gamma": (3,),
      "beta": (3,),
      "moving_mean": (3,),
      "moving_variance": (3,),
    },
  }
  y, new = t.apply(params, x, True, mutable=True)
  y2 = jax.jit(lambda p: t.apply(p, x, False))(new)
  assert y.shape == y2.shape == (4, 3)
  assert t.specs(x, True)["batch_normalization/moving_mean"].trainable is False


@pytest.mark.slow
def test_traced_training_matches_python_bool():
  def model(x, training):
    h = vs.layers.conv2d(x, 3, 2, name="c")
    h = vs.layers.batch_normalization(h, training=training, momentum=0.5, name="bn")
    return vs.layers.batch_normalization(vs.layers.flatten(h), training=training, name="bn2")

  t = vs.transform(model)
  x = jax.random.normal(KEY, (4, 5, 5, 2))
  params = t.init(KEY, x, True)
  for flag in (True, False):
    ref, ref_p = t.apply(params, x, flag, mutable=True)
    out, out_p = jax.jit(lambda p, f: t.apply(p, x, f, mutable=True))(params, jnp.asarray(flag))
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    jax.tree_util.tree_map(
      lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6), out_p, ref_p
    )
  _, same = t.apply(params, x, jnp.asarray(False), mutable=True)
  assert jax.tree_util.tree_all(
    jax.tree_util.tree_map(lambda a, b: bool((a == b).all()), same, params)
  )


def test_update_ops_list_the_new_moving_statistics():
  vs.reset_default_graph()
  vs.layers.batch_normalization(jnp.arange(6.0).reshape(3, 2), training=True, momentum=0.5)
  updates = vs.get_collection(vs.GraphKeys.UPDATE_OPS)
  stats = vs.global_variables()
  assert len(updates) == 2
  np.testing.assert_allclose(updates[0], stats["batch_normalization/moving_mean"])
  np.testing.assert_allclose(updates[0], [1.0, 1.5])  # 0.5 * 0 + 0.5 * [2, 3]


@pytest.mark.slow
def test_dropout_mask_scaling_keys_and_traced_flag():
  def model(x, training):
    a = vs.layers.dropout(x, rate=0.25, training=training)
    b = vs.layers.dropout(x, rate=0.25, training=training)
    return a, b

  t = vs.transform(model)
  x = jnp.ones((64, 64))
  a, b = t.apply({}, x, True, rng=KEY)
  assert set(np.unique(a).tolist()) == {0.0, np.float32(1 / 0.75)}
  assert abs(float((a == 0).mean()) - 0.25) < 0.03
  assert not bool((a == b).all())  # each layer its own key
  a2, _ = t.apply({}, x, True, rng=KEY)
  assert bool((a == a2).all())  # same rng, same mask
  a3, _ = jax.jit(lambda f: t.apply({}, x, f, rng=KEY))(jnp.asarray(True))
  assert bool((a3 == a).all())
  off, _ = jax.jit(lambda f: t.apply({}, x, f, rng=KEY))(jnp.asarray(False))
  assert bool((off == x).all())
  noise = vs.transform(lambda x: vs.layers.dropout(x, noise_shape=[64, 1], training=True))
  y = noise.apply({}, x, rng=KEY)
  assert bool((y == y[:, :1]).all())  # one mask value per row


@pytest.mark.slow
def test_grad_through_a_cnn_and_regularization_loss():
  def loss(x):
    h = vs.layers.conv2d(x, 4, 3, padding="same", kernel_regularizer=vs.l2_regularizer(0.1))
    h = vs.layers.separable_conv2d(h, 4, 3, strides=2, padding="same")
    h = vs.layers.conv2d_transpose(h, 2, 3, strides=2, padding="same")
    h = vs.layers.average_pooling2d(h, 2, 2)
    y = vs.layers.dense(vs.layers.flatten(h), 1)
    return jnp.mean(y**2) + vs.get_regularization_loss()

  t = vs.transform(loss)
  x = jax.random.normal(KEY, (2, 8, 8, 3))
  params = t.init(KEY, x)
  grads = jax.jit(jax.grad(t.apply))(params, x)
  assert jax.tree_util.tree_structure(grads) == jax.tree_util.tree_structure(params)
  assert all(bool(jnp.isfinite(g).all()) for g in jax.tree_util.tree_leaves(grads))


def test_initializers_scope_default_and_constraints():
  vs.reset_default_graph()
  clip = lambda w: jnp.clip(w, -1, 1)
  with vs.variable_scope("s", initializer=vs.constant_initializer(0.5)):
    layer = vs.layers.Dense(2, kernel_constraint=clip)
    layer(jnp.ones((1, 3)))
  kernel, bias = layer.kernel, layer.bias
  assert kernel.name == "s/dense/kernel:0"
  np.testing.assert_array_equal(kernel.value(), np.full((3, 2), 0.5, np.float32))
  np.testing.assert_array_equal(bias.value(), np.zeros(2, np.float32))  # bias: zeros
  assert kernel.constraint is clip and layer.kernel_constraint is clip


@pytest.mark.slow
def test_cast_getter_runs_layers_in_bfloat16():
  vs.reset_default_graph()
  with vs.variable_scope("", custom_getter=vs.cast_getter(jnp.bfloat16)):
    y = vs.layers.dense(jnp.ones((2, 3)), 4)
  assert y.dtype == jnp.bfloat16
  assert vs.global_variables()["dense/kernel"].dtype == jnp.float32


@pytest.mark.slow
def test_layer_dtype_follows_the_first_input():
  vs.reset_default_graph()
  y = vs.layers.dense(jnp.ones((2, 3), jnp.float16), 4)
  assert y.dtype == jnp.float16
  assert vs.global_variables()["dense/kernel"].dtype == jnp.float16
  y = vs.layers.Dense(4, dtype="bfloat16")(jnp.ones((2, 3)))
  assert y.dtype == jnp.bfloat16


def test_subclass_weights_sublayers_and_scope_argument():
  class Block(vs.layers.Layer):
    def __init__(self, **kwargs):
      super().__init__(**kwargs)
      self.inner = vs.layers.Dense(2)

    def build(self, input_shape):
      self.w = self.add_weight(
        "w", [int(input_shape[-1])], trainable=False, initializer=vs.ones_initializer()
      )

    def call(self, inputs, scope=None):
      self.seen_scope = scope.name
      return self.inner(inputs * self.w)

  vs.reset_default_graph()
  block = Block()
  block(jnp.ones((1, 3)))
  assert block.seen_scope == "block"
  assert [v.name for v in block.trainable_variables] == [
    "block/dense/kernel:0",
    "block/dense/bias:0",
  ]
  assert [v.name for v in block.non_trainable_variables] == ["block/w:0"]
  frozen = Block(trainable=False)
  frozen(jnp.ones((1, 3)))
  assert frozen.trainable_variables == []
  assert len(frozen.non_trainable_variables) == 1 + 2


def test_pooling_same_average_counts_real_elements_only():
  x = jnp.arange(1.0, 6.0).reshape(1, 5, 1)
  y = vs.layers.average_pooling1d(x, 3, 2, padding="same")
  # TF's SAME for 5 -> 3 windows pads 1 each side: [1, 2], [2, 3, 4], [4, 5]
  np.testing.assert_allclose(y.ravel(), [1.5, 3.0, 4.5])


def test_partition_rules_apply_to_layer_variables():
  from jax.sharding import NamedSharding, PartitionSpec as P

  mesh = jax.make_mesh((1,), ("model",))

  def model(x):
    with vs.variable_scope("enc", partition_rules=[(r"kernel$", P(None, "model"))]):
      return vs.layers.dense(x, 4)

  t = vs.transform(model, mesh=mesh)
  params = t.init(KEY, jnp.ones((2, 3)))
  sharding = params["enc"]["dense"]["kernel"].sharding
  assert isinstance(sharding, NamedSharding) and sharding.spec == P(None, "model")


# ---- init: TF's deterministic initial values, and glorot bounds for the rest -------


@pytest.mark.parametrize(
  "pid",
  [
    "naming/scope_initializer_used_for_kernel",
    "dense/options",
    "bn/options",
    "bn/renorm",
    "subclass/build_call_add_weight",
    pytest.param("conv/options", marks=pytest.mark.slow),
  ],
)
def test_init_matches_tf_initial_values(pid):
  from tests.layers import test_layers_golden as golden

  t = golden.make_adapter()
  rec = golden.Recorder(pid)

  def model():
    rec.reset()
    golden.run_program(pid, rec, t)
    return 0

  params = dict(vs.flatten_params(vs.transform(model).init(KEY)))
  tf_init = golden.tf_values(pid, "init")
  assert sorted(params) == sorted(tf_init)
  for name, want in tf_init.items():
    got = np.asarray(params[name])
    assert got.shape == want.shape and got.dtype == want.dtype, name
    if want.size > 1 and np.all(want == want.ravel()[0]):
      np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=name)  # deterministic
    elif want.ndim >= 2:  # glorot-uniform
      receptive = int(np.prod(want.shape[:-2]))
      limit = np.sqrt(6.0 / (receptive * (want.shape[-2] + want.shape[-1])))
      assert np.abs(want).max() <= limit * (1 + 1e-6), name  # TF's own bound
      assert np.abs(got).max() <= limit * (1 + 1e-6), name
      assert np.abs(got).max() > limit / 3, name
