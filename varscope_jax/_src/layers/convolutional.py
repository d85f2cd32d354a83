"""Convolutions: ``conv1d/2d/3d``, ``conv2d/3d_transpose``, ``separable_conv1d/2d``.

tf-keras ``legacy_tf_layers/convolutional.py`` on ``jax.lax.conv_general_dilated``.
Kernels have TF's layout (spatial dims, in, out; transposed: spatial, out, in), so TF1
checkpoints load by name. Padding ``"same"`` is TF's (the odd extra pad after), for odd
and even kernels, strides and dilations.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.tensor_shape import TensorShape
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.layers import base
from varscope_jax._src.layers import utils as layer_utils
from varscope_jax._src.layers.core import ZEROS, argument_errors, where
from varscope_jax._src.layers.input_spec import InputSpec

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}


def conv_dimension_numbers(rank, data_format):
  """``(lhs, rhs, out)`` specs for ``lax.conv_general_dilated`` in TF's layouts."""
  sp = _SPATIAL[rank]
  lhs = ("N" + sp + "C") if data_format == "channels_last" else ("NC" + sp)
  return lhs, sp + "IO", lhs


def add_bias(outputs, bias, data_format):
  """``tf.nn.bias_add``: on the last axis, or on axis 1 for channels_first."""
  if data_format == "channels_first":
    return outputs + jnp.reshape(bias, (1, -1) + (1,) * (outputs.ndim - 2))
  return outputs + bias


def _squeeze_batch_dims(x, rank, fn):
  """Runs ``fn`` on ``x`` with all leading batch axes folded into one (TF's rule)."""
  if x.ndim == rank + 2:
    return fn(x)
  lead = x.shape[: x.ndim - rank - 1]
  y = fn(jnp.reshape(x, (-1,) + x.shape[x.ndim - rank - 1 :]))
  return jnp.reshape(y, lead + y.shape[1:])


