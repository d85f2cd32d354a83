"""tf-slim's ``max_pool2d`` / ``avg_pool2d`` (and 3-D): ``vs.layers`` pooling in a *name*
scope (``MaxPool2D``, ``AvgPool2D``), stride 2 and ``VALID`` by default; the end point's
alias is the name scope."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import name_scope as name_scope_lib
from varscope_jax._src.layers import pooling as pooling_layers


def _pool(name, default_scope, layer_class, data_formats):
  nhwc = data_formats[1]

  def pool(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format=nhwc,
    outputs_collections=None,
    scope=None,
  ):
    if data_format not in data_formats:
      raise ValueError(tf_errors.DATA_FORMAT_EITHER % data_formats)
    with name_scope_lib.name_scope(scope, default_scope, [inputs]) as sc:
      inputs = common.as_input(inputs, name)
      df = "channels_first" if data_format and data_format.startswith("NC") else ("channels_last")
      layer = layer_class(
        pool_size=kernel_size, strides=stride, padding=padding, data_format=df, _scope=sc
      )
      outputs = layer.apply(inputs)
      return utils.collect_named_outputs(outputs_collections, sc, outputs)

  pool.__name__ = pool.__qualname__ = name
  rank = 2 if "2d" in name else 3
  pool.__doc__ = (
    "tf-slim's ``%s``: %s pooling over ``kernel_size`` (an int or one per spatial axis) "
    "with ``stride`` (default 2) and ``padding`` (default ``VALID``), in "
    "``name_scope(scope, %r)``; ``outputs_collections`` as the layers'.\n\n"
    "  Raises:\n"
    "    ValueError: ``data_format has to be either %s or %s.``, or the input-rank "
    "error of ``vs.layers``.\n\n"
    "  >>> import jax.numpy as jnp\n"
    "  >>> import varscope_jax as vs\n"
    "  >>> from varscope_jax.contrib import slim\n"
    "  >>> vs.reset_default_graph()\n"
    "  >>> slim.%s(jnp.ones((1,%s 2)), 2).shape\n"
    "  (1,%s 2)\n"
    % (
      name,
      "max" if "max" in name else "average",
      default_scope,
      data_formats[0],
      data_formats[1],
      name,
      " 4," * rank,
      " 2," * rank,
    )
  )
  return add_arg_scope(pool)


max_pool2d = _pool("max_pool2d", "MaxPool2D", pooling_layers.MaxPooling2D, ("NCHW", "NHWC"))
avg_pool2d = _pool("avg_pool2d", "AvgPool2D", pooling_layers.AveragePooling2D, ("NCHW", "NHWC"))
max_pool3d = _pool("max_pool3d", "MaxPool3D", pooling_layers.MaxPooling3D, ("NCDHW", "NDHWC"))
avg_pool3d = _pool("avg_pool3d", "AvgPool3D", pooling_layers.AveragePooling3D, ("NCDHW", "NDHWC"))


@add_arg_scope
def pool(
  inputs,
  kernel_size,
  pooling_type,
  padding="VALID",
  data_format=None,
  dilation_rate=1,
  stride=1,
  outputs_collections=None,
  scope=None,
):
  """N-D ``MAX`` or ``AVG`` pooling (``tf.nn.pool``) with dilation, in
  ``name_scope(scope, "<type>_pool")``; ``AVG`` with ``SAME`` averages the valid entries.

  Raises:
    ValueError: tf-slim's ``Rank of inputs must be >= 3``, ``tf.nn.pool``'s errors
      (``SAME`` with dilation, ``strides`` > ``window_shape``, an unknown type).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.pool(jnp.ones((1, 5, 5, 2)), [2, 2], "MAX", dilation_rate=2).shape
  (1, 3, 3, 2)
  """
  if not isinstance(pooling_type, str):
    raise TypeError("pool: pooling_type must be 'MAX' or 'AVG', got %r." % (pooling_type,))
  with name_scope_lib.name_scope(scope, "%s_pool" % pooling_type.lower(), [inputs]) as sc:
    inputs = common.as_input(inputs, "pool")
    rank = inputs.ndim
    if rank < 3:
      raise ValueError(tf_errors.POOL_INPUT_RANK)
    n = rank - 2
    window = utils.n_positive_integers(n, kernel_size)
    dilation = utils.n_positive_integers(n, dilation_rate)
    strides = utils.n_positive_integers(n, stride)
    if padding == "SAME" and any(d > 1 for d in dilation):
      raise ValueError(tf_errors.POOL_SAME_DILATION % (padding, np.array(dilation)))
    if any(s > w for s, w in zip(strides, window)):
      raise ValueError(tf_errors.POOL_STRIDES_WINDOW % (np.array(strides), window))
    if pooling_type not in ("MAX", "AVG") or n > 3:
      raise ValueError(tf_errors.POOL_UNSUPPORTED % (n, pooling_type))
    first = data_format is not None and data_format.startswith("NC")
    dims = (1, 1) + window if first else (1,) + window + (1,)
    strd = (1, 1) + strides if first else (1,) + strides + (1,)
    dil = (1, 1) + dilation if first else (1,) + dilation + (1,)
    pad = str(padding).upper()
    if pooling_type == "MAX":
      init = jnp.array(-jnp.inf, inputs.dtype)
      out = jax.lax.reduce_window(inputs, init, jax.lax.max, dims, strd, pad, window_dilation=dil)
    else:
      zero = jnp.array(0, inputs.dtype)
      total = jax.lax.reduce_window(inputs, zero, jax.lax.add, dims, strd, pad, window_dilation=dil)
      count = jax.lax.reduce_window(
        jnp.ones_like(inputs), zero, jax.lax.add, dims, strd, pad, window_dilation=dil
      )
      out = total / count
    return utils.collect_named_outputs(outputs_collections, sc, out)
