"""tf-slim's ``images_to_sequence`` / ``sequence_to_images``: image rows as sequences (for
an RNN over width) and back."""

from __future__ import annotations

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import name_scope as name_scope_lib


@add_arg_scope
def images_to_sequence(inputs, data_format="NHWC", outputs_collections=None, scope=None):
  """``[batch, height, width, depth]`` to ``[width, batch * height, depth]``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.images_to_sequence(jnp.ones((2, 3, 5, 4))).shape
  (5, 6, 4)
  """
  if data_format not in ("NCHW", "NHWC"):
    raise ValueError(tf_errors.DATA_FORMAT_NCHW_NHWC)
  with name_scope_lib.name_scope(scope, "ImagesToSequence", [inputs]) as sc:
    inputs = common.as_input(inputs, "images_to_sequence")
    if inputs.ndim != 4:
      raise ValueError(
        "images_to_sequence: inputs must be 4-D [batch, height, width, "
        "depth], got shape %s." % (tuple(inputs.shape),)
      )
    if data_format == "NCHW":
      inputs = jnp.transpose(inputs, (0, 2, 3, 1))
    batch, height, width, depth = inputs.shape
    outputs = jnp.reshape(jnp.transpose(inputs, (2, 0, 1, 3)), (width, batch * height, depth))
    return utils.collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def sequence_to_images(
  inputs, height, output_data_format="channels_last", outputs_collections=None, scope=None
):
  """``[width, batch * height, depth]`` back to images (``channels_first``: NCHW).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.sequence_to_images(jnp.ones((5, 6, 4)), 3).shape
  (2, 3, 5, 4)
  """
  with name_scope_lib.name_scope(scope, "SequenceToImages", [inputs]) as sc:
    inputs = common.as_input(inputs, "sequence_to_images")
    if inputs.ndim != 3:
      raise ValueError(
        "sequence_to_images: inputs must be 3-D [width, batch * height, "
        "depth], got shape %s." % (tuple(inputs.shape),)
      )
    width, num_batches, depth = inputs.shape
    if (
      isinstance(height, bool)
      or not isinstance(height, int)
      or height < 1
      or (num_batches % height)
    ):
      raise ValueError(
        "sequence_to_images: height=%r must be a positive int dividing "
        "the second dimension (%d)." % (height, num_batches)
      )
    reshaped = jnp.reshape(inputs, (width, num_batches // height, height, depth))
    if output_data_format == "channels_first":
      outputs = jnp.transpose(reshaped, (1, 3, 2, 0))
    else:
      outputs = jnp.transpose(reshaped, (1, 2, 0, 3))
    return utils.collect_named_outputs(outputs_collections, sc, outputs)