class _Conv(base.Layer):
  """The shared part of every convolution layer (tf-keras ``Conv``)."""

  def __init__(
    self,
    rank,
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
    **kwargs,
  ):
    self._base_input_spec = InputSpec(min_ndim=rank + 2)
    super().__init__(
      trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs
    )
    self.rank = rank
    with argument_errors(self):
      if isinstance(filters, float):
        filters = int(filters)
      if filters is not None and filters <= 0:
        raise ValueError(tf_errors.FILTERS_POSITIVE % (filters,))
      self.filters = filters
      self.kernel_size = layer_utils.normalize_tuple(kernel_size, rank, "kernel_size")
      self.strides = layer_utils.normalize_tuple(strides, rank, "strides", allow_zero=True)
      self.padding = layer_utils.normalize_padding(padding)
      self.data_format = layer_utils.normalize_data_format(data_format)
      self.dilation_rate = layer_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
    self.use_bias = use_bias
    self.kernel_initializer = kernel_initializer
    self.bias_initializer = bias_initializer
    self.kernel_regularizer = kernel_regularizer
    self.bias_regularizer = bias_regularizer
    self.kernel_constraint = kernel_constraint
    self.bias_constraint = bias_constraint
    with argument_errors(self):
      self.activation = layer_utils.get_activation(activation)
      self._validate_init()

  def _validate_init(self):
    if not all(self.strides):
      raise ValueError(tf_errors.STRIDES_ZERO % (self.strides,))
    if self.padding == "causal" and not isinstance(self, (Conv1D, SeparableConv1D)):
      raise ValueError(tf_errors.CAUSAL_PADDING)
    if max(self.strides) > 1 and max(self.dilation_rate) > 1:
      raise ValueError(tf_errors.STRIDES_AND_DILATION % (self.strides, self.dilation_rate))

  def _channel_axis(self):
    return -1 - self.rank if self.data_format == "channels_first" else -1

  def _output_length(self, length, i):
    if length is None:
      return None
    return layer_utils.conv_output_length(
      length, self.kernel_size[i], self.padding, self.strides[i], self.dilation_rate[i]
    )

  def compute_output_shape(self, input_shape):
    """tf-keras ``Conv.compute_output_shape``: batch axes, the spatial sizes, filters."""
    input_shape = tuple(None if d is None else int(d) for d in input_shape)
    batch_rank = len(input_shape) - self.rank - 1
    if self.data_format == "channels_last":
      spatial = input_shape[batch_rank:-1]
    else:
      spatial = input_shape[batch_rank + 1 :]
    if len(spatial) != self.rank:
      raise ValueError(
        f"{self.name}: compute_output_shape's input_shape must have rank "
        f"{self.rank + 2}, got {input_shape}."
      )
    sizes = tuple(self._output_length(n, i) for i, n in enumerate(spatial))
    batch = input_shape[:batch_rank]
    if self.data_format == "channels_last":
      return TensorShape(batch + sizes + (self.filters,))
    return TensorShape(batch + (self.filters,) + sizes)

  def _spatial_shape(self, shape):
    if self.data_format == "channels_first":
      return shape[len(shape) - self.rank :]
    return shape[len(shape) - self.rank - 1 : -1]

  def build(self, input_shape):
    channel_axis = self._channel_axis()
    input_channel = int(input_shape[channel_axis])
    self.kernel = self.add_weight(
      "kernel",
      shape=self.kernel_size + (input_channel, self.filters),
      initializer=self.kernel_initializer,
      regularizer=self.kernel_regularizer,
      constraint=self.kernel_constraint,
      trainable=True,
      dtype=self._dtype,
    )
    self._build_bias()
    self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={channel_axis: input_channel})
    self.built = True

  def _build_bias(self):
    if self.use_bias:
      self.bias = self.add_weight(
        "bias",
        shape=(self.filters,),
        initializer=self.bias_initializer,
        regularizer=self.bias_regularizer,
        constraint=self.bias_constraint,
        trainable=True,
        dtype=self._dtype,
      )
    else:
      self.bias = None

  def _causal_pad(self, inputs):
    left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
    pads = [(0, 0)] * inputs.ndim
    pads[-2 if self.data_format == "channels_last" else -1] = (left, 0)
    return jnp.pad(inputs, pads)

  def _check_output_size(self, inputs):
    if self.padding != "valid":
      return
    for size, k, d in zip(self._spatial_shape(inputs.shape), self.kernel_size, self.dilation_rate):
      k_eff = (k - 1) * d + 1
      if size < k_eff:
        raise ValueError(
          tf_errors.NEGATIVE_DIMENSION % (k_eff, size)
          + f" (input shape {tuple(inputs.shape)}, padding 'valid')"
          + where(self)
        )

  def _convolve(self, x, kernel, strides, padding, dilation, groups=1):
    return jax.lax.conv_general_dilated(
      x,
      kernel,
      window_strides=strides,
      padding=padding,
      rhs_dilation=dilation,
      dimension_numbers=conv_dimension_numbers(self.rank, self.data_format),
      feature_group_count=groups,
    )

  def call(self, inputs):
    if self.padding == "causal":
      inputs = self._causal_pad(inputs)
    self._check_output_size(inputs)
    kernel = var_lib.value_of(self.kernel)
    padding = "VALID" if self.padding == "causal" else self.padding.upper()
    outputs = _squeeze_batch_dims(
      inputs,
      self.rank,
      lambda x: self._convolve(x, kernel, self.strides, padding, self.dilation_rate),
    )
    return self._finish(outputs)

  def _finish(self, outputs):
    if self.use_bias:
      outputs = add_bias(outputs, var_lib.value_of(self.bias), self.data_format)
    if self.activation is not None:
      outputs = self.activation(outputs)
    return outputs


