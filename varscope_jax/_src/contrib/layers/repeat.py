"""tf-slim's ``repeat`` and ``stack``: a layer applied several times in
``variable_scope(scope, "Repeat" / "Stack")``, each call scoped ``<scope>_1``,
``<scope>_2`` ... (``scope`` defaults to the layer's ``__name__``, e.g.
``convolution2d``)."""

from __future__ import annotations

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.core import variable_scope as vs_lib


def _layer_name(layer, default):
  if hasattr(layer, "__name__"):
    return layer.__name__
  if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
    return layer.func.__name__  # a functools.partial
  return default


def repeat(inputs, repetitions, layer, *args, **kwargs):
  """``layer(inputs, *args, **kwargs)`` ``repetitions`` times, each output the next input.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> f = lambda x: slim.repeat(x, 2, slim.conv2d, 4, [3, 3], scope="conv1")
  >>> [n for n in vs.transform(f).specs(jnp.ones((1, 4, 4, 3))) if n.endswith("weights")]
  ['conv1/conv1_1/weights', 'conv1/conv1_2/weights']
  """
  if not callable(layer):
    raise TypeError("repeat: layer must be callable (e.g. slim.conv2d), got %r." % (layer,))
  if isinstance(repetitions, bool) or not isinstance(repetitions, int):
    raise TypeError("repeat: repetitions must be an int, got %r." % (repetitions,))
  scope = kwargs.pop("scope", None)
  with vs_lib.variable_scope(scope, "Repeat", [inputs]):
    inputs = common.as_input(inputs, "repeat")
    if scope is None:
      scope = _layer_name(layer, "repeat")
    outputs = inputs
    for i in range(repetitions):
      kwargs["scope"] = scope + "_" + str(i + 1)
      outputs = layer(outputs, *args, **kwargs)
    return outputs


def stack(inputs, layer, stack_args, **kwargs):
  """``layer`` once per entry of ``stack_args`` (each a tuple of positional arguments, or
  one argument), each output the next input.

  Raises:
    ValueError: tf-slim's ``stack_args need to be a list or tuple``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> f = lambda x: slim.stack(x, slim.fully_connected, [8, 4], scope="fc")
  >>> list(vs.transform(f).specs(jnp.ones((2, 3))))
  ['fc/fc_1/weights', 'fc/fc_1/biases', 'fc/fc_2/weights', 'fc/fc_2/biases']
  """
  scope = kwargs.pop("scope", None)
  if not isinstance(stack_args, (list, tuple)):
    raise ValueError(tf_errors.STACK_ARGS)
  if not callable(layer):
    raise TypeError("stack: layer must be callable (e.g. slim.fully_connected), got %r." % (layer,))
  with vs_lib.variable_scope(scope, "Stack", [inputs]):
    inputs = common.as_input(inputs, "stack")
    if scope is None:
      scope = _layer_name(layer, "stack")
    outputs = inputs
    for i, layer_args in enumerate(stack_args):
      kwargs["scope"] = scope + "_" + str(i + 1)
      if not isinstance(layer_args, (list, tuple)):
        layer_args = [layer_args]
      outputs = layer(outputs, *layer_args, **kwargs)
    return outputs
