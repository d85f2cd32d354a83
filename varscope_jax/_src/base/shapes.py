"""Shapes as TF prints and checks them."""

from __future__ import annotations

import math
import operator

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
  if isinstance(shape, (int, np.integer)) and not isinstance(shape, (bool, np.bool_)):
    shape = (shape,)
  if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
    raise TypeError(
      f"Variable {name}: shape must be a list or tuple of ints (or None), got {shape!r}."
    )
  try:
    dims = tuple(None if d is None else _dim(d) for d in iter(shape))  # type: ignore
  except (TypeError, ValueError):
    raise TypeError(
      f"Variable {name}: shape must be a list or tuple of ints (or None), got "
      f"{shape!r}. Dimensions are whole numbers: not floats such as 2.5 (use "
      "int(...) where a size is computed) and not bools."
    ) from None
  if any(d is not None and d < 0 for d in dims):
    raise ValueError(
      f"Variable {name}: shape {shape_str(dims)} has a negative dimension; "
      "dimensions must be >= 0 (or None where unknown)."
    )
  return dims


def _dim(d) -> int:
  if isinstance(d, (bool, np.bool_)):
    raise TypeError(d)
  return operator.index(d)  # ints and numpy ints; 2.5 and "2" are TypeErrors


# XLA indexes elements and bytes with signed 64-bit integers, and aborts the interpreter
# (an uncaught "overflow in static extent product") for 2**60 elements or more.
_MAX_BYTES = 2**63 - 1
_MAX_ELEMENTS = 2**60 - 1


def check_size(name, shape, dtype) -> None:
  """Raises a ValueError naming the variable if ``shape`` of ``dtype`` cannot exist.

  A byte size past 64 bits, or 2**60 elements or more, aborts the interpreter inside XLA,
  so it is refused here.
  """
  if shape is None or None in shape:
    return
  count = math.prod(shape)
  if count < 2**48:  # no dtype is 32,768 bytes wide: fits (the common case, fast)
    return
  itemsize = max(1, np.dtype(dtype).itemsize)
  if count > _MAX_ELEMENTS:
    raise ValueError(
      f"Variable {name}: shape {shape_str(shape)} has {count:,} elements, more than XLA "
      "can index in one array (2**60 - 1). Check the shape."
    )
  if count * itemsize > _MAX_BYTES:
    raise ValueError(
      f"Variable {name}: shape {shape_str(shape)} of {np.dtype(dtype).name} would take "
      f"{count * itemsize:,} bytes, more than any array can hold (2**63 - 1). Check "
      "the shape."
    )


def shape_compatible(spec, found) -> bool:
  if spec is None:
    return True
  return len(spec) == len(found) and all(a is None or a == b for a, b in zip(spec, found))


def fully_defined(shape) -> bool:
  return shape is not None and None not in shape
