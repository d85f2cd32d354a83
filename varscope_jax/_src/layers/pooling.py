"""Max and average pooling, 1D to 3D (tf-keras ``legacy_tf_layers/pooling.py``).

On ``jax.lax.reduce_window``. ``"same"`` padding is TF's, and average pooling divides
by the number of input elements under each window (padding not counted), as TF's
``avg_pool`` does. Pooling layers have no variables but take a scope name, as in TF.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.tensor_shape import TensorShape
from varscope_jax._src.layers import base
from varscope_jax._src.layers import utils as layer_utils
from varscope_jax._src.layers.core import argument_errors
from varscope_jax._src.layers.input_spec import InputSpec


def pool(inputs, pool_size, strides, padding, data_format, kind):
  """``max`` or ``avg`` pooling of ``inputs`` (N, spatial..., C or N, C, spatial...)."""
  if data_format == "channels_last":
    window = (1,) + tuple(pool_size) + (1,)
    steps = (1,) + tuple(strides) + (1,)
  else:
    window = (1, 1) + tuple(pool_size)
    steps = (1, 1) + tuple(strides)
  pad = padding.upper()
  if kind == "max":
    init = np.array(-np.inf, inputs.dtype)
    return jax.lax.reduce_window(inputs, init, jax.lax.max, window, steps, pad)
  total = jax.lax.reduce_window(inputs, np.array(0, inputs.dtype), jax.lax.add, window, steps, pad)
  if pad == "VALID":
    return total / jnp.asarray(np.prod(pool_size), inputs.dtype)
  ones = np.ones((1,) * inputs.ndim, np.float32)
  ones = np.broadcast_to(ones, tuple(1 if w == 1 else s for w, s in zip(window, inputs.shape)))
  count = jax.lax.reduce_window(ones, np.float32(0), jax.lax.add, window, steps, pad)
  return total / count.astype(inputs.dtype)


class _Pooling(base.Layer):
  """The shared part of the pooling layers."""

  _kind = "max"
  _rank = 2

  def __init__(
    self, pool_size, strides, padding="valid", data_format="channels_last", name=None, **kwargs
  ):
    self._base_input_spec = InputSpec(ndim=self._rank + 2)
    super().__init__(name=name, **kwargs)
    with argument_errors(self):
      if data_format is None:
        data_format = "channels_last"
      if strides is None:
        raise ValueError(tf_errors.STRIDES_NOT_NONE)
      self.pool_size = layer_utils.normalize_tuple(pool_size, self._rank, "pool_size")
      self.strides = layer_utils.normalize_tuple(strides, self._rank, "strides", allow_zero=True)
      self.padding = layer_utils.normalize_padding(padding)
      if self.padding == "causal":
        raise ValueError(
          "padding='causal' is only supported by Conv1D and SeparableConv1D; "
          "pooling takes 'valid' or 'same'."
        )
      self.data_format = layer_utils.normalize_data_format(data_format)

  def compute_output_shape(self, input_shape):
    input_shape = tuple(None if d is None else int(d) for d in input_shape)
    first = self.data_format == "channels_first"
    spatial = input_shape[2:] if first else input_shape[1:-1]
    sizes = tuple(
      None
      if n is None
      else layer_utils.conv_output_length(n, self.pool_size[i], self.padding, self.strides[i])
      for i, n in enumerate(spatial)
    )
    if first:
      return TensorShape(input_shape[:2] + sizes)
    return TensorShape(input_shape[:1] + sizes + input_shape[-1:])

  def call(self, inputs):
    return pool(inputs, self.pool_size, self.strides, self.padding, self.data_format, self._kind)


_DOC = """{kind} pooling over {rank}D windows (``tf.layers.{cls}``).

  Args:
    pool_size: an int or a tuple of {rank} ints.
    strides: an int or a tuple of {rank} ints.
    padding: ``"valid"`` or ``"same"`` (TF's SAME{avg}).
    data_format: ``"channels_last"`` or ``"channels_first"``.
    name: the scope name.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.layers.{cls}(2, 2)(jnp.ones({shape})).shape
  {out}
"""


def _doc(kind, rank, cls):
  shape = (1,) + (4,) * rank + (3,)
  out = (1,) + (2,) * rank + (3,)
  avg = "; windows average the real elements only" if kind == "Average" else ""
  return _DOC.format(kind=kind, rank=rank, cls=cls, shape=shape, out=out, avg=avg)


class MaxPooling1D(_Pooling):
  __doc__ = _doc("Max", 1, "MaxPooling1D")
  _kind, _rank = "max", 1


class MaxPooling2D(_Pooling):
  __doc__ = _doc("Max", 2, "MaxPooling2D")
  _kind, _rank = "max", 2


class MaxPooling3D(_Pooling):
  __doc__ = _doc("Max", 3, "MaxPooling3D")
  _kind, _rank = "max", 3


class AveragePooling1D(_Pooling):
  __doc__ = _doc("Average", 1, "AveragePooling1D")
  _kind, _rank = "avg", 1


class AveragePooling2D(_Pooling):
  __doc__ = _doc("Average", 2, "AveragePooling2D")
  _kind, _rank = "avg", 2


class AveragePooling3D(_Pooling):
  __doc__ = _doc("Average", 3, "AveragePooling3D")
  _kind, _rank = "avg", 3


def max_pooling1d(
  inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
  """Functional ``MaxPooling1D`` (``tf.compat.v1.layers.max_pooling1d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.layers.max_pooling1d(jnp.arange(6.0).reshape(1, 6, 1), 2, 2).ravel().tolist()
  [1.0, 3.0, 5.0]
  """
  return MaxPooling1D(pool_size, strides, padding=padding, data_format=data_format, name=name)(
    inputs
  )


def max_pooling2d(
  inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
  """Functional ``MaxPooling2D`` (``tf.compat.v1.layers.max_pooling2d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.layers.max_pooling2d(jnp.ones((1, 5, 5, 2)), 2, 2, padding="same").shape
  (1, 3, 3, 2)
  """
  return MaxPooling2D(pool_size, strides, padding=padding, data_format=data_format, name=name)(
    inputs
  )


def max_pooling3d(
  inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
  """Functional ``MaxPooling3D`` (``tf.compat.v1.layers.max_pooling3d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.layers.max_pooling3d(jnp.ones((1, 4, 4, 4, 2)), 2, 2).shape
  (1, 2, 2, 2, 2)
  """
  return MaxPooling3D(pool_size, strides, padding=padding, data_format=data_format, name=name)(
    inputs
  )


def average_pooling1d(
  inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
  """Functional ``AveragePooling1D`` (``tf.compat.v1.layers.average_pooling1d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> x = jnp.arange(5.0).reshape(1, 5, 1)
  >>> vs.layers.average_pooling1d(x, 2, 2, padding="same").ravel().tolist()
  [0.5, 2.5, 4.0]
  """
  return AveragePooling1D(pool_size, strides, padding=padding, data_format=data_format, name=name)(
    inputs
  )


def average_pooling2d(
  inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
  """Functional ``AveragePooling2D`` (``tf.compat.v1.layers.average_pooling2d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.layers.average_pooling2d(jnp.ones((1, 4, 4, 2)), 2, 2).shape
  (1, 2, 2, 2)
  """
  return AveragePooling2D(pool_size, strides, padding=padding, data_format=data_format, name=name)(
    inputs
  )


def average_pooling3d(
  inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
  """Functional ``AveragePooling3D`` (``tf.compat.v1.layers.average_pooling3d``).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.layers.average_pooling3d(jnp.ones((1, 3, 3, 3, 2)), 2, 1).shape
  (1, 2, 2, 2, 2)
  """
  return AveragePooling3D(pool_size, strides, padding=padding, data_format=data_format, name=name)(
    inputs
  )
