"""Golden data: the rest of TF1's Layer / cell API, from real TF 2.21 graph mode.

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/layer_api/make_layer_api_golden.py

Each case in CASES runs in a fresh ``tf.Graph`` (tf.compat.v1, graph mode) and records
its plain results (shapes as lists, counts, names) or the error TF raised (type, first
line). Array results are recorded in layer_api.npz (inputs are fixed numpy arrays).
Writes layer_api.json / layer_api.npz beside this script.
"""
import json
import os
import warnings

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1
v1.disable_eager_execution()
HERE = os.path.dirname(os.path.abspath(__file__))
X = np.random.RandomState(0).uniform(-1, 1, (4, 3)).astype(np.float32)
IMG = np.random.RandomState(1).uniform(-1, 1, (2, 4, 4, 3)).astype(np.float32)
BN_X = np.random.RandomState(2).uniform(-1, 1, (8, 3)).astype(np.float32)
CASES = {}
ARRAYS = {}


def case(fn):
  CASES[fn.__name__] = fn
  return fn


def shape(s):
  return [None if d is None else int(d) for d in tf.TensorShape(s).as_list()]


@case
def compute_output_shape_dense():
  return shape(v1.layers.Dense(5).compute_output_shape([None, 3]))


@case
def compute_output_shape_conv2d():
  return shape(v1.layers.Conv2D(6, 3, strides=2, padding="same").compute_output_shape(
      [2, 8, 8, 3]))


@case
def compute_output_shape_max_pool():
  return shape(v1.layers.MaxPooling2D(2, 2).compute_output_shape([2, 5, 5, 3]))


@case
def compute_output_shape_flatten():
  return shape(v1.layers.Flatten().compute_output_shape([2, 4, 5]))


@case
def compute_output_shape_dropout_bn():
  return [shape(v1.layers.Dropout(0.5).compute_output_shape([2, 7])),
          shape(v1.layers.BatchNormalization().compute_output_shape([2, 7]))]


@case
def compute_output_shape_dense_rank1_error():
  return v1.layers.Dense(5).compute_output_shape([3])


@case
def count_params_before_build():
  return v1.layers.Dense(4, name="fc").count_params()


@case
def count_params_after_call():
  d = v1.layers.Dense(4)
  d(tf.constant(X))
  c = v1.layers.Conv2D(2, 3, use_bias=False)
  c(tf.constant(IMG))
  return [d.count_params(), c.count_params()]


@case
def activity_regularizer_losses():
  reg = lambda t: 0.5 * tf.reduce_sum(tf.square(t))  # noqa: E731
  d = v1.layers.Dense(2, activity_regularizer=reg, kernel_initializer=v1.ones_initializer(),
                      name="fc")
  x = tf.constant(X)
  y = d(x)
  y2 = v1.layers.dense(x, 2, activity_regularizer=reg,
                       kernel_initializer=v1.ones_initializer(), name="fc2")
  losses = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
  with v1.Session() as s:
    s.run(v1.global_variables_initializer())
    ARRAYS["activity_regularizer_losses|losses"] = np.asarray(s.run(losses))
    ARRAYS["activity_regularizer_losses|y"] = s.run(y + y2)
  return {"n_layer_losses": len(d.losses), "names": [t.op.name for t in losses],
          "get_losses_for_none": len(d.get_losses_for(None)),
          "get_losses_for_inputs": len(d.get_losses_for(x))}


@case
def get_updates_for_batch_norm():
  x = tf.constant(BN_X)
  bn = v1.layers.BatchNormalization()
  bn(x, training=True)
  return {"updates": len(bn.updates), "for_none": len(bn.get_updates_for(None)),
          "for_inputs": len(bn.get_updates_for(x))}


@case
def get_losses_for_kernel_regularizer():
  x = tf.constant(X)
  d = v1.layers.Dense(2, kernel_regularizer=lambda w: tf.reduce_sum(w))
  d(x)
  return {"losses": len(d.losses), "for_none": len(d.get_losses_for(None)),
          "for_inputs": len(d.get_losses_for(x))}


