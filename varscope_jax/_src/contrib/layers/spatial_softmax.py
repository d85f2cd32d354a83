"""tf-slim's ``spatial_softmax``: expected image coordinates of each channel's softmax
(Levine et al.), with a ``temperature`` model variable."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.contrib.framework import variables as variables_lib
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.core import name_scope as name_scope_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src import initializers as init_lib


@add_arg_scope
def spatial_softmax(
  features,
  temperature=None,
  name=None,
  variables_collections=None,
  trainable=True,
  data_format="NHWC",
):
  """``[batch, 2 * channels]`` keypoints: for each channel, the softmax over positions of
  ``features / temperature`` and the expected ``x`` and ``y`` in ``[-1, 1]``.

  ``temperature`` (default 1.0) is the initial value of the scalar model variable
  ``spatial_softmax/temperature``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.spatial_softmax(jnp.zeros((1, 3, 3, 2))).tolist()
  [[0.0, 0.0, 0.0, 0.0]]
  """
  with vs_lib.variable_scope(name, "spatial_softmax"):
    features = common.as_input(features, "spatial_softmax")
    if features.ndim != 4:
      raise ValueError(
        "spatial_softmax: features must be 4-D, got shape %s." % (tuple(features.shape),)
      )
    if data_format == "NHWC":
      height, width, num_channels = features.shape[1], features.shape[2], features.shape[3]
    elif data_format == "NCHW":
      num_channels, height, width = features.shape[1], features.shape[2], features.shape[3]
    else:
      raise ValueError(tf_errors.DATA_FORMAT_NCHW_NHWC)
    with name_scope_lib.name_scope("spatial_softmax_op", "spatial_softmax_op", [features]):
      pos_x, pos_y = jnp.meshgrid(
        jnp.linspace(-1.0, 1.0, height), jnp.linspace(-1.0, 1.0, width), indexing="ij"
      )
      pos_x = jnp.reshape(pos_x, [height * width])
      pos_y = jnp.reshape(pos_y, [height * width])
      init = (
        init_lib.ones_initializer()
        if temperature is None
        else init_lib.constant_initializer(temperature)
      )
      collections = (
        None
        if not trainable
        else getters.variable_collections(variables_collections, "temperature")
      )
      temp = variables_lib.model_variable(
        "temperature",
        shape=(),
        dtype=dtypes_lib.float32,
        initializer=init,
        collections=collections,
        trainable=trainable,
      )
      if data_format == "NCHW":
        flat = jnp.reshape(features, [-1, height * width])
      else:
        flat = jnp.reshape(jnp.transpose(features, (0, 3, 1, 2)), [-1, height * width])
      attention = jax.nn.softmax(flat / var_lib.value_of(temp), axis=-1)
      expected_x = jnp.sum(pos_x * attention, axis=1, keepdims=True)
      expected_y = jnp.sum(pos_y * attention, axis=1, keepdims=True)
      return jnp.reshape(jnp.concatenate([expected_x, expected_y], 1), [-1, num_channels * 2])
