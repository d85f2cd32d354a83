"""Source upgrade from TF1 to varscope_jax: the op table, the rewriter and its report."""
