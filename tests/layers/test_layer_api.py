"""The rest of TF1's Layer / cell API, against real TF 2.21 graph mode
(tests/golden/layer_api/make_layer_api_golden.py: each case here is that script's case
of the same name, written with ``vs.`` for ``tf.``)."""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = json.load(open(os.path.join(TESTS, "golden", "layer_api", "layer_api.json")))["cases"]
ARRAYS = dict(np.load(os.path.join(TESTS, "golden", "layer_api", "layer_api.npz")))
X = np.random.RandomState(0).uniform(-1, 1, (4, 3)).astype(np.float32)
IMG = np.random.RandomState(1).uniform(-1, 1, (2, 4, 4, 3)).astype(np.float32)
BN_X = np.random.RandomState(2).uniform(-1, 1, (8, 3)).astype(np.float32)
L, R = vs.layers, vs.nn.rnn_cell
CASES = {}
# Where TF's first line describes its graph (a MatMul or ConcatV2 node), the first line
# here starts with TF's words up to the node and names the cell instead.
TF_PREFIX_ONLY = {
  "cell_state_width_mismatch_lstm",
  "cell_state_width_mismatch_gru",
  "cell_state_batch_mismatch_basic",
  "ghost_batch_norm_bad_size",
}
# The project's own check, naming the scope (TF fails in a MatMul node).
OWN = {
  "cell_input_depth_mismatch": "Cell 'basic_rnn_cell_1' (scope 'basic_rnn_cell') was built for inputs of depth 3 but "
  "is now called with inputs of shape (4, 5). A cell object keeps its variables: use a "
  "new cell object for inputs of another size."
}


def case(fn):
  CASES[fn.__name__] = fn
  return fn


def shape(s):
  return [None if d is None else int(d) for d in s]


@case
def compute_output_shape_dense():
  return shape(L.Dense(5).compute_output_shape([None, 3]))


@case
def compute_output_shape_conv2d():
  return shape(L.Conv2D(6, 3, strides=2, padding="same").compute_output_shape([2, 8, 8, 3]))


@case
def compute_output_shape_max_pool():
  return shape(L.MaxPooling2D(2, 2).compute_output_shape([2, 5, 5, 3]))


@case
def compute_output_shape_flatten():
  return shape(L.Flatten().compute_output_shape([2, 4, 5]))


@case
def compute_output_shape_dropout_bn():
  return [
    shape(L.Dropout(0.5).compute_output_shape([2, 7])),
    shape(L.BatchNormalization().compute_output_shape([2, 7])),
  ]


@case
def compute_output_shape_dense_rank1_error():
  return L.Dense(5).compute_output_shape([3])


@case
def count_params_before_build():
  return L.Dense(4, name="fc").count_params()


@case
def count_params_after_call():
  d = L.Dense(4)
  d(jnp.asarray(X))
  c = L.Conv2D(2, 3, use_bias=False)
  c(jnp.asarray(IMG))
  return [d.count_params(), c.count_params()]


@case
def activity_regularizer_losses():
  reg = lambda t: 0.5 * jnp.sum(jnp.square(t))  # noqa: E731
  d = L.Dense(2, activity_regularizer=reg, kernel_initializer=vs.ones_initializer(), name="fc")
  x = jnp.asarray(X)
  y = d(x)
  y2 = L.dense(x, 2, activity_regularizer=reg, kernel_initializer=vs.ones_initializer(), name="fc2")
  losses = vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES)
  np.testing.assert_allclose(
    np.asarray(losses), ARRAYS["activity_regularizer_losses|losses"], rtol=1e-6
  )
  np.testing.assert_allclose(np.asarray(y + y2), ARRAYS["activity_regularizer_losses|y"], rtol=1e-6)
  graph = vs.get_default_graph()
  return {
    "n_layer_losses": len(d.losses),
    "names": [graph.item_names.get(id(t)) for t in losses],
    "get_losses_for_none": len(d.get_losses_for(None)),
    "get_losses_for_inputs": len(d.get_losses_for(x)),
  }


@case
def get_updates_for_batch_norm():
  x = jnp.asarray(BN_X)
  bn = L.BatchNormalization()
  bn(x, training=True)
  return {
    "updates": len(bn.updates),
    "for_none": len(bn.get_updates_for(None)),
    "for_inputs": len(bn.get_updates_for(x)),
  }


