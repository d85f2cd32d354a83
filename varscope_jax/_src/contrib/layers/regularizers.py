"""tf-slim's regularizers (``tf.contrib.layers.l2_regularizer`` ...): each call opens its
name scope (``l2_regularizer``), as TF's do, and returns a scalar of the weights' dtype."""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import name_scope as name_scope_lib
from varscope_jax._src.core.graph_keys import GraphKeys


def _check_scale(scale, what):
  if isinstance(scale, bool) or isinstance(scale, numbers.Integral):
    raise ValueError(tf_errors.SCALE_INTEGER % (what, scale))
  if not isinstance(scale, (numbers.Real, jax.Array)):
    raise TypeError("%s must be a real number such as 0.01, got %r." % (what, scale))


def l1_regularizer(scale, scope=None):
  """``scale * sum(|w|)``.

  Raises:
    ValueError: TF's ``scale cannot be an integer: 1`` or ``Setting a scale less than 0
      on a regularizer: -1``.

  >>> import jax.numpy as jnp
  >>> from varscope_jax.contrib import layers
  >>> float(layers.l1_regularizer(0.5)(jnp.array([3.0, -4.0])))
  3.5
  """
  _check_scale(scale, "scale")
  if isinstance(scale, numbers.Real):
    if scale < 0.0:
      raise ValueError(tf_errors.SCALE_NEGATIVE_L1 % scale)
    if scale == 0.0:
      return lambda _: None

  def l1(weights, name=None):
    del name
    with name_scope_lib.name_scope(scope, "l1_regularizer", [weights]):
      weights = jnp.asarray(weights)
      return jnp.asarray(scale, weights.dtype) * jnp.sum(jnp.abs(weights))

  return l1


def l2_regularizer(scale, scope=None):
  """``scale * sum(w ** 2) / 2`` (``scale * tf.nn.l2_loss(w)``).

  Raises:
    ValueError: TF's ``scale cannot be an integer: 1`` or ``Setting a scale less than 0
      on a regularizer: -1.``.

  >>> import jax.numpy as jnp
  >>> from varscope_jax.contrib import layers
  >>> float(layers.l2_regularizer(1.0)(jnp.array([3.0, 4.0])))
  12.5
  """
  _check_scale(scale, "scale")
  if isinstance(scale, numbers.Real):
    if scale < 0.0:
      raise ValueError(tf_errors.SCALE_NEGATIVE_L2 % scale)
    if scale == 0.0:
      return lambda _: None

  def l2(weights):
    with name_scope_lib.name_scope(scope, "l2_regularizer", [weights]):
      weights = jnp.asarray(weights)
      return jnp.asarray(scale, weights.dtype) * (jnp.sum(jnp.square(weights)) / 2)

  return l2


def sum_regularizer(regularizer_list, scope=None):
  """The sum of several regularizers (None entries dropped; None if none is left).

  >>> import jax.numpy as jnp
  >>> from varscope_jax.contrib import layers
  >>> reg = layers.sum_regularizer([layers.l1_regularizer(1.0), layers.l2_regularizer(1.0)])
  >>> float(reg(jnp.array([2.0])))
  4.0
  """
  if isinstance(regularizer_list, (str, bytes)) or not hasattr(regularizer_list, "__iter__"):
    raise TypeError(
      "sum_regularizer: regularizer_list must be a list of regularizers, got "
      "%r." % (regularizer_list,)
    )
  regularizer_list = [reg for reg in regularizer_list if reg is not None]
  for reg in regularizer_list:
    if not callable(reg):
      raise TypeError(
        "sum_regularizer: %r is not a regularizer (a function of the weights)." % (reg,)
      )
  if not regularizer_list:
    return None

  def sum_reg(weights):
    with name_scope_lib.name_scope(scope, "sum_regularizer", [weights]):
      tensors = [t for t in (reg(weights) for reg in regularizer_list) if t is not None]
      if not tensors:
        return None
      total = tensors[0]
      for t in tensors[1:]:
        total = total + t
      return total

  return sum_reg


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
  """``l1_regularizer(scale_l1) + l2_regularizer(scale_l2)`` (one alone when the other
  scale is 0).

  >>> import jax.numpy as jnp
  >>> from varscope_jax.contrib import layers
  >>> float(layers.l1_l2_regularizer(1.0, 2.0)(jnp.array([2.0])))
  6.0
  """
  _check_scale(scale_l1, "scale_l1")
  _check_scale(scale_l2, "scale_l2")
  scope = scope or "l1_l2_regularizer"
  if scale_l1 == 0.0:
    return l2_regularizer(scale_l2, scope)
  if scale_l2 == 0.0:
    return l1_regularizer(scale_l1, scope)
  return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def apply_regularization(regularizer, weights_list=None):
  """The summed penalty of ``regularizer`` over ``weights_list`` (default: the WEIGHTS
  collection), also added to ``REGULARIZATION_LOSSES``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import layers
  >>> vs.reset_default_graph()
  >>> float(layers.apply_regularization(layers.l1_regularizer(1.0), [jnp.ones(3)]))
  3.0
  """
  if not callable(regularizer):
    raise TypeError(
      "apply_regularization: regularizer must be a function of the weights, "
      "got %r." % (regularizer,)
    )
  graph = graph_lib.get_default_graph()
  if not weights_list:
    weights_list = graph.get_collection(GraphKeys.WEIGHTS)
  if not weights_list:
    raise ValueError(tf_errors.NO_WEIGHTS_TO_REGULARIZE)
  with name_scope_lib.name_scope("get_regularization_penalty", values=weights_list) as scope:
    penalties: list = [regularizer(w) for w in weights_list]
    penalties = [jnp.asarray(p) if p is not None else jnp.float32(0.0) for p in penalties]
    for p in penalties:
      if jnp.ndim(p) != 0:
        raise ValueError(tf_errors.REGULARIZER_NOT_SCALAR % jnp.ndim(p))
    total = penalties[0]
    for p in penalties[1:]:
      total = total + p
    graph.add_regularization_loss(total, scope[:-1])
    return total
