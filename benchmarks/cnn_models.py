"""A small CNN with batch norm in three libraries, for ``layers_bench.py``.

Three blocks of ``conv 3x3 SAME (no bias) -> batch norm -> relu -> max-pool 2x2`` with
32, 64 and 128 channels, then ``flatten -> dense 10``; input ``[16, 32, 32, 3]``
(113k parameters, 896 batch-norm statistics).

* ``varscope``: ``vs.layers.conv2d``, ``vs.layers.batch_normalization(training=...)``,
  ``vs.layers.max_pooling2d``, ``vs.layers.flatten``, ``vs.layers.dense`` -- TF1
  ``tf.layers`` code with ``vs.`` for ``tf.``. In training the moving statistics are
  updated through ``apply(..., mutable=True)``.
* ``jax``: the same math by hand on the same params dict (``lax.conv_general_dilated``,
  TF's fused batch norm, ``lax.reduce_window``), returning the updated statistics.
* ``linen``: ``nn.Conv``, ``nn.BatchNorm``, ``nn.max_pool``, ``nn.Dense`` (init only).

``build(lib)`` returns a ``models.Model`` whose ``apply(params, x)`` is the inference
forward pass; ``extra["train_apply"](params, x) -> (logits, new_params)`` is the training
forward pass (batch statistics, moving averages updated).
"""

from __future__ import annotations

import math

import models  # noqa: F401  (puts the repo root on sys.path)
from models import Model
import jax
import jax.numpy as jnp
import numpy as np

CHANNELS = (32, 64, 128)
CLASSES = 10
MOMENTUM, EPSILON = 0.99, 1e-3


def example_input(batch=16):
  return jax.random.normal(jax.random.PRNGKey(1), (batch, 32, 32, 3), jnp.float32)


def example_labels(batch=16):
  return jax.random.randint(jax.random.PRNGKey(2), (batch,), 0, CLASSES)


# ---------------------------------------------------------------- varscope_jax


def _varscope():
  import varscope_jax as vs

  def cnn(x, training):
    with vs.variable_scope("cnn"):
      for i, ch in enumerate(CHANNELS):
        x = vs.layers.conv2d(x, ch, 3, padding="same", use_bias=False, name="conv%d" % i)
        x = vs.layers.batch_normalization(
          x, momentum=MOMENTUM, epsilon=EPSILON, training=training, name="bn%d" % i
        )
        x = jax.nn.relu(x)
        x = vs.layers.max_pooling2d(x, 2, 2)
      x = vs.layers.flatten(x)
      return vs.layers.dense(x, CLASSES, name="logits")

  t = vs.transform(cnn)
  init = lambda rng, x: t.init(rng, x, False)  # noqa: E731
  apply = lambda params, x: t.apply(params, x, False)  # noqa: E731
  train_apply = lambda params, x: t.apply(params, x, True, mutable=True)  # noqa: E731
  return Model(
    "varscope",
    "cnn",
    len(CHANNELS),
    init=init,
    apply=apply,
    eager_init=init,
    eager_apply=apply,
    extra={"train_apply": train_apply, "transformed": t},
  )


# ---------------------------------------------------------------- hand-written JAX


def _conv(x, kernel):
  return jax.lax.conv_general_dilated(
    x,
    kernel,
    window_strides=(1, 1),
    padding="SAME",
    rhs_dilation=(1, 1),
    dimension_numbers=("NHWC", "HWIO", "NHWC"),
    feature_group_count=1,
  )


def _batch_norm(x, p, training):
  """TF's fused batch norm on the last axis (as ``tf.layers.batch_normalization``)."""
  shape = [1, 1, 1, -1]
  x = x.astype(jnp.float32)
  eps = jnp.float32(EPSILON)

  def normalize(mean, var):
    factor = jax.lax.rsqrt(var + eps) * p["gamma"]
    y = (x - jnp.reshape(mean, shape)) * jnp.reshape(factor, shape) + jnp.reshape(p["beta"], shape)
    return y.astype(jnp.float32)

  if not training:
    return normalize(p["moving_mean"], p["moving_variance"]), p
  n = x.size // x.shape[-1]
  mean = jnp.mean(x, axis=(0, 1, 2))
  var = jnp.mean(jnp.square(x - jnp.reshape(mean, shape)), axis=(0, 1, 2))
  out = normalize(mean, var)
  unbiased = var * jnp.float32(n / max(n - 1, 1))

  def average(old, value):
    decay = jnp.asarray(1.0 - MOMENTUM, jnp.float32).astype(old.dtype)
    return old - (old - value.astype(old.dtype)) * decay

  new_mean = average(p["moving_mean"], mean).astype(jnp.float32)
  new_var = average(p["moving_variance"], unbiased).astype(jnp.float32)
  return out, {**p, "moving_mean": new_mean, "moving_variance": new_var}