@case
def get_losses_for_kernel_regularizer():
  x = jnp.asarray(X)
  d = L.Dense(2, kernel_regularizer=lambda w: jnp.sum(w))
  d(x)
  return {
    "losses": len(d.losses),
    "for_none": len(d.get_losses_for(None)),
    "for_inputs": len(d.get_losses_for(x)),
  }


def _spec_layer(spec):
  class Probe(L.Layer):
    def __init__(self):
      super().__init__(name="probe")
      self.input_spec = spec

    def call(self, inputs):
      return inputs

  return Probe()


@case
def input_spec_dtype_error():
  return _spec_layer(L.InputSpec(dtype="float16"))(jnp.asarray(X))


@case
def input_spec_shape_error():
  return _spec_layer(L.InputSpec(shape=(None, 5)))(jnp.asarray(X))


@case
def input_spec_shape_rank_error():
  return _spec_layer(L.InputSpec(shape=(None, 3, 1)))(jnp.asarray(X))


@case
def input_spec_max_ndim_error():
  return _spec_layer(L.InputSpec(max_ndim=1))(jnp.asarray(X))


@case
def input_spec_min_ndim_error():
  return _spec_layer(L.InputSpec(min_ndim=3))(jnp.asarray(X))


@case
def input_spec_ok():
  y = _spec_layer(L.InputSpec(dtype="float32", shape=(None, 3), max_ndim=2))(jnp.asarray(X))
  return shape(y.shape)


@case
def variable_as_layer_input():
  v = vs.get_variable("v", initializer=X)
  y = L.dense(v, 2, kernel_initializer=vs.ones_initializer())
  np.testing.assert_allclose(np.asarray(y), ARRAYS["variable_as_layer_input|y"], rtol=1e-6)
  return shape(y.shape)


@case
def max_pooling2d_strides_none():
  return L.max_pooling2d(jnp.asarray(IMG), 2, strides=None)


@case
def average_pooling2d_strides_none():
  return L.average_pooling2d(jnp.asarray(IMG), 2, None)


@case
def get_initial_state_batch_mismatch():
  return R.GRUCell(3).get_initial_state(inputs=jnp.asarray(X), batch_size=5, dtype=vs.float32)


@case
def get_initial_state_dtype_mismatch():
  return R.GRUCell(3).get_initial_state(inputs=jnp.asarray(X), batch_size=4, dtype=vs.float16)


@case
def get_initial_state_ok():
  s = R.LSTMCell(3).get_initial_state(inputs=jnp.asarray(X), batch_size=4, dtype=vs.float32)
  return [shape(s.c.shape), shape(s.h.shape)]


@case
def get_initial_state_no_batch():
  return R.GRUCell(3).get_initial_state(dtype=vs.float32)


def _sized_cell(state_size, output_size):
  class Sized(R.RNNCell):
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
  a = _sized_cell(vs.TensorShape([]), 3).zero_state(2, vs.float32)
  b = _sized_cell(vs.TensorShape([2, 3]), 3).zero_state(4, vs.float32)
  c = _sized_cell((5, vs.TensorShape([1, 2])), 3).zero_state(2, vs.float32)
  return [shape(a.shape), shape(b.shape), [shape(t.shape) for t in c]]


@case
def dynamic_rnn_multidim_state():
  class Acc(R.RNNCell):
    state_size = property(lambda self: vs.TensorShape([2, 3]))
    output_size = property(lambda self: 3)

    def call(self, inputs, state):
      new = state + inputs[:, None]
      return new.sum(1), new

  x = jnp.arange(24, dtype=jnp.float32).reshape(2, 4, 3)
  out, state = vs.nn.dynamic_rnn(Acc(), x, dtype=vs.float32)
  np.testing.assert_array_equal(out, ARRAYS["dynamic_rnn_multidim_state|out"])
  np.testing.assert_array_equal(state, ARRAYS["dynamic_rnn_multidim_state|state"])
  return [shape(out.shape), shape(state.shape)]


@case
def cell_input_depth_mismatch():
  cell = R.BasicRNNCell(3)
  cell(jnp.asarray(X), jnp.zeros([4, 3]))
  return cell(jnp.ones((4, 5)), jnp.zeros([4, 3]))


