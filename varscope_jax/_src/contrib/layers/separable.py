"""tf-slim's ``separable_conv2d``: with ``num_outputs``, ``vs.layers.SeparableConv2D``
(``depthwise_weights``, ``pointwise_weights``, ``biases``); with ``num_outputs=None``,
the depthwise convolution only (``depthwise_weights`` ``[kh, kw, in, depth_multiplier]``,
then ``biases`` of ``in * depth_multiplier`` unless a normalizer is given)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework import variables as variables_lib
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.contrib.layers.convolution import XAVIER
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.layers import convolutional as conv_layers
from varscope_jax._src.layers.core import ZEROS

_RENAMES = {
  "bias": "biases",
  "depthwise_kernel": "depthwise_weights",
  "pointwise_kernel": "pointwise_weights",
}


@add_arg_scope
def separable_convolution2d(
  inputs,
  num_outputs,
  kernel_size,
  depth_multiplier=1,
  stride=1,
  padding="SAME",
  data_format="NHWC",
  rate=1,
  activation_fn=jax.nn.relu,
  normalizer_fn=None,
  normalizer_params=None,
  weights_initializer=XAVIER,
  pointwise_initializer=None,
  weights_regularizer=None,
  biases_initializer=ZEROS,
  biases_regularizer=None,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  scope=None,
):
  """A depthwise-separable 2-D convolution (``num_outputs=None``: depthwise only), in
  ``variable_scope(scope, "SeparableConv2d")``.

  ``weights_initializer`` / ``weights_regularizer`` apply to both kernels
  (``pointwise_initializer`` overrides the pointwise one); the rest as ``convolution``.

  Raises:
    ValueError: tf-slim's ``data_format has to be either NCHW or NHWC.`` or the layers'
      shape errors.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> f = lambda x: slim.separable_conv2d(x, None, [3, 3], depth_multiplier=2)
  >>> {k: v.shape for k, v in vs.transform(f).specs(jnp.ones((1, 5, 5, 3))).items()}
  {'SeparableConv2d/depthwise_weights': (3, 3, 3, 2), 'SeparableConv2d/biases': (6,)}
  """
  if data_format not in ("NCHW", "NHWC"):
    raise ValueError(tf_errors.DATA_FORMAT_NCHW_NHWC)
  getter = getters.build_variable_getter(_RENAMES)
  with vs_lib.variable_scope(
    scope, "SeparableConv2d", [inputs], reuse=reuse, custom_getter=getter
  ) as sc:
    inputs = common.as_input(inputs, "separable_conv2d")
    if pointwise_initializer is None:
      pointwise_initializer = weights_initializer
    df = "channels_first" if data_format.startswith("NC") else "channels_last"
    if num_outputs is not None:
      layer = conv_layers.SeparableConv2D(
        filters=num_outputs,
        kernel_size=kernel_size,
        strides=stride,
        padding=padding,
        data_format=df,
        dilation_rate=utils.two_element_tuple(rate),
        activation=None,
        depth_multiplier=depth_multiplier,
        use_bias=not normalizer_fn and biases_initializer,
        depthwise_initializer=weights_initializer,
        pointwise_initializer=pointwise_initializer,
        bias_initializer=biases_initializer,
        depthwise_regularizer=weights_regularizer,
        pointwise_regularizer=weights_regularizer,
        bias_regularizer=biases_regularizer,
        activity_regularizer=None,
        trainable=trainable,
        name=sc.name,
        dtype=inputs.dtype,
        _scope=sc,
        _reuse=reuse,
      )
      outputs = layer.apply(inputs)
      for var, key in (
        (layer.depthwise_kernel, "weights"),
        (layer.pointwise_kernel, "weights"),
        (layer.bias if layer.use_bias else None, "biases"),
      ):
        if var is not None:
          getters.add_variable_to_collections(var, variables_collections, key)
      if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    else:
      dtype = inputs.dtype
      kernel_h, kernel_w = utils.two_element_tuple(kernel_size)
      stride_h, stride_w = utils.two_element_tuple(stride)
      num_filters_in = utils.channel_dimension(tuple(inputs.shape), df, min_rank=4)
      depthwise = variables_lib.model_variable(
        "depthwise_weights",
        shape=[kernel_h, kernel_w, num_filters_in, depth_multiplier],
        dtype=dtype,
        initializer=weights_initializer,
        regularizer=weights_regularizer,
        trainable=trainable,
        collections=getters.variable_collections(variables_collections, "weights"),
      )
      kernel = var_lib.value_of(depthwise)
      kernel = jnp.reshape(kernel, (kernel_h, kernel_w, 1, num_filters_in * depth_multiplier))
      lhs = "NHWC" if df == "channels_last" else "NCHW"
      outputs = jax.lax.conv_general_dilated(
        inputs,
        kernel.astype(dtype),
        window_strides=(stride_h, stride_w),
        padding=str(padding).upper(),
        rhs_dilation=utils.two_element_tuple(rate),
        dimension_numbers=(lhs, "HWIO", lhs),
        feature_group_count=num_filters_in,
      )
      num_outputs = depth_multiplier * num_filters_in
      if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
      elif biases_initializer is not None:
        biases = variables_lib.model_variable(
          "biases",
          shape=[num_outputs],
          dtype=dtype,
          initializer=biases_initializer,
          regularizer=biases_regularizer,
          trainable=trainable,
          collections=getters.variable_collections(variables_collections, "biases"),
        )
        outputs = conv_layers.add_bias(outputs, var_lib.value_of(biases), df)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


separable_conv2d = separable_convolution2d


@add_arg_scope
def convolution2d_in_plane(
  inputs,
  kernel_size,
  stride=1,
  padding="SAME",
  activation_fn=jax.nn.relu,
  normalizer_fn=None,
  normalizer_params=None,
  weights_initializer=XAVIER,
  weights_regularizer=None,
  biases_initializer=ZEROS,
  biases_regularizer=None,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  scope=None,
):
  """One ``[kh, kw, 1, 1]`` filter applied to every channel (tf-slim's
  ``convolution2d_in_plane``), in ``variable_scope(scope, "ConvInPlane")``; ``biases``
  per channel unless a normalizer is given.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> f = lambda x: slim.conv2d_in_plane(x, [3, 3])
  >>> {k: v.shape for k, v in vs.transform(f).specs(jnp.ones((1, 5, 5, 3))).items()}
  {'ConvInPlane/weights': (3, 3, 1, 1), 'ConvInPlane/biases': (3,)}
  """
  with vs_lib.variable_scope(scope, "ConvInPlane", [inputs], reuse=reuse) as sc:
    inputs = common.as_input(inputs, "convolution2d_in_plane")
    dtype = inputs.dtype
    kernel_h, kernel_w = utils.two_element_tuple(kernel_size)
    stride_h, stride_w = utils.two_element_tuple(stride)
    num_filters_in = utils.last_dimension(tuple(inputs.shape), min_rank=4)
    weights = variables_lib.model_variable(
      "weights",
      shape=[kernel_h, kernel_w, 1, 1],
      dtype=dtype,
      initializer=weights_initializer,
      regularizer=weights_regularizer,
      collections=getters.variable_collections(variables_collections, "weights"),
      trainable=trainable,
    )
    kernel = jnp.tile(var_lib.value_of(weights), (1, 1, 1, num_filters_in))
    outputs = jax.lax.conv_general_dilated(
      inputs,
      kernel.astype(dtype),
      window_strides=(stride_h, stride_w),
      padding=str(padding).upper(),
      dimension_numbers=("NHWC", "HWIO", "NHWC"),
      feature_group_count=num_filters_in,
    )
    if normalizer_fn is not None:
      outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    elif biases_initializer is not None:
      biases = variables_lib.model_variable(
        "biases",
        shape=[num_filters_in],
        dtype=dtype,
        initializer=biases_initializer,
        regularizer=biases_regularizer,
        collections=getters.variable_collections(variables_collections, "biases"),
        trainable=trainable,
      )
      outputs = outputs + var_lib.value_of(biases)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


conv2d_in_plane = convolution2d_in_plane
