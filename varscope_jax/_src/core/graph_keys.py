"""Standard collection names (``tf.compat.v1.GraphKeys``)."""

from __future__ import annotations


class GraphKeys:
  """Standard collection names, as ``tf.compat.v1.GraphKeys`` (every name TF1 has,
  with TF's string values).

  varscope_jax fills ``GLOBAL_VARIABLES``, ``LOCAL_VARIABLES``, ``TRAINABLE_VARIABLES``
  and ``REGULARIZATION_LOSSES`` itself, as TF does; the other keys are names for your
  own ``add_to_collection`` / ``collections=[...]`` calls (TF's ops-related keys such as
  ``INIT_OP`` or ``QUEUE_RUNNERS`` have nothing to hold in JAX but are kept so ported
  code that names them runs).

  >>> import varscope_jax as vs
  >>> vs.GraphKeys.TRAINABLE_VARIABLES, vs.GraphKeys.CONCATENATED_VARIABLES
  ('trainable_variables', 'concatenated_variables')
  """

  GLOBAL_VARIABLES = "variables"
  VARIABLES = "variables"  # TF's deprecated alias of GLOBAL_VARIABLES
  LOCAL_VARIABLES = "local_variables"
  METRIC_VARIABLES = "metric_variables"
  MODEL_VARIABLES = "model_variables"
  TRAINABLE_VARIABLES = "trainable_variables"
  MOVING_AVERAGE_VARIABLES = "moving_average_variables"
  CONCATENATED_VARIABLES = "concatenated_variables"
  TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
  REGULARIZATION_LOSSES = "regularization_losses"
  UPDATE_OPS = "update_ops"
  LOSSES = "losses"
  ACTIVATIONS = "activations"
  WEIGHTS = "weights"
  BIASES = "biases"
  GLOBAL_STEP = "global_step"
  EVAL_STEP = "eval_step"
  SUMMARIES = "summaries"
  SAVEABLE_OBJECTS = "saveable_objects"
  SAVERS = "savers"
  ASSET_FILEPATHS = "asset_filepaths"
  RESOURCES = "resources"
  LOCAL_RESOURCES = "local_resources"
  TABLE_INITIALIZERS = "table_initializer"
  QUEUE_RUNNERS = "queue_runners"
  INIT_OP = "init_op"
  LOCAL_INIT_OP = "local_init_op"
  READY_OP = "ready_op"
  READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
  SUMMARY_OP = "summary_op"
  TRAIN_OP = "train_op"
  COND_CONTEXT = "cond_context"
  WHILE_CONTEXT = "while_context"
