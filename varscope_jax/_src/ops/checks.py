"""Argument checks shared by ``vs.ops``: arrays, axes and static integers, named in errors."""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np


def as_array(x, fn: str, name: str) -> jax.Array:
  """``x`` as a jax array; a TypeError naming ``fn``'s argument ``name`` if it is not numeric."""
  if isinstance(x, (str, bytes)) or x is None:
    raise TypeError(f"{fn}: {name} must be an array or a number, got {type(x).__name__} {x!r}")
  try:
    out = jnp.asarray(x)
  except (TypeError, ValueError) as e:
    raise TypeError(
      f"{fn}: {name} must be an array or a number, got {type(x).__name__} ({e})"
    ) from None
  return out


def static_int(v, fn: str, name: str) -> int:
  """``v`` as a Python int (a concrete value); TypeError if it is traced or not integral."""
  if isinstance(v, (bool, np.bool_)):
    raise TypeError(f"{fn}: {name} must be an integer, got {v!r}")
  if isinstance(v, numbers.Integral):
    return int(v)
  if (
    isinstance(v, (jax.Array, np.ndarray)) and v.ndim == 0 and jnp.issubdtype(v.dtype, jnp.integer)
  ):
    try:
      return int(v)
    except jax.errors.ConcretizationTypeError:
      raise TypeError(
        f"{fn}: {name} must be known when the function is traced (a "
        "Python int or a concrete array), not a value computed under "
        "jit"
      ) from None
  raise TypeError(f"{fn}: {name} must be an integer, got {type(v).__name__} {v!r}")


def static_ints(v, fn: str, name: str) -> list[int]:
  """A sequence (or 1-D concrete array) of Python ints."""
  if isinstance(v, (jax.Array, np.ndarray)):
    try:
      v = np.asarray(v).tolist()
    except jax.errors.ConcretizationTypeError:
      raise TypeError(
        f"{fn}: {name} must be known when the function is traced (a list "
        "of ints), not a value computed under jit"
      ) from None
  if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
    raise TypeError(f"{fn}: {name} must be a list of integers, got {type(v).__name__} {v!r}")
  return [static_int(i, fn, f"{name}[{k}]") for k, i in enumerate(v)]


def axis_index(axis, ndim: int, fn: str, name: str = "axis") -> int:
  """A (possibly negative) axis as an index in ``[0, ndim)``; TF's ValueError text if not."""
  a = static_int(axis, fn, name)
  if not -ndim <= a < ndim:
    raise ValueError(
      f"{fn}: {name}={a} is out of range for a rank-{ndim} input (use -{ndim} <= {name} < {ndim})"
    )
  return a % ndim if ndim else 0


def concrete(x):
  """``x`` as a NumPy array when it is concrete (not traced), else None."""
  if isinstance(x, jax.core.Tracer):
    return None
  try:
    return np.asarray(x)
  except jax.errors.ConcretizationTypeError:
    return None
