"""TF1's ``FtrlOptimizer`` as an optax transform (TF's ``ApplyFtrl`` / ``ApplyFtrlV2`` kernels)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from varscope_jax._src.base import tf_errors
from varscope_jax._src.optim.tf1_optimizers import (
  ScalarOrSchedule,
  cast_like,
  check_name,
  check_numbers,
  full_like_tree,
  learning_rate_at,
  unzip_tree,
  zero_count,
  zeros_like_tree,
)
from varscope_jax._src.optim.tf1_states import FtrlState


def _check_ftrl_args(initial_accumulator_value, learning_rate_power, l1, l2, l2_shrinkage):
  """TF's own argument checks, with TF's messages."""
  if initial_accumulator_value < 0.0:
    raise ValueError(tf_errors.FTRL_INITIAL_ACCUMULATOR % initial_accumulator_value)
  if learning_rate_power > 0.0:
    raise ValueError(tf_errors.FTRL_LR_POWER % learning_rate_power)
  if l1 < 0.0:
    raise ValueError(tf_errors.FTRL_L1 % l1)
  if l2 < 0.0:
    raise ValueError(tf_errors.FTRL_L2 % l2)
  if l2_shrinkage < 0.0:
    raise ValueError(tf_errors.FTRL_L2_SHRINKAGE % l2_shrinkage)


def ftrl(
  learning_rate: ScalarOrSchedule,
  learning_rate_power: float = -0.5,
  initial_accumulator_value: float = 0.1,
  l1_regularization_strength: float = 0.0,
  l2_regularization_strength: float = 0.0,
  use_locking: bool = False,
  name: str = "Ftrl",
  accum_name: str | None = None,
  linear_name: str | None = None,
  l2_shrinkage_regularization_strength: float = 0.0,
  beta: float | None = None,
) -> optax.GradientTransformation:
  """TF1's ``FtrlOptimizer``, step for step (TF's ``ApplyFtrl``, or ``ApplyFtrlV2`` when
  ``l2_shrinkage_regularization_strength > 0``)::

    g_s = g + 2 * l2_shrinkage * var                   # V2 only; else g_s = g
    new_accum = accum + g * g
    linear += g_s - (new_accum ** -p - accum ** -p) / lr * var     # p = learning_rate_power
    var = (l1 * sign(linear) - linear) / (new_accum ** -p / lr + 2 * l2)
          if |linear| > l1 else 0
    accum = new_accum

  with ``l2 = l2_regularization_strength + beta / (2 * lr)`` (in float32, as TF) and
  square roots where ``p = -0.5``.

  Args:
    learning_rate: a float or an optax schedule of the state's ``count``.
    learning_rate_power: ``<= 0``; -0.5 is AdaGrad-like.
    initial_accumulator_value: the accumulators' start (``>= 0``).
    l1_regularization_strength, l2_regularization_strength: ``>= 0``.
    use_locking: accepted for TF's signature; unused.
    name: the optimizer's ``name=`` in TF (slots ``<variable>/Ftrl``, ``_1``).
    accum_name, linear_name: accepted for TF's signature; only the default naming
      (``None``) is found by ``load_tf1_optimizer_state``.
    l2_shrinkage_regularization_strength: the magnitude penalty of TF's ``ApplyFtrlV2``.
    beta: TF's extra L2 term (``None`` is 0).

  Returns:
    An ``optax.GradientTransformation`` whose state is an ``FtrlState``.

  Raises:
    ValueError: TF's argument checks, with TF's messages.

  >>> import jax.numpy as jnp
  >>> tx = ftrl(0.1, l1_regularization_strength=10.0)
  >>> params = {"w": jnp.array([0.5])}
  >>> updates, state = tx.update({"w": jnp.array([1.0])}, tx.init(params), params)
  >>> updates["w"]          # |linear| <= l1: the weight is shrunk to exactly 0
  Array([-0.5], dtype=float32)
  """
  del use_locking
  check_name(name, "ftrl")
  check_numbers(
    "ftrl",
    learning_rate,
    learning_rate_power=learning_rate_power,
    initial_accumulator_value=initial_accumulator_value,
    l1_regularization_strength=l1_regularization_strength,
    l2_regularization_strength=l2_regularization_strength,
    l2_shrinkage_regularization_strength=l2_shrinkage_regularization_strength,
    beta=beta,
  )
  if accum_name is not None or linear_name is not None:
    raise ValueError(
      "ftrl: accum_name= and linear_name= are not supported; the slots "
      f"are named after name={name!r} (<variable>/{name}, {name}_1)."
    )
  l1, l2 = l1_regularization_strength, l2_regularization_strength
  shrinkage = l2_shrinkage_regularization_strength
  _check_ftrl_args(initial_accumulator_value, learning_rate_power, l1, l2, shrinkage)
  beta = 0.0 if beta is None else beta

  def init(params):
    return FtrlState(
      count=zero_count(),
      accum=full_like_tree(params, initial_accumulator_value),
      linear=zeros_like_tree(params),
      name=name,
    )

  def update(grads, state, params=None):
    if params is None:
      raise ValueError(
        "ftrl's update needs params (FTRL computes the new weights from "
        "them): call tx.update(grads, state, params)."
      )
    lr_value = learning_rate_at(learning_rate, state.count)
    # TF: l2 + beta / (2 * max(lr, 1e-36)), a float32 tensor, then cast per variable.
    lr32 = jnp.maximum(jnp.asarray(lr_value, jnp.float32), jnp.float32(1e-36))
    l2_adjusted = jnp.float32(l2) + jnp.float32(beta) / (jnp.float32(2.0) * lr32)

    def leaf(g, var, accum, linear):
      lr, l1_, l2_ = cast_like(lr_value, g), cast_like(l1, g), l2_adjusted.astype(g.dtype)
      power, two = cast_like(learning_rate_power, g), cast_like(2, g)
      g_s = g + two * cast_like(shrinkage, g) * var if shrinkage > 0.0 else g
      new_accum = accum + g * g
      if learning_rate_power == -0.5:
        new_root, old_root = jnp.sqrt(new_accum), jnp.sqrt(accum)
      else:
        new_root, old_root = jnp.power(new_accum, -power), jnp.power(accum, -power)
      linear = linear + (g_s - (new_root - old_root) / lr * var)
      x = l1_ * jnp.sign(linear) - linear
      y = new_root / lr + two * l2_
      new_var = jnp.where(jnp.abs(linear) > l1_, x / y, jnp.zeros_like(var))
      return new_var - var, new_accum, linear

    out = jax.tree_util.tree_map(leaf, grads, params, state.accum, state.linear)
    updates, accum, linear = unzip_tree(grads, out, 3)
    return updates, FtrlState(
      count=optax.safe_int32_increment(state.count), accum=accum, linear=linear, name=name
    )

  return optax.GradientTransformation(init, update)
