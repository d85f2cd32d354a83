"""TensorFlow 1 initializers (``tf.compat.v1.initializers``) as hashable JAX initializers:
the hashable base class (``base``), deterministic and random initializers, and ``make``
(one compiled initializer per signature: the one place initial values are made).

Every initializer is a frozen, hashable dataclass with TF1's constructor signature
and defaults, called like ``jax.nn.initializers``: ``init(key, shape, dtype=None)``.
``dtype=None`` uses the initializer's own ``dtype``. Calls are pure, jittable and
give bitwise identical values under ``jax.vmap`` over keys.

TF's op-level ``seed`` cannot reproduce TF's random values in JAX. When a ``seed``
is given it is folded into the key (``jax.random.fold_in(key, seed % 2**32)``), so
it changes the values deterministically; randomness always comes from ``key``.

>>> import jax
>>> init = glorot_uniform_initializer()
>>> init
glorot_uniform_initializer(seed=None, dtype=float32)
>>> w = init(jax.random.PRNGKey(0), (3, 4))
>>> w.shape, w.dtype
((3, 4), dtype('float32'))
>>> hash(init) == hash(glorot_uniform_initializer())
True
"""

from varscope_jax._src.initializers.base import Initializer, compute_fans, is_initializer
from varscope_jax._src.initializers.deterministic import (
  Constant,
  Ones,
  Zeros,
  constant_initializer,
  default_initializer,
  ones_initializer,
  zeros_initializer,
)
from varscope_jax._src.initializers.random import (
  GlorotNormal,
  GlorotUniform,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  glorot_normal_initializer,
  glorot_uniform_initializer,
  orthogonal_initializer,
  random_normal_initializer,
  random_uniform_initializer,
  truncated_normal_initializer,
  variance_scaling_initializer,
)

__all__ = [
  "Initializer",
  "Constant",
  "Zeros",
  "Ones",
  "RandomNormal",
  "TruncatedNormal",
  "RandomUniform",
  "VarianceScaling",
  "GlorotUniform",
  "GlorotNormal",
  "Orthogonal",
  "constant_initializer",
  "zeros_initializer",
  "ones_initializer",
  "random_normal_initializer",
  "truncated_normal_initializer",
  "random_uniform_initializer",
  "variance_scaling_initializer",
  "glorot_uniform_initializer",
  "glorot_normal_initializer",
  "orthogonal_initializer",
  "is_initializer",
  "default_initializer",
  "compute_fans",
]
