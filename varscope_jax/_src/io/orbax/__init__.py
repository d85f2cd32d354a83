"""Orbax checkpoints of params trees: the public API, the orbax calls, atomic overwrites."""
