"""``tf.contrib.layers.layer_norm`` (tf-slim's ``layer_norm``): what BERT calls.

TF1's ``tf.contrib.layers.layer_norm`` lives on unchanged as ``tf_slim.layers.layer_norm``;
this is its port, with its argument names, defaults, variable names (``LayerNorm/beta``,
``LayerNorm/gamma``), collections and numerics (``tf.nn.moments`` then
``tf.nn.batch_normalization`` with epsilon 1e-12, 1e-3 for float16). Checked against
tf-slim by ``tests/layers/test_contrib_layer_norm.py`` (golden data from real TF).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from varscope_jax._src import initializers as init_lib
from varscope_jax._src.base import errors
from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope
from varscope_jax._src.core import collection as collection_lib
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core.graph_keys import GraphKeys


def _variable_collections(variables_collections, name, where):
  """tf-slim's ``get_variable_collections``: a dict maps ``beta``/``gamma`` to a list."""
  if isinstance(variables_collections, dict):
    collections = variables_collections.get(name, None)
  else:
    collections = variables_collections
  if isinstance(collections, str):
    raise TypeError(
      errors.string_collections("%s: variables_collections for %r" % (where, name), collections)
    )
  return list(collections or []) + [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]


def _model_variable(name, shape, dtype, initializer, collections, trainable):
  """tf-slim's ``model_variable``: ``get_variable`` in GLOBAL and MODEL_VARIABLES."""
  return store_lib.get_variable(
    name,
    shape=shape,
    dtype=dtype,
    initializer=initializer,
    collections=list(dict.fromkeys(collections)),
    trainable=trainable,
  )


def _normalize(x, norm_axes, beta, gamma, epsilon):
  """``tf.nn.moments(keep_dims=True)`` then ``tf.nn.batch_normalization``, op for op."""
  y = x.astype(jnp.float32) if x.dtype == jnp.float16 else x
  mean = jnp.mean(y, axis=norm_axes, keepdims=True)
  variance = jnp.mean(jnp.square(y - jax.lax.stop_gradient(mean)), axis=norm_axes, keepdims=True)
  if x.dtype == jnp.float16:
    mean, variance = mean.astype(jnp.float16), variance.astype(jnp.float16)
  inv = jax.lax.rsqrt(variance + jnp.asarray(epsilon, variance.dtype))
  if gamma is not None:
    inv = inv * gamma
  shift = beta - mean * inv if beta is not None else -mean * inv
  return x * inv.astype(x.dtype) + shift.astype(x.dtype)


