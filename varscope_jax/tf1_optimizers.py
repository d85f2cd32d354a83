"""TF1's optimizers as optax transforms (``vs.tf1_optimizers``), with TF's argument names.

``tf.compat.v1.train.AdamOptimizer(learning_rate=0.01, beta1=0.9)`` becomes
``vs.tf1_optimizers.adam(learning_rate=0.01, beta1=0.9)``, an
``optax.GradientTransformation`` that takes TF's steps exactly (the arithmetic of TF's
training kernels), so that a run resumed from a TF1 checkpoint with
``vs.load_tf1_optimizer_state`` continues as TF would have.

>>> import jax.numpy as jnp, optax
>>> from varscope_jax import tf1_optimizers
>>> tx = tf1_optimizers.rmsprop(0.01, momentum=0.9, centered=True)
>>> params = {"w": jnp.ones(3)}
>>> updates, state = tx.update({"w": jnp.ones(3)}, tx.init(params))
>>> optax.apply_updates(params, updates)["w"].shape
(3,)
"""

from varscope_jax._src.optim.bert_adam import adam_weight_decay
from varscope_jax._src.optim.tf1_ftrl import ftrl
from varscope_jax._src.optim.tf1_optimizers import (
  adadelta,
  adagrad,
  adam,
  gradient_descent,
  momentum,
  rmsprop,
)
from varscope_jax._src.optim.tf1_states import (
  AdadeltaState,
  AdagradState,
  AdamState,
  AdamWeightDecayState,
  FtrlState,
  GradientDescentState,
  MomentumState,
  RMSPropState,
  TF1OptimizerState,
)

__all__ = [
  "AdadeltaState",
  "AdagradState",
  "AdamState",
  "AdamWeightDecayState",
  "FtrlState",
  "GradientDescentState",
  "adam_weight_decay",
  "MomentumState",
  "RMSPropState",
  "TF1OptimizerState",
  "adadelta",
  "adagrad",
  "adam",
  "ftrl",
  "gradient_descent",
  "momentum",
  "rmsprop",
]
