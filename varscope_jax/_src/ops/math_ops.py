"""TF's integer-style division and modulo, its float-to-int cast and exclusive/reverse scans."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.ops.checks import as_array
from varscope_jax._src.ops.checks import axis_index


def _pair(x, y, fn):
  x = as_array(x, fn, "x")
  y = as_array(y, fn, "y")
  dtype = jnp.result_type(x, y)
  return x.astype(dtype), y.astype(dtype)


def _is_int(x):
  return jnp.issubdtype(x.dtype, jnp.integer)


def floordiv(x, y):
  """TF's ``tf.math.floordiv``: ``x / y`` rounded down (``floor(x / y)`` for floats).

  Integers divide as Python's ``//``. Division of an integer by zero is an error in TF's
  CPU kernel; under jit it cannot raise here and the value is unspecified.

  >>> import varscope_jax as vs
  >>> vs.ops.floordiv(jnp.array([7, -7]), 2)
  Array([ 3, -4], dtype=int32)
  >>> vs.ops.floordiv(jnp.array([7.5, -7.5]), -2.0)
  Array([-4.,  3.], dtype=float32)
  """
  x, y = _pair(x, y, "floordiv")
  if _is_int(x) or x.dtype == jnp.bool_:
    return jnp.floor_divide(x, y)
  return jnp.floor(x / y)


def floormod(x, y):
  """TF's ``tf.math.floormod`` (``tf.mod``): the remainder with the sign of ``y``.

  For floats, TF's formula: ``r = fmod(x, y)``, then ``r + y`` where ``r`` is non-zero
  and its sign differs from ``y``'s.

  >>> import varscope_jax as vs
  >>> vs.ops.floormod(jnp.array([7, -7]), 3)
  Array([1, 2], dtype=int32)
  >>> vs.ops.floormod(jnp.array([7.5, -0.5]), -2.0)
  Array([-0.5, -0.5], dtype=float32)
  """
  x, y = _pair(x, y, "floormod")
  if _is_int(x):
    return jnp.remainder(x, y)
  r = jnp.fmod(x, y)
  return jnp.where((r != 0) & ((y < 0) != (r < 0)), r + y, r)


def truncatediv(x, y):
  """TF's ``tf.truncatediv``: ``x / y`` rounded toward zero (C's integer division).

  >>> import varscope_jax as vs
  >>> vs.ops.truncatediv(jnp.array([7, -7]), 2)
  Array([ 3, -3], dtype=int32)
  """
  x, y = _pair(x, y, "truncatediv")
  if _is_int(x):
    return jax.lax.div(x, y)
  return jnp.trunc(x / y)


def truncatemod(x, y):
  """TF's ``tf.truncatemod``: the remainder with the sign of ``x`` (C's ``%``, ``fmod``).

  >>> import varscope_jax as vs
  >>> vs.ops.truncatemod(jnp.array([7, -7]), 3)
  Array([ 1, -1], dtype=int32)
  """
  x, y = _pair(x, y, "truncatemod")
  if _is_int(x):
    return jax.lax.rem(x, y)
  return jnp.fmod(x, y)


def _dtype(dtype, fn):
  try:
    return jnp.dtype(dtype)
  except TypeError:
    raise TypeError(
      f"{fn}: dtype {dtype!r} is not a dtype JAX can hold (use jnp.int32, jnp.float32, ...)"
    ) from None


def cast(x, dtype):
  """TF's ``tf.cast``, with TF's CPU results for floats cast to integers.

  Floats round toward zero. To ``int32``/``int64``, NaN, infinities and values out of
  range become the type's minimum (x86's "integer indefinite", as TF's CPU kernel gives);
  ``int8``/``int16``/``uint8``/``uint16`` take the ``int32`` result's low bits, as TF.
  Complex values lose their imaginary part; anything else casts as ``astype``.
  ``int64`` needs ``jax_enable_x64`` (JAX keeps 32 bits otherwise).

  >>> import varscope_jax as vs
  >>> vs.ops.cast(jnp.array([2.7, -2.7, jnp.nan, 3e9]), jnp.int32)
  Array([          2,          -2, -2147483648, -2147483648], dtype=int32)
  >>> vs.ops.cast(jnp.array([300.5, -1.5]), jnp.uint8)
  Array([ 44, 255], dtype=uint8)
  """
  x = as_array(x, "cast", "x")
  target = _dtype(dtype, "cast")
  if jnp.issubdtype(x.dtype, jnp.complexfloating) and not jnp.issubdtype(
    target, jnp.complexfloating
  ):
    x = jnp.real(x)
  if not (jnp.issubdtype(x.dtype, jnp.floating) and jnp.issubdtype(target, jnp.integer)):
    return x.astype(target)
  wide = (
    jnp.dtype(jnp.int64)
    if (target.itemsize == 8 or target == jnp.uint32) and jax.config.jax_enable_x64
    else jnp.dtype(jnp.int32)
  )
  info = np.iinfo(wide)
  t = jnp.trunc(x.astype(jnp.float32) if x.dtype.itemsize < 4 else x)
  bad = jnp.isnan(t) | (t < float(info.min)) | (t >= -float(info.min))
  v = jnp.where(bad, jnp.zeros_like(t), t).astype(wide)
  v = jnp.where(bad, jnp.asarray(info.min, wide), v)
  return v.astype(target)


def _scan(fn_name, op, x, axis, exclusive, reverse):
  x = as_array(x, fn_name, "x")
  a = axis_index(axis, x.ndim, fn_name)
  if reverse:
    x = jnp.flip(x, a)
  out = op(x, axis=a)
  if exclusive:
    ident = jnp.zeros_like if op is jnp.cumsum else jnp.ones_like
    first = ident(jax.lax.slice_in_dim(x, 0, 1, axis=a))
    out = jnp.concatenate([first, jax.lax.slice_in_dim(out, 0, x.shape[a] - 1, axis=a)], axis=a)
  return jnp.flip(out, a) if reverse else out


def cumsum(x, axis=0, exclusive=False, reverse=False):
  """TF's ``tf.cumsum`` with ``exclusive`` (start from 0) and ``reverse`` (sum from the end).

  >>> import varscope_jax as vs
  >>> vs.ops.cumsum(jnp.array([1, 2, 3]), exclusive=True, reverse=True)
  Array([5, 3, 0], dtype=int32)
  """
  return _scan("cumsum", jnp.cumsum, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False):
  """TF's ``tf.math.cumprod`` with ``exclusive`` (start from 1) and ``reverse``.

  >>> import varscope_jax as vs
  >>> vs.ops.cumprod(jnp.array([2, 3, 4]), exclusive=True)
  Array([1, 2, 6], dtype=int32)
  """
  return _scan("cumprod", jnp.cumprod, x, axis, exclusive, reverse)
