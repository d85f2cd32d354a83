"""TF's gather, one_hot, split, pad, slice, TF1's where, constant, band part, sequence mask."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.ops.checks import as_array
from varscope_jax._src.ops.checks import axis_index
from varscope_jax._src.ops.checks import concrete
from varscope_jax._src.ops.checks import static_int
from varscope_jax._src.ops.checks import static_ints


def _check_indices(indices, limit, fn):
  """TF's CPU error for an index outside ``[0, limit)`` when the indices are concrete."""
  got = concrete(indices)
  if got is None or got.size == 0:
    return
  bad = np.argwhere((got < 0) | (got >= limit))
  if bad.size:
    where = ",".join(str(int(i)) for i in bad[0])
    raise ValueError(
      f"{fn}: " + tf_errors.INDEX_OUT_OF_RANGE % (where, int(got[tuple(bad[0])]), limit)
    )


def gather(params, indices, axis=None, batch_dims=0):
  """TF's ``tf.gather``: slices of ``params`` along ``axis`` at ``indices``, with ``batch_dims``.

  ``axis`` defaults to ``batch_dims``; the first ``batch_dims`` dimensions of ``params``
  and ``indices`` are batch dimensions (gathered pairwise). An index outside
  ``[0, params.shape[axis])`` (negative ones included) is TF's error when the indices
  are concrete; under jit it gives zeros (TF's GPU result).

  >>> import varscope_jax as vs
  >>> vs.ops.gather(jnp.array([[1, 2], [3, 4], [5, 6]]), jnp.array([2, 0]))
  Array([[5, 6],
         [1, 2]], dtype=int32)
  >>> vs.ops.gather(jnp.array([[1, 2], [3, 4]]), jnp.array([[1], [0]]), axis=1,
  ...               batch_dims=1)
  Array([[2],
         [3]], dtype=int32)
  """
  params = as_array(params, "gather", "params")
  indices = as_array(indices, "gather", "indices")
  if not jnp.issubdtype(indices.dtype, jnp.integer):
    raise TypeError(f"gather: indices must be integers, got {indices.dtype}")
  bd = static_int(batch_dims, "gather", "batch_dims")
  # As TF: axis defaults to batch_dims as given (so batch_dims=-1 means axis=-1).
  ax = axis_index(bd if axis is None else axis, params.ndim, "gather")
  if bd < 0:
    bd += indices.ndim
  if not 0 <= bd <= min(indices.ndim, ax):
    raise ValueError(
      f"gather: batch_dims={batch_dims} must be in [0, min(indices rank {indices.ndim}, axis {ax})]"
    )
  if params.shape[:bd] != indices.shape[:bd]:
    raise ValueError(
      f"gather: the batch dimensions of params {params.shape[:bd]} and "
      f"indices {indices.shape[:bd]} must be equal"
    )
  _check_indices(indices, params.shape[ax], "gather")
  n = params.shape[ax]

  def one(p, i, a):
    i = jnp.where(i < 0, n, i)
    return jnp.take(p, i, axis=a, mode="fill", fill_value=0)

  f = one
  for _ in range(bd):
    f = jax.vmap(f, in_axes=(0, 0, None))
  return f(params, indices, ax - bd)


