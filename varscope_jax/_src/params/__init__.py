"""Params trees: flatten / unflatten (``tree``), name selection, summaries, file-safety checks."""
