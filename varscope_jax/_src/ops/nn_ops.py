"""TF's cross-entropy losses, moments, l2_normalize, bias_add and norm clipping."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.ops.checks import as_array
from varscope_jax._src.ops.checks import axis_index
from varscope_jax._src.ops.checks import concrete
from varscope_jax._src.ops.checks import static_ints


def _axes(axis, ndim, fn):
  if axis is None:
    return tuple(range(ndim))
  if isinstance(axis, (list, tuple)):
    return tuple(axis_index(a, ndim, fn) for a in axis)
  return (axis_index(axis, ndim, fn),)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
  """TF's ``tf.nn.sparse_softmax_cross_entropy_with_logits``: ``-log softmax(logits)[labels]``.

  ``labels`` has ``logits``' shape without its last dimension. A label outside
  ``[0, num_classes)`` is TF's error when the labels are concrete; under jit it gives NaN
  (TF's GPU result).

  >>> import varscope_jax as vs
  >>> vs.ops.sparse_softmax_cross_entropy_with_logits(
  ...     labels=jnp.array([0]), logits=jnp.array([[0.0, 0.0]]))
  Array([0.6931472], dtype=float32)
  """
  fn = "sparse_softmax_cross_entropy_with_logits"
  labels = as_array(labels, fn, "labels")
  logits = as_array(logits, fn, "logits")
  if logits.ndim < 1 or labels.shape != logits.shape[:-1]:
    raise ValueError(
      f"{fn}: Shape mismatch: The shape of labels (received "
      f"{labels.shape}) should equal the shape of logits except for the "
      f"last dimension (received {logits.shape})."
    )
  n = logits.shape[-1]
  got = concrete(labels)
  if got is not None and got.size and ((got < 0) | (got >= n)).any():
    bad = got[(got < 0) | (got >= n)].ravel()[0]
    values = " ".join(str(int(v)) for v in got.ravel())
    raise ValueError(f"{fn}: " + tf_errors.LABEL_OUT_OF_RANGE % (int(bad), n, values))
  shifted = logits - jax.lax.stop_gradient(jnp.max(logits, axis=-1, keepdims=True))
  lse = jnp.log(jnp.sum(jnp.exp(shifted), axis=-1))
  picked = jnp.take_along_axis(
    shifted, jnp.clip(labels, 0, n - 1)[..., None].astype(jnp.int32), axis=-1
  )[..., 0]
  out = lse - picked
  return jnp.where((labels < 0) | (labels >= n), jnp.nan, out)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
  """TF's ``tf.nn.softmax_cross_entropy_with_logits_v2``: ``-sum(labels * log_softmax)``.

  Gradients flow into ``labels`` too (v2); TF1's ``softmax_cross_entropy_with_logits``
  is this with ``jax.lax.stop_gradient(labels)``.

  >>> import varscope_jax as vs
  >>> vs.ops.softmax_cross_entropy_with_logits(jnp.array([[0.5, 0.5]]),
  ...                                          jnp.array([[0.0, 0.0]]))
  Array([0.6931472], dtype=float32)
  """
  fn = "softmax_cross_entropy_with_logits"
  labels = as_array(labels, fn, "labels")
  logits = as_array(logits, fn, "logits")
  try:
    shape = jnp.broadcast_shapes(labels.shape, logits.shape)
  except ValueError:
    shape = None
  if shape != logits.shape:
    raise ValueError(
      f"{fn}: labels {labels.shape} must broadcast to the shape of logits {logits.shape}"
    )
  a = axis_index(axis, logits.ndim, fn)
  shifted = logits - jax.lax.stop_gradient(jnp.max(logits, axis=a, keepdims=True))
  lse = jnp.log(jnp.sum(jnp.exp(shifted), axis=a, keepdims=True))
  return jnp.sum(labels * (lse - shifted), axis=a)


def sigmoid_cross_entropy_with_logits(labels, logits):
  """TF's ``tf.nn.sigmoid_cross_entropy_with_logits``: ``max(x, 0) - x * z + log(1 + exp(-|x|))``.

  >>> import varscope_jax as vs
  >>> vs.ops.sigmoid_cross_entropy_with_logits(labels=jnp.array([1.0]),
  ...                                          logits=jnp.array([0.0]))
  Array([0.6931472], dtype=float32)
  """
  fn = "sigmoid_cross_entropy_with_logits"
  z = as_array(labels, fn, "labels")
  x = as_array(logits, fn, "logits")
  if z.shape != x.shape:
    raise ValueError(f"{fn}: logits and labels must have the same shape ({x.shape} vs {z.shape})")
  return jnp.maximum(x, 0) - x * z + jnp.log1p(jnp.exp(-jnp.abs(x)))


def moments(x, axes, shift=None, keepdims=False):
  """TF's ``tf.nn.moments``: ``(mean, variance)`` over ``axes``, computed as TF does.

  ``variance = mean((x - stop_gradient(mean))**2)``; float16/bfloat16 inputs are reduced
  in float32 and the results cast back, as TF. ``shift`` is unused (as in TF).

  >>> import varscope_jax as vs
  >>> vs.ops.moments(jnp.array([1.0, 2.0, 3.0, 4.0]), axes=[0])
  (Array(2.5, dtype=float32), Array(1.25, dtype=float32))
  """
  del shift
  x = as_array(x, "moments", "x")
  ax = _axes(list(axes) if not isinstance(axes, int) else axes, x.ndim, "moments")
  y = x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x
  mean = jnp.mean(y, axis=ax, keepdims=True)
  var = jnp.mean(jnp.square(y - jax.lax.stop_gradient(mean)), axis=ax, keepdims=True)
  if not keepdims:
    mean, var = jnp.squeeze(mean, ax), jnp.squeeze(var, ax)
  return mean.astype(x.dtype), var.astype(x.dtype)


def l2_normalize(x, axis=None, epsilon=1e-12):
  """TF's ``tf.math.l2_normalize``: ``x * rsqrt(max(sum(x**2, axis), epsilon))``.

  >>> import varscope_jax as vs
  >>> vs.ops.l2_normalize(jnp.array([3.0, 4.0]))
  Array([0.6, 0.8], dtype=float32)
  """
  x = as_array(x, "l2_normalize", "x")
  ax = _axes(axis, x.ndim, "l2_normalize")
  square_sum = jnp.sum(jnp.square(x), axis=ax, keepdims=True)
  return x * jax.lax.rsqrt(jnp.maximum(square_sum, jnp.asarray(epsilon, x.dtype)))


def bias_add(value, bias, data_format=None):
  """TF's ``tf.nn.bias_add``: ``bias`` added along the channel dimension of ``data_format``.

  ``NHWC``-like formats (or None) add along the last dimension, ``NC...`` along the
  second.

  >>> import varscope_jax as vs
  >>> vs.ops.bias_add(jnp.zeros((1, 2, 1)), jnp.array([1.0, 2.0]), "NCW")
  Array([[[1.],
          [2.]]], dtype=float32)
  """
  value = as_array(value, "bias_add", "value")
  bias = as_array(bias, "bias_add", "bias")
  if bias.ndim != 1:
    raise ValueError(f"bias_add: Shape must be rank 1 but is rank {bias.ndim}")
  if value.ndim < 2:
    raise ValueError(f"bias_add: Shape must be at least rank 2 but is rank {value.ndim}")
  first = isinstance(data_format, str) and data_format.startswith("NC")
  if data_format is not None and not isinstance(data_format, str):
    raise TypeError(
      f"bias_add: data_format must be a string such as 'NHWC' or 'NCHW', got {data_format!r}"
    )
  c = 1 if first else -1
  if value.shape[c] != bias.shape[0]:
    raise ValueError("bias_add: " + tf_errors.DIMENSIONS_EQUAL % (value.shape[c], bias.shape[0]))
  if first:
    bias = bias.reshape((-1,) + (1,) * (value.ndim - 2))
  return value + bias


def global_norm(t_list):
  """TF's ``tf.linalg.global_norm``: ``sqrt(sum(2 * l2_loss(t)))`` over the list (None skipped).

  >>> import varscope_jax as vs
  >>> vs.ops.global_norm([jnp.array([3.0]), jnp.array([4.0])])
  Array(5., dtype=float32)
  """
  if isinstance(t_list, (jax.Array, str)) or not hasattr(t_list, "__iter__"):
    raise TypeError(
      f"global_norm: t_list must be a sequence of arrays, got {type(t_list).__name__}"
    )
  ts = [as_array(t, "global_norm", f"t_list[{i}]") for i, t in enumerate(t_list) if t is not None]
  half = [jnp.sum(jnp.square(t)) / 2 for t in ts]
  total = sum(half[1:], half[0]) if half else jnp.zeros(())
  return jnp.sqrt(total * 2)


def clip_by_global_norm(t_list, clip_norm, use_norm=None):
  """TF's ``tf.clip_by_global_norm``: ``(t * clip_norm / max(global_norm, clip_norm), norm)``.

  Returns the clipped list (None entries kept) and the global norm. A non-finite norm
  makes every value NaN, as TF.

  >>> import varscope_jax as vs
  >>> clipped, norm = vs.ops.clip_by_global_norm([jnp.array([3.0, 4.0])], 1.0)
  >>> clipped[0], norm
  (Array([0.6, 0.8], dtype=float32), Array(5., dtype=float32))
  """
  if isinstance(t_list, (jax.Array, str)) or not hasattr(t_list, "__iter__"):
    raise TypeError(
      f"clip_by_global_norm: t_list must be a sequence of arrays, got {type(t_list).__name__}"
    )
  t_list = list(t_list)
  norm = global_norm(t_list) if use_norm is None else jnp.asarray(use_norm)
  c = as_array(clip_norm, "clip_by_global_norm", "clip_norm")
  scale = c * jnp.minimum(1.0 / norm, 1.0 / c)
  scale = jnp.where(jnp.isfinite(norm), scale, jnp.nan)
  out = [
    None if t is None else (jnp.asarray(t) * scale).astype(jnp.asarray(t).dtype) for t in t_list
  ]
  return out, norm


def clip_by_norm(t, clip_norm, axes=None):
  """TF's ``tf.clip_by_norm``: ``t * clip_norm / max(l2norm(t, axes), clip_norm)``.

  >>> import varscope_jax as vs
  >>> vs.ops.clip_by_norm(jnp.array([3.0, 4.0]), 1.0)
  Array([0.6, 0.8], dtype=float32)
  """
  t = as_array(t, "clip_by_norm", "t")
  ax = _axes(axes, t.ndim, "clip_by_norm")
  c = as_array(clip_norm, "clip_by_norm", "clip_norm").astype(t.dtype)
  l2sum = jnp.sum(t * t, axis=ax, keepdims=True)
  pred = l2sum > 0
  l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, jnp.ones_like(l2sum))), l2sum)
  return t * c / jnp.maximum(l2norm, c)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon):
  """TF's ``tf.nn.batch_normalization``, in TF's order of operations.

  ``inv = rsqrt(variance + variance_epsilon) * scale``, then
  ``x * inv + (offset - mean * inv)``; ``offset`` and ``scale`` may be None.

  >>> import varscope_jax as vs
  >>> vs.ops.batch_normalization(jnp.array([1.0, 3.0]), 2.0, 1.0, None, None, 0.0)
  Array([-1.,  1.], dtype=float32)
  """
  fn = "batch_normalization"
  x = as_array(x, fn, "x")
  mean = as_array(mean, fn, "mean")
  variance = as_array(variance, fn, "variance")
  inv = jax.lax.rsqrt(variance + jnp.asarray(variance_epsilon, variance.dtype))
  if scale is not None:
    inv = inv * as_array(scale, fn, "scale")
  shift = -mean * inv if offset is None else as_array(offset, fn, "offset") - mean * inv
  return x * inv.astype(x.dtype) + shift.astype(x.dtype)


def _window(v, fn, name, nhwc):
  """TF's ksize/strides (an int, or a list of 1, 2 or 4) as the 4-D window."""
  vals = [v] if isinstance(v, int) else static_ints(v, fn, name)
  if len(vals) == 1:
    vals = vals * 2
  if len(vals) == 2:
    return (1, *vals, 1) if nhwc else (1, 1, *vals)
  if len(vals) == 4:
    return tuple(vals)
  raise ValueError(f"{fn}: {name} should be of length 1, 2 or 4 but was {len(vals)}")


def avg_pool(value, ksize, strides, padding, data_format="NHWC"):
  """TF's ``tf.nn.avg_pool`` (2-D): with ``SAME`` padding each window's mean is over the
  elements inside the input only, as TF (``jax.lax.reduce_window`` would count the
  padding).

  >>> import varscope_jax as vs
  >>> vs.ops.avg_pool(jnp.arange(3.0).reshape(1, 1, 3, 1), 2, 2, "SAME")[0, 0, :, 0]
  Array([0.5, 2. ], dtype=float32)
  """
  fn = "avg_pool"
  x = as_array(value, fn, "value")
  if x.ndim != 4:
    raise ValueError(
      f"{fn}: value must be 4-D [batch, height, width, channels], got shape {x.shape}"
    )
  if data_format not in ("NHWC", "NCHW"):
    raise ValueError(f"{fn}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
  if padding not in ("SAME", "VALID"):
    raise ValueError(f"{fn}: padding must be 'SAME' or 'VALID', got {padding!r}")
  nhwc = data_format == "NHWC"
  window = _window(ksize, fn, "ksize", nhwc)
  stride = _window(strides, fn, "strides", nhwc)
  total = jax.lax.reduce_window(x, jnp.zeros((), x.dtype), jax.lax.add, window, stride, padding)
  count = jax.lax.reduce_window(
    jnp.ones(x.shape, x.dtype), jnp.zeros((), x.dtype), jax.lax.add, window, stride, padding
  )
  return total / count


def depthwise_conv2d(
  input,
  filter,
  strides,
  padding,
  rate=None,  # noqa: A002 (TF's names)
  data_format=None,
  dilations=None,
):
  """TF's ``tf.nn.depthwise_conv2d``: each input channel convolved with its own
  ``channel_multiplier`` filters (``filter`` is ``[height, width, in, multiplier]``).

  Output channel ``c * multiplier + m`` is input channel ``c`` with filter ``m``, as TF.

  >>> import varscope_jax as vs
  >>> x = jnp.ones((1, 3, 3, 2))
  >>> vs.ops.depthwise_conv2d(x, jnp.ones((2, 2, 2, 1)), [1, 1, 1, 1], "VALID").shape
  (1, 2, 2, 2)
  """
  fn = "depthwise_conv2d"
  x = as_array(input, fn, "input")
  w = as_array(filter, fn, "filter")
  if x.ndim != 4 or w.ndim != 4:
    raise ValueError(f"{fn}: input and filter must be 4-D, got shapes {x.shape} and {w.shape}")
  fmt = data_format or "NHWC"
  if fmt not in ("NHWC", "NCHW"):
    raise ValueError(f"{fn}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
  if padding not in ("SAME", "VALID"):
    raise ValueError(f"{fn}: padding must be 'SAME' or 'VALID', got {padding!r}")
  nhwc = fmt == "NHWC"
  channels = x.shape[-1] if nhwc else x.shape[1]
  if w.shape[2] != channels:
    raise ValueError(
      f"{fn}: filter's in_channels ({w.shape[2]}) must equal the input's channels ({channels})"
    )
  stride = _window(strides, fn, "strides", nhwc)
  stride = stride[1:3] if nhwc else stride[2:4]
  dil = rate if rate is not None else dilations
  if dil is None:
    dil = (1, 1)
  else:
    d = [dil] if isinstance(dil, int) else static_ints(dil, fn, "rate")
    dil = tuple(d * 2 if len(d) == 1 else (d if len(d) == 2 else (d[1:3] if nhwc else d[2:4])))
  kh, kw, cin, mult = w.shape
  rhs = w.reshape(kh, kw, 1, cin * mult)
  dn = (fmt, "HWIO", fmt)
  return jax.lax.conv_general_dilated(
    x,
    rhs,
    window_strides=tuple(stride),
    padding=padding,
    rhs_dilation=tuple(dil),
    dimension_numbers=dn,
    feature_group_count=cin,
  )
