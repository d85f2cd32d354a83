"""tf-slim's ``scale_gradient``: the identity whose gradient is multiplied."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _scale(inputs, gradient_multiplier):
  return inputs


def _fwd(inputs, gradient_multiplier):
  return inputs, None


def _bwd(gradient_multiplier, _, dy):
  return (dy * jnp.asarray(gradient_multiplier, dy.dtype),)


_scale.defvjp(_fwd, _bwd)


@add_arg_scope
def scale_gradient(inputs, gradient_multiplier):
  """``inputs``, with ``d/dinputs`` multiplied by ``gradient_multiplier`` (a number).

  >>> import jax, jax.numpy as jnp
  >>> from varscope_jax.contrib import slim
  >>> float(jax.grad(lambda x: slim.scale_gradient(x, 0.5) * 3.0)(1.0))
  1.5
  """
  if isinstance(gradient_multiplier, bool) or not isinstance(gradient_multiplier, (int, float)):
    raise TypeError(
      "scale_gradient: gradient_multiplier must be a Python number, got %r."
      % (gradient_multiplier,)
    )
  return _scale(jnp.asarray(inputs), float(gradient_multiplier))
