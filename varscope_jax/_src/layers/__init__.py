"""``tf.compat.v1.layers`` for varscope_jax; public as ``vs.layers``."""
