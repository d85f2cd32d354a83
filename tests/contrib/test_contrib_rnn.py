"""``vs.contrib.rnn`` is ``tf.contrib.rnn``: TF1's cells (the same objects) and contrib's
``LayerNormBasicLSTMCell``, whose names and numerics are TF r1.15's.

The golden data (tests/golden/contrib_rnn/) comes from a TF-graph re-implementation of
r1.15's cell on TF 2.21 (tf.contrib is gone; see make_contrib_rnn_golden.py): TF's
initial values are fed as params and the outputs compared (1e-5). The dropout program's
masks are random in TF: its names and shapes are compared, and its masks differ per step.
"""

import json
import os
import sys
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join(TESTS, "golden", "contrib_rnn")
sys.path.insert(0, os.path.join(TESTS, "golden"))
sys.path.insert(0, GOLDEN_DIR)
import contrib_rnn_programs as cp  # noqa: E402
import rnn_programs as rp  # noqa: E402

with open(os.path.join(GOLDEN_DIR, "golden.json")) as f:
  GOLDEN = {r["id"]: r for r in json.load(f)["programs"]}
VALUES = dict(np.load(os.path.join(GOLDEN_DIR, "values.npz")))

M = types.SimpleNamespace(
  nn=vs.nn, contrib_rnn=vs.contrib.rnn, constant=jnp.asarray, float32=vs.float32, relu=jax.nn.relu
)


@pytest.mark.slow
@pytest.mark.parametrize("pid", list(cp.PROGRAMS))
def test_layer_norm_basic_lstm_cell_program(pid):
  fn, opts = cp.PROGRAMS[pid]
  rec = GOLDEN[pid]
  t = vs.transform(lambda: fn(M, rp.Data))
  specs = t.specs()
  assert list(specs) == [v["name"] for v in rec["variables"]]
  for v in rec["variables"]:
    s = specs[v["name"]]
    assert (list(s.shape), s.dtype.name, s.trainable) == (v["shape"], v["dtype"], v["trainable"])
  params = vs.unflatten_params(
    {v["name"]: jnp.asarray(VALUES["%s|var|%s" % (pid, v["name"])]) for v in rec["variables"]}
  )
  plain, paths = {}, []

  def run(params, rng):
    leaves = rp.flatten(t.apply(params, rng=rng))
    plain.update({p: x for p, x in leaves if rp.is_plain(x)})
    paths[:] = [p for p, x in leaves if not rp.is_plain(x)]
    return [x for p, x in leaves if not rp.is_plain(x)]

  out = list(zip(paths, jax.jit(run)(params, jax.random.PRNGKey(0))))
  assert plain == rec["plain"]
  assert [p for p, _ in out] == [o["path"] for o in rec["outputs"]]
  for (path, x), want in zip(out, rec["outputs"]):
    assert list(x.shape) == want["shape"]
    if not opts["random"]:
      np.testing.assert_allclose(
        np.asarray(x),
        VALUES["%s|out|%s" % (pid, path)],
        rtol=1e-5,
        atol=1e-5,
        err_msg="%s %s" % (pid, path),
      )


@pytest.mark.slow
def test_recurrent_dropout_draws_a_mask_per_step():
  def f(x):
    cell = vs.contrib.rnn.LayerNormBasicLSTMCell(64, dropout_keep_prob=0.5)
    return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]

  t = vs.transform(f)
  x = jnp.ones((1, 4, 3))  # the same input at every step
  params = t.init(jax.random.PRNGKey(0), x)
  with_dropout = t.apply(params, x, rng=jax.random.PRNGKey(1))
  no_dropout_fn = vs.transform(
    lambda x: vs.nn.dynamic_rnn(vs.contrib.rnn.LayerNormBasicLSTMCell(64), x, dtype=vs.float32)[0]
  )
  ref = no_dropout_fn.apply(params, x)
  assert with_dropout.shape == ref.shape == (1, 4, 64)
  assert not np.allclose(with_dropout, ref)


def test_contrib_rnn_reexports_the_same_cells():
  for name in [
    "RNNCell",
    "LSTMCell",
    "BasicLSTMCell",
    "BasicRNNCell",
    "GRUCell",
    "MultiRNNCell",
    "DropoutWrapper",
    "ResidualWrapper",
    "DeviceWrapper",
    "LSTMStateTuple",
    "LayerRNNCell",
  ]:
    assert getattr(vs.contrib.rnn, name) is getattr(vs.nn.rnn_cell, name), name
  assert vs.contrib.rnn.static_rnn is vs.nn.static_rnn
  assert vs.contrib.rnn.static_bidirectional_rnn is vs.nn.static_bidirectional_rnn
  assert sorted(vs.contrib.rnn.__all__) == vs.contrib.rnn.__all__
  with pytest.raises(TypeError, match="activation must be callable"):
    vs.contrib.rnn.LayerNormBasicLSTMCell(3, activation="tanh")