_CONV_DOC = """{summary}

  Variables ``kernel`` (``kernel_size + (in_channels, filters)``) and ``bias``
  (``[filters]``) in the layer's scope.

  Args:
    filters: output channels.
    kernel_size: an int or a tuple of {rank} ints.
    strides: an int or a tuple of {rank} ints (not > 1 together with a dilation > 1).
    padding: ``"valid"`` or ``"same"`` (TF's SAME){causal}.
    data_format: ``"channels_last"`` (N, {sp}, C) or ``"channels_first"`` (N, C, {sp}).
    dilation_rate: an int or a tuple of {rank} ints.
    activation: a callable or None.
    use_bias: whether to add ``bias``.
    kernel_initializer: default: the enclosing scope's initializer, else glorot-uniform.
    bias_initializer: default zeros.
    kernel_regularizer, bias_regularizer, activity_regularizer: as for ``Dense``.
    kernel_constraint, bias_constraint: stored on the variables.
    trainable: whether the variables are trainable.
    name: the scope name (made unique when the layer is called).
"""


class Conv1D(_Conv):
  __doc__ = (
    _CONV_DOC.format(
      summary="1D convolution (``tf.layers.Conv1D``).",
      rank=1,
      sp="W",
      causal=', or ``"causal"`` (left padding)',
    )
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.Conv1D(4, 3, padding="causal")(jnp.ones((2, 9, 3))).shape
  (2, 9, 4)
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      1,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      dilation_rate,
      activation,
      use_bias,
      kernel_initializer,
      bias_initializer,
      kernel_regularizer,
      bias_regularizer,
      activity_regularizer,
      kernel_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )


class Conv2D(_Conv):
  __doc__ = (
    _CONV_DOC.format(summary="2D convolution (``tf.layers.Conv2D``).", rank=2, sp="H, W", causal="")
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> layer = vs.layers.Conv2D(4, 3, strides=2, padding="same")
  >>> layer(jnp.ones((2, 7, 7, 3))).shape, layer.kernel.shape
  ((2, 4, 4, 4), (3, 3, 3, 4))
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      2,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      dilation_rate,
      activation,
      use_bias,
      kernel_initializer,
      bias_initializer,
      kernel_regularizer,
      bias_regularizer,
      activity_regularizer,
      kernel_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )


class Conv3D(_Conv):
  __doc__ = (
    _CONV_DOC.format(
      summary="3D convolution (``tf.layers.Conv3D``).", rank=3, sp="D, H, W", causal=""
    )
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.Conv3D(2, 2, data_format="channels_first")(jnp.ones((1, 3, 4, 4, 4))).shape
  (1, 2, 3, 3, 3)
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      3,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      dilation_rate,
      activation,
      use_bias,
      kernel_initializer,
      bias_initializer,
      kernel_regularizer,
      bias_regularizer,
      activity_regularizer,
      kernel_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )


class _ConvTranspose(_Conv):
  """Transposed convolution: the gradient of ``_Conv`` with respect to its input."""

  def _output_length(self, length, i):
    if length is None:
      return None
    return layer_utils.deconv_output_length(
      length, self.kernel_size[i], self.padding, self.strides[i]
    )

  def build(self, input_shape):
    if len(input_shape) != self.rank + 2:
      raise ValueError(tf_errors.INPUTS_RANK % (self.rank + 2, tuple(input_shape)) + where(self))
    channel_axis = self._channel_axis()
    input_dim = int(input_shape[channel_axis])
    self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: input_dim})
    self.kernel = self.add_weight(
      "kernel",
      shape=self.kernel_size + (self.filters, input_dim),
      initializer=self.kernel_initializer,
      regularizer=self.kernel_regularizer,
      constraint=self.kernel_constraint,
      trainable=True,
      dtype=self._dtype,
    )
    self._build_bias()
    self.built = True

  def call(self, inputs):
    kernel = var_lib.value_of(self.kernel)
    in_sizes = self._spatial_shape(inputs.shape)
    pads = []
    for size, k, s in zip(in_sizes, self.kernel_size, self.strides):
      out = layer_utils.deconv_output_length(size, k, self.padding, s)
      lo, hi = (0, 0) if self.padding == "valid" else layer_utils.same_padding(out, size, k, s)
      extra = out - ((size - 1) * s + k - lo - hi)
      pads.append((k - 1 - lo, k - 1 - hi + extra))
    # conv2d_transpose(x) = conv(dilate(x, strides), flip(kernel) with in/out swapped)
    flipped = jnp.flip(kernel, axis=tuple(range(self.rank)))
    flipped = jnp.swapaxes(flipped, -1, -2)
    outputs = jax.lax.conv_general_dilated(
      inputs,
      flipped,
      window_strides=(1,) * self.rank,
      padding=pads,
      lhs_dilation=self.strides,
      dimension_numbers=conv_dimension_numbers(self.rank, self.data_format),
    )
    return self._finish(outputs)


