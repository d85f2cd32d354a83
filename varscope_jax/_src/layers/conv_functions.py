"""The functional convolutions (``tf.compat.v1.layers.conv2d`` ...): one call, one layer.

With ``name``, the layer's scope is ``variable_scope(name)`` (shared with ``reuse=True``
or ``AUTO_REUSE``); without, ``conv2d``, ``conv2d_1``, ... unique in the enclosing
variable scope. Arguments as for the classes in ``convolutional.py``.
"""

from __future__ import annotations

from varscope_jax._src.layers import convolutional as conv_layers
from varscope_jax._src.layers.core import ZEROS


def conv1d(
  inputs,
  filters,
  kernel_size,
  strides=1,
  padding="valid",
  data_format="channels_last",
  dilation_rate=1,
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
  """Functional ``Conv1D`` (``tf.compat.v1.layers.conv1d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.conv1d(jnp.ones((2, 9, 3)), 4, 3, strides=2, padding="same").shape
  (2, 5, 4)
  """
  return conv_layers.Conv1D(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
    dilation_rate=dilation_rate,
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
    _reuse=reuse,
    _scope=name,
  )(inputs)


def conv2d(
  inputs,
  filters,
  kernel_size,
  strides=(1, 1),
  padding="valid",
  data_format="channels_last",
  dilation_rate=(1, 1),
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
  """Functional ``Conv2D`` (``tf.compat.v1.layers.conv2d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> y = vs.layers.conv2d(jnp.ones((2, 8, 8, 3)), 4, 3, name="c1")
  >>> y.shape, [v for v in vs.trainable_variables()]
  ((2, 6, 6, 4), ['c1/kernel', 'c1/bias'])
  """
  return conv_layers.Conv2D(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
    dilation_rate=dilation_rate,
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
    _reuse=reuse,
    _scope=name,
  )(inputs)


def conv3d(
  inputs,
  filters,
  kernel_size,
  strides=(1, 1, 1),
  padding="valid",
  data_format="channels_last",
  dilation_rate=(1, 1, 1),
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
  """Functional ``Conv3D`` (``tf.compat.v1.layers.conv3d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.conv3d(jnp.ones((1, 5, 5, 5, 2)), 3, 2, dilation_rate=2).shape
  (1, 3, 3, 3, 3)
  """
  return conv_layers.Conv3D(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
    dilation_rate=dilation_rate,
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
    _reuse=reuse,
    _scope=name,
  )(inputs)


def conv2d_transpose(
  inputs,
  filters,
  kernel_size,
  strides=(1, 1),
  padding="valid",
  data_format="channels_last",
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
  """Functional ``Conv2DTranspose`` (``tf.compat.v1.layers.conv2d_transpose``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.conv2d_transpose(jnp.ones((1, 4, 4, 3)), 2, 2, strides=2).shape
  (1, 8, 8, 2)
  """
  return conv_layers.Conv2DTranspose(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
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
    _reuse=reuse,
    _scope=name,
  )(inputs)


def conv3d_transpose(
  inputs,
  filters,
  kernel_size,
  strides=(1, 1, 1),
  padding="valid",
  data_format="channels_last",
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
  """Functional ``Conv3DTranspose`` (``tf.compat.v1.layers.conv3d_transpose``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.conv3d_transpose(jnp.ones((1, 2, 2, 2, 3)), 2, 3, strides=2).shape
  (1, 5, 5, 5, 2)
  """
  return conv_layers.Conv3DTranspose(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
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
    _reuse=reuse,
    _scope=name,
  )(inputs)


def separable_conv1d(
  inputs,
  filters,
  kernel_size,
  strides=1,
  padding="valid",
  data_format="channels_last",
  dilation_rate=1,
  depth_multiplier=1,
  activation=None,
  use_bias=True,
  depthwise_initializer=None,
  pointwise_initializer=None,
  bias_initializer=ZEROS,
  depthwise_regularizer=None,
  pointwise_regularizer=None,
  bias_regularizer=None,
  activity_regularizer=None,
  depthwise_constraint=None,
  pointwise_constraint=None,
  bias_constraint=None,
  trainable=True,
  name=None,
  reuse=None,
):
  """Functional ``SeparableConv1D`` (``tf.compat.v1.layers.separable_conv1d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.separable_conv1d(jnp.ones((2, 9, 3)), 4, 3).shape
  (2, 7, 4)
  """
  return conv_layers.SeparableConv1D(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
    dilation_rate=dilation_rate,
    depth_multiplier=depth_multiplier,
    activation=activation,
    use_bias=use_bias,
    depthwise_initializer=depthwise_initializer,
    pointwise_initializer=pointwise_initializer,
    bias_initializer=bias_initializer,
    depthwise_regularizer=depthwise_regularizer,
    pointwise_regularizer=pointwise_regularizer,
    bias_regularizer=bias_regularizer,
    activity_regularizer=activity_regularizer,
    depthwise_constraint=depthwise_constraint,
    pointwise_constraint=pointwise_constraint,
    bias_constraint=bias_constraint,
    trainable=trainable,
    name=name,
    _reuse=reuse,
    _scope=name,
  )(inputs)


def separable_conv2d(
  inputs,
  filters,
  kernel_size,
  strides=(1, 1),
  padding="valid",
  data_format="channels_last",
  dilation_rate=(1, 1),
  depth_multiplier=1,
  activation=None,
  use_bias=True,
  depthwise_initializer=None,
  pointwise_initializer=None,
  bias_initializer=ZEROS,
  depthwise_regularizer=None,
  pointwise_regularizer=None,
  bias_regularizer=None,
  activity_regularizer=None,
  depthwise_constraint=None,
  pointwise_constraint=None,
  bias_constraint=None,
  trainable=True,
  name=None,
  reuse=None,
):
  """Functional ``SeparableConv2D`` (``tf.compat.v1.layers.separable_conv2d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.separable_conv2d(jnp.ones((2, 6, 6, 3)), 4, 2, strides=2).shape
  (2, 3, 3, 4)
  """
  return conv_layers.SeparableConv2D(
    filters,
    kernel_size,
    strides=strides,
    padding=padding,
    data_format=data_format,
    dilation_rate=dilation_rate,
    depth_multiplier=depth_multiplier,
    activation=activation,
    use_bias=use_bias,
    depthwise_initializer=depthwise_initializer,
    pointwise_initializer=pointwise_initializer,
    bias_initializer=bias_initializer,
    depthwise_regularizer=depthwise_regularizer,
    pointwise_regularizer=pointwise_regularizer,
    bias_regularizer=bias_regularizer,
    activity_regularizer=activity_regularizer,
    depthwise_constraint=depthwise_constraint,
    pointwise_constraint=pointwise_constraint,
    bias_constraint=bias_constraint,
    trainable=trainable,
    name=name,
    _reuse=reuse,
    _scope=name,
  )(inputs)