def _max_pool(x):
  return jax.lax.reduce_window(
    x, np.array(-np.inf, x.dtype), jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"
  )


def _hand_forward(params, x, training):
  p = params["cnn"]
  new = {}
  for i in range(len(CHANNELS)):
    x = _conv(x, p["conv%d" % i]["kernel"])
    x, new["bn%d" % i] = _batch_norm(x, p["bn%d" % i], training)
    x = jax.nn.relu(x)
    x = _max_pool(x)
  x = jnp.reshape(x, (x.shape[0], math.prod(x.shape[1:])))
  logits = jnp.matmul(x, p["logits"]["kernel"]) + p["logits"]["bias"]
  return logits, {"cnn": {**p, **new}}


def _hand_init(rng, x):
  del x
  glorot = jax.nn.initializers.glorot_uniform()
  keys = jax.random.split(rng, len(CHANNELS) + 1)
  p, c_in = {}, 3
  for i, ch in enumerate(CHANNELS):
    p["conv%d" % i] = {"kernel": glorot(keys[i], (3, 3, c_in, ch), jnp.float32)}
    p["bn%d" % i] = {
      "beta": jnp.zeros((ch,)),
      "gamma": jnp.ones((ch,)),
      "moving_mean": jnp.zeros((ch,)),
      "moving_variance": jnp.ones((ch,)),
    }
    c_in = ch
  flat = 4 * 4 * CHANNELS[-1]
  p["logits"] = {
    "kernel": glorot(keys[-1], (flat, CLASSES), jnp.float32),
    "bias": jnp.zeros((CLASSES,)),
  }
  return {"cnn": p}


def _handwritten():
  apply = lambda params, x: _hand_forward(params, x, False)[0]  # noqa: E731
  train_apply = lambda params, x: _hand_forward(params, x, True)  # noqa: E731
  return Model(
    "jax",
    "cnn",
    len(CHANNELS),
    init=_hand_init,
    apply=apply,
    eager_init=_hand_init,
    eager_apply=apply,
    extra={"train_apply": train_apply},
  )


# ---------------------------------------------------------------- Flax linen


def _linen():
  import flax.linen as nn

  class CNN(nn.Module):
    @nn.compact
    def __call__(self, x, training):
      for ch in CHANNELS:
        x = nn.Conv(ch, (3, 3), padding="SAME", use_bias=False)(x)
        x = nn.BatchNorm(use_running_average=not training, momentum=MOMENTUM, epsilon=EPSILON)(x)
        x = nn.max_pool(jax.nn.relu(x), (2, 2), (2, 2))
      return nn.Dense(CLASSES)(x.reshape(x.shape[0], -1))

  m = CNN()
  init = lambda rng, x: m.init(rng, x, False)  # noqa: E731
  apply = lambda variables, x: m.apply(variables, x, False)  # noqa: E731
  return Model(
    "linen", "cnn", len(CHANNELS), init=init, apply=apply, eager_init=init, eager_apply=apply
  )


_BUILDERS = {"varscope": _varscope, "jax": _handwritten, "linen": _linen}


def build(lib: str) -> Model:
  return _BUILDERS[lib]()


def make_step(train_apply, lr=1e-2):
  """Training forward (batch statistics) + ``jax.grad`` of the cross-entropy + SGD; the
  moving statistics come from the forward pass (their gradient is zero)."""

  def loss(params, x, y):
    logits, new_params = train_apply(params, x)
    logp = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1)), new_params

  def step(params, x, y):
    grads, new_params = jax.grad(loss, has_aux=True)(params, x, y)
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, new_params, grads)

  return step
