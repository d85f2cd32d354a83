"""``tf.compat.v1.layers`` for varscope_jax (issue 9); public as ``vs.layers``."""
