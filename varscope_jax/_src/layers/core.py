"""``dense``, ``dropout``, ``flatten`` and their classes (tf-keras ``legacy_tf_layers/core.py``)."""

from __future__ import annotations

import contextlib
import math
import numbers

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.tensor_shape import TensorShape
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import errors
from varscope_jax._src.core import rng as rng_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src import initializers as init_lib
from varscope_jax._src.layers import base
from varscope_jax._src.layers import utils as layer_utils
from varscope_jax._src.layers.input_spec import InputSpec


ZEROS = init_lib.zeros_initializer()  # TF's default bias initializer (one shared instance)
ONES = init_lib.ones_initializer()


def where(layer):
  """The second line of a layer's errors: its name and variable scope."""
  scope = layer._scope_for_errors()
  return "\n(layer %r, variable scope %r)" % (layer.name, scope)


@contextlib.contextmanager
def argument_errors(layer):
  """Adds the layer's name and the variable scope it is made in to a bad-argument error
  (a second line: the first stays TF's)."""
  try:
    yield
  except (ValueError, TypeError) as e:
    if len(e.args) == 1 and isinstance(e.args[0], str):
      e.args = (
        e.args[0]
        + "\n(layer %r, made in variable scope %r)"
        % (layer.name, vs_lib.get_variable_scope().name),
      )
    raise


def check_training(layer, training):
  """``training`` must be a Python bool or a bool array (a traced one included)."""
  if training is None:
    raise ValueError(
      f"Layer {layer.name!r} (variable scope {layer._scope_for_errors()!r}) was called with "
      "training=None. TF1 would read the Keras learning phase; JAX has none. Pass "
      "training=True or False, or a bool array (traced inside jit) that says which."
    )
  if isinstance(training, (bool, int)) and not isinstance(training, jax.Array):
    return bool(training)
  arr = jnp.asarray(training)
  if arr.shape != ():
    raise ValueError(
      f"Layer {layer.name!r}: training must be a scalar bool, got shape {arr.shape}."
    )
  return arr.astype(bool)


class Dense(base.Layer):
  """Densely-connected layer: ``activation(inputs @ kernel + bias)`` (``tf.layers.Dense``).

  Variables ``kernel`` ``[in, units]`` and ``bias`` ``[units]`` in the layer's scope. For
  inputs of rank > 2 the kernel applies to the last axis.

  Args:
    units: output width.
    activation: a callable or None (linear).
    use_bias: whether to add ``bias``.
    kernel_initializer: default: the enclosing scope's initializer, else glorot-uniform.
    bias_initializer: default zeros.
    kernel_regularizer, bias_regularizer: ``fn(w) -> loss``, into
      ``GraphKeys.REGULARIZATION_LOSSES``.
    activity_regularizer: ``fn(output) -> loss``, divided by the batch size.
    kernel_constraint, bias_constraint: stored on the variables (applied by optimizers).
    trainable: whether the variables are trainable.
    name: the scope name (made unique).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def model(x):
  ...   layer = vs.layers.Dense(4, activation=jax.nn.relu)
  ...   return layer(x) + layer(x)       # one kernel, one bias
  >>> t = vs.transform(model)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 3)))
  >>> jax.tree_util.tree_map(jnp.shape, params)
  {'dense': {'bias': (4,), 'kernel': (3, 4)}}
  """

  def __init__(
    self,
    units,
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=ZEROS,
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    **kwargs,
  ):
    self._base_input_spec = InputSpec(min_ndim=2)
    super().__init__(
      trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs
    )
    with argument_errors(self):
      self.units = int(units) if not isinstance(units, int) else units
      if self.units < 0:
        raise ValueError(tf_errors.UNITS_POSITIVE % (units,))
      self.activation = layer_utils.get_activation(activation)
    self.use_bias = use_bias
    self.kernel_initializer = kernel_initializer
    self.bias_initializer = bias_initializer
    self.kernel_regularizer = kernel_regularizer
    self.bias_regularizer = bias_regularizer
    self.kernel_constraint = kernel_constraint
    self.bias_constraint = bias_constraint

  def build(self, input_shape):
    dtype = dtypes_lib.as_dtype(self._dtype or dtypes_lib.float32)
    if not (dtypes_lib.is_floating(dtype) or dtype.kind == "c"):
      raise TypeError(tf_errors.DENSE_FLOAT_DTYPE % errors.tf_dtype_repr(dtype) + where(self))
    last_dim = input_shape[-1]
    self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
    self.kernel = self.add_weight(
      "kernel",
      shape=[last_dim, self.units],
      initializer=self.kernel_initializer,
      regularizer=self.kernel_regularizer,
      constraint=self.kernel_constraint,
      dtype=self._dtype,
      trainable=True,
    )
    if self.use_bias:
      self.bias = self.add_weight(
        "bias",
        shape=[self.units],
        initializer=self.bias_initializer,
        regularizer=self.bias_regularizer,
        constraint=self.bias_constraint,
        dtype=self._dtype,
        trainable=True,
      )
    else:
      self.bias = None
    self.built = True

  def compute_output_shape(self, input_shape):
    input_shape = layer_utils.shape_with_rank_at_least(input_shape, 2)
    if input_shape[-1] is None:
      raise ValueError(
        "The last dimension of the input shape of a Dense layer should be "
        "defined. Found None. Full input shape received: %s" % (input_shape,)
      )
    return TensorShape(input_shape[:-1] + (self.units,))

  def call(self, inputs):
    kernel = var_lib.value_of(self.kernel)
    if inputs.dtype != kernel.dtype:
      inputs = inputs.astype(kernel.dtype)
    if inputs.ndim == 2:
      outputs = jnp.matmul(inputs, kernel)
    else:
      outputs = jnp.tensordot(inputs, kernel, [[inputs.ndim - 1], [0]])
    if self.bias is not None:
      outputs = outputs + var_lib.value_of(self.bias)
    if self.activation is not None:
      outputs = self.activation(outputs)
    return outputs


