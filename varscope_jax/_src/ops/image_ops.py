"""TF1's image resizing: ``resize_images``, ``resize_bilinear``, ``resize_nearest_neighbor``.

TF1's kernels sample at ``out * scale`` (``align_corners``: ``scale = (in - 1) / (out - 1)``)
unless ``half_pixel_centers``; ``jax.image.resize`` always uses half-pixel centers, so
TF1's default results need these.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.ops.checks import as_array
from varscope_jax._src.ops.checks import static_int
from varscope_jax._src.ops.checks import static_ints


def _prepare(images, size, fn):
  images = as_array(images, fn, "images")
  if images.ndim not in (3, 4):
    raise ValueError(f"{fn}: " + tf_errors.IMAGES_RANK + f", got shape {images.shape}")
  dims = static_ints(size, fn, "size")
  if len(dims) != 2:
    raise ValueError(
      f"{fn}: 'size' must be a 1-D list of 2 elements: new_height, new_width, got {dims}"
    )
  if min(dims) <= 0:
    raise ValueError(f"{fn}: 'size' must be positive, got {dims}")
  return images, dims


def _scale(n_in, n_out, align_corners):
  """TF's resize scale, a float32 quotient as TF computes it."""
  if align_corners and n_out > 1:
    return np.float32(n_in - 1) / np.float32(n_out - 1)
  return np.float32(n_in) / np.float32(n_out)


def _coords(n_in, n_out, align_corners, half_pixel):
  scale = jnp.float32(_scale(n_in, n_out, align_corners))
  out = jnp.arange(n_out, dtype=jnp.float32)
  return (out + 0.5) * scale - 0.5 if half_pixel else out * scale


def _check_flags(fn, align_corners, half_pixel_centers):
  if align_corners and half_pixel_centers:
    raise ValueError(f"{fn}: " + tf_errors.HALF_PIXEL_CENTERS)


def resize_bilinear(images, size, align_corners=False, half_pixel_centers=False):
  """TF1's ``tf.image.resize_bilinear``: bilinear resizing with TF1's sample positions.

  ``images`` is ``[batch, height, width, channels]`` (or without batch); the result is
  float32, as TF.

  >>> import varscope_jax as vs
  >>> vs.ops.resize_bilinear(jnp.array([[[[0.0], [1.0]]]]), [1, 4])[0, 0, :, 0]
  Array([0. , 0.5, 1. , 1. ], dtype=float32)
  """
  fn = "resize_bilinear"
  _check_flags(fn, align_corners, half_pixel_centers)
  images, (h, w) = _prepare(images, size, fn)
  x = images.astype(jnp.float32)
  batched = x.ndim == 4
  if not batched:
    x = x[None]
  out = x
  # TF's order: along the width first (top and bottom rows), then along the height.
  for axis, n_out in ((2, w), (1, h)):
    n_in = x.shape[axis]
    src = _coords(n_in, n_out, align_corners, half_pixel_centers)
    lo_f = jnp.floor(src)
    lo = jnp.maximum(lo_f, 0).astype(jnp.int32)
    hi = jnp.minimum(jnp.ceil(src), n_in - 1).astype(jnp.int32)
    frac = src - lo_f
    shape = [1] * 4
    shape[axis] = n_out
    frac = frac.reshape(shape)
    a = jnp.take(out, lo, axis=axis)
    b = jnp.take(out, hi, axis=axis)
    out = a + (b - a) * frac
  return out if batched else out[0]


def resize_nearest_neighbor(images, size, align_corners=False, half_pixel_centers=False):
  """TF1's ``tf.image.resize_nearest_neighbor``: TF1's nearest-pixel choice, dtype kept.

  >>> import varscope_jax as vs
  >>> vs.ops.resize_nearest_neighbor(jnp.arange(4).reshape(1, 1, 4, 1), [1, 3])[0, 0, :, 0]
  Array([0, 1, 2], dtype=int32)
  """
  fn = "resize_nearest_neighbor"
  _check_flags(fn, align_corners, half_pixel_centers)
  images, (h, w) = _prepare(images, size, fn)
  batched = images.ndim == 4
  x = images if batched else images[None]
  for axis, n_out in ((1, h), (2, w)):
    n_in = x.shape[axis]
    scale = jnp.float32(_scale(n_in, n_out, align_corners))
    pos = jnp.arange(n_out, dtype=jnp.float32)
    if half_pixel_centers:
      pos = pos + 0.5
    src = pos * scale
    # TF rounds half away from zero (roundf) with align_corners, else floors.
    idx = jnp.floor(src + 0.5) if align_corners else jnp.floor(src)
    idx = jnp.clip(idx, 0, n_in - 1).astype(jnp.int32)
    x = jnp.take(x, idx, axis=axis)
  return x if batched else x[0]


_METHODS = {0: "BILINEAR", 1: "NEAREST_NEIGHBOR", 2: "BICUBIC", 3: "AREA"}


def resize_images(images, size, method=0, align_corners=False, preserve_aspect_ratio=False):
  """TF1's ``tf.image.resize_images``: ``method`` 0 (bilinear) or 1 (nearest neighbor).

  As TF1: the same size returns ``images`` unchanged; bilinear gives float32, nearest
  keeps the dtype. Bicubic and area resizing are not provided.

  >>> import varscope_jax as vs
  >>> vs.ops.resize_images(jnp.arange(4.0).reshape(1, 2, 2, 1), [1, 1], method=1)
  Array([[[[0.]]]], dtype=float32)
  """
  fn = "resize_images"
  m = static_int(method, fn, "method") if not isinstance(method, str) else method
  name = _METHODS.get(m, m) if not isinstance(m, str) else m.upper()
  if name not in ("BILINEAR", "NEAREST_NEIGHBOR", "BICUBIC", "AREA"):
    raise ValueError(f"{fn}: Resize method is not implemented: {method!r}")
  if name in ("BICUBIC", "AREA"):
    raise ValueError(
      f"{fn}: method {name} is not provided (use method=0 bilinear or 1 nearest neighbor)"
    )
  if preserve_aspect_ratio:
    raise ValueError(f"{fn}: preserve_aspect_ratio=True is not provided")
  images, dims = _prepare(images, size, fn)
  hw = images.shape[-3:-1]
  if tuple(dims) == tuple(hw):
    return images
  if name == "BILINEAR":
    return resize_bilinear(images, dims, align_corners=align_corners)
  return resize_nearest_neighbor(images, dims, align_corners=align_corners)
