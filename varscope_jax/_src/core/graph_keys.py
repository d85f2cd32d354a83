"""Standard collection names (``tf.compat.v1.GraphKeys``)."""
from __future__ import annotations


class GraphKeys:
  """Standard collection names, as ``tf.compat.v1.GraphKeys``.

  >>> import varscope_jax as vs
  >>> vs.GraphKeys.TRAINABLE_VARIABLES
  'trainable_variables'
  """
  GLOBAL_VARIABLES = "variables"
  LOCAL_VARIABLES = "local_variables"
  MODEL_VARIABLES = "model_variables"
  TRAINABLE_VARIABLES = "trainable_variables"
  MOVING_AVERAGE_VARIABLES = "moving_average_variables"
  REGULARIZATION_LOSSES = "regularization_losses"
  UPDATE_OPS = "update_ops"
  LOSSES = "losses"
