"""tf-slim's ``convolution`` / ``conv1d`` / ``conv2d`` / ``conv3d`` and the transposed
convolutions, on ``vs.layers``' ``Conv*`` classes.

As tf-slim: a ``variable_scope(scope, "Conv", reuse=reuse)`` whose custom getter names
the layer's ``kernel`` ``weights`` and its ``bias`` ``biases`` and makes them model
variables; no ``biases`` when ``normalizer_fn`` is given (it runs inside the same scope,
so ``normalizer_fn=batch_norm`` gives ``Conv/BatchNorm/...``), then ``activation_fn``
(default ``relu``). Regularization losses keep the layer's names
(``Conv/kernel/Regularizer/...``), as in TF.
"""

from __future__ import annotations

import jax

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import initializers
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.layers import convolutional as conv_layers
from varscope_jax._src.layers.core import ZEROS

XAVIER = initializers.xavier_initializer()  # tf-slim's default weights_initializer (one)

_DATA_FORMATS = [None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"]
_CLASSES = {3: conv_layers.Conv1D, 4: conv_layers.Conv2D, 5: conv_layers.Conv3D}


def _df(data_format):
  return "channels_first" if data_format and data_format.startswith("NC") else "channels_last"


@add_arg_scope
def convolution(
  inputs,
  num_outputs,
  kernel_size,
  stride=1,
  padding="SAME",
  data_format=None,
  rate=1,
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
  conv_dims=None,
):
  """An N-D convolution (N from the input's rank: 3, 4 or 5), as tf-slim's ``convolution``.

  Args:
    inputs: ``[batch, ..., channels]`` (``NC...`` with ``data_format="NCHW"`` etc.).
    num_outputs: the number of filters.
    kernel_size, stride, rate: an int or one per spatial axis (``rate``: dilation).
    padding: ``"SAME"`` or ``"VALID"``.
    data_format: None or ``"NWC"``/``"NHWC"``/``"NDHWC"`` (channels last), ``"NCW"``/
      ``"NCHW"``/``"NCDHW"`` (channels first).
    activation_fn: default ``jax.nn.relu``; None for linear.
    normalizer_fn, normalizer_params: e.g. ``batch_norm`` and its keyword arguments; with
      one, no biases are made.
    weights_initializer: default ``xavier_initializer()``; biases_initializer: default
      zeros (None: no biases).
    weights_regularizer, biases_regularizer: ``fn(w) -> loss``.
    reuse, scope: as ``variable_scope`` (default scope ``Conv``, ``Conv_1``, ...).
    variables_collections: extra collections for the variables: a list, or a dict
      ``{"weights": [...], "biases": [...]}``.
    outputs_collections: collections to add the output to (end points, aliased by scope).
    trainable: whether the variables are trainable.
    conv_dims: if given, the input's rank must be ``conv_dims + 2``.

  Raises:
    ValueError: tf-slim's ``Invalid data_format``, ``Convolution expects input with rank
      4, got 3``, the rank error, or a reuse error naming the variable.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> def net(x):
  ...   x = slim.conv2d(x, 4, [3, 3])
  ...   return slim.conv2d(x, 4, [3, 3], normalizer_fn=slim.batch_norm)
  >>> specs = vs.transform(net).specs(jnp.ones((1, 8, 8, 3)))
  >>> list(specs)
  ['Conv/weights', 'Conv/biases', 'Conv_1/weights', 'Conv_1/BatchNorm/beta', 'Conv_1/BatchNorm/moving_mean', 'Conv_1/BatchNorm/moving_variance']
  """
  if data_format not in _DATA_FORMATS:
    raise ValueError(tf_errors.INVALID_DATA_FORMAT % (data_format,))
  getter = getters.build_variable_getter(getters.CONV_GETTER_RENAMES)
  with vs_lib.variable_scope(scope, "Conv", [inputs], reuse=reuse, custom_getter=getter) as sc:
    inputs = common.as_input(inputs, "convolution")
    input_rank = inputs.ndim
    if conv_dims is not None and conv_dims + 2 != input_rank:
      raise ValueError(
        tf_errors.CONVOLUTION_RANK % (conv_dims + 2, input_rank)
        + "\n"
        + common.scope_where("conv%dd" % conv_dims, sc)
      )
    layer_class = _CLASSES.get(input_rank)
    if layer_class is None:
      raise ValueError(
        "%s\n(inputs of shape %s; %s)"
        % (
          str(("Convolution not supported for input with rank", input_rank)),
          tuple(inputs.shape),
          common.scope_where("convolution", sc)[1:-1],
        )
      )
    return common.run_layer(
      layer_class,
      inputs,
      sc,
      reuse,
      normalizer_fn=normalizer_fn,
      normalizer_params=normalizer_params,
      activation_fn=activation_fn,
      weights_initializer=weights_initializer,
      weights_regularizer=weights_regularizer,
      biases_initializer=biases_initializer,
      biases_regularizer=biases_regularizer,
      trainable=trainable,
      variables_collections=variables_collections,
      outputs_collections=outputs_collections,
      filters=num_outputs,
      kernel_size=kernel_size,
      strides=stride,
      padding=padding,
      data_format=_df(data_format),
      dilation_rate=rate,
    )


def _fixed_rank(conv_dims, name):
  def conv(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format=None,
    rate=1,
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
    return convolution(
      inputs,
      num_outputs,
      kernel_size,
      stride,
      padding,
      data_format,
      rate,
      activation_fn,
      normalizer_fn,
      normalizer_params,
      weights_initializer,
      weights_regularizer,
      biases_initializer,
      biases_regularizer,
      reuse,
      variables_collections,
      outputs_collections,
      trainable,
      scope,
      conv_dims=conv_dims,
    )

  conv.__name__ = conv.__qualname__ = name
  conv.__doc__ = (
    "``convolution`` for %d-D inputs of rank %d (tf-slim's ``%s``; arguments as "
    "``convolution``).\n\n"
    "  >>> import jax.numpy as jnp\n"
    "  >>> import varscope_jax as vs\n"
    "  >>> from varscope_jax.contrib import slim\n"
    "  >>> vs.reset_default_graph()\n"
    "  >>> slim.%s(jnp.ones((1,%s 3)), 4, 3).shape\n"
    "  (1,%s 4)\n" % (conv_dims, conv_dims + 2, name, name, " 5," * conv_dims, " 5," * conv_dims)
  )
  return add_arg_scope(conv)


convolution1d = _fixed_rank(1, "convolution1d")
convolution2d = _fixed_rank(2, "convolution2d")
convolution3d = _fixed_rank(3, "convolution3d")


def _transpose(rank, name, default_scope, data_formats):
  layer_class = conv_layers.Conv2DTranspose if rank == 2 else conv_layers.Conv3DTranspose
  nhwc = data_formats[1]

  def conv_transpose(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format=nhwc,
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
    getter = getters.build_variable_getter(getters.CONV_GETTER_RENAMES)
    with vs_lib.variable_scope(
      scope, default_scope, [inputs], reuse=reuse, custom_getter=getter
    ) as sc:
      if data_format not in data_formats:
        raise ValueError(tf_errors.DATA_FORMAT_EITHER % data_formats)
      inputs = common.as_input(inputs, name)
      return common.run_layer(
        layer_class,
        inputs,
        sc,
        reuse,
        normalizer_fn=normalizer_fn,
        normalizer_params=normalizer_params,
        activation_fn=activation_fn,
        weights_initializer=weights_initializer,
        weights_regularizer=weights_regularizer,
        biases_initializer=biases_initializer,
        biases_regularizer=biases_regularizer,
        trainable=trainable,
        variables_collections=variables_collections,
        outputs_collections=outputs_collections,
        filters=num_outputs,
        kernel_size=kernel_size,
        strides=stride,
        padding=padding,
        data_format=_df(data_format),
      )

  conv_transpose.__name__ = conv_transpose.__qualname__ = name
  spatial = " 4," * rank
  out = " 8," * rank
  conv_transpose.__doc__ = (
    "A %d-D transposed convolution (tf-slim's ``%s``): variables ``weights`` ``[k..., "
    "num_outputs, in]`` and ``biases`` in scope ``%s``; arguments as ``convolution`` "
    "(``data_format`` %s or %s).\n\n"
    "  >>> import jax.numpy as jnp\n"
    "  >>> import varscope_jax as vs\n"
    "  >>> from varscope_jax.contrib import slim\n"
    "  >>> vs.reset_default_graph()\n"
    "  >>> slim.%s(jnp.ones((1,%s 3)), 2, 3, stride=2).shape\n"
    "  (1,%s 2)\n"
    % (
      rank,
      name,
      default_scope,
      data_formats[0],
      data_formats[1],
      "conv2d_transpose" if rank == 2 else "conv3d_transpose",
      spatial,
      out,
    )
  )
  return add_arg_scope(conv_transpose)


convolution2d_transpose = _transpose(
  2, "convolution2d_transpose", "Conv2d_transpose", ("NCHW", "NHWC")
)
convolution3d_transpose = _transpose(
  3, "convolution3d_transpose", "Conv3d_transpose", ("NCDHW", "NDHWC")
)

conv1d = convolution1d
conv2d = convolution2d
conv3d = convolution3d
conv2d_transpose = convolution2d_transpose
conv3d_transpose = convolution3d_transpose