_TRANSPOSE_DOC = """{summary}

  Variables ``kernel`` (``kernel_size + (filters, in_channels)``, TF's layout) and
  ``bias``. The output size is ``in * stride`` (``"same"``) or
  ``in * stride + max(kernel - stride, 0)`` (``"valid"``), as TF's.

  Args:
    filters, kernel_size, strides, padding, data_format, activation, use_bias,
    kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
    activity_regularizer, kernel_constraint, bias_constraint, trainable, name: as for
    ``Conv{rank}D`` (no dilation, as TF1's).
"""


class Conv2DTranspose(_ConvTranspose):
  __doc__ = (
    _TRANSPOSE_DOC.format(
      summary="2D transposed convolution (``tf.layers.Conv2DTranspose``).", rank=2
    )
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.Conv2DTranspose(2, 3, strides=2)(jnp.ones((1, 4, 4, 3))).shape
  (1, 9, 9, 2)
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      2,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      1,
      activation,
      use_bias,
      kernel_initializer,
      bias_initializer,
      kernel_regularizer,
      bias_regularizer,
      activity_regularizer,
      kernel_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )


class Conv3DTranspose(_ConvTranspose):
  __doc__ = (
    _TRANSPOSE_DOC.format(
      summary="3D transposed convolution (``tf.layers.Conv3DTranspose``).", rank=3
    )
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.Conv3DTranspose(2, 2, strides=2, padding="same")(jnp.ones((1, 2, 2, 2, 3))).shape
  (1, 4, 4, 4, 2)
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      3,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      1,
      activation,
      use_bias,
      kernel_initializer,
      bias_initializer,
      kernel_regularizer,
      bias_regularizer,
      activity_regularizer,
      kernel_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )


class _SeparableConv(_Conv):
  """Depthwise convolution (``depth_multiplier`` per channel), then a 1x1 pointwise one."""

  def __init__(
    self,
    rank,
    filters,
    kernel_size,
    strides,
    padding,
    data_format,
    dilation_rate,
    depth_multiplier,
    activation,
    use_bias,
    depthwise_initializer,
    pointwise_initializer,
    bias_initializer,
    depthwise_regularizer,
    pointwise_regularizer,
    bias_regularizer,
    activity_regularizer,
    depthwise_constraint,
    pointwise_constraint,
    bias_constraint,
    trainable,
    name,
    **kwargs,
  ):
    super().__init__(
      rank,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      dilation_rate,
      activation,
      use_bias,
      None,
      bias_initializer,
      None,
      bias_regularizer,
      activity_regularizer,
      None,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )
    self.depth_multiplier = depth_multiplier
    self.depthwise_initializer = depthwise_initializer
    self.pointwise_initializer = pointwise_initializer
    self.depthwise_regularizer = depthwise_regularizer
    self.pointwise_regularizer = pointwise_regularizer
    self.depthwise_constraint = depthwise_constraint
    self.pointwise_constraint = pointwise_constraint

  def build(self, input_shape):
    channel_axis = self._channel_axis()
    input_dim = int(input_shape[channel_axis])
    self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: input_dim})
    self.depthwise_kernel = self.add_weight(
      "depthwise_kernel",
      shape=self.kernel_size + (input_dim, self.depth_multiplier),
      initializer=self.depthwise_initializer,
      regularizer=self.depthwise_regularizer,
      constraint=self.depthwise_constraint,
      trainable=True,
      dtype=self._dtype,
    )
    self.pointwise_kernel = self.add_weight(
      "pointwise_kernel",
      shape=(1,) * self.rank + (self.depth_multiplier * input_dim, self.filters),
      initializer=self.pointwise_initializer,
      regularizer=self.pointwise_regularizer,
      constraint=self.pointwise_constraint,
      trainable=True,
      dtype=self._dtype,
    )
    self._build_bias()
    self.built = True

  def call(self, inputs):
    if self.padding == "causal":
      inputs = self._causal_pad(inputs)
    self._check_output_size(inputs)
    depthwise = var_lib.value_of(self.depthwise_kernel)
    pointwise = var_lib.value_of(self.pointwise_kernel)
    in_dim = depthwise.shape[-2]
    # (k..., in, m) -> (k..., 1, in * m): output channel i * m + j, TF's order.
    depthwise = jnp.reshape(depthwise, depthwise.shape[:-2] + (1, in_dim * depthwise.shape[-1]))
    padding = "VALID" if self.padding == "causal" else self.padding.upper()
    outputs = self._convolve(
      inputs, depthwise, self.strides, padding, self.dilation_rate, groups=in_dim
    )
    outputs = self._convolve(outputs, pointwise, (1,) * self.rank, "VALID", (1,) * self.rank)
    return self._finish(outputs)