@case
def cell_state_width_mismatch_lstm():
  return R.LSTMCell(3)(jnp.asarray(X), R.LSTMStateTuple(jnp.zeros([4, 3]), jnp.zeros([4, 5])))


@case
def cell_state_width_mismatch_gru():
  return R.GRUCell(3)(jnp.asarray(X), jnp.zeros([4, 5]))


@case
def cell_state_batch_mismatch_basic():
  return R.BasicRNNCell(3)(jnp.asarray(X), jnp.zeros([2, 3]))


@case
def cell_input_rank3():
  cell = R.BasicLSTMCell(3)
  return cell(jnp.ones((4, 2, 3)), cell.zero_state(4, vs.float32))


def _bn_run(name, layer, training=True):
  y = layer(jnp.asarray(BN_X), training=training)
  for v in ("moving_mean", "moving_variance"):  # TF's shapes ([1, 1, C] for ghost batches)
    assert getattr(layer, v).value().shape == ARRAYS[name + "|" + v].shape
  np.testing.assert_allclose(np.asarray(y), ARRAYS[name + "|y"], rtol=1e-5, atol=1e-6)
  np.testing.assert_allclose(
    np.asarray(layer.moving_mean.value()), ARRAYS[name + "|moving_mean"], rtol=1e-5, atol=1e-7
  )
  np.testing.assert_allclose(
    np.asarray(layer.moving_variance.value()),
    ARRAYS[name + "|moving_variance"],
    rtol=1e-5,
    atol=1e-7,
  )
  return {"variables": [v.name for v in layer.variables], "shape": shape(y.shape)}


@case
def ghost_batch_norm():
  return _bn_run("ghost_batch_norm", L.BatchNormalization(virtual_batch_size=4))


@case
def ghost_batch_norm_inference():
  return _bn_run(
    "ghost_batch_norm_inference", L.BatchNormalization(virtual_batch_size=2), training=False
  )


@case
def ghost_batch_norm_bad_size():
  return L.BatchNormalization(virtual_batch_size=3)(jnp.asarray(BN_X), training=True)


@case
def ghost_batch_norm_nonpositive():
  return L.BatchNormalization(virtual_batch_size=0)(jnp.asarray(BN_X), training=True)


def _adjustment(shape):
  return jnp.full([shape[-1]], 1.5), jnp.full([shape[-1]], -0.25)


@case
def batch_norm_adjustment():
  return _bn_run("batch_norm_adjustment", L.BatchNormalization(adjustment=_adjustment))


@case
def batch_norm_adjustment_inference():
  return _bn_run(
    "batch_norm_adjustment_inference", L.BatchNormalization(adjustment=_adjustment), training=False
  )


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_layer_api_case(name):
  want = GOLDEN[name]
  vs.reset_default_graph()
  try:
    got = CASES[name]()
  except (ValueError, TypeError, NotImplementedError) as e:
    assert "error" in want, (name, e)
    first = str(e).strip().splitlines()[0]
    assert type(e).__name__ == want["error"][0], (name, e)
    if name in OWN:
      assert first == OWN[name]
    elif name in TF_PREFIX_ONLY:
      prefix = want["error"][1].split(" for '")[0]
      assert first.startswith(prefix), (first, prefix)
    else:
      assert first == want["error"][1]
    return
  assert "error" not in want, (name, got, want)
  if isinstance(got, (jax.Array, vs.Variable)):
    got = "<tensor>"
  assert got == want["value"], (name, got, want["value"])


def test_every_golden_case_has_a_vs_case():
  assert set(CASES) == set(GOLDEN)


@pytest.mark.slow
def test_dropout_with_a_traced_rate():
  def f(x, rate):
    return L.dropout(x, rate=rate, training=True)

  t = vs.transform(f)
  x = jnp.ones((64, 64))
  y = jax.jit(t.apply)({}, x, jnp.float32(0.25), rng=jax.random.PRNGKey(0))
  kept = float((y != 0).mean())
  assert 0.70 < kept < 0.80
  np.testing.assert_allclose(np.asarray(y[y != 0]), 1 / 0.75, rtol=1e-6)
  y0 = jax.jit(t.apply)({}, x, jnp.float32(0.0), rng=jax.random.PRNGKey(0))
  np.testing.assert_array_equal(y0, x)
