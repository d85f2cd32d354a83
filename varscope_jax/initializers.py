"""TF1 initializers, ``tf.compat.v1.initializers`` style (``vs.initializers``).

Short names (``zeros``, ``glorot_uniform``, ...) are the classes themselves, as in
``tf.compat.v1.initializers``; the ``*_initializer`` names and the class names are
exported too. All are called like ``jax.nn.initializers``: ``init(key, shape, dtype=None)``.

>>> import jax
>>> from varscope_jax import initializers
>>> initializers.glorot_uniform is initializers.glorot_uniform_initializer
True
>>> initializers.constant(2)(jax.random.PRNGKey(0), (2,))
Array([2., 2.], dtype=float32)
"""

from varscope_jax._src.initializers import (
  Constant,
  GlorotNormal,
  GlorotUniform,
  Initializer,
  Ones,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  Zeros,
  compute_fans,
  constant_initializer,
  default_initializer,
  glorot_normal_initializer,
  glorot_uniform_initializer,
  is_initializer,
  ones_initializer,
  orthogonal_initializer,
  random_normal_initializer,
  random_uniform_initializer,
  truncated_normal_initializer,
  variance_scaling_initializer,
  zeros_initializer,
)

constant = Constant
zeros = Zeros
ones = Ones
random_normal = RandomNormal
truncated_normal = TruncatedNormal
random_uniform = RandomUniform
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
variance_scaling = VarianceScaling
orthogonal = Orthogonal

__all__ = [
  # tf.compat.v1.initializers names
  "constant",
  "zeros",
  "ones",
  "random_normal",
  "truncated_normal",
  "random_uniform",
  "glorot_uniform",
  "glorot_normal",
  "variance_scaling",
  "orthogonal",
  # tf.compat.v1.*_initializer names
  "constant_initializer",
  "zeros_initializer",
  "ones_initializer",
  "random_normal_initializer",
  "truncated_normal_initializer",
  "random_uniform_initializer",
  "glorot_uniform_initializer",
  "glorot_normal_initializer",
  "variance_scaling_initializer",
  "orthogonal_initializer",
  # classes
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
  # helpers
  "compute_fans",
  "default_initializer",
  "is_initializer",
]
