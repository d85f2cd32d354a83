"""TF1 ops whose semantics no jax function has (``vs.ops``)."""