def dense(
  inputs,
  units,
  activation=None,
  use_bias=True,
  kernel_initializer=None,
  bias_initializer=ZEROS,
  kernel_regularizer=None,
  bias_regularizer=None,
  activity_regularizer=None,
  kernel_constraint=None,
  bias_constraint=None,
  trainable=True,
  name=None,
  reuse=None,
):
  """Functional ``Dense`` (``tf.compat.v1.layers.dense``): one call, one new layer.

  With ``name``, the layer's scope is ``variable_scope(name)`` (shared with
  ``reuse=True`` / ``AUTO_REUSE``); without, ``dense``, ``dense_1``, ... (unique in the
  enclosing variable scope). Arguments as for ``Dense``; ``reuse`` as for
  ``variable_scope``.

  Returns:
    ``activation(inputs @ kernel + bias)``.

  >>> import varscope_jax as vs, jax.numpy as jnp
  >>> vs.reset_default_graph()
  >>> x = jnp.ones((2, 3))
  >>> with vs.variable_scope("a"):
  ...   y = vs.layers.dense(x, 4); y = vs.layers.dense(y, 4)
  >>> y = vs.layers.dense(x, 4)
  >>> with vs.variable_scope("b", reuse=vs.AUTO_REUSE):
  ...   y = vs.layers.dense(x, 4, name="fc"); y = vs.layers.dense(x, 4, name="fc")
  >>> list(vs.trainable_variables())
  ['a/dense/kernel', 'a/dense/bias', 'a/dense_1/kernel', 'a/dense_1/bias', 'dense/kernel', 'dense/bias', 'b/fc/kernel', 'b/fc/bias']
  """
  layer = Dense(
    units,
    activation=activation,
    use_bias=use_bias,
    kernel_initializer=kernel_initializer,
    bias_initializer=bias_initializer,
    kernel_regularizer=kernel_regularizer,
    bias_regularizer=bias_regularizer,
    activity_regularizer=activity_regularizer,
    kernel_constraint=kernel_constraint,
    bias_constraint=bias_constraint,
    trainable=trainable,
    name=name,
    _scope=name,
    _reuse=reuse,
  )
  return layer(inputs)