def gather_nd(params, indices, batch_dims=0):
  """TF's ``tf.gather_nd``: ``params`` at the index tuples in ``indices``' last dimension.

  >>> import varscope_jax as vs
  >>> vs.ops.gather_nd(jnp.array([[1, 2], [3, 4]]), jnp.array([[1, 0], [0, 1]]))
  Array([3, 2], dtype=int32)
  """
  params = as_array(params, "gather_nd", "params")
  indices = as_array(indices, "gather_nd", "indices")
  bd = static_int(batch_dims, "gather_nd", "batch_dims")
  if indices.ndim < 1 or indices.shape[-1] > params.ndim - bd:
    raise ValueError(
      f"gather_nd: indices.shape[-1] must be <= params rank - batch_dims "
      f"({params.ndim - bd}), got indices of shape {indices.shape}"
    )
  k = indices.shape[-1]
  for d in range(k):
    _check_indices(indices[..., d], params.shape[bd + d], "gather_nd")

  def one(p, i):
    parts = tuple(jnp.moveaxis(i, -1, 0)) if k else ()
    return p[parts] if k else jnp.broadcast_to(p, i.shape[:-1] + p.shape)

  f = one
  for _ in range(bd):
    f = jax.vmap(f)
  return f(params, indices)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None):
  """TF's ``tf.one_hot``: ``on_value`` where ``indices == i``, ``off_value`` elsewhere.

  An index outside ``[0, depth)``, such as -1, gives a row of ``off_value``. ``dtype``
  defaults to ``on_value``'s or ``off_value``'s, else float32; the new axis is ``axis``
  (-1: last).

  >>> import varscope_jax as vs
  >>> vs.ops.one_hot(jnp.array([0, -1, 2]), 3)
  Array([[1., 0., 0.],
         [0., 0., 0.],
         [0., 0., 1.]], dtype=float32)
  """
  indices = as_array(indices, "one_hot", "indices")
  depth = static_int(depth, "one_hot", "depth")
  if dtype is None:
    given = on_value if on_value is not None else off_value
    dtype = jnp.asarray(given).dtype if given is not None else jnp.float32
  on = jnp.asarray(1 if on_value is None else on_value, dtype)
  off = jnp.asarray(0 if off_value is None else off_value, dtype)
  a = -1 if axis is None else static_int(axis, "one_hot", "axis")
  if a < -1 or a > indices.ndim:
    raise ValueError("one_hot: " + tf_errors.ONE_HOT_AXIS % (indices.ndim, a))
  hot = indices[..., None] == jnp.arange(depth, dtype=indices.dtype)
  out = jnp.where(hot, on, off)
  return out if a == -1 else jnp.moveaxis(out, -1, a)


def split(value, num_or_size_splits, axis=0, num=None):
  """TF's ``tf.split``: ``num`` equal parts, or parts of the given sizes (one may be -1).

  >>> import varscope_jax as vs
  >>> [p.tolist() for p in vs.ops.split(jnp.arange(6), [2, -1, 1])]
  [[0, 1], [2, 3, 4], [5]]
  """
  value = as_array(value, "split", "value")
  a = axis_index(axis, value.ndim, "split")
  n = value.shape[a]
  if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(num_or_size_splits, bool):
    k = int(num_or_size_splits)
    if k <= 0 or n % k:
      raise ValueError("split: " + tf_errors.EVENLY_DIVISIBLE % (k, n) + f" for 'Split' (axis {a})")
    return list(jnp.split(value, k, axis=a))
  sizes = static_ints(num_or_size_splits, "split", "num_or_size_splits")
  if sizes.count(-1) > 1:
    raise ValueError("split: only one size may be -1 (inferred)")
  if -1 in sizes:
    rest = n - sum(s for s in sizes if s != -1)
    sizes[sizes.index(-1)] = rest
  if any(s < 0 for s in sizes) or sum(sizes) != n:
    raise ValueError("split: " + tf_errors.SPLIT_SIZES % (sum(sizes), n))
  return list(jnp.split(value, np.cumsum(sizes)[:-1].tolist(), axis=a))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0):
  """TF's ``tf.pad``: ``CONSTANT``, ``REFLECT`` or ``SYMMETRIC`` (any case), TF's limits.

  ``REFLECT`` needs each padding below the dimension's size, ``SYMMETRIC`` at most that
  size (TF's errors; ``jnp.pad`` would silently repeat).

  >>> import varscope_jax as vs
  >>> vs.ops.pad(jnp.array([1, 2, 3]), [[2, 1]], mode="reflect")
  Array([3, 2, 1, 2, 3, 2], dtype=int32)
  """
  tensor = as_array(tensor, "pad", "tensor")
  pads = concrete(paddings)
  if pads is None or pads.shape != (tensor.ndim, 2):
    raise ValueError(
      f"pad: paddings must be a concrete [rank, 2] = [{tensor.ndim}, 2] "
      f"list of ints, got {paddings!r}"
    )
  pads = [tuple(static_ints(p, "pad", "paddings")) for p in pads.tolist()]
  if any(p < 0 for row in pads for p in row):
    raise ValueError("pad: " + tf_errors.PADDINGS_NEGATIVE % (pads,))
  m = str(mode).upper() if isinstance(mode, str) else None
  if m == "CONSTANT":
    return jnp.pad(tensor, pads, constant_values=jnp.asarray(constant_values, tensor.dtype))
  if m not in ("REFLECT", "SYMMETRIC"):
    raise ValueError(f"pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', got {mode!r}")
  off = 0 if m == "REFLECT" else 1
  for d, (lo, hi) in enumerate(pads):
    if lo > tensor.shape[d] - 1 + off or hi > tensor.shape[d] - 1 + off:
      text = tf_errors.PADDINGS_REFLECT if m == "REFLECT" else tf_errors.PADDINGS_SYMMETRIC
      raise ValueError("pad: " + text % (lo, hi, tensor.shape[d]))
  return jnp.pad(tensor, pads, mode=m.lower())


