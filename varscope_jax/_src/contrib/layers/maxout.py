"""tf-slim's ``maxout``: the max over groups of ``channels / num_units`` features."""

from __future__ import annotations

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.core import variable_scope as vs_lib


@add_arg_scope
def maxout(inputs, num_units, axis=-1, scope=None):
  """Reshapes ``axis`` to ``[num_units, channels // num_units]`` (the group last) and
  takes the max over each group (``variable_scope(scope, "MaxOut")``).

  Raises:
    ValueError: tf-slim's ``number of features(6) is not a multiple of num_units(4)``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.maxout(jnp.arange(6.0).reshape(1, 6), 3).tolist()
  [[1.0, 3.0, 5.0]]
  """
  with vs_lib.variable_scope(scope, "MaxOut", [inputs]):
    inputs = common.as_input(inputs, "maxout")
    shape = list(inputs.shape)
    num_channels = shape[axis]
    if num_channels % num_units:
      raise ValueError(tf_errors.MAXOUT_NOT_MULTIPLE % (num_channels, num_units))
    shape[axis] = num_units
    shape += [num_channels // num_units]
    return jnp.max(jnp.reshape(inputs, shape), axis=-1)