class Dropout(base.Layer):
  """Dropout (``tf.layers.Dropout``): in training, zeroes each unit with probability
  ``rate`` and scales the rest by ``1 / (1 - rate)``.

  ``training`` defaults to False (identity), as in TF1. The mask's key comes from
  ``vs.next_rng_key()`` in the layer's name scope (so ``apply(..., rng=key)`` is needed
  in training). ``training`` may be a Python bool or a bool array (traced inside jit).

  Args:
    rate: the fraction dropped, in [0, 1].
    noise_shape: the mask's shape (broadcast to the input; None entries take the input's).
    seed: accepted for porting; the key comes from ``vs.next_rng_key()``.
    name: the scope name.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> t = vs.transform(lambda x: vs.layers.Dropout(0.5)(x, training=True))
  >>> y = t.apply({}, jnp.ones((2, 4)), rng=jax.random.PRNGKey(0))
  >>> sorted(set(y.ravel().tolist()))
  [0.0, 2.0]
  """

  def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
    super().__init__(name=name, **kwargs)
    if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
      with argument_errors(self):
        raise ValueError(tf_errors.DROPOUT_LAYER_RATE % (rate,))
    self.rate = rate
    self.noise_shape = noise_shape
    self.seed = seed

  def compute_output_shape(self, input_shape):
    return TensorShape(input_shape)

  def _get_noise_shape(self, inputs):
    if self.noise_shape is None:
      return inputs.shape
    return tuple(inputs.shape[i] if v is None else int(v) for i, v in enumerate(self.noise_shape))

  def call(self, inputs, training=False):
    if isinstance(self.rate, numbers.Real) and self.rate == 0:
      return inputs
    training = check_training(self, training)
    if training is False:
      return inputs
    key = rng_lib.next_rng_key()
    rate = self.rate
    keep = jax.random.uniform(key, self._get_noise_shape(inputs), inputs.dtype) >= rate
    if isinstance(rate, numbers.Real):
      scale = jnp.asarray(1.0 / (1.0 - rate) if rate < 1 else math.inf, inputs.dtype)
    else:  # a traced or array rate, as TF's rate tensor
      scale = (1 / (1 - jnp.asarray(rate))).astype(inputs.dtype)
    dropped = jnp.where(keep, inputs * scale, jnp.zeros((), inputs.dtype))
    if training is True:
      return dropped
    return jnp.where(training, dropped, inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
  """Functional ``Dropout`` (``tf.compat.v1.layers.dropout``).

  Returns:
    ``inputs`` when not training; else the dropped and rescaled inputs.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.dropout(jnp.ones(3), rate=0.3).tolist()      # training=False
  [1.0, 1.0, 1.0]
  """
  layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
  return layer(inputs, training=training)


class Flatten(base.Layer):
  """Flattens all axes but the first (``tf.layers.Flatten``); rank-1 inputs get an axis.

  With ``data_format="channels_first"`` the channel axis is moved last first, so the
  order of the features is that of channels_last (as TF does).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.Flatten()(jnp.zeros((2, 3, 4))).shape
  (2, 12)
  """

  def __init__(self, data_format="channels_last", **kwargs):
    self._base_input_spec = InputSpec(min_ndim=1)
    super().__init__(**kwargs)
    with argument_errors(self):
      self.data_format = layer_utils.normalize_data_format(data_format)

  def compute_output_shape(self, input_shape):
    input_shape = tuple(input_shape)
    if not input_shape:
      return TensorShape([1])
    rest = input_shape[1:]
    size = None if any(d is None for d in rest) else math.prod(rest)
    return TensorShape((input_shape[0], size) if rest else (input_shape[0], 1))

  def call(self, inputs):
    if self.data_format == "channels_first" and inputs.ndim > 1:
      inputs = jnp.transpose(inputs, [0] + list(range(2, inputs.ndim)) + [1])
    if inputs.ndim == 1:
      return jnp.expand_dims(inputs, 1)
    return jnp.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))


def flatten(inputs, name=None, data_format="channels_last"):
  """Functional ``Flatten`` (``tf.compat.v1.layers.flatten``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.flatten(jnp.zeros((2, 3, 4, 5))).shape
  (2, 60)
  """
  layer = Flatten(name=name, data_format=data_format)
  return layer(inputs)
