"""bert-tensorflow's ``AdamWeightDecayOptimizer`` (BERT's ``optimization.py``) as optax.

The optimizer of BERT pre-training and of every ``run_classifier.py`` / ``run_squad.py``
fine-tuning run, so the most common TF1 training checkpoint after plain Adam's. It is
Adam *without* bias correction, with decoupled weight decay skipped for variables whose
name matches ``exclude_from_weight_decay`` (``re.search``).
"""

from __future__ import annotations

import re
from typing import Sequence

import jax
import jax.numpy as jnp
import optax

from varscope_jax._src.optim.tf1_optimizers import (
  ScalarOrSchedule,
  cast_like,
  check_numbers,
  learning_rate_at,
  unzip_tree,
  zero_count,
  zeros_like_tree,
)
from varscope_jax._src.optim.tf1_states import AdamWeightDecayState


def _path_name(path) -> str:
  keys = []
  for key in path:
    keys.append(
      str(key.key)
      if isinstance(key, jax.tree_util.DictKey)
      else str(getattr(key, "name", getattr(key, "idx", key)))
    )
  return "/".join(keys)


def adam_weight_decay(
  learning_rate: ScalarOrSchedule,
  weight_decay_rate: float = 0.0,
  beta_1: float = 0.9,
  beta_2: float = 0.999,
  epsilon: float = 1e-6,
  exclude_from_weight_decay: Sequence[str] | None = None,
  name: str = "AdamWeightDecayOptimizer",
) -> optax.GradientTransformation:
  """BERT's ``AdamWeightDecayOptimizer`` (``bert/optimization.py``), step for step::

    m = beta_1 * m + (1.0 - beta_1) * g               # 1.0 - beta_1 in float64, as Python
    v = beta_2 * v + (1.0 - beta_2) * g * g
    update = m / (sqrt(v) + epsilon)
    update += weight_decay_rate * var                 # unless the name matches an exclusion
    var -= learning_rate * update

  No bias correction (unlike ``AdamOptimizer`` and optax's ``adamw``). BERT's own runs
  use ``weight_decay_rate=0.01``, ``epsilon=1e-6`` and
  ``exclude_from_weight_decay=["LayerNorm", "layer_norm", "bias"]``, a learning rate
  decayed linearly (with warmup) over ``global_step``, and clip gradients by global norm
  1.0 first (``optax.chain(optax.clip_by_global_norm(1.0), adam_weight_decay(...))``).

  Args:
    learning_rate: a float or an optax schedule of the state's ``count`` (which
      ``load_tf1_optimizer_state`` sets to the checkpoint's ``global_step``).
    weight_decay_rate: the decoupled weight decay.
    beta_1, beta_2, epsilon: as in BERT.
    exclude_from_weight_decay: regexes; a variable whose scoped name matches one
      (``re.search``) is not decayed.
    name: accepted for BERT's signature; its slots are ``<variable>/adam_m`` and
      ``<variable>/adam_v`` whatever the name.

  Returns:
    An ``optax.GradientTransformation`` whose state is an ``AdamWeightDecayState``; its
    ``update`` needs ``params`` when ``weight_decay_rate`` is not 0.

  >>> import jax.numpy as jnp
  >>> tx = adam_weight_decay(0.1, weight_decay_rate=0.5, exclude_from_weight_decay=["b"])
  >>> params = {"w": jnp.array([2.0]), "b": jnp.array([2.0])}
  >>> updates, state = tx.update({"w": jnp.ones(1), "b": jnp.ones(1)}, tx.init(params), params)
  >>> updates["b"].round(5).tolist()   # no bias correction: -0.1 * 0.1 / sqrt(0.001)
  [-0.31622]
  >>> updates["w"].round(5).tolist()   # and w decays: - 0.1 * 0.5 * 2 more
  [-0.41622]
  """
  del name
  check_numbers(
    "adam_weight_decay",
    learning_rate,
    weight_decay_rate=weight_decay_rate,
    beta_1=beta_1,
    beta_2=beta_2,
    epsilon=epsilon,
  )
  if isinstance(exclude_from_weight_decay, (str, bytes, re.Pattern)):
    raise TypeError(
      f"adam_weight_decay: exclude_from_weight_decay must be a list of regexes, "
      f"got one ({exclude_from_weight_decay!r}); write [{exclude_from_weight_decay!r}]."
    )
  patterns = [re.compile(p) for p in exclude_from_weight_decay or ()]

  def decays(var_name: str) -> bool:
    return bool(weight_decay_rate) and not any(p.search(var_name) for p in patterns)

  def init(params):
    return AdamWeightDecayState(
      count=zero_count(), m=zeros_like_tree(params), v=zeros_like_tree(params)
    )

  def update(grads, state, params=None):
    if params is None and weight_decay_rate:
      raise ValueError(
        "adam_weight_decay's update needs params for the weight decay: "
        "call tx.update(grads, state, params)."
      )
    lr_value = learning_rate_at(learning_rate, state.count)
    leaves, treedef = jax.tree_util.tree_flatten_with_path(grads)
    param_leaves = treedef.flatten_up_to(params) if params is not None else [None] * len(leaves)
    out = []
    for (path, g), m, v, var in zip(
      leaves, treedef.flatten_up_to(state.m), treedef.flatten_up_to(state.v), param_leaves
    ):
      # Python computes 1.0 - beta in float64; TF then makes a float32 constant of it.
      m = cast_like(beta_1, g) * m + cast_like(1.0 - beta_1, g) * g
      v = cast_like(beta_2, g) * v + cast_like(1.0 - beta_2, g) * jnp.square(g)
      step = m / (jnp.sqrt(v) + cast_like(epsilon, g))
      if decays(_path_name(path)):
        assert var is not None  # (decays() is false without params)
        step = step + cast_like(weight_decay_rate, g) * var
      out.append((-(cast_like(lr_value, g) * step), m, v))
    updates, m, v = unzip_tree(grads, treedef.unflatten(out), 3)
    return updates, AdamWeightDecayState(count=optax.safe_int32_increment(state.count), m=m, v=v)

  return optax.GradientTransformation(init, update)