def slice(input_, begin, size):  # noqa: A001 (TF's name)
  """TF's ``tf.slice``: ``size[i]`` elements from ``begin[i]``; a size of -1 takes the rest.

  ``size`` must be static; ``begin`` may be computed under jit (then
  ``jax.lax.dynamic_slice``, which keeps the window inside the array where TF errors).

  >>> import varscope_jax as vs
  >>> vs.ops.slice(jnp.arange(12).reshape(3, 4), [1, 1], [-1, 2])
  Array([[ 5,  6],
         [ 9, 10]], dtype=int32)
  """
  x = as_array(input_, "slice", "input_")
  sizes = static_ints(size, "slice", "size")
  got = concrete(begin)
  if len(sizes) != x.ndim:
    raise ValueError(f"slice: size must have one entry per dimension ({x.ndim}), got {sizes}")
  if got is None:
    if -1 in sizes:
      raise ValueError("slice: a size of -1 needs a static begin")
    return jax.lax.dynamic_slice(x, list(begin), sizes)
  starts = static_ints(got, "slice", "begin")
  ends = []
  for d, (b, s) in enumerate(zip(starts, sizes)):
    e = x.shape[d] if s == -1 else b + s
    if b < 0 or e > x.shape[d] or e < b:
      raise ValueError("slice: " + tf_errors.SLICE_SIZE % (d, x.shape[d] - b, s))
    ends.append(e)
  return jax.lax.slice(x, starts, ends)


def where(condition, x, y):
  """TF1's ``tf.where(condition, x, y)``: no broadcasting, as TF1.

  ``x`` and ``y`` have one shape; ``condition`` has that shape, or is a vector over
  their first dimension (then it picks whole rows). For NumPy broadcasting use
  ``jnp.where`` (TF's ``where_v2``).

  >>> import varscope_jax as vs
  >>> vs.ops.where(jnp.array([True, False]), jnp.ones((2, 2)), jnp.zeros((2, 2)))
  Array([[1., 1.],
         [0., 0.]], dtype=float32)
  """
  c = as_array(condition, "where", "condition")
  x = as_array(x, "where", "x")
  y = as_array(y, "where", "y")
  if x.shape != y.shape:
    raise ValueError(
      f"where: x and y must have the same shape (TF1 does not "
      f"broadcast), got {x.shape} and {y.shape}"
    )
  if c.shape == x.shape:
    return jnp.where(c, x, y)
  if c.ndim == 1 and x.ndim >= 1 and c.shape[0] == x.shape[0]:
    return jnp.where(c.reshape(c.shape + (1,) * (x.ndim - 1)), x, y)
  raise ValueError(
    f"where: condition must have the shape of x {x.shape} or be a vector "
    f"of its first dimension, got {c.shape}"
  )


