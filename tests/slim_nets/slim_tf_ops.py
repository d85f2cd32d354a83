"""The TensorFlow ops that tf_slim's nets call, on jax.numpy (test-side shim).

tf_slim's nets import ``math_ops``, ``nn_ops``, ``array_ops``, ``init_ops`` and
``variable_scope`` from ``tensorflow.python.ops`` and ``ops`` from
``tensorflow.python.framework``; ``slim_port.py`` binds those names to the namespaces below,
each holding only what the nets use, with TF's argument names and order.
"""
from __future__ import annotations

import types

import jax
import jax.numpy as jnp

import varscope_jax as vs


def _reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                 keep_dims=None):
  del name
  if axis is None:
    axis = reduction_indices
  keep = bool(keepdims if keepdims is not None else keep_dims)
  return jnp.mean(input_tensor, axis=None if axis is None else tuple(axis) if isinstance(
      axis, (list, tuple)) else axis, keepdims=keep)


def _concat(values, axis, name="concat"):
  del name
  return jnp.concatenate(values, axis=axis)


def _squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002 (TF's name)
  del name
  if axis is None:
    axis = squeeze_dims
  return jnp.squeeze(input, axis=None if axis is None else tuple(axis))


def _pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
  del name
  if mode.upper() != "CONSTANT":
    raise NotImplementedError(f"pad mode {mode}")
  return jnp.pad(tensor, [tuple(p) for p in paddings], constant_values=constant_values)


def _relu(features, name=None):
  del name
  return jax.nn.relu(features)


math_ops = types.SimpleNamespace(reduce_mean=_reduce_mean)
nn_ops = types.SimpleNamespace(relu=_relu)
array_ops = types.SimpleNamespace(concat=_concat, squeeze=_squeeze, pad=_pad)
init_ops = types.SimpleNamespace(
    truncated_normal_initializer=vs.truncated_normal_initializer,
    constant_initializer=vs.constant_initializer,
    zeros_initializer=vs.zeros_initializer)
variable_scope = types.SimpleNamespace(variable_scope=vs.variable_scope)
ops = types.SimpleNamespace(GraphKeys=vs.GraphKeys)
