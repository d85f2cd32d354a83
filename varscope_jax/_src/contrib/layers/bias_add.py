"""tf-slim's ``bias_add``: a ``biases`` model variable in ``variable_scope(scope,
"BiasAdd")`` added on the channel axis."""

from __future__ import annotations

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework import variables as variables_lib
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.layers.core import ZEROS


@add_arg_scope
def bias_add(
  inputs,
  activation_fn=None,
  initializer=ZEROS,
  regularizer=None,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  data_format="NHWC",
  scope=None,
):
  """``inputs + biases`` on the last axis (axis 1 for ``NCHW``, 4-D only), then
  ``activation_fn``.

  Raises:
    ValueError: tf-slim's ``data_format has to be either NCHW or NHWC.`` and ``Data format
      NCHW only supports 4D Tensor``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> list(vs.transform(lambda x: slim.bias_add(x)).specs(jnp.ones((2, 3))))
  ['BiasAdd/biases']
  """
  if data_format not in ("NCHW", "NHWC"):
    raise ValueError(tf_errors.DATA_FORMAT_NCHW_NHWC)
  with vs_lib.variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
    inputs = common.as_input(inputs, "bias_add")
    rank = inputs.ndim
    if rank != 4 and data_format == "NCHW":
      raise ValueError(tf_errors.NCHW_ONLY_4D)
    axis = 1 if data_format == "NCHW" else -1
    if rank < 1:
      raise ValueError(
        "bias_add: inputs must have a channel axis, got a scalar.\n%s"
        % common.scope_where("slim.bias_add", sc)
      )
    num_features = inputs.shape[axis]
    biases = variables_lib.model_variable(
      "biases",
      shape=[num_features],
      dtype=inputs.dtype,
      initializer=initializer,
      regularizer=regularizer,
      collections=getters.variable_collections(variables_collections, "biases"),
      trainable=trainable,
    )
    b = var_lib.value_of(biases)
    if data_format == "NCHW":
      b = jnp.reshape(b, (1, -1, 1, 1))
    outputs = inputs + b.astype(inputs.dtype)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)
