"""tf-slim's ``fully_connected`` on ``vs.layers.Dense``: ``weights`` / ``biases`` in
``variable_scope(scope, "fully_connected")``, normalizer, activation (default relu)."""

from __future__ import annotations

import jax

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers.convolution import XAVIER
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.layers import core as core_layers
from varscope_jax._src.layers.core import ZEROS


@add_arg_scope
def fully_connected(
  inputs,
  num_outputs,
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
  """A dense layer on the last axis, as tf-slim's ``fully_connected``.

  Args:
    inputs: an array of rank >= 2 (the last axis is contracted).
    num_outputs: an int, the output width.
    Others as ``convolution`` (default scope ``fully_connected``).

  Raises:
    ValueError: tf-slim's ``num_outputs type should be one of [<class 'int'>], got <class
      'float'>.``, or the layers' shape and reuse errors.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> def mlp(x):
  ...   x = slim.fully_connected(x, 8, scope="fc1")
  ...   return slim.fully_connected(x, 2, activation_fn=None, scope="logits")
  >>> t = vs.transform(mlp)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((4, 3)))
  >>> jax.tree_util.tree_map(jnp.shape, params)
  {'fc1': {'biases': (8,), 'weights': (3, 8)}, 'logits': {'biases': (2,), 'weights': (8, 2)}}
  """
  if isinstance(num_outputs, bool) or not isinstance(num_outputs, int):
    raise ValueError(tf_errors.NUM_OUTPUTS_TYPE % ([int], type(num_outputs)))
  getter = getters.build_variable_getter(getters.CONV_GETTER_RENAMES)
  with vs_lib.variable_scope(
    scope, "fully_connected", [inputs], reuse=reuse, custom_getter=getter
  ) as sc:
    inputs = common.as_input(inputs, "fully_connected")
    return common.run_layer(
      core_layers.Dense,
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
      units=num_outputs,
    )