def constant(value, dtype=None, shape=None):
  """TF1's ``tf.constant`` with ``shape=``: a scalar fills it, a list is reshaped to it.

  A list shorter than ``shape`` is extended with its last element, as TF1.

  >>> import varscope_jax as vs
  >>> vs.ops.constant([1, 2], shape=[2, 2])
  Array([[1, 2],
         [2, 2]], dtype=int32)
  """
  v = as_array(value, "constant", "value")
  if dtype is not None:
    v = v.astype(dtype)
  if shape is None:
    return v
  dims = static_ints(shape, "constant", "shape")
  n = math.prod(dims)
  flat = v.reshape(-1)
  if flat.size == n:
    return flat.reshape(dims)
  if flat.size > n:
    raise TypeError("constant: " + tf_errors.TOO_MANY_ELEMENTS % (n, flat.size))
  if flat.size == 0:
    raise ValueError(f"constant: an empty value cannot fill shape {dims}")
  fill = jnp.broadcast_to(flat[-1], (n - flat.size,))
  return jnp.concatenate([flat, fill]).reshape(dims)


def matrix_band_part(input, num_lower, num_upper):  # noqa: A002 (TF's name)
  """TF's ``tf.linalg.band_part``: keep ``num_lower`` sub- and ``num_upper`` superdiagonals.

  A negative count keeps that whole triangle.

  >>> import varscope_jax as vs
  >>> vs.ops.matrix_band_part(jnp.ones((3, 3)), -1, 0)
  Array([[1., 0., 0.],
         [1., 1., 0.],
         [1., 1., 1.]], dtype=float32)
  """
  x = as_array(input, "matrix_band_part", "input")
  if x.ndim < 2:
    raise ValueError(f"matrix_band_part: input must be at least rank 2, got shape {x.shape}")
  lo = static_int(num_lower, "matrix_band_part", "num_lower")
  up = static_int(num_upper, "matrix_band_part", "num_upper")
  m, n = x.shape[-2:]
  for name, v, lim in (("num_lower", lo, m), ("num_upper", up, n)):
    if v > lim:
      raise ValueError(
        "matrix_band_part: "
        + (
          tf_errors.BAND_PART_ROWS % (m, v)
          if name == "num_lower"
          else tf_errors.BAND_PART_COLUMNS % (n, v)
        )
      )
  i = jnp.arange(m)[:, None]
  j = jnp.arange(n)[None, :]
  keep = ((lo < 0) | (i - j <= lo)) & ((up < 0) | (j - i <= up))
  return jnp.where(keep, x, jnp.zeros((), x.dtype))


def sequence_mask(lengths, maxlen=None, dtype=jnp.bool_):
  """TF's ``tf.sequence_mask``: ``mask[..., j] = j < lengths[...]``.

  Without ``maxlen`` the mask is ``max(lengths)`` long, which needs concrete lengths.

  >>> import varscope_jax as vs
  >>> vs.ops.sequence_mask(jnp.array([1, 3]), 4)
  Array([[ True, False, False, False],
         [ True,  True,  True, False]], dtype=bool)
  """
  lengths = as_array(lengths, "sequence_mask", "lengths")
  if maxlen is None:
    got = concrete(lengths)
    if got is None:
      raise TypeError(
        "sequence_mask: without maxlen the mask's length is max(lengths), "
        "which must be known when traced; pass maxlen="
      )
    maxlen = int(got.max()) if got.size else 0
  maxlen = static_int(maxlen, "sequence_mask", "maxlen")
  mask = jnp.arange(maxlen) < lengths[..., None]
  return mask.astype(dtype)
