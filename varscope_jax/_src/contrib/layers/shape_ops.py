"""tf-slim's ``flatten``, ``softmax`` (over the last axis of N-D logits) and
``one_hot_encoding``."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import name_scope as name_scope_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.layers import core as core_layers


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
  """``[batch, ...]`` to ``[batch, k]`` in ``name_scope(scope, "Flatten")`` (through
  ``vs.layers.flatten``, as tf-slim).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.flatten(jnp.ones((2, 3, 4))).shape
  (2, 12)
  """
  with name_scope_lib.name_scope(scope, "Flatten", [inputs]) as sc:
    inputs = common.as_input(inputs, "flatten")
    outputs = core_layers.flatten(inputs)
    return utils.collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def softmax(logits, scope=None):
  """Softmax over the last axis of logits of any rank >= 2 (``variable_scope(scope,
  "softmax")``).

  Raises:
    ValueError: tf-slim's ``rank of shape must be at least 2 not: 1``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.softmax(jnp.zeros((1, 2, 2))).tolist()
  [[[0.5, 0.5], [0.5, 0.5]]]
  """
  with vs_lib.variable_scope(scope, "softmax", [logits]):
    logits = common.as_input(logits, "softmax")
    num_logits = utils.last_dimension(tuple(logits.shape), min_rank=2)
    logits_2d = jnp.reshape(logits, (-1, num_logits))
    return jnp.reshape(jax.nn.softmax(logits_2d, axis=-1), logits.shape)


@add_arg_scope
def one_hot_encoding(
  labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None, scope=None
):
  """One-hot rows of ``num_classes`` for integer ``labels`` (``name_scope(scope,
  "OneHotEncoding")``), valued ``on_value`` / ``off_value``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.one_hot_encoding(jnp.array([0, 2]), 3).tolist()
  [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
  """
  with name_scope_lib.name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
    labels = common.as_input(labels, "one_hot_encoding")
    if not jnp.issubdtype(labels.dtype, jnp.integer):
      raise TypeError("one_hot_encoding: labels must be integers, got dtype %s." % labels.dtype)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int):
      raise TypeError("one_hot_encoding: num_classes must be an int, got %r." % (num_classes,))
    on = jnp.asarray(on_value)
    off = jnp.asarray(off_value, on.dtype)
    hot = labels[..., None] == jnp.arange(num_classes, dtype=labels.dtype)
    outputs = jnp.where(hot, on, off)
    return utils.collect_named_outputs(outputs_collections, sc, outputs)