def _spec_layer(spec):
  class Probe(v1.layers.Layer):
    def __init__(self):
      super().__init__(name="probe")
      self.input_spec = spec

    def call(self, inputs):
      return inputs
  return Probe()


@case
def input_spec_dtype_error():
  return _spec_layer(tf.keras.layers.InputSpec(dtype="float16"))(tf.constant(X))


@case
def input_spec_shape_error():
  return _spec_layer(tf.keras.layers.InputSpec(shape=(None, 5)))(tf.constant(X))


@case
def input_spec_shape_rank_error():
  return _spec_layer(tf.keras.layers.InputSpec(shape=(None, 3, 1)))(tf.constant(X))


@case
def input_spec_max_ndim_error():
  return _spec_layer(tf.keras.layers.InputSpec(max_ndim=1))(tf.constant(X))


@case
def input_spec_min_ndim_error():
  return _spec_layer(tf.keras.layers.InputSpec(min_ndim=3))(tf.constant(X))


@case
def input_spec_ok():
  y = _spec_layer(tf.keras.layers.InputSpec(dtype="float32", shape=(None, 3), max_ndim=2))(
      tf.constant(X))
  return shape(y.shape)


@case
def variable_as_layer_input():
  v = v1.get_variable("v", initializer=X)
  y = v1.layers.dense(v, 2, kernel_initializer=v1.ones_initializer())
  with v1.Session() as s:
    s.run(v1.global_variables_initializer())
    ARRAYS["variable_as_layer_input|y"] = s.run(y)
  return shape(y.shape)


@case
def max_pooling2d_strides_none():
  return v1.layers.max_pooling2d(tf.constant(IMG), 2, strides=None)


@case
def average_pooling2d_strides_none():
  return v1.layers.average_pooling2d(tf.constant(IMG), 2, None)


@case
def get_initial_state_batch_mismatch():
  cell = v1.nn.rnn_cell.GRUCell(3)
  return cell.get_initial_state(inputs=tf.constant(X), batch_size=5, dtype=tf.float32)


@case
def get_initial_state_dtype_mismatch():
  cell = v1.nn.rnn_cell.GRUCell(3)
  return cell.get_initial_state(inputs=tf.constant(X), batch_size=4, dtype=tf.float16)


@case
def get_initial_state_ok():
  cell = v1.nn.rnn_cell.LSTMCell(3)
  s = cell.get_initial_state(inputs=tf.constant(X), batch_size=4, dtype=tf.float32)
  return [shape(s.c.shape), shape(s.h.shape)]


@case
def get_initial_state_no_batch():
  cell = v1.nn.rnn_cell.GRUCell(3)
  return cell.get_initial_state(dtype=tf.float32)


def _sized_cell(state_size, output_size):
  class Sized(v1.nn.rnn_cell.RNNCell):
    @property
    def state_size(self):
      return state_size

    @property
    def output_size(self):
      return output_size

    def call(self, inputs, state):
      return inputs, state
  return Sized()


@case
def zero_state_scalar_and_multidim():
  a = _sized_cell(tf.TensorShape([]), 3).zero_state(2, tf.float32)
  b = _sized_cell(tf.TensorShape([2, 3]), 3).zero_state(4, tf.float32)
  c = _sized_cell((5, tf.TensorShape([1, 2])), 3).zero_state(2, tf.float32)
  return [shape(a.shape), shape(b.shape), [shape(t.shape) for t in c]]


@case
def dynamic_rnn_multidim_state():
  class Acc(v1.nn.rnn_cell.RNNCell):
    state_size = property(lambda self: tf.TensorShape([2, 3]))
    output_size = property(lambda self: 3)

    def call(self, inputs, state):
      new = state + tf.expand_dims(inputs, 1)
      return tf.reduce_sum(new, 1), new
  x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 4, 3))
  out, state = v1.nn.dynamic_rnn(Acc(), x, dtype=tf.float32)
  with v1.Session() as s:
    o, st = s.run([out, state])
  ARRAYS["dynamic_rnn_multidim_state|out"] = o
  ARRAYS["dynamic_rnn_multidim_state|state"] = st
  return [shape(out.shape), shape(state.shape)]


