"""tf-slim's ``max_pool2d`` / ``avg_pool2d`` (and 3-D): ``vs.layers`` pooling in a *name*
scope (``MaxPool2D``, ``AvgPool2D``), stride 2 and ``VALID`` by default; the end point's
alias is the name scope."""
from __future__ import annotations

from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import name_scope as name_scope_lib
from varscope_jax._src.layers import pooling as pooling_layers


def _pool(name, default_scope, layer_class, data_formats):
  nhwc = data_formats[1]

  def pool(inputs, kernel_size, stride=2, padding="VALID", data_format=nhwc,
           outputs_collections=None, scope=None):
    if data_format not in data_formats:
      raise ValueError("data_format has to be either %s or %s." % data_formats)
    with name_scope_lib.name_scope(scope, default_scope, [inputs]) as sc:
      inputs = common.as_input(inputs, name)
      df = "channels_first" if data_format and data_format.startswith("NC") else (
          "channels_last")
      layer = layer_class(pool_size=kernel_size, strides=stride, padding=padding,
                          data_format=df, _scope=sc)
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
      % (name, "max" if "max" in name else "average", default_scope, data_formats[0],
         data_formats[1], name, " 4," * rank, " 2," * rank))
  return add_arg_scope(pool)


max_pool2d = _pool("max_pool2d", "MaxPool2D", pooling_layers.MaxPooling2D, ("NCHW", "NHWC"))
avg_pool2d = _pool("avg_pool2d", "AvgPool2D", pooling_layers.AveragePooling2D,
                   ("NCHW", "NHWC"))
max_pool3d = _pool("max_pool3d", "MaxPool3D", pooling_layers.MaxPooling3D,
                   ("NCDHW", "NDHWC"))
avg_pool3d = _pool("avg_pool3d", "AvgPool3D", pooling_layers.AveragePooling3D,
                   ("NCDHW", "NDHWC"))
