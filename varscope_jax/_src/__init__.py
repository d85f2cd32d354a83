"""Implementation of varscope_jax. The public API is re-exported by ``varscope_jax``."""
