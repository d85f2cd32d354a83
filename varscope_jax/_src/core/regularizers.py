"""Regularization losses of the current trace (TF1's ``REGULARIZATION_LOSSES``).

``get_variable(..., regularizer=fn)`` (or a scope's regularizer, inherited) calls ``fn``
on the new variable's value when the variable is made -- in every ``init`` and ``apply``
trace, never on reuse -- and collects the non-None results.
"""

from __future__ import annotations

import numbers

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core import graph as graph_lib


def get_regularization_losses(scope=None) -> list:
  """The regularization losses made so far in the current trace (or eager graph).

  Args:
    scope: keep only losses of variables whose name matches this (``re.match``).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def model():
  ...   with vs.variable_scope("m", regularizer=vs.l2_regularizer(0.5)):
  ...     w = vs.get_variable("w", [2], initializer=vs.ones_initializer())
  ...   return vs.get_regularization_losses()
  >>> t = vs.transform(model)
  >>> [float(l) for l in t.apply(t.init(jax.random.PRNGKey(0)))]
  [0.5]
  """
  return graph_lib.get_default_graph().get_collection(
    graph_lib.GraphKeys.REGULARIZATION_LOSSES, scope
  )


def get_regularization_loss(scope=None):
  """The sum of ``get_regularization_losses(scope)`` (0.0 when there are none).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> _ = vs.get_variable("w", [2], initializer=vs.ones_initializer(),
  ...                     regularizer=vs.l1_regularizer(0.1))
  >>> round(float(vs.get_regularization_loss()), 4)
  0.2
  """
  losses = get_regularization_losses(scope)
  if not losses:
    return jnp.zeros((), jnp.float32)
  return sum(losses[1:], losses[0])


def _check_scale(scale) -> None:
  if isinstance(scale, bool) or not isinstance(scale, (numbers.Real, jnp.ndarray)):
    raise TypeError(f"regularizer scale must be a real number such as 0.01, got {scale!r}.")


def l2_regularizer(scale: float):
  """``scale * sum(w ** 2) / 2`` (TF1's ``contrib.layers.l2_regularizer``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> float(vs.l2_regularizer(1.0)(jnp.array([3.0, 4.0])))
  12.5
  """
  _check_scale(scale)
  if scale < 0:
    raise ValueError(tf_errors.SCALE_NEGATIVE_L2 % scale)
  if scale == 0:
    return lambda _: None
  return lambda w: scale * 0.5 * jnp.sum(jnp.square(w))


def l1_regularizer(scale: float):
  """``scale * sum(|w|)`` (TF1's ``contrib.layers.l1_regularizer``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> float(vs.l1_regularizer(0.5)(jnp.array([3.0, -4.0])))
  3.5
  """
  _check_scale(scale)
  if scale < 0:
    raise ValueError(tf_errors.SCALE_NEGATIVE_L1 % scale)
  if scale == 0:
    return lambda _: None
  return lambda w: scale * jnp.sum(jnp.abs(w))
