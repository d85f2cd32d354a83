"""Records what real TF1 does when model code updates or draws inside shared layers.

* ``batch_norm_twice``: one ``tf.compat.v1.layers.batch_normalization`` called in training
  mode on two (or three) inputs under ``reuse=True`` -- a GAN discriminator on real, then
  on fake images. TF's update ops are run one after another in ``UPDATE_OPS`` order, the
  order in which they were created; the fused path gives the same result whichever order.
* ``slim_batch_norm_twice``: the same with tf_slim's ``batch_norm`` (its fused, unfused
  and zero-debiased paths), using the import shims of ``slim/make_slim_golden.py``.
* ``dropout_per_step``: ``tf.nn.dropout`` inside a user-written ``RNNCell`` driven by
  ``tf.compat.v1.nn.dynamic_rnn``: TF draws a new mask at each step of its while loop.
  Masks are random, so what is recorded is their statistics: the kept fraction and how
  many pairs of steps drew the same mask.

Run in a venv with tensorflow-cpu and tf-keras (TF_USE_LEGACY_KERAS=1 keeps
``tf.compat.v1.layers`` and ``tf.compat.v1.nn.rnn_cell`` on TF 2.21):
    TF_USE_LEGACY_KERAS=1 python tests/golden/make_extension_points_golden.py
It writes ``tests/golden/extension_points.json``.
"""
import json
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import sys  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "slim"))
from make_slim_golden import _shims  # noqa: E402  (tf_slim 1.1 on TF 2.21)

tf1 = tf.compat.v1
tf1.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "extension_points.json")


def batch_norm_twice(inputs, fused, momentum):
  graph = tf.Graph()
  with graph.as_default():
    outs = []
    for i, x in enumerate(inputs):
      with tf1.variable_scope("disc", reuse=True if i else None):
        outs.append(tf1.layers.batch_normalization(
            tf.constant(x), training=True, fused=fused, momentum=momentum))
    updates = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      values = sess.run(outs)
      for op in updates:        # in creation order, one after another
        sess.run(op)
      stats = {v.op.name: sess.run(v).tolist() for v in tf1.global_variables()
               if "moving" in v.op.name}
  return {"outputs": [v.tolist() for v in values], "stats": stats,
          "num_updates": len(updates)}


def slim_batch_norm_twice(inputs, options):
  import tf_slim as slim
  graph = tf.Graph()
  with graph.as_default():
    outs = []
    for i, x in enumerate(inputs):
      with tf1.variable_scope("disc", reuse=True if i else None):
        outs.append(slim.batch_norm(tf.constant(x), is_training=True, **options))
    updates = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      values = sess.run(outs)
      for op in updates:        # in creation order, one after another
        sess.run(op)
      stats = {v.op.name: sess.run(v).tolist() for v in tf1.global_variables()
               if "BatchNorm/moving" in v.op.name}
  return {"outputs": [v.tolist() for v in values], "stats": stats,
          "num_updates": len(updates)}


class DropCell(tf1.nn.rnn_cell.RNNCell):
  """Outputs a dropout mask of ones at every step (its state is a step counter)."""

  @property
  def state_size(self):
    return 1

  @property
  def output_size(self):
    return 16

  def call(self, inputs, state):
    return tf1.nn.dropout(tf.ones_like(inputs), rate=0.5), state + 1.0


def dropout_per_step(batch, steps, depth):
  graph = tf.Graph()
  with graph.as_default():
    tf1.set_random_seed(0)
    x = tf.zeros([batch, steps, depth])
    out, _ = tf1.nn.dynamic_rnn(DropCell(), x, dtype=tf.float32)
    with tf1.Session() as sess:
      masks = sess.run(out) > 0        # [batch, steps, depth]
  per_step = masks.mean(axis=(0, 2))
  same = sum(int((masks[:, i] == masks[:, j]).all())
             for i in range(steps) for j in range(i + 1, steps))
  return {"batch": batch, "steps": steps, "depth": depth,
          "kept_fraction": float(masks.mean()), "kept_per_step_min": float(per_step.min()),
          "kept_per_step_max": float(per_step.max()), "identical_step_pairs": same}


def main():
  rng = np.random.RandomState(0)
  ones = np.ones([4, 2], np.float32)
  image = lambda scale, shift: (rng.randn(4, 3, 3, 2) * scale + shift).astype(np.float32)
  flat = lambda scale, shift: (rng.randn(8, 3) * scale + shift).astype(np.float32)
  cases = [
      {"name": "ones_then_threes", "fused": False, "momentum": 0.99,
       "inputs": [ones, 3 * ones]},
      {"name": "ones_then_threes_fused", "fused": True, "momentum": 0.99,
       "inputs": [ones.reshape(4, 1, 1, 2), 3 * ones.reshape(4, 1, 1, 2)]},
      {"name": "real_fake_random", "fused": False, "momentum": 0.9,
       "inputs": [flat(1.0, 0.0), flat(2.0, 1.0)]},
      {"name": "real_fake_random_fused", "fused": True, "momentum": 0.9,
       "inputs": [image(1.0, 0.0), image(2.0, 1.0)]},
      {"name": "three_calls", "fused": False, "momentum": 0.5,
       "inputs": [flat(1.0, 0.0), flat(0.5, -1.0), flat(3.0, 2.0)]},
  ]
  golden = {"batch_norm_twice": [], "tf_version": tf.__version__}
  for case in cases:
    result = batch_norm_twice(case["inputs"], case["fused"], case["momentum"])
    golden["batch_norm_twice"].append({
        "name": case["name"], "fused": case["fused"], "momentum": case["momentum"],
        "inputs": [x.tolist() for x in case["inputs"]], **result})
  _shims(tf)
  slim_cases = [
      {"name": "slim_unfused", "options": {"decay": 0.9, "fused": False},
       "inputs": [flat(1.0, 0.0), flat(2.0, 1.0)]},
      {"name": "slim_fused", "options": {"decay": 0.9, "fused": True, "scale": True},
       "inputs": [image(1.0, 0.0), image(2.0, 1.0)]},
      {"name": "slim_zero_debias", "options": {"decay": 0.8, "fused": False,
                                               "zero_debias_moving_mean": True},
       "inputs": [flat(1.0, 0.0), flat(0.5, 2.0), flat(3.0, -1.0)]},
  ]
  golden["slim_batch_norm_twice"] = []
  for case in slim_cases:
    result = slim_batch_norm_twice(case["inputs"], case["options"])
    golden["slim_batch_norm_twice"].append({
        "name": case["name"], "options": case["options"],
        "inputs": [x.tolist() for x in case["inputs"]], **result})
  golden["dropout_per_step"] = dropout_per_step(batch=64, steps=20, depth=16)
  with open(OUT, "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")
  print("wrote", OUT)


if __name__ == "__main__":
  main()
