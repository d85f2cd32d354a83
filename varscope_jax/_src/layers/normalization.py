"""``batch_normalization`` / ``BatchNormalization`` with TF1's numerics and updates.

tf-keras ``BatchNormalizationBase`` with V1 behaviour (what ``tf.compat.v1.layers``
uses): ``fused=None`` means fused for rank-4/5 inputs normalised on the channel axis.
The fused path is TF's ``FusedBatchNormV3``: the moving variance is updated with the
*unbiased* batch variance (``n / (n - 1)``); the unfused path (``tf.nn.moments``) uses
the biased one. Moving statistics are updated as TF's ``assign_moving_average``
(``var - (var - value) * (1 - momentum)``) through ``vs.assign``: inside
``apply(..., mutable=True)`` they come back in the new params, and the new values are
listed in ``GraphKeys.UPDATE_OPS``; without ``mutable=True`` it is ``vs.assign``'s error.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.tensor_shape import TensorShape
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.core import state as state_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.initializers import base as init_base
from varscope_jax._src.layers import base
from varscope_jax._src.layers.core import ONES, ZEROS, argument_errors, check_training, where
from varscope_jax._src.layers.input_spec import InputSpec

_ON_READ = var_lib.VariableSynchronization.ON_READ
_MEAN = var_lib.VariableAggregation.MEAN


def smart_select(training, if_true, if_false):
  """TF's ``smart_cond`` on values: a Python bool picks; a bool array selects."""
  if training is True:
    return if_true()
  if training is False:
    return if_false()
  return jax.tree_util.tree_map(lambda a, b: jnp.where(training, a, b), if_true(), if_false())


def _compose(scale, offset, then_scale, then_offset):
  """TF's ``_compose_transforms``: ``(x * scale + offset) * then_scale + then_offset``."""
  if then_scale is not None:
    scale = scale * then_scale
    offset = offset * then_scale
  if then_offset is not None:
    offset = offset + then_offset
  return scale, offset


def _sqrt_initializer(init):
  """``sqrt(init(...))`` as a TF-style initializer (the renorm moving stddev)."""

  def sqrt_init(shape, dtype=None, partition_info=None):
    del partition_info
    if init_base.is_initializer(init):
      value = init(jax.random.PRNGKey(0), shape, dtype)
    else:
      value = init(shape, dtype=dtype)
    return jnp.sqrt(jnp.asarray(value, dtype))

  return sqrt_init


