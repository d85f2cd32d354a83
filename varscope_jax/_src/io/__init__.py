"""File formats: TF1 bundles (``tf1/``), orbax checkpoints (``orbax/``), safetensors, and what they share (errors, host values, renames)."""
