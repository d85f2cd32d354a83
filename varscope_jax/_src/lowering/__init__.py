"""lowering layer."""
