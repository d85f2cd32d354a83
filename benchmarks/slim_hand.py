"""tf_slim's resnet_v2_50 training step against the same step written by hand in JAX.

``compare()`` builds both on the same params tree (``t.init`` of tf_slim's net,
``slim_models.slim_resnet_v2_50``), traces both jitted steps to jaxprs and compares them
as data (``tests/transform/test_jaxpr_equal.py: _structure``: primitives, parameters, shapes and
dataflow, not printed text), then times both (best of 5 after the compile).

The step: the forward pass in training mode (batch statistics; the moving averages come
back through ``apply(..., mutable=True)``), softmax cross-entropy on the logits plus
``vs.get_regularization_loss()`` (tf_slim's ``l2_regularizer(1e-4)`` on every conv
kernel), ``jax.grad``, plain SGD. The hand-written forward is ``lax.conv_general_dilated``,
TF's fused batch norm, ``lax.reduce_window`` and ``jnp`` on the params dict, written in
the order tf_slim's code runs (each kernel's regularization term when its layer builds).
"""

from __future__ import annotations

import sys
import time

import slim_models
import jax
import jax.numpy as jnp
import numpy as np
import optax

from tests.transform.test_jaxpr_equal import _structure  # noqa: E402  (the repo root is on sys.path)

WEIGHT_DECAY = 1e-4
LR = 0.1


def _conv(x, kernel, stride, padding):
  return jax.lax.conv_general_dilated(
    x,
    kernel,
    window_strides=(stride, stride),
    padding=padding,
    rhs_dilation=(1, 1),
    dimension_numbers=("NHWC", "HWIO", "NHWC"),
    feature_group_count=1,
  )


def _l2(w):
  return jnp.asarray(WEIGHT_DECAY, w.dtype) * (jnp.sum(jnp.square(w)) / 2)


def _batch_norm(x, p):
  """TF's fused batch norm in training mode (``tf.layers`` path of tf_slim's batch_norm)."""
  shape = [1, 1, 1, -1]
  x = x.astype(jnp.float32)
  eps = jnp.float32(slim_models.EPSILON)
  n = x.size // x.shape[-1]
  mean = jnp.mean(x, axis=(0, 1, 2))
  var = jnp.mean(jnp.square(x - jnp.reshape(mean, shape)), axis=(0, 1, 2))
  factor = jax.lax.rsqrt(var + eps) * p["gamma"]
  y = (x - jnp.reshape(mean, shape)) * jnp.reshape(factor, shape) + jnp.reshape(p["beta"], shape)
  y = y.astype(jnp.float32)
  unbiased = var * jnp.float32(n / max(n - 1, 1))

  def average(old, value):
    decay = jnp.asarray(1.0 - slim_models.DECAY, jnp.float32).astype(old.dtype)
    return old - (old - value.astype(old.dtype)) * decay

  new = {
    **p,
    "moving_mean": average(p["moving_mean"], mean).astype(jnp.float32),
    "moving_variance": average(p["moving_variance"], unbiased).astype(jnp.float32),
  }
  return y, new


def _max_pool(x, size, stride):
  return jax.lax.reduce_window(
    x, np.array(-np.inf, x.dtype), jax.lax.max, (1, size, size, 1), (1, stride, stride, 1), "SAME"
  )


