"""tf-slim's ``instance_norm`` and ``group_norm`` (``tf_slim.layers.normalization``):
``beta``/``gamma`` model variables, moments per example (and per group)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.contrib.framework import variables as variables_lib
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.contrib.layers.batch_norm import moments
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.layers.core import ONES, ZEROS


def _params(
  params_shape, dtype, center, scale, param_initializers, variables_collections, trainable
):
  param_initializers = param_initializers or {}
  beta = gamma = None
  if center:
    beta = var_lib.value_of(
      variables_lib.model_variable(
        "beta",
        shape=params_shape,
        dtype=dtype,
        initializer=param_initializers.get("beta", ZEROS),
        collections=getters.variable_collections(variables_collections, "beta"),
        trainable=trainable,
      )
    )
  if scale:
    gamma = var_lib.value_of(
      variables_lib.model_variable(
        "gamma",
        shape=params_shape,
        dtype=dtype,
        initializer=param_initializers.get("gamma", ONES),
        collections=getters.variable_collections(variables_collections, "gamma"),
        trainable=trainable,
      )
    )
  return beta, gamma


@add_arg_scope
def instance_norm(
  inputs,
  center=True,
  scale=True,
  epsilon=1e-6,
  activation_fn=None,
  param_initializers=None,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  data_format="NHWC",
  scope=None,
):
  """Normalizes each example and channel over the spatial axes (``InstanceNorm``).

  Raises:
    ValueError: tf-slim's ``data_format has to be either NCHW or NHWC.``

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> list(vs.transform(lambda x: slim.instance_norm(x)).specs(jnp.ones((2, 4, 4, 3))))
  ['InstanceNorm/beta', 'InstanceNorm/gamma']
  """
  inputs = common.as_input(inputs, "instance_norm")
  rank = inputs.ndim
  if data_format not in ("NCHW", "NHWC"):
    raise ValueError(tf_errors.DATA_FORMAT_NCHW_NHWC)
  with vs_lib.variable_scope(scope, "InstanceNorm", [inputs], reuse=reuse) as sc:
    if rank < 2:
      raise ValueError(
        "instance_norm: inputs must have rank >= 2, got shape %s.\n%s"
        % (tuple(inputs.shape), common.scope_where("instance_norm", sc))
      )
    axis = 1 if data_format == "NCHW" else rank - 1
    moments_axes = tuple(a for a in range(1, rank) if a != axis)
    params_shape = (inputs.shape[axis],)
    beta, gamma = _params(
      params_shape,
      inputs.dtype,
      center,
      scale,
      param_initializers,
      variables_collections,
      trainable,
    )
    if data_format == "NCHW":
      bshape = (1, inputs.shape[1]) + (1,) * (rank - 2)
      beta = None if beta is None else jnp.reshape(beta, bshape)
      gamma = None if gamma is None else jnp.reshape(gamma, bshape)
    mean, variance = moments(inputs, moments_axes, keep_dims=True)
    inv = jax.lax.rsqrt(variance + jnp.asarray(epsilon, variance.dtype))
    if gamma is not None:
      inv = inv * gamma
    shift = beta - mean * inv if beta is not None else -mean * inv
    outputs = inputs * inv.astype(inputs.dtype) + shift.astype(inputs.dtype)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def group_norm(
  inputs,
  groups=32,
  channels_axis=-1,
  reduction_axes=(-3, -2),
  center=True,
  scale=True,
  epsilon=1e-6,
  activation_fn=None,
  param_initializers=None,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  scope=None,
  mean_close_to_zero=False,
):
  """Group normalization (Wu & He): channels split into ``groups``, each normalized over
  ``reduction_axes`` and its group (``GroupNorm``).

  Raises:
    ValueError: tf-slim's ``Invalid groups 8 for 4 channels.``, ``6 channels is not
      commensurate with 4 groups.``, ``Axis is out of bounds.``, ``reduction_axis must be
      mutually exclusive with channels_axis``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> f = lambda x: slim.group_norm(x, groups=2)
  >>> {k: v.shape for k, v in vs.transform(f).specs(jnp.ones((1, 4, 4, 6))).items()}
  {'GroupNorm/beta': (6,), 'GroupNorm/gamma': (6,)}
  """
  inputs = common.as_input(inputs, "group_norm")
  rank = inputs.ndim
  if channels_axis > rank - 1:
    raise ValueError(tf_errors.AXIS_OUT_OF_BOUNDS)
  if channels_axis < 0:
    channels_axis = rank + channels_axis
  channels = inputs.shape[channels_axis]
  reduction_axes = [a + rank if a < 0 else a for a in reduction_axes]
  for a in reduction_axes:
    if a > rank:
      raise ValueError(tf_errors.AXIS_OUT_OF_BOUNDS)
    if channels_axis == a:
      raise ValueError(tf_errors.REDUCTION_AND_CHANNELS_AXIS)
  if groups > channels:
    raise ValueError(tf_errors.INVALID_GROUPS % (groups, channels))
  if channels % groups != 0:
    raise ValueError(tf_errors.NOT_COMMENSURATE % (channels, groups))
  shape = list(inputs.shape)
  before, after = shape[:channels_axis], shape[channels_axis + 1 :]
  bshape = [1] * len(before) + [groups, channels // groups] + [1] * len(after)
  x = jnp.reshape(inputs, before + [groups, channels // groups] + after)
  moments_axes = [channels_axis + 1] + [a + 1 if a > channels_axis else a for a in reduction_axes]
  with vs_lib.variable_scope(scope, "GroupNorm", [x], reuse=reuse) as sc:
    beta, gamma = _params(
      (channels,), inputs.dtype, center, scale, param_initializers, variables_collections, trainable
    )
    if mean_close_to_zero:
      count = math.prod(x.shape[a] for a in moments_axes)
      m_ss = jnp.sum(x, axis=tuple(moments_axes), keepdims=True)
      v_ss = jnp.sum(jnp.square(x), axis=tuple(moments_axes), keepdims=True)
      mean = m_ss / count
      variance = v_ss / count - jnp.square(mean)
    else:
      mean, variance = moments(x, tuple(moments_axes), keep_dims=True)
    gain = jax.lax.rsqrt(variance + jnp.asarray(epsilon, variance.dtype))
    offset = -mean * gain
    if gamma is not None:
      g = jnp.reshape(gamma, bshape)
      gain = gain * g
      offset = offset * g
    if beta is not None:
      offset = offset + jnp.reshape(beta, bshape)
    outputs = jnp.reshape(x * gain + offset, shape)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)
