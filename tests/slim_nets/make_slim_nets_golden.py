"""Writes the golden data of ``tests/slim_nets/``: tf_slim's own nets run in TF1 graph mode.

Run from the repository root with a TensorFlow install (not a dependency of varscope_jax)::

  export TF_USE_LEGACY_KERAS=1
  /work/tfvenv/bin/python tests/slim_nets/make_slim_nets_golden.py

tf_slim 1.1 (the last release) predates TF 2.21; two shims, both applied below before
``tf_slim`` is imported, let its ``batch_norm`` run there:

* ``tensorflow.python.layers.normalization`` lazily imports ``tf_keras.legacy_tf_layers``,
  which tf_keras moved to ``tf_keras.src.legacy_tf_layers``: the old module names are
  aliased to the new modules in ``sys.modules``.
* ``tf_slim.layers.utils.constant_value`` (called by ``batch_norm`` on ``is_training``)
  tests ``isinstance(value, ops.Tensor)``; ``ops.Tensor`` is gone from TF 2.21's
  ``tensorflow.python.framework.ops``: it is set back to ``tensor.Tensor``.

Nothing else of tf_slim is changed: each net is tf_slim's function, called as its
docstring shows (inside its ``*_arg_scope()``). The nets are made small so that the
committed checkpoints stay small (``slim_net_configs.py`` in this folder holds the configurations, read
by both this script and the tests):

* ``resnet_v2``: ``resnet_v2.resnet_v2()`` on two blocks from ``resnet_v2_block``.
* ``inception_v3``: ``inception_v3(depth_multiplier=0.05, min_depth=2)`` on 107x107 inputs.
* ``alexnet_v2`` and ``overfeat``: their widths are literals in their source; the net
  module's ``layers`` name is bound to a copy of ``tf_slim.layers`` whose ``conv2d`` divides
  ``num_outputs`` by 16 (except the ``fc8`` classifier), the one change to a net here
  (``slim_net_configs.narrow_layers``; the tests bind the same wrapper around varscope_jax's conv2d).

Inputs are ``slim_net_configs.make_inputs(shape)`` (an integer hash, so not stored). For every net it writes, under ``data/<net>/``:

* ``model.ckpt.*``: a ``tf.compat.v1.train.Saver`` checkpoint of all global variables
  after TF's initializers (seeded), with batch-norm statistics and ``beta``/``gamma`` moved
  off their initial values so that inference uses them;
* ``expected.npz``: ``logits_eval`` (``is_training=False``), ``logits_train``
  and, for nets with batch norm, ``update/<variable name>``: each moving statistic after
  running ``UPDATE_OPS`` once in training mode;
* ``expected.json``: the variables (name, shape, in creation order) and the collections
  ``model_variables``, ``trainable_variables``, ``moving_vars`` and
  ``regularization_losses`` (op names), the ``end_points`` keys with their shapes, in both
  modes, and the total regularization loss.

And ``data/full_size.json``: the variable names and shapes and the ``end_points`` keys of
each net at its real (published) size, built in a graph without running it.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf
import tf_keras.src.legacy_tf_layers as _legacy_layers
from tf_keras.src.legacy_tf_layers import base as _legacy_base
from tf_keras.src.legacy_tf_layers import convolutional as _legacy_conv
from tf_keras.src.legacy_tf_layers import core as _legacy_core
from tf_keras.src.legacy_tf_layers import normalization as _legacy_norm
from tf_keras.src.legacy_tf_layers import pooling as _legacy_pool
from tensorflow.python.framework import ops as _tf_ops
from tensorflow.python.framework import tensor as _tf_tensor

# Shim 1: tf_keras's legacy layers under their old module names.
sys.modules.setdefault("tf_keras.legacy_tf_layers", _legacy_layers)
for _name, _mod in (
  ("base", _legacy_base),
  ("convolutional", _legacy_conv),
  ("core", _legacy_core),
  ("normalization", _legacy_norm),
  ("pooling", _legacy_pool),
):
  sys.modules.setdefault("tf_keras.legacy_tf_layers." + _name, _mod)
# Shim 2: ``ops.Tensor`` for tf_slim.layers.utils.constant_value.
if not hasattr(_tf_ops, "Tensor"):
  _tf_ops.Tensor = _tf_tensor.Tensor

import tf_slim  # noqa: E402
from tf_slim.nets import alexnet, inception_v3, overfeat, resnet_v2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import slim_net_configs as net_configs  # noqa: E402

DATA = os.path.join(HERE, "data")
tf1 = tf.compat.v1
MODULES = {
  "resnet_v2": resnet_v2,
  "inception_v3": inception_v3,
  "alexnet": alexnet,
  "overfeat": overfeat,
}


def _build(name, inputs, is_training, full_size=False):
  """The net ``name`` on ``inputs`` via the same configuration the tests use."""
  return net_configs.build(name, MODULES, tf_slim, inputs, is_training, full_size=full_size)


def _perturb(sess, variables, rng):
  """Moves beta/gamma/moving statistics off their initial values (so inference uses them)."""
  for v in variables:
    short = v.op.name.rsplit("/", 1)[-1]
    shape = v.shape.as_list()
    if short == "moving_mean" or short == "beta":
      v.load(rng.normal(0.0, 0.1, shape).astype(np.float32), sess)
    elif short == "moving_variance" or short == "gamma":
      v.load(rng.uniform(0.5, 1.5, shape).astype(np.float32), sess)


def _names(collection):
  return [t.op.name for t in tf1.get_collection(collection)]


def _end_points(end_points):
  return [[k, list(v.shape.as_list())] for k, v in end_points.items()]


def make_net(name):
  out_dir = os.path.join(DATA, name)
  os.makedirs(out_dir, exist_ok=True)
  for f in os.listdir(out_dir):
    os.remove(os.path.join(out_dir, f))
  cfg = net_configs.CONFIGS[name]
  rng = np.random.default_rng(cfg["seed"])
  x = net_configs.make_inputs(cfg["input_shape"])
  ckpt = os.path.join(out_dir, "model.ckpt")
  meta = {
    "net": name,
    "tf_version": tf.__version__,
    "tf_slim_version": tf_slim.__version__ if hasattr(tf_slim, "__version__") else "1.1.0",
  }
  arrays = {}

  # Training graph: variables, collections, batch-norm updates, training logits.
  graph = tf.Graph()
  with graph.as_default():
    tf1.set_random_seed(cfg["seed"])
    inputs = tf1.placeholder(tf.float32, cfg["input_shape"], name="inputs")
    logits, end_points = _build(name, inputs, is_training=True)
    meta["variables"] = [[v.op.name, v.shape.as_list()] for v in tf1.global_variables()]
    meta["collections"] = {
      "model_variables": _names(tf1.GraphKeys.MODEL_VARIABLES),
      "trainable_variables": _names(tf1.GraphKeys.TRAINABLE_VARIABLES),
      "moving_vars": _names("moving_vars"),
      "regularization_losses": _names(tf1.GraphKeys.REGULARIZATION_LOSSES),
    }
    meta["end_points_train"] = _end_points(end_points)
    meta["logits_name"] = logits.op.name
    update_ops = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    meta["num_update_ops"] = len(update_ops)
    reg_loss = tf1.losses.get_regularization_loss()
    saver = tf1.train.Saver()
    with tf1.Session(graph=graph) as sess:
      sess.run(tf1.global_variables_initializer())
      _perturb(sess, tf1.global_variables(), rng)
      saver.save(sess, ckpt, write_meta_graph=False, write_state=False)
      meta["regularization_loss"] = float(sess.run(reg_loss))
      if update_ops:
        moving = [
          v for v in tf1.global_variables() if v.op.name.rsplit("/", 1)[-1].startswith("moving_")
        ]
        train_logits, _ = sess.run([logits, update_ops], {inputs: x})
        for v, value in zip(moving, sess.run(moving)):
          arrays["update/" + v.op.name] = value
      else:
        train_logits = sess.run(logits, {inputs: x})
      arrays["logits_train"] = train_logits

  # Inference graph on the saved checkpoint.
  graph = tf.Graph()
  with graph.as_default():
    inputs = tf1.placeholder(tf.float32, cfg["input_shape"], name="inputs")
    logits, end_points = _build(name, inputs, is_training=False)
    meta["end_points_eval"] = _end_points(end_points)
    with tf1.Session(graph=graph) as sess:
      tf1.train.Saver().restore(sess, ckpt)
      arrays["logits_eval"] = sess.run(logits, {inputs: x})
  np.savez_compressed(os.path.join(out_dir, "expected.npz"), **arrays)
  with open(os.path.join(out_dir, "expected.json"), "w") as f:
    json.dump(meta, f, indent=1)
  size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
  n_params = sum(int(np.prod(s)) for _, s in meta["variables"])
  print(
    f"{name}: {len(meta['variables'])} variables, {n_params} values, {size / 1e3:.0f} kB, "
    f"{len(meta['end_points_eval'])} end points"
  )


def make_full_size():
  out = {}
  for name in net_configs.CONFIGS:
    graph = tf.Graph()
    with graph.as_default():
      shape = net_configs.CONFIGS[name]["full_input_shape"]
      inputs = tf1.placeholder(tf.float32, shape, name="inputs")
      logits, end_points = _build(name, inputs, is_training=False, full_size=True)
      out[name] = {
        "input_shape": shape,
        "variables": [[v.op.name, v.shape.as_list()] for v in tf1.global_variables()],
        "end_points": _end_points(end_points),
        "logits_shape": logits.shape.as_list(),
      }
      n = sum(int(np.prod(s)) for _, s in out[name]["variables"])
      print(f"{name} full size: {len(out[name]['variables'])} variables, {n} values")
  with open(os.path.join(DATA, "full_size.json"), "w") as f:
    json.dump(out, f, indent=1)


def main():
  tf1.disable_v2_behavior()
  os.makedirs(DATA, exist_ok=True)
  names = sys.argv[1:] or list(net_configs.CONFIGS)
  for name in names:
    make_net(name)
  if not sys.argv[1:]:
    make_full_size()


if __name__ == "__main__":
  main()
