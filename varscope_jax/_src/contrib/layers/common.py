"""What every slim layer built on a ``vs.layers`` class does around the layer:
its variables into ``variables_collections``, then ``normalizer_fn``, ``activation_fn``
and the end point (tf-slim's order)."""

from __future__ import annotations

import jax.numpy as jnp

from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import variable_scope as vs_lib


def as_input(inputs, where):
  """``ops.convert_to_tensor``: arrays pass, numbers and numpy become arrays."""
  if hasattr(inputs, "shape") and hasattr(inputs, "dtype"):
    return inputs
  try:
    return jnp.asarray(inputs)
  except (TypeError, ValueError) as e:
    raise TypeError("%s: inputs must be an array, got %r (%s)." % (where, inputs, e)) from None


def run_layer(
  layer_class,
  inputs,
  sc,
  reuse,
  *,
  normalizer_fn,
  normalizer_params,
  activation_fn,
  weights_initializer,
  weights_regularizer,
  biases_initializer,
  biases_regularizer,
  trainable,
  variables_collections,
  outputs_collections,
  **layer_args,
):
  """tf-slim's weights-and-biases layers (conv, transposed conv, fully connected): the
  ``vs.layers`` class runs in slim's scope ``sc`` (no bias under a ``normalizer_fn``,
  no activation of its own), then :func:`finish`."""
  layer = layer_class(
    activation=None,
    use_bias=not normalizer_fn and biases_initializer,
    kernel_initializer=weights_initializer,
    bias_initializer=biases_initializer,
    kernel_regularizer=weights_regularizer,
    bias_regularizer=biases_regularizer,
    activity_regularizer=None,
    trainable=trainable,
    name=sc.name,
    dtype=inputs.dtype,
    _scope=sc,
    _reuse=reuse,
    **layer_args,
  )
  outputs = layer.apply(inputs)
  return finish(
    outputs,
    sc,
    [(layer.kernel, "weights"), (layer.bias, "biases")],
    variables_collections,
    normalizer_fn,
    normalizer_params,
    activation_fn,
    outputs_collections,
  )


def finish(
  outputs,
  sc,
  variables,
  variables_collections,
  normalizer_fn,
  normalizer_params,
  activation_fn,
  outputs_collections,
):
  """``variables`` are ``(variable, collection key)`` pairs (``weights``, ``biases``)."""
  for variable, key in variables:
    if variable is not None:
      getters.add_variable_to_collections(variable, variables_collections, key)
  if normalizer_fn is not None:
    normalizer_params = normalizer_params or {}
    outputs = normalizer_fn(outputs, **normalizer_params)
  if activation_fn is not None:
    outputs = activation_fn(outputs)
  return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


def scope_where(what, sc=None):
  """``slim.conv2d in variable scope 'Conv'``: the second line of argument errors."""
  name = sc.name if sc is not None else vs_lib.get_variable_scope().name
  return "(%s in variable scope %r)" % (what, name)