class BatchNormalization(base.Layer):
  """Batch normalization (``tf.compat.v1.layers.BatchNormalization``).

  Variables ``gamma`` (if ``scale``), ``beta`` (if ``center``), ``moving_mean`` and
  ``moving_variance`` (not trainable); with ``renorm`` also ``moving_stddev``,
  ``renorm_mean`` and ``renorm_stddev``.

  Args:
    axis: the normalised (feature) axis or axes; ``1`` after a channels_first conv.
    momentum: of the moving averages.
    epsilon: added to the variance.
    center, scale: whether to add ``beta`` / multiply by ``gamma``.
    beta_initializer, gamma_initializer, moving_mean_initializer,
      moving_variance_initializer: initializers (zeros, ones, zeros, ones).
    beta_regularizer, gamma_regularizer: ``fn(w) -> loss``.
    beta_constraint, gamma_constraint: stored on the variables.
    renorm: batch renormalization (Ioffe 2017), with ``renorm_clipping``
      (``{"rmax", "rmin", "dmax"}``) and ``renorm_momentum``.
    fused: None (TF's choice: fused when possible), True or False; changes the numerics
      of the moving variance update as in TF (see the module docstring).
    trainable: whether ``gamma`` and ``beta`` are trainable.
    virtual_batch_size: ghost batch norm: statistics per sub-batch of this many rows
      (which must divide the batch); the variables get TF's extra axis (``[1, 1, C]``)
      and the moving averages take the mean of the sub-batches' statistics, as TF.
    adjustment: ``fn(input_shape) -> (scale, bias)`` applied to the normalized value
      before ``gamma``/``beta`` in training (TF's), not with ``virtual_batch_size``.
    name: the scope name.

  Call it with ``training`` (default False, as TF1): a Python bool, or a bool array
  (traced inside jit) that selects between the two at run time. ``training=None`` is an
  error (TF would read the Keras learning phase).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def net(x, training):
  ...   return vs.layers.BatchNormalization(momentum=0.9)(x, training=training)
  >>> t = vs.transform(net)
  >>> x = jnp.arange(8.0).reshape(4, 2)
  >>> params = t.init(jax.random.PRNGKey(0), x, True)
  >>> y, params = t.apply(params, x, True, mutable=True)
  >>> params["batch_normalization"]["moving_mean"].tolist()
  [0.30000001192092896, 0.4000000059604645]
  >>> vs.transform(net).apply(params, x, False).shape
  (4, 2)
  """

  def __init__(
    self,
    axis=-1,
    momentum=0.99,
    epsilon=1e-3,
    center=True,
    scale=True,
    beta_initializer=ZEROS,
    gamma_initializer=ONES,
    moving_mean_initializer=ZEROS,
    moving_variance_initializer=ONES,
    beta_regularizer=None,
    gamma_regularizer=None,
    beta_constraint=None,
    gamma_constraint=None,
    renorm=False,
    renorm_clipping=None,
    renorm_momentum=0.99,
    fused=None,
    trainable=True,
    virtual_batch_size=None,
    adjustment=None,
    name=None,
    **kwargs,
  ):
    super().__init__(name=name, **kwargs)
    if isinstance(axis, (list, tuple)):
      self.axis = list(axis)
    elif isinstance(axis, int):
      self.axis = axis
    else:
      with argument_errors(self):
        raise TypeError(tf_errors.BN_AXIS_TYPE % (axis,))
    self.momentum = momentum
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.beta_initializer = beta_initializer
    self.gamma_initializer = gamma_initializer
    self.moving_mean_initializer = moving_mean_initializer
    self.moving_variance_initializer = moving_variance_initializer
    self.beta_regularizer = beta_regularizer
    self.gamma_regularizer = gamma_regularizer
    self.beta_constraint = beta_constraint
    self.gamma_constraint = gamma_constraint
    self.renorm = renorm
    self.fused = True if fused is None else fused
    self.trainable = trainable
    if renorm:
      renorm_clipping = renorm_clipping or {}
      keys = ["rmax", "rmin", "dmax"]
      if set(renorm_clipping) - set(keys):
        with argument_errors(self):
          raise ValueError(tf_errors.BN_RENORM_CLIPPING_KEYS % (renorm_clipping, keys))
      self.renorm_clipping = renorm_clipping
      self.renorm_momentum = renorm_momentum
    self.virtual_batch_size = virtual_batch_size
    self.adjustment = adjustment
    if virtual_batch_size is not None or adjustment is not None:
      self.fused = False  # TF: the fused kernel takes neither (even with fused=True)
    self._fused_requested = self.fused

  @property
  def _param_dtype(self):
    if self.dtype in ("float16", "bfloat16"):
      return dtypes_lib.float32
    return self._dtype or dtypes_lib.float32

  def _fused_can_be_used(self, axis):
    return (
      not self.renorm
      and len(axis) == 1
      and axis[0] in (-4, -3, -1, 1, 3, 4)
      and self.dtype in ("float16", "bfloat16", "float32", None)
    )

  def compute_output_shape(self, input_shape):
    return TensorShape(input_shape)

  def build(self, input_shape):
    rank = len(input_shape)
    axis = [self.axis] if isinstance(self.axis, int) else list(self.axis)
    axis = [a + rank if a < 0 else a for a in axis]
    for a in axis:
      if a < 0 or a >= rank:
        raise ValueError(tf_errors.BN_AXIS_RANGE % (rank, tuple(axis)) + where(self))
    if len(axis) != len(set(axis)):
      raise ValueError(tf_errors.DUPLICATE_AXIS % (tuple(axis),) + where(self))
    vbs = self.virtual_batch_size
    if vbs is not None:
      if vbs <= 0:
        raise ValueError(tf_errors.BN_VIRTUAL_BATCH_SIZE % (vbs,) + where(self))
      if 0 in axis:
        raise ValueError(tf_errors.BN_VIRTUAL_BATCH_AXIS % (axis,) + where(self))
      if self.adjustment is not None:
        raise ValueError(tf_errors.BN_VIRTUAL_BATCH_ADJUSTMENT + where(self))
    self.axis = axis
    if self._fused_requested in (None, True):
      self.fused = rank in (4, 5) and self._fused_can_be_used(axis)
    if self.fused and not (axis == [1] or axis == [rank - 1]):
      self.fused = False  # TF: rank 5 on another axis falls back to the unfused kernel
    axis_to_dim = {a: int(input_shape[a]) for a in axis}
    self.input_spec = InputSpec(ndim=rank, axes=axis_to_dim)
    if len(axis_to_dim) == 1 and vbs is None:
      param_shape = (list(axis_to_dim.values())[0],)
    else:
      param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
      if vbs is not None:  # TF: an extra axis at 1 for the sub-batches
        param_shape.insert(1, 1)
        self.axis = axis = [a + 1 for a in axis]
      param_shape = tuple(param_shape)
    self._param_shape = param_shape
    dtype = self._param_dtype
    self.gamma = (
      self.add_weight(
        "gamma",
        param_shape,
        dtype=dtype,
        initializer=self.gamma_initializer,
        regularizer=self.gamma_regularizer,
        constraint=self.gamma_constraint,
        trainable=True,
      )
      if self.scale
      else None
    )
    self.beta = (
      self.add_weight(
        "beta",
        param_shape,
        dtype=dtype,
        initializer=self.beta_initializer,
        regularizer=self.beta_regularizer,
        constraint=self.beta_constraint,
        trainable=True,
      )
      if self.center
      else None
    )
    stat = dict(dtype=dtype, synchronization=_ON_READ, trainable=False, aggregation=_MEAN)
    self.moving_mean = self.add_weight(
      "moving_mean", param_shape, initializer=self.moving_mean_initializer, **stat
    )
    self.moving_variance = self.add_weight(
      "moving_variance", param_shape, initializer=self.moving_variance_initializer, **stat
    )
    if self.renorm:
      stddev_init = _sqrt_initializer(self.moving_variance_initializer)
      self.moving_stddev = self.add_weight(
        "moving_stddev", param_shape, initializer=stddev_init, **stat
      )
      self.renorm_mean = self.add_weight(
        "renorm_mean", param_shape, initializer=self.moving_mean_initializer, **stat
      )
      self.renorm_stddev = self.add_weight(
        "renorm_stddev", param_shape, initializer=stddev_init, **stat
      )
    self.built = True

  # ---- updates -----------------------------------------------------------------------
  def _assign_moving_average(self, variable, value, momentum, training, listed=True) -> jax.Array:
    """TF's ``var -= (var - value) * (1 - momentum)``, on the variable's current value:
    two calls of one layer in a trace compose, as TF's two ``assign_sub`` ops run in
    ``UPDATE_OPS`` order."""

    def average(old):
      decay = jnp.asarray(1.0 - momentum, jnp.float32).astype(old.dtype)
      return old - (old - value.astype(old.dtype)) * decay

    return self._assign(variable, average, training, listed)

  def _assign(self, variable, update, training, listed=True) -> jax.Array:
    """Sets ``variable`` to ``update(its current value)`` (``update`` may also be the new
    value itself). ``listed``: one of TF's two UPDATE_OPS per call (the mean and the
    variance update; renorm's other updates run through control dependencies)."""
    fn = update if callable(update) else (lambda old: update)

    def new_value(old):
      new = fn(old)
      return new if training is True else jnp.where(training, new, old)

    if not self.trainable:
      # TF: a non-trainable layer lists no updates, so UPDATE_OPS never runs them.
      return new_value(var_lib.value_of(variable))
    new = state_lib.update_variable(variable, new_value, "assign")
    if listed:
      self.add_update(new)
    return new

  # ---- forward -----------------------------------------------------------------------
  def call(self, inputs, training=False):
    training = check_training(self, training)
    if self.dtype is not None and inputs.dtype != jnp.dtype(self.dtype):
      inputs = inputs.astype(self.dtype)
    if self.fused:
      return self._fused_batch_norm(inputs, training)
    if self.virtual_batch_size is None:
      return self._batch_norm(inputs, training)
    # Ghost batches: [virtual_batch_size, -1, ...] (TF1's reshape, in every mode).
    vbs, shape = self.virtual_batch_size, inputs.shape
    known = vbs * math.prod(shape[1:])
    if known == 0 or inputs.size % known:
      raise ValueError(
        tf_errors.EVENLY_DIVISIBLE
        % (known, inputs.size)
        + f" for the ghost batches of virtual_batch_size={vbs} (input shape {tuple(shape)}): "
        "the batch size must be a multiple of virtual_batch_size." + where(self)
      )
    outputs = self._batch_norm(jnp.reshape(inputs, (vbs, -1) + tuple(shape[1:])), training)
    return jnp.reshape(outputs, shape)

  def _fused_batch_norm(self, inputs, training):
    """TF's FusedBatchNormV3 (CPU kernel): float32 math, unbiased variance update."""
    channel = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
    ndim = inputs.ndim
    red = tuple(i for i in range(ndim) if i != channel)
    shape = [1] * ndim
    shape[channel] = -1
    x = inputs.astype(jnp.float32)
    p = self._param_dtype
    gamma = var_lib.value_of(self.gamma) if self.scale else jnp.ones(self._param_shape, p)
    beta = var_lib.value_of(self.beta) if self.center else jnp.zeros(self._param_shape, p)
    moving_mean = var_lib.value_of(self.moving_mean)
    moving_var = var_lib.value_of(self.moving_variance)
    eps = jnp.float32(self.epsilon)

    def normalize(mean, var):
      factor = jax.lax.rsqrt(var + eps) * gamma
      y = (x - jnp.reshape(mean, shape)) * jnp.reshape(factor, shape) + jnp.reshape(beta, shape)
      return y.astype(inputs.dtype)

    if training is False:
      return normalize(moving_mean, moving_var)
    n = x.size // x.shape[channel]
    batch_mean = jnp.mean(x, axis=red)
    batch_var = jnp.mean(jnp.square(x - jnp.reshape(batch_mean, shape)), axis=red)
    outputs = smart_select(
      training, lambda: normalize(batch_mean, batch_var), lambda: normalize(moving_mean, moving_var)
    )
    unbiased = batch_var * jnp.float32(n / max(n - 1, 1)) if n > 1 else batch_var * jnp.inf
    self._assign_moving_average(self.moving_mean, batch_mean, self.momentum, training)
    self._assign_moving_average(self.moving_variance, unbiased, self.momentum, training)
    return outputs

  def _batch_norm(self, inputs, training):
    """The unfused path: ``tf.nn.moments`` and ``tf.nn.batch_normalization``."""
    in_dtype = inputs.dtype
    if in_dtype in (jnp.float16, jnp.bfloat16):
      inputs = inputs.astype(jnp.float32)
    ndims = inputs.ndim
    axis: list = list(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
    reduction_axes = [i for i in range(ndims) if i not in axis]
    ghost = self.virtual_batch_size is not None
    if ghost:
      del reduction_axes[1]  # TF: not along the sub-batch axis
    broadcast_shape = [1] * ndims
    broadcast_shape[axis[0]] = inputs.shape[axis[0]]

    def bcast(v: jax.Array) -> jax.Array:
      if v.ndim != ndims and reduction_axes != list(range(ndims - 1)):
        return jnp.reshape(v, broadcast_shape)
      return v

    scale: jax.Array | None = bcast(var_lib.value_of(self.gamma)) if self.scale else None
    offset: jax.Array | None = bcast(var_lib.value_of(self.beta)) if self.center else None
    moving_mean = var_lib.value_of(self.moving_mean)
    moving_var = var_lib.value_of(self.moving_variance)
    if training is False:
      mean, variance = moving_mean, moving_var
    else:
      if self.adjustment is not None:
        adj_scale, adj_bias = self.adjustment(tuple(inputs.shape))
        adj_scale = smart_select(training, lambda: adj_scale, lambda: jnp.ones_like(adj_scale))
        adj_bias = smart_select(training, lambda: adj_bias, lambda: jnp.zeros_like(adj_bias))
        scale, offset = _compose(adj_scale, adj_bias, scale, offset)
      keep_dims = ghost or len(axis) > 1
      x = inputs.astype(self._param_dtype)
      batch_mean = jnp.mean(x, axis=reduction_axes, keepdims=True)
      batch_var = jnp.mean(
        jnp.square(x - jax.lax.stop_gradient(batch_mean)), axis=reduction_axes, keepdims=True
      )
      if not keep_dims:
        batch_mean = jnp.squeeze(batch_mean, reduction_axes)
        batch_var = jnp.squeeze(batch_var, reduction_axes)
      mean = smart_select(training, lambda: batch_mean, lambda: moving_mean)
      variance = smart_select(training, lambda: batch_var, lambda: moving_var)
      if ghost:  # TF: one update from the mean of the sub-batches' statistics
        new_mean = jnp.mean(mean, axis=1, keepdims=True)
        new_variance = jnp.mean(variance, axis=1, keepdims=True)
      else:
        new_mean, new_variance = mean, variance
      if self.renorm:
        r, d = self._renorm_correction(new_mean, new_variance, training)
        r, d = bcast(jax.lax.stop_gradient(r)), bcast(jax.lax.stop_gradient(d))
        scale, offset = _compose(r, d, scale, offset)
      self._assign_moving_average(self.moving_mean, new_mean, self.momentum, training)
      if self.renorm:
        stddev = self._assign_moving_average(
          self.moving_stddev,
          jnp.sqrt(new_variance + jnp.float32(self.epsilon)),
          self.momentum,
          training,
          listed=False,
        )
        self._assign(
          self.moving_variance, jax.nn.relu(stddev * stddev - jnp.float32(self.epsilon)), training
        )
      else:
        self._assign_moving_average(self.moving_variance, new_variance, self.momentum, training)
    mean, variance = bcast(mean), bcast(variance)
    inv = jax.lax.rsqrt(variance + jnp.asarray(self.epsilon, variance.dtype))
    if scale is not None:
      inv = inv * scale
    shift = (offset - mean * inv) if offset is not None else -mean * inv
    outputs = inputs * inv.astype(inputs.dtype) + shift.astype(inputs.dtype)
    return outputs.astype(in_dtype)

  def _renorm_correction(self, mean, variance, training):
    eps = jnp.float32(self.epsilon)
    stddev = jnp.sqrt(variance + eps)
    renorm_mean = var_lib.value_of(self.renorm_mean)
    renorm_stddev = jnp.maximum(var_lib.value_of(self.renorm_stddev), jnp.sqrt(eps))
    r = stddev / renorm_stddev
    d = (mean - renorm_mean) / renorm_stddev
    clip = self.renorm_clipping
    if clip.get("rmin") is not None:
      r = jnp.maximum(r, clip["rmin"])
    if clip.get("rmax") is not None:
      r = jnp.minimum(r, clip["rmax"])
    if clip.get("dmax") is not None:
      d = jnp.minimum(jnp.maximum(d, -clip["dmax"]), clip["dmax"])
    r = smart_select(training, lambda: r, lambda: jnp.ones_like(r))
    d = smart_select(training, lambda: d, lambda: jnp.zeros_like(d))
    self._assign_moving_average(
      self.renorm_mean, mean, self.renorm_momentum, training, listed=False
    )
    self._assign_moving_average(
      self.renorm_stddev, stddev, self.renorm_momentum, training, listed=False
    )
    return r, d


def batch_normalization(
  inputs,
  axis=-1,
  momentum=0.99,
  epsilon=1e-3,
  center=True,
  scale=True,
  beta_initializer=ZEROS,
  gamma_initializer=ONES,
  moving_mean_initializer=ZEROS,
  moving_variance_initializer=ONES,
  beta_regularizer=None,
  gamma_regularizer=None,
  beta_constraint=None,
  gamma_constraint=None,
  training=False,
  trainable=True,
  name=None,
  reuse=None,
  renorm=False,
  renorm_clipping=None,
  renorm_momentum=0.99,
  fused=None,
  virtual_batch_size=None,
  adjustment=None,
):
  """Functional ``BatchNormalization`` (``tf.compat.v1.layers.batch_normalization``).

  Arguments as for ``BatchNormalization``; ``training`` (default False) as for its
  call; ``name`` and ``reuse`` as for ``dense``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def net(x):
  ...   return vs.layers.batch_normalization(x, training=True, name="bn")
  >>> t = vs.transform(net)
  >>> x = jnp.ones((4, 8, 8, 3))
  >>> params = t.init(jax.random.PRNGKey(0), x)
  >>> sorted(params["bn"])
  ['beta', 'gamma', 'moving_mean', 'moving_variance']
  >>> y, new_params = t.apply(params, x, mutable=True)   # the moving statistics move
  """
  layer = BatchNormalization(
    axis=axis,
    momentum=momentum,
    epsilon=epsilon,
    center=center,
    scale=scale,
    beta_initializer=beta_initializer,
    gamma_initializer=gamma_initializer,
    moving_mean_initializer=moving_mean_initializer,
    moving_variance_initializer=moving_variance_initializer,
    beta_regularizer=beta_regularizer,
    gamma_regularizer=gamma_regularizer,
    beta_constraint=beta_constraint,
    gamma_constraint=gamma_constraint,
    renorm=renorm,
    renorm_clipping=renorm_clipping,
    renorm_momentum=renorm_momentum,
    fused=fused,
    trainable=trainable,
    virtual_batch_size=virtual_batch_size,
    adjustment=adjustment,
    name=name,
    _reuse=reuse,
    _scope=name,
  )
  return layer(inputs, training=training)