class _Forward:
  """The hand-written forward pass; ``losses`` and ``new`` collect what tf_slim records."""

  def __init__(self):
    self.losses = []
    self.new = {}

  def conv(self, x, p, stride=1, padding="SAME", bias=True):
    self.losses.append(_l2(p["weights"]))
    x = _conv(x, p["weights"], stride, padding)
    return x + p["biases"] if bias else x

  def conv_bn_relu(self, x, p, path, stride=1, padding="SAME"):
    x = self.conv(x, p, stride, padding, bias=False)
    x, self.new[path + "/BatchNorm"] = _batch_norm(x, p["BatchNorm"])
    return jax.nn.relu(x)

  def conv_same(self, x, p, path, size, stride, bn=True):
    if stride > 1:
      total = size - 1
      x = jnp.pad(
        x,
        [(0, 0), (total // 2, total - total // 2), (total // 2, total - total // 2), (0, 0)],
        constant_values=0,
      )
      padding = "VALID"
    else:
      padding = "SAME"
    if bn:
      return self.conv_bn_relu(x, p, path, stride, padding)
    return self.conv(x, p, stride, padding)

  def unit(self, x, p, path, depth, bottleneck, stride):
    pre, self.new[path + "/preact"] = _batch_norm(x, p["preact"])
    preact = jax.nn.relu(pre)
    if x.shape[-1] == depth:
      shortcut = x if stride == 1 else _max_pool(x, 1, stride)
    else:
      shortcut = self.conv(preact, p["shortcut"], stride)
    r = self.conv_bn_relu(preact, p["conv1"], path + "/conv1")
    r = self.conv_same(r, p["conv2"], path + "/conv2", 3, stride)
    r = self.conv(r, p["conv3"])
    return shortcut + r

  def __call__(self, params, x):
    p = params["resnet_v2_50"]
    x = self.conv_same(x, p["conv1"], "conv1", 7, 2, bn=False)
    x = _max_pool(x, 3, 2)
    for b, (base, units, stride) in enumerate(slim_models.BLOCKS):
      block = "block%d" % (b + 1)
      for u in range(units):
        path = "%s/unit_%d/bottleneck_v2" % (block, u + 1)
        x = self.unit(
          x,
          p[block]["unit_%d" % (u + 1)]["bottleneck_v2"],
          path,
          base * 4,
          base,
          stride if u == units - 1 else 1,
        )
    x, self.new["postnorm"] = _batch_norm(x, p["postnorm"])
    x = jax.nn.relu(x)
    x = jnp.mean(x, axis=(1, 2), keepdims=True)
    logits = self.conv(x, p["logits"])
    predictions = jnp.reshape(
      jax.nn.softmax(jnp.reshape(logits, (-1, logits.shape[-1])), axis=-1), logits.shape
    )
    reg = sum(self.losses[1:], self.losses[0])
    return logits, predictions, reg

  def updated(self, params):
    out = jax.tree_util.tree_map(lambda a: a, params)
    net = out["resnet_v2_50"]
    for path, value in self.new.items():
      node = net
      *parents, last = path.split("/")
      for part in parents:
        node = node[part]
      node[last] = value
    return out


def _hand_train_apply(params, x):
  fwd = _Forward()
  logits, _, reg = fwd(params, x)
  return (logits, reg), fwd.updated(params)


def make_step(train_apply):
  def loss(params, x, y):
    (logits, reg), new_params = train_apply(params, x)
    logits = jnp.reshape(logits, (logits.shape[0], -1))
    ce = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
    return ce + reg, new_params

  def step(params, x, y):
    grads, new_params = jax.grad(loss, has_aux=True)(params, x, y)
    return jax.tree_util.tree_map(lambda p, g: p - LR * g, new_params, grads)

  return step


def _first_difference(a, b):
  ea, eb = a[1], b[1]
  for i, (x, y) in enumerate(zip(ea, eb)):
    if x != y:
      return {"index": i, "slim": str(x)[:300], "hand": str(y)[:300]}
  return {"index": min(len(ea), len(eb)), "lengths": [len(ea), len(eb)]}


def compare(batch=2, size=224):
  import varscope_jax as vs

  net = slim_models.slim_resnet_v2_50()

  def net_and_loss(x, is_training):  # the regularization loss is read inside the trace
    logits, end_points = net(x, is_training)
    return logits, end_points, vs.get_regularization_loss()

  t = vs.transform(net_and_loss)
  x = slim_models.example_input(batch, size)
  y = jnp.arange(batch) % slim_models.NUM_CLASSES
  params = t.init(jax.random.PRNGKey(0), x, True)

  def slim_apply(p, x):
    (logits, _, reg), new_params = t.apply(p, x, True, mutable=True)
    return (logits, reg), new_params

  steps = {"slim": jax.jit(make_step(slim_apply)), "hand": jax.jit(make_step(_hand_train_apply))}
  jaxprs = {k: jax.make_jaxpr(s)(params, x, y) for k, s in steps.items()}
  structs = {k: _structure(j.jaxpr) for k, j in jaxprs.items()}
  equal = structs["slim"] == structs["hand"]
  inner = jaxprs["slim"].jaxpr.eqns[0].params.get("jaxpr")
  n_eqns = len(inner.jaxpr.eqns) if inner is not None else len(jaxprs["slim"].jaxpr.eqns)
  out = {"jaxpr_equal": equal, "n_eqns": n_eqns, "batch": batch, "size": size}
  if not equal:
    a, b = (
      jaxprs["slim"].jaxpr.eqns[0].params["jaxpr"].jaxpr,
      jaxprs["hand"].jaxpr.eqns[0].params["jaxpr"].jaxpr,
    )
    out["first_difference"] = _first_difference(_structure(a), _structure(b))
  results, best = {}, {}
  for k, s in steps.items():
    t0 = time.perf_counter()
    results[k] = jax.block_until_ready(s(params, x, y))
    out[k + "_first_call_s"] = time.perf_counter() - t0
    best[k] = float("inf")
  for _ in range(5):  # interleaved, so both see the same machine load
    for k, s in steps.items():
      t0 = time.perf_counter()
      jax.block_until_ready(s(params, x, y))
      best[k] = min(best[k], time.perf_counter() - t0)
  out.update({k + "_step_s": v for k, v in best.items()})
  diff = jax.tree_util.tree_map(
    lambda a, b: float(jnp.max(jnp.abs(a - b))), results["slim"], results["hand"]
  )
  out["max_abs_diff_params_after_step"] = max(jax.tree_util.tree_leaves(diff))
  return out


if __name__ == "__main__":
  import json

  print(json.dumps(compare(*(int(a) for a in sys.argv[1:3]))))