@add_arg_scope
def layer_norm(
  inputs,
  center=True,
  scale=True,
  activation_fn=None,
  reuse=None,
  variables_collections=None,
  outputs_collections=None,
  trainable=True,
  begin_norm_axis=1,
  begin_params_axis=-1,
  scope=None,
):
  """Layer normalization, as ``tf.contrib.layers.layer_norm`` (tf-slim's).

  Normalizes ``inputs`` over axes ``begin_norm_axis ... rank - 1`` and, if asked, scales
  by ``gamma`` and shifts by ``beta`` of shape ``inputs.shape[begin_params_axis:]``,
  broadcast against the normalized tensor. The variables are made in
  ``variable_scope(scope, default_name="LayerNorm", reuse=reuse)``: ``LayerNorm/beta``
  (zeros) and ``LayerNorm/gamma`` (ones), then ``LayerNorm_1/...`` and so on, in the
  collections GLOBAL_VARIABLES, MODEL_VARIABLES (and TRAINABLE_VARIABLES when
  ``trainable``). The math is TF's: ``tf.nn.moments`` (float16 inputs: in float32) and
  ``tf.nn.batch_normalization`` with ``variance_epsilon`` 1e-12 (1e-3 for float16).

  Args:
    inputs: a floating-point array of rank ``R``.
    center: add ``beta``.
    scale: multiply by ``gamma``.
    activation_fn: applied to the output if given (e.g. ``jax.nn.relu``).
    reuse: the variable scope's ``reuse`` (needs ``scope``, as in TF).
    variables_collections: extra collections for both variables (a list), or a dict
      ``{"beta": [...], "gamma": [...]}``.
    outputs_collections: a collection name, or a list of them, to add the output to.
    trainable: put the variables in TRAINABLE_VARIABLES.
    begin_norm_axis: the first normalized axis (negative counts from the end).
    begin_params_axis: the first axis of ``beta``/``gamma``' shape (a Python slice start
      of ``inputs.shape``).
    scope: the variable scope (a name or a ``VariableScope``); default ``LayerNorm``.

  Returns:
    An array of the shape and dtype of ``inputs``.

  Raises:
    ValueError: TF's ``begin_params_axis (..) and begin_norm_axis (..) must be <
      rank(inputs) (..)``, TF's reuse errors (e.g. ``Trying to share variable
      LayerNorm/beta, but specified shape ...``), or a ``begin_norm_axis`` below
      ``-rank``. The second line names the variable scope.
    TypeError: for non-floating ``inputs`` (TF fails later, in an op), or a string
      ``variables_collections``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def encoder(x):
  ...   with vs.variable_scope("embeddings"):
  ...     return vs.contrib.layers.layer_norm(x, begin_norm_axis=-1, begin_params_axis=-1)
  >>> t = vs.transform(encoder)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 3, 4)))
  >>> jax.tree_util.tree_map(jnp.shape, params)
  {'embeddings': {'LayerNorm': {'beta': (4,), 'gamma': (4,)}}}
  >>> y = t.apply(params, jnp.arange(24.0).reshape(2, 3, 4))
  >>> print(y[0, 0].round(4))
  [-1.3416 -0.4472  0.4472  1.3416]
  """
  with vs_lib.variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
    where = "layer_norm in variable scope %r" % sc.name
    inputs = jnp.asarray(inputs)
    rank = inputs.ndim
    dtype = inputs.dtype
    if begin_norm_axis < 0:
      begin_norm_axis = rank + begin_norm_axis
    if begin_params_axis >= rank or begin_norm_axis >= rank:
      raise ValueError(
        tf_errors.LAYER_NORM_AXES % (begin_params_axis, begin_norm_axis, rank)
        + "\n(%s, inputs of shape %s)" % (where, tuple(inputs.shape))
      )
    if begin_norm_axis < 0:  # TF fails in its Mean op, after making the variables
      raise ValueError(
        tf_errors.INVALID_REDUCTION_DIMENSION % (begin_norm_axis, rank)
        + "\n(%s: begin_norm_axis=%d is below -rank(inputs) = %d)"
        % (where, begin_norm_axis - rank, -rank)
      )
    if not dtypes_lib.is_floating(dtype):
      raise TypeError(
        "%s: inputs must be floating point, got %s (shape %s)."
        % (where, dtype, tuple(inputs.shape))
      )
    params_shape = tuple(inputs.shape[begin_params_axis:])
    beta_collections = gamma_collections = None
    if center:
      beta_collections = _variable_collections(variables_collections, "beta", where)
    if scale:
      gamma_collections = _variable_collections(variables_collections, "gamma", where)
    beta = gamma = None
    if center:
      beta = _model_variable(
        "beta", params_shape, dtype, init_lib.zeros_initializer(), beta_collections, trainable
      )
    if scale:
      gamma = _model_variable(
        "gamma", params_shape, dtype, init_lib.ones_initializer(), gamma_collections, trainable
      )
    epsilon = 1e-12 if dtype != jnp.float16 else 1e-3
    outputs = _normalize(
      inputs,
      tuple(range(begin_norm_axis, rank)),
      None if beta is None else jnp.asarray(beta),
      None if gamma is None else jnp.asarray(gamma),
      epsilon,
    )
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    if outputs_collections:
      names = (
        [outputs_collections] if isinstance(outputs_collections, str) else (outputs_collections)
      )
      for name in dict.fromkeys(names):
        collection_lib.add_to_collection(name, outputs)
    return outputs
