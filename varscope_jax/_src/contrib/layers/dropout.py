"""tf-slim's ``dropout``: ``vs.layers.Dropout(rate=1 - keep_prob)`` in
``variable_scope(scope, "Dropout")``; ``is_training=True`` by default (unlike
``vs.layers.dropout``). The mask's key is ``vs.next_rng_key()`` (``apply(..., rng=)``)."""

from __future__ import annotations

from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.layers import core as core_layers


@add_arg_scope
def dropout(
  inputs,
  keep_prob=0.5,
  noise_shape=None,
  is_training=True,
  outputs_collections=None,
  scope=None,
  seed=None,
):
  """Keeps each unit with probability ``keep_prob`` (scaled by ``1 / keep_prob``) when
  ``is_training`` (a bool or a scalar bool array); the identity otherwise.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> t = vs.transform(lambda x: slim.dropout(x, keep_prob=0.5))
  >>> y = t.apply({}, jnp.ones((2, 4)), rng=jax.random.PRNGKey(0))
  >>> sorted(set(y.ravel().tolist()))
  [0.0, 2.0]
  """
  with vs_lib.variable_scope(
    scope, "Dropout", [inputs], custom_getter=getters.model_variable_getter
  ) as sc:
    inputs = common.as_input(inputs, "dropout")
    layer = core_layers.Dropout(
      rate=1 - keep_prob, noise_shape=noise_shape, seed=seed, name=sc.name, _scope=sc
    )
    outputs = layer.apply(inputs, training=is_training)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)
