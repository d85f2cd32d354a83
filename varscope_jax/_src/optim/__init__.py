"""optim layer: TF1 optimizers as optax transforms (imports base only)."""
