"""Argument checks and shape arithmetic shared by the layers (tf-keras ``conv_utils``).

Every check raises TF's own error text, so a ported program fails with the message its
TF1 users know.
"""

from __future__ import annotations

import re

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core import variables as var_lib


def normalize_tuple(value, n, name, allow_zero=False):
  """``value`` as a tuple of ``n`` ints (an int is repeated), checked as tf-keras does.

  >>> from varscope_jax._src.layers.utils import normalize_tuple
  >>> normalize_tuple(3, 2, "kernel_size"), normalize_tuple((1, 2), 2, "strides")
  ((3, 3), (1, 2))
  """
  error_msg = tf_errors.TUPLE_ARGUMENT % (name, n, value)
  if isinstance(value, int):
    value_tuple = (value,) * n
  else:
    try:
      value_tuple = tuple(value)
    except TypeError:
      raise ValueError(error_msg) from None
    if len(value_tuple) != n:
      raise ValueError(error_msg)
    for single_value in value_tuple:
      try:
        int(single_value)
      except (ValueError, TypeError):
        error_msg += f"including element {single_value} of type {type(single_value)}"
        raise ValueError(error_msg) from None
  if allow_zero:
    bad, req = {v for v in value_tuple if v < 0}, ">= 0"
  else:
    bad, req = {v for v in value_tuple if v <= 0}, "> 0"
  if bad:
    raise ValueError(error_msg + tf_errors.TUPLE_REQUIREMENT % (bad, req))
  return tuple(int(v) for v in value_tuple)


def normalize_padding(value):
  """``"valid"``, ``"same"`` or ``"causal"`` (any case), as tf-keras checks it.

  >>> from varscope_jax._src.layers.utils import normalize_padding
  >>> normalize_padding("SAME")
  'same'
  """
  if isinstance(value, (list, tuple)):
    raise NotImplementedError(
      f"padding={value!r}: explicit padding lists are not supported by vs.layers (TF's "
      "legacy layers cannot compute their output shape for them either). Pad the input "
      "with jnp.pad and use padding='valid'."
    )
  padding = value.lower()
  if padding not in {"valid", "same", "causal"}:
    raise ValueError(tf_errors.PADDING_ARGUMENT % (padding,))
  return padding


def normalize_data_format(value):
  """``"channels_last"`` or ``"channels_first"`` (any case); None means channels_last.

  >>> from varscope_jax._src.layers.utils import normalize_data_format
  >>> normalize_data_format("Channels_First")
  'channels_first'
  """
  if value is None:
    value = "channels_last"
  data_format = value.lower()
  if data_format not in {"channels_first", "channels_last"}:
    raise ValueError(tf_errors.DATA_FORMAT_ARGUMENT % (value,))
  return data_format


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
  """Output length of a convolution or pooling along one axis (tf-keras's rule).

  >>> from varscope_jax._src.layers.utils import conv_output_length
  >>> conv_output_length(7, 3, "valid", 2), conv_output_length(7, 3, "same", 2)
  (3, 4)
  """
  dilated = filter_size + (filter_size - 1) * (dilation - 1)
  if padding in ("same", "causal"):
    length = input_length
  else:
    length = input_length - dilated + 1
  return (length + stride - 1) // stride


def deconv_output_length(input_length, filter_size, padding, stride):
  """Output length of a transposed convolution along one axis (no output padding).

  >>> from varscope_jax._src.layers.utils import deconv_output_length
  >>> deconv_output_length(4, 3, "valid", 2), deconv_output_length(4, 3, "same", 2)
  (9, 8)
  """
  if padding == "valid":
    return input_length * stride + max(filter_size - stride, 0)
  return input_length * stride


def same_padding(in_size, out_size, window, stride):
  """TF's SAME padding ``(before, after)`` for one axis: the extra one goes after."""
  total = max((out_size - 1) * stride + window - in_size, 0)
  return total // 2, total - total // 2


def to_snake_case(name):
  """tf-keras's layer base name from a class name: ``Conv2DTranspose`` -> ``conv2d_transpose``.

  >>> from varscope_jax._src.layers.utils import to_snake_case
  >>> to_snake_case("BatchNormalization"), to_snake_case("MaxPooling2D")
  ('batch_normalization', 'max_pooling2d')
  """
  intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
  insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
  if insecure[0] != "_":
    return insecure
  return "private" + insecure


_ACTIVATIONS = {
  "relu": jax.nn.relu,
  "relu6": jax.nn.relu6,
  "elu": jax.nn.elu,
  "selu": jax.nn.selu,
  "sigmoid": jax.nn.sigmoid,
  "tanh": jnp.tanh,
  "softplus": jax.nn.softplus,
  "softsign": jax.nn.soft_sign,
  "softmax": jax.nn.softmax,
  "swish": jax.nn.swish,
  "gelu": lambda x: jax.nn.gelu(x, approximate=False),
  "exponential": jnp.exp,
  "linear": None,
}


def get_activation(activation):
  """A callable (or None) from an activation argument: a callable, None or a keras name.

  >>> from varscope_jax._src.layers.utils import get_activation
  >>> get_activation("relu") is not None, get_activation(None)
  (True, None)
  """
  if activation is None or callable(activation):
    return activation
  if isinstance(activation, str) and activation in _ACTIVATIONS:
    return _ACTIVATIONS[activation]
  raise ValueError(
    tf_errors.UNKNOWN_ACTIVATION % (activation,) + ". Pass a callable "
    f"(jax.nn.relu, ...) or one of {sorted(_ACTIVATIONS)}."
  )


def as_array(x):
  """Arrays pass through; an eager ``vs.Variable`` gives its value; numpy values and
  Python numbers become ``jax.Array``."""
  if isinstance(x, var_lib.Variable):
    return x.value()
  if hasattr(x, "shape") and hasattr(x, "dtype"):
    return x
  return jnp.asarray(x)


def shape_with_rank_at_least(shape, rank):
  """``TensorShape(shape).with_rank_at_least(rank)`` as a tuple, with TF's ValueError."""
  shape = tuple(None if d is None else int(d) for d in shape)
  if len(shape) < rank:
    raise ValueError(tf_errors.RANK_AT_LEAST % (_shape_str(shape), rank))
  return shape


def _shape_str(shape):
  return (
    "(%s,)" % shape[0]
    if len(shape) == 1
    else "(%s)" % ", ".join("None" if d is None else str(d) for d in shape)
  )