_SEPARABLE_DOC = """{summary}

  Variables ``depthwise_kernel`` (``kernel_size + (in_channels, depth_multiplier)``),
  ``pointwise_kernel`` (``(1,) * {rank} + (in_channels * depth_multiplier, filters)``)
  and ``bias``.

  Args:
    filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
    use_bias, bias_initializer, bias_regularizer, activity_regularizer, bias_constraint,
    trainable, name: as for ``Conv{rank}D``.
    depth_multiplier: depthwise outputs per input channel.
    depthwise_initializer, pointwise_initializer: default: the enclosing scope's
      initializer, else glorot-uniform.
    depthwise_regularizer, pointwise_regularizer, depthwise_constraint,
    pointwise_constraint: as ``kernel_*`` for ``Conv{rank}D``.
"""


class SeparableConv1D(_SeparableConv):
  __doc__ = (
    _SEPARABLE_DOC.format(
      summary="Depthwise-separable 1D convolution (``tf.layers.SeparableConv1D``).", rank=1
    )
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> layer = vs.layers.SeparableConv1D(4, 3, depth_multiplier=2)
  >>> layer(jnp.ones((2, 9, 3))).shape, layer.pointwise_kernel.shape
  ((2, 7, 4), (1, 6, 4))
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      1,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      dilation_rate,
      depth_multiplier,
      activation,
      use_bias,
      depthwise_initializer,
      pointwise_initializer,
      bias_initializer,
      depthwise_regularizer,
      pointwise_regularizer,
      bias_regularizer,
      activity_regularizer,
      depthwise_constraint,
      pointwise_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )


class SeparableConv2D(_SeparableConv):
  __doc__ = (
    _SEPARABLE_DOC.format(
      summary="Depthwise-separable 2D convolution (``tf.layers.SeparableConv2D``).", rank=2
    )
    + """
  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.SeparableConv2D(4, 3, padding="same")(jnp.ones((2, 5, 5, 3))).shape
  (2, 5, 5, 4)
  """
  )

  def __init__(
    self,
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
    **kwargs,
  ):
    super().__init__(
      2,
      filters,
      kernel_size,
      strides,
      padding,
      data_format,
      dilation_rate,
      depth_multiplier,
      activation,
      use_bias,
      depthwise_initializer,
      pointwise_initializer,
      bias_initializer,
      depthwise_regularizer,
      pointwise_regularizer,
      bias_regularizer,
      activity_regularizer,
      depthwise_constraint,
      pointwise_constraint,
      bias_constraint,
      trainable,
      name,
      **kwargs,
    )
