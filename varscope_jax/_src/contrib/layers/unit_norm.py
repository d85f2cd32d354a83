"""tf-slim's ``unit_norm``: divide by the L2 norm along one axis."""

from __future__ import annotations

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.core import variable_scope as vs_lib


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
  """``inputs / sqrt(epsilon + sum(inputs ** 2, dim))`` (``variable_scope(scope,
  "UnitNorm")``).

  Raises:
    ValueError: tf-slim's ``dim must be positive but smaller than the input rank.``

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.unit_norm(jnp.array([[3.0, 4.0]]), 1).round(4).tolist()
  [[0.6, 0.8]]
  """
  with vs_lib.variable_scope(scope, "UnitNorm", [inputs]):
    inputs = common.as_input(inputs, "unit_norm")
    rank = inputs.ndim
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 0 or dim >= rank:
      raise ValueError(tf_errors.UNIT_NORM_DIM)
    lengths = jnp.sqrt(
      jnp.asarray(epsilon, inputs.dtype) + jnp.sum(jnp.square(inputs), axis=dim, keepdims=True)
    )
    return inputs / lengths
