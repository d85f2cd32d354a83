"""Golden data for ``tf.contrib.rnn.LayerNormBasicLSTMCell`` (TF 1.x).

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/contrib_rnn/make_contrib_rnn_golden.py

``tf.contrib`` is gone from TF 2.x and tf_slim does not ship this cell, so the golden
data comes from a TF-graph re-implementation of the cell as TF r1.15 published it
(``tensorflow/contrib/rnn/python/ops/rnn_cell.py``, class ``LayerNormBasicLSTMCell``):
written here with TF 2.21's own graph ops in ``tf.compat.v1`` graph mode, on
``tf.compat.v1.nn.rnn_cell.RNNCell`` (TF 1.15's base class, kept by tf-keras) and with
``tf_slim.layers.layer_norm`` (TF 1.15's ``tf.contrib.layers.layer_norm``, carried over
unchanged into tf_slim). Step by step as r1.15: ``concat([inputs, h]) @ kernel`` (no
bias when ``layer_norm``), split into i, j, f, o, layer-normalize each in its own scope
(``input``, ``transform``, ``forget``, ``output``; gamma/beta made first with
``get_variable``, then ``layer_norm(reuse=True, scope=...)``), ``g = activation(j)``,
recurrent dropout on ``g`` (``nn.dropout(g, keep_prob, seed)``) unless a float keep
prob of 1, ``c' = c * sigmoid(f + forget_bias) + sigmoid(i) * g``, layer-normalized in
``state``, ``h' = activation(c') * sigmoid(o)``.

The programs (contrib_rnn_programs.py) run through make_rnn_golden.py's recorder:
variables, TF's initial values, outputs. Writes golden.json and values.npz beside this
script.
"""
import datetime
import importlib.metadata
import json
import os
import platform
import sys
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def layer_norm_basic_lstm_cell_class(tf, slim_layer_norm):
  v1 = tf.compat.v1

  class LayerNormBasicLSTMCell(v1.nn.rnn_cell.RNNCell):
    """TF r1.15 tf.contrib.rnn.LayerNormBasicLSTMCell, re-implemented on TF 2.21 ops."""

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=tf.tanh,
                 layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed=None, reuse=None):
      super().__init__(_reuse=reuse)
      self._num_units = num_units
      self._activation = activation
      self._forget_bias = forget_bias
      self._keep_prob = dropout_keep_prob
      self._seed = dropout_prob_seed
      self._layer_norm = layer_norm
      self._norm_gain = norm_gain
      self._norm_shift = norm_shift
      self._reuse = reuse

    @property
    def state_size(self):
      return v1.nn.rnn_cell.LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
      return self._num_units

    def _norm(self, inp, scope, dtype=tf.float32):
      shape = inp.get_shape()[-1:]
      with v1.variable_scope(scope):
        v1.get_variable("gamma", shape=shape, dtype=dtype,
                        initializer=v1.constant_initializer(self._norm_gain))
        v1.get_variable("beta", shape=shape, dtype=dtype,
                        initializer=v1.constant_initializer(self._norm_shift))
      return slim_layer_norm(inp, reuse=True, scope=scope)

    def _linear(self, args):
      out_size = 4 * self._num_units
      proj_size = args.get_shape()[-1]
      dtype = args.dtype
      weights = v1.get_variable("kernel", [proj_size, out_size], dtype=dtype)
      out = tf.matmul(args, weights)
      if not self._layer_norm:
        bias = v1.get_variable("bias", [out_size], dtype=dtype)
        out = tf.nn.bias_add(out, bias)
      return out

    def call(self, inputs, state):
      c, h = state
      args = tf.concat([inputs, h], 1)
      concat = self._linear(args)
      dtype = args.dtype
      i, j, f, o = tf.split(value=concat, num_or_size_splits=4, axis=1)
      if self._layer_norm:
        i = self._norm(i, "input", dtype=dtype)
        j = self._norm(j, "transform", dtype=dtype)
        f = self._norm(f, "forget", dtype=dtype)
        o = self._norm(o, "output", dtype=dtype)
      g = self._activation(j)
      if (not isinstance(self._keep_prob, float)) or self._keep_prob < 1:
        g = v1.nn.dropout(g, self._keep_prob, seed=self._seed)
      new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
      if self._layer_norm:
        new_c = self._norm(new_c, "state", dtype=dtype)
      new_h = self._activation(new_c) * tf.sigmoid(o)
      return new_h, v1.nn.rnn_cell.LSTMStateTuple(new_c, new_h)

  return LayerNormBasicLSTMCell


def main():
  warnings.filterwarnings("ignore")
  import numpy as np
  import tensorflow as tf
  import tf_slim

  import contrib_rnn_programs as cp
  import make_rnn_golden as base

  tf.get_logger().setLevel("ERROR")
  tf.compat.v1.disable_eager_execution()
  v1 = tf.compat.v1
  M = base.tf_adapter(tf)
  M.contrib_rnn = types.SimpleNamespace(
      LayerNormBasicLSTMCell=layer_norm_basic_lstm_cell_class(tf, tf_slim.layers.layer_norm),
      MultiRNNCell=v1.nn.rnn_cell.MultiRNNCell)
  arrays, records = {}, []
  for pid, (fn, opts) in cp.PROGRAMS.items():
    records.append(base.run_program(tf, pid, fn, opts, M, arrays))
  doc = {"generator": "tests/golden/contrib_rnn/make_contrib_rnn_golden.py",
         "reference": "TF r1.15 tensorflow/contrib/rnn/python/ops/rnn_cell.py "
                      "LayerNormBasicLSTMCell, re-implemented on TF %s graph ops with "
                      "tf_slim %s layer_norm" % (tf.__version__,
                                                 importlib.metadata.version("tf-slim")),
         "tensorflow_version": tf.__version__, "python_version": platform.python_version(),
         "date": datetime.date.today().isoformat(), "programs": records}
  with open(os.path.join(HERE, "golden.json"), "w") as f:
    json.dump(doc, f, sort_keys=True, indent=1)
    f.write("\n")
  np.savez_compressed(os.path.join(HERE, "values.npz"), **arrays)
  for r in records:
    print(r["id"], r["error"], r["run_error"], [v["name"] for v in r["variables"]][:14])


if __name__ == "__main__":
  main()
