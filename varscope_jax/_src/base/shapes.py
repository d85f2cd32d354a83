"""Shapes as TF prints and checks them."""
from __future__ import annotations

import numpy as np


def shape_str(shape) -> str:
  """TF's ``str(TensorShape)``: ``(2, 3)``, ``(2,)``, ``()``, ``(None, 1)``, ``<unknown>``."""
  if shape is None:
    return "<unknown>"
  dims = ["None" if d is None else str(d) for d in shape]
  if len(dims) == 1:
    return "(%s,)" % dims[0]
  return "(%s)" % ", ".join(dims)


def as_shape(shape, name):
  """A shape argument as a tuple (dims may be None), or None for unknown rank."""
  if shape is None:
    return None
  if type(shape) in (list, tuple) and all(type(d) is int and d >= 0 for d in shape):
    return tuple(shape)
  if isinstance(shape, (int, np.integer)):
    shape = (shape,)
  try:
    dims = tuple(None if d is None else int(d) for d in shape)
  except (TypeError, ValueError):
    raise TypeError(
        f"Variable {name}: shape must be a list or tuple of ints (or None), got "
        f"{shape!r}.") from None
  if any(d is not None and d < 0 for d in dims):
    raise ValueError(f"Variable {name}: shape {shape_str(dims)} has a negative dimension.")
  return dims


def shape_compatible(spec, found) -> bool:
  if spec is None:
    return True
  return len(spec) == len(found) and all(a is None or a == b for a, b in zip(spec, found))


def fully_defined(shape) -> bool:
  return shape is not None and None not in shape