@case
def cell_input_depth_mismatch():
  cell = v1.nn.rnn_cell.BasicRNNCell(3)
  cell(tf.constant(X), tf.zeros([4, 3]))
  return cell(tf.constant(np.ones((4, 5), np.float32)), tf.zeros([4, 3]))


@case
def cell_state_width_mismatch_lstm():
  cell = v1.nn.rnn_cell.LSTMCell(3)
  return cell(tf.constant(X), v1.nn.rnn_cell.LSTMStateTuple(tf.zeros([4, 3]),
                                                            tf.zeros([4, 5])))


@case
def cell_state_width_mismatch_gru():
  cell = v1.nn.rnn_cell.GRUCell(3)
  return cell(tf.constant(X), tf.zeros([4, 5]))


@case
def cell_state_batch_mismatch_basic():
  cell = v1.nn.rnn_cell.BasicRNNCell(3)
  return cell(tf.constant(X), tf.zeros([2, 3]))


@case
def cell_input_rank3():
  cell = v1.nn.rnn_cell.BasicLSTMCell(3)
  return cell(tf.constant(np.ones((4, 2, 3), np.float32)), cell.zero_state(4, tf.float32))


def _bn_run(name, layer, training=True):
  x = tf.constant(BN_X)
  y = layer(x, training=training)
  with v1.Session() as s:
    s.run(v1.global_variables_initializer())
    ARRAYS[name + "|y"] = s.run(y)
    s.run(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
    ARRAYS[name + "|moving_mean"] = s.run(layer.moving_mean)
    ARRAYS[name + "|moving_variance"] = s.run(layer.moving_variance)
  return {"variables": [v.name for v in layer.variables], "shape": shape(y.shape)}


@case
def ghost_batch_norm():
  return _bn_run("ghost_batch_norm", v1.layers.BatchNormalization(virtual_batch_size=4))


@case
def ghost_batch_norm_inference():
  return _bn_run("ghost_batch_norm_inference",
                 v1.layers.BatchNormalization(virtual_batch_size=2), training=False)


@case
def ghost_batch_norm_bad_size():
  return v1.layers.BatchNormalization(virtual_batch_size=3)(tf.constant(BN_X), training=True)


@case
def ghost_batch_norm_nonpositive():
  return v1.layers.BatchNormalization(virtual_batch_size=0)(tf.constant(BN_X), training=True)


@case
def batch_norm_adjustment():
  def adjustment(shape):
    return (tf.fill([shape[-1]], 1.5), tf.fill([shape[-1]], -0.25))
  return _bn_run("batch_norm_adjustment", v1.layers.BatchNormalization(adjustment=adjustment))


@case
def batch_norm_adjustment_inference():
  def adjustment(shape):
    return (tf.fill([shape[-1]], 1.5), tf.fill([shape[-1]], -0.25))
  return _bn_run("batch_norm_adjustment_inference",
                 v1.layers.BatchNormalization(adjustment=adjustment), training=False)


def main():
  out = {"tensorflow_version": tf.__version__, "cases": {}}
  for name, fn in CASES.items():
    g = tf.Graph()
    with g.as_default():
      try:
        rec = {"value": fn()}
        if isinstance(rec["value"], (tf.Tensor, tf.Variable)):
          rec = {"value": "<tensor>"}
      except Exception as e:  # noqa: BLE001 (recorded)
        rec = {"error": [type(e).__name__, (str(e).strip().splitlines() or [""])[0]]}
    out["cases"][name] = rec
    print(name, rec)
  with open(os.path.join(HERE, "layer_api.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
  np.savez_compressed(os.path.join(HERE, "layer_api.npz"), **ARRAYS)


if __name__ == "__main__":
  main()
