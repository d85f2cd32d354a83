"""tf-slim's ``batch_norm``: its three paths, chosen as tf-slim chooses them.

* Fused (``fused`` None/True, no ``batch_weights``/``renorm``/``adjustment``, rank 2 or
  4, and ``zero_debias_moving_mean``, rank 2 or ``updates_collections`` other than
  ``UPDATE_OPS``): tf-slim's own fused code: variables ``beta``, ``gamma``,
  ``moving_mean``, ``moving_variance`` in that order (always float32), TF's
  ``FusedBatchNormV3`` numerics (the moving variance moves towards the *unbiased* batch
  variance).
* Layer (no ``batch_weights``, ``updates_collections`` is ``UPDATE_OPS``, no zero
  debias): ``vs.layers.BatchNormalization`` in the scope, so ``gamma`` comes before
  ``beta``; fused or not as that layer decides.
* Otherwise tf-slim's unfused code (``tf.nn.moments`` / ``weighted_moments``).

Updates go through ``vs.assign`` (so ``apply(..., mutable=True)`` returns the new moving
statistics): listed in ``updates_collections`` (default ``UPDATE_OPS``), or, with
``updates_collections=None``, applied in place (TF's forced updates). ``is_training``
is a Python bool or a scalar bool array (traced inside jit): TF's ``smart_cond``.
``zero_debias_moving_mean`` adds TF's ``biased`` and ``local_step`` variables.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.contrib.framework import variables as variables_lib
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.contrib.layers import common
from varscope_jax._src.contrib.layers import getters
from varscope_jax._src.contrib.layers import utils
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import state as state_lib
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.core.graph_keys import GraphKeys
from varscope_jax._src.layers import normalization as norm_layers
from varscope_jax._src.layers.core import ONES, ZEROS

NCHW, NHWC = "NCHW", "NHWC"


def _value(v):
  return var_lib.value_of(v)


def _training(is_training, where):
  """``utils.constant_value(is_training)``: a Python bool, or a scalar bool array."""
  value = utils.constant_value(is_training)
  if value is not None:
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
      return bool(value)
    if (
      isinstance(value, (np.ndarray, np.generic))
      and np.shape(value) == ()
      and (np.asarray(value).dtype == np.bool_)
    ):
      return bool(value)
    raise TypeError(
      "%s: is_training must be a bool or a scalar bool array, got %r." % (where, is_training)
    )
  arr = jnp.asarray(is_training)
  if arr.shape != () or arr.dtype != jnp.bool_:
    raise TypeError(
      "%s: is_training must be a bool or a scalar bool array, got an array "
      "of shape %s and dtype %s." % (where, arr.shape, arr.dtype)
    )
  return arr


def _zero_debias_variables(variable, value):
  """TF's ``_zero_debias`` variables: ``biased`` and ``local_step`` in
  ``variable_scope(<name>)``."""
  graph = graph_lib.get_default_graph()
  rec = graph.record_of(variable)
  old = _value(variable)
  with vs_lib.variable_scope(rec.op_name, values=[variable, value]):
    scope = vs_lib.get_variable_scope()

    def unique(name):
      if scope.reuse:
        return name
      names = {r.op_name for r in graph.variables}
      full = scope.name + "/" + name
      if full not in names:
        return name
      idx = 1
      while full + "_%d" % idx in names:
        idx += 1
      return name + "_%d" % idx

    biased = store_lib.get_variable(
      unique("biased"), shape=old.shape, dtype=old.dtype, initializer=ZEROS, trainable=False
    )
    local_step = store_lib.get_variable(
      unique("local_step"), shape=[], dtype=old.dtype, initializer=ZEROS, trainable=False
    )
  return biased, local_step


def _assign_moving_average(moving, value, decay, zero_debias, training):
  """TF's ``assign_moving_average(moving, value, decay)``; returns the new value.

  Each update starts from the variable's current value in the trace, so two calls of
  one batch norm (under ``reuse=True``) compose, as TF's update ops run in order. A
  traced ``training`` keeps the old value where it is False.
  """

  def assign(variable, update):
    def new_value(old):
      new = update(old)
      return new if training is True else jnp.where(training, new, old)

    return state_lib.update_variable(variable, new_value, "assign")

  def average(old):
    return old - (old - value.astype(old.dtype)) * jnp.asarray(1.0 - decay, old.dtype)

  if not zero_debias:
    return assign(moving, average)
  biased, local_step = _zero_debias_variables(moving, value)
  new_biased = assign(biased, average)
  new_step = assign(local_step, lambda old: old + jnp.asarray(1, old.dtype))
  return assign(
    moving,
    lambda old: new_biased / (1 - jnp.power(1.0 - jnp.asarray(1.0 - decay, old.dtype), new_step)),
  )


def _updates(
  moving_mean, mean, moving_variance, variance, decay, zero_debias, training, updates_collections
):
  new_mean = _assign_moving_average(moving_mean, mean, decay, zero_debias, training)
  new_var = _assign_moving_average(moving_variance, variance, decay, False, training)
  if updates_collections is not None:
    graph = graph_lib.get_default_graph()
    names = (
      [updates_collections] if isinstance(updates_collections, str) else list(updates_collections)
    )
    graph.add_to_collections(names, new_mean)
    graph.add_to_collections(names, new_var)


def _stats_variables(params_shape, dtype, param_initializers, variables_collections):
  with vs_lib.variable_scope(vs_lib.get_variable_scope()):
    moving_mean = variables_lib.model_variable(
      "moving_mean",
      shape=params_shape,
      dtype=dtype,
      initializer=param_initializers.get("moving_mean", ZEROS),
      trainable=False,
      collections=getters.variable_collections(variables_collections, "moving_mean"),
    )
    moving_variance = variables_lib.model_variable(
      "moving_variance",
      shape=params_shape,
      dtype=dtype,
      initializer=param_initializers.get("moving_variance", ONES),
      trainable=False,
      collections=getters.variable_collections(variables_collections, "moving_variance"),
    )
  return moving_mean, moving_variance


def _check_data_format(data_format):
  if data_format not in (NCHW, NHWC):
    raise ValueError(tf_errors.DATA_FORMAT_NCHW_NHWC)


def _fused_batch_norm(
  inputs,
  decay,
  center,
  scale,
  epsilon,
  activation_fn,
  param_initializers,
  param_regularizers,
  updates_collections,
  is_training,
  reuse,
  variables_collections,
  outputs_collections,
  trainable,
  data_format,
  zero_debias_moving_mean,
  scope,
):
  _check_data_format(data_format)
  with vs_lib.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
    where = "batch_norm in variable scope %r" % sc.name
    original_shape = tuple(inputs.shape)
    rank = len(original_shape)
    if rank not in (2, 4):
      raise ValueError(tf_errors.UNSUPPORTED_RANK % (where, rank))
    x = inputs
    if rank == 2:
      channels = original_shape[-1]
      x = jnp.reshape(x, (-1, channels, 1, 1) if data_format == NCHW else (-1, 1, 1, channels))
    channel_axis = 3 if data_format == NHWC else 1
    params_shape = (x.shape[channel_axis],)
    param_initializers = param_initializers or {}
    param_regularizers = param_regularizers or {}
    f32 = dtypes_lib.float32
    if center:
      beta = variables_lib.model_variable(
        "beta",
        shape=params_shape,
        dtype=f32,
        initializer=param_initializers.get("beta", ZEROS),
        regularizer=param_regularizers.get("beta"),
        collections=getters.variable_collections(variables_collections, "beta"),
        trainable=trainable,
      )
      beta_v = _value(beta)
    else:
      beta_v = jnp.zeros(params_shape, jnp.float32)
    if scale:
      gamma = variables_lib.model_variable(
        "gamma",
        shape=params_shape,
        dtype=f32,
        initializer=param_initializers.get("gamma", ONES),
        regularizer=param_regularizers.get("gamma"),
        collections=getters.variable_collections(variables_collections, "gamma"),
        trainable=trainable,
      )
      gamma_v = _value(gamma)
    else:
      gamma_v = jnp.ones(params_shape, jnp.float32)
    moving_mean, moving_variance = _stats_variables(
      params_shape, f32, param_initializers, variables_collections
    )
    training = _training(is_training, where)
    xf = x.astype(jnp.float32)
    red = tuple(i for i in range(4) if i != channel_axis)
    bshape = [1, 1, 1, 1]
    bshape[channel_axis] = -1
    eps = jnp.float32(epsilon)

    def normalize(mean, var):
      factor = jax.lax.rsqrt(var + eps) * gamma_v
      y = (xf - jnp.reshape(mean, bshape)) * jnp.reshape(factor, bshape) + jnp.reshape(
        beta_v, bshape
      )
      return y.astype(inputs.dtype)

    mm, mv = _value(moving_mean), _value(moving_variance)
    if training is False:
      outputs = normalize(mm, mv)
    else:
      n = xf.size // xf.shape[channel_axis]
      batch_mean = jnp.mean(xf, axis=red)
      batch_var = jnp.mean(jnp.square(xf - jnp.reshape(batch_mean, bshape)), axis=red)
      outputs = norm_layers.smart_select(
        training, lambda: normalize(batch_mean, batch_var), lambda: normalize(mm, mv)
      )
      unbiased = batch_var * jnp.float32(n / (n - 1)) if n > 1 else batch_var * jnp.inf
      _updates(
        moving_mean,
        batch_mean,
        moving_variance,
        unbiased,
        decay,
        zero_debias_moving_mean,
        training,
        updates_collections,
      )
    if rank == 2:
      outputs = jnp.reshape(outputs, original_shape)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


def moments(x, axes, keep_dims):
  """``tf.nn.moments`` (float16 inputs in float32)."""
  y = x.astype(jnp.float32) if x.dtype == jnp.float16 else x
  mean = jnp.mean(y, axis=axes, keepdims=True)
  variance = jnp.mean(jnp.square(y - jax.lax.stop_gradient(mean)), axis=axes, keepdims=True)
  if not keep_dims:
    mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
  if x.dtype == jnp.float16:
    mean, variance = mean.astype(jnp.float16), variance.astype(jnp.float16)
  return mean, variance


def _weighted_moments(x, axes, weights, keep_dims):
  """``tf.nn.weighted_moments``."""
  weights = weights.astype(x.dtype)
  wsum = jnp.sum(weights * x, axis=axes, keepdims=True)
  total = jnp.sum(weights + jnp.zeros_like(x), axis=axes, keepdims=True)
  safe = jnp.where(total == 0, jnp.ones_like(total), total)
  mean = jnp.where(total == 0, jnp.zeros_like(wsum), wsum / safe)
  dist = jnp.sum(weights * jnp.square(x - mean), axis=axes, keepdims=True)
  variance = jnp.where(total == 0, jnp.zeros_like(dist), dist / safe)
  if not keep_dims:
    mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
  return mean, variance


def _is_update_ops(updates_collections):
  return isinstance(updates_collections, str) and updates_collections == GraphKeys.UPDATE_OPS


@add_arg_scope
def batch_norm(
  inputs,
  decay=0.999,
  center=True,
  scale=False,
  epsilon=0.001,
  activation_fn=None,
  param_initializers=None,
  param_regularizers=None,
  updates_collections=GraphKeys.UPDATE_OPS,
  is_training=True,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  batch_weights=None,
  fused=None,
  data_format=NHWC,
  zero_debias_moving_mean=False,
  scope=None,
  renorm=False,
  renorm_clipping=None,
  renorm_decay=0.99,
  adjustment=None,
):
  """Batch normalization, as tf-slim's ``batch_norm`` (see the module docstring).

  Args:
    inputs: an array of rank >= 2, normalized over all axes but the channel axis (last,
      or 1 with ``data_format="NCHW"``).
    decay: of the moving averages (``moving -= (1 - decay) * (moving - batch)``).
    center, scale: add ``beta`` / multiply by ``gamma`` (tf-slim: ``scale=False``).
    epsilon: added to the variance.
    activation_fn: applied last.
    param_initializers, param_regularizers: dicts by variable name (``beta``, ``gamma``,
      ``moving_mean``, ``moving_variance``).
    updates_collections: where the new moving statistics are listed; None applies them
      at once (TF's forced updates).
    is_training: a bool or a scalar bool array: batch statistics and updates, or the
      moving statistics.
    reuse, scope: as ``variable_scope`` (default ``BatchNorm``).
    variables_collections: a list, or a dict by variable name.
    outputs_collections, trainable: as the other layers.
    batch_weights: per-example weights ``[batch]`` (weighted moments).
    fused: None or True (TF's fused kernel where possible) or False.
    data_format: ``NHWC`` or ``NCHW``.
    zero_debias_moving_mean: TF's zero-debiased moving mean.
    renorm, renorm_clipping, renorm_decay: batch renormalization (layer path only).
    adjustment: not supported (as ``vs.layers``).

  Raises:
    ValueError: tf-slim's ``data_format has to be either NCHW or NHWC.``, ``Inputs ...
      has unsupported rank``, ``renorm is not supported with batch_weights, ...``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> t = vs.transform(lambda x: slim.batch_norm(x, decay=0.9))
  >>> x = jnp.arange(8.0).reshape(4, 2)
  >>> params = t.init(jax.random.PRNGKey(0), x)
  >>> y, params = t.apply(params, x, mutable=True)
  >>> params["BatchNorm"]["moving_mean"].tolist()
  [0.30000001192092896, 0.4000000059604645]
  """
  fused = True if fused is None else fused
  inputs = common.as_input(inputs, "batch_norm")
  rank = inputs.ndim
  possible_to_fuse = batch_weights is None and not renorm and rank in (2, 4) and adjustment is None
  if (
    fused
    and possible_to_fuse
    and (zero_debias_moving_mean or rank == 2 or not _is_update_ops(updates_collections))
  ):
    return _fused_batch_norm(
      inputs,
      decay,
      center,
      scale,
      epsilon,
      activation_fn,
      param_initializers,
      param_regularizers,
      updates_collections,
      is_training,
      reuse,
      variables_collections,
      outputs_collections,
      trainable,
      data_format,
      zero_debias_moving_mean,
      scope,
    )
  _check_data_format(data_format)
  layer_getter = getters.build_variable_getter()
  with vs_lib.variable_scope(
    scope, "BatchNorm", [inputs], reuse=reuse, custom_getter=layer_getter
  ) as sc:
    where = "batch_norm in variable scope %r" % sc.name
    if (
      batch_weights is None and _is_update_ops(updates_collections) and not zero_debias_moving_mean
    ):
      axis = 1 if data_format == NCHW else -1
      param_initializers = param_initializers or {}
      param_regularizers = param_regularizers or {}
      training = _training(is_training, where)
      layer = norm_layers.BatchNormalization(
        axis=axis,
        momentum=decay,
        epsilon=epsilon,
        center=center,
        scale=scale,
        beta_initializer=param_initializers.get("beta", ZEROS),
        gamma_initializer=param_initializers.get("gamma", ONES),
        moving_mean_initializer=param_initializers.get("moving_mean", ZEROS),
        moving_variance_initializer=param_initializers.get("moving_variance", ONES),
        beta_regularizer=param_regularizers.get("beta"),
        gamma_regularizer=param_regularizers.get("gamma"),
        trainable=trainable,
        renorm=renorm,
        renorm_clipping=renorm_clipping,
        renorm_momentum=renorm_decay,
        adjustment=adjustment,
        name=sc.name,
        _scope=sc,
        _reuse=reuse,
        fused=fused,
      )
      outputs = layer.apply(inputs, training=training)
      for var, key in (
        (layer.moving_mean, "moving_mean"),
        (layer.moving_variance, "moving_variance"),
        (layer.beta, "beta"),
        (layer.gamma, "gamma"),
      ):
        if var is not None:
          getters.add_variable_to_collections(var, variables_collections, key)
      if activation_fn is not None:
        outputs = activation_fn(outputs)
      return utils.collect_named_outputs(outputs_collections, sc.name, outputs)

    if renorm:
      raise ValueError(tf_errors.RENORM_UNSUPPORTED)
    dtype = inputs.dtype
    shape = tuple(inputs.shape)
    if batch_weights is not None:
      batch_weights = jnp.asarray(batch_weights)
      if batch_weights.ndim != 1 or batch_weights.shape[0] != shape[0]:
        raise ValueError(
          tf_errors.SHAPES_INCOMPATIBLE % ("(%d,)" % shape[0], tuple(batch_weights.shape))
          + "\n(%s: batch_weights must have one weight per example)" % where
        )
      batch_weights = jnp.reshape(batch_weights, [-1] + [1] * (rank - 1))
    if data_format == NCHW:
      moments_axes = tuple([0] + list(range(2, rank)))
      params_shape = shape[1:2]
      broadcast = [1, shape[1]] + [1] * (rank - 2)
    else:
      moments_axes = tuple(range(rank - 1))
      params_shape = shape[-1:]
      broadcast = None
    param_initializers = param_initializers or {}
    beta = gamma = None
    if center:
      beta = variables_lib.model_variable(
        "beta",
        shape=params_shape,
        dtype=dtype,
        initializer=param_initializers.get("beta", ZEROS),
        collections=getters.variable_collections(variables_collections, "beta"),
        trainable=trainable,
      )
    if scale:
      gamma = variables_lib.model_variable(
        "gamma",
        shape=params_shape,
        dtype=dtype,
        initializer=param_initializers.get("gamma", ONES),
        collections=getters.variable_collections(variables_collections, "gamma"),
        trainable=trainable,
      )
    moving_mean, moving_variance = _stats_variables(
      params_shape, dtype, param_initializers, variables_collections
    )
    training = _training(is_training, where)
    mm, mv = _value(moving_mean), _value(moving_variance)
    if training is not False:
      if batch_weights is None:
        mean, variance = moments(inputs, moments_axes, keep_dims=data_format == NCHW)
      else:
        mean, variance = _weighted_moments(
          inputs, moments_axes, batch_weights, keep_dims=data_format == NCHW
        )
      if data_format == NCHW:
        mean, variance = jnp.reshape(mean, [-1]), jnp.reshape(variance, [-1])
      _updates(
        moving_mean,
        mean,
        moving_variance,
        variance,
        decay,
        zero_debias_moving_mean,
        training,
        updates_collections,
      )
      mean = norm_layers.smart_select(training, lambda: mean, lambda: mm)
      variance = norm_layers.smart_select(training, lambda: variance, lambda: mv)
    else:
      mean, variance = mm, mv
    beta_v = None if beta is None else _value(beta)
    gamma_v = None if gamma is None else _value(gamma)
    if broadcast is not None:
      mean, variance = jnp.reshape(mean, broadcast), jnp.reshape(variance, broadcast)
      beta_v = None if beta_v is None else jnp.reshape(beta_v, broadcast)
      gamma_v = None if gamma_v is None else jnp.reshape(gamma_v, broadcast)
    inv = jax.lax.rsqrt(variance + jnp.asarray(epsilon, variance.dtype))
    if gamma_v is not None:
      inv = inv * gamma_v
    shift = beta_v - mean * inv if beta_v is not None else -mean * inv
    outputs = inputs * inv.astype(dtype) + shift.astype(dtype)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, sc.name, outputs)
