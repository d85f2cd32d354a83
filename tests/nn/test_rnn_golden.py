"""Replays the RNN golden programs (tests/golden/rnn_programs.py) recorded from real TensorFlow.

For each program: the variables ``transform(...).specs()`` finds (names, shapes, dtypes,
trainable) are TF's; ``apply`` with TF's initial values gives TF's outputs and final
states (float32, within 1e-5) and TF's plain results (sizes, layer names); a program
that raised in TF raises the same error type, with TF's first line (apply runs under
``jax.jit``; the eager programs below run un-jitted). Programs marked
``eager`` also run in an eager ``vs.Graph`` (names and shapes).

Regenerate the data with ``TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python
tests/golden/make_rnn_golden.py`` (needs TensorFlow and tf-keras; not a dependency).
"""

import json
import os
import re
import sys
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS, "golden"))
import rnn_programs as rp  # noqa: E402

GOLDEN_DIR = os.path.join(TESTS, "golden", "rnn")
with open(os.path.join(GOLDEN_DIR, "golden.json")) as f:
  GOLDEN = {r["id"]: r for r in json.load(f)["programs"]}
VALUES = dict(np.load(os.path.join(GOLDEN_DIR, "values.npz")))
REGEN = "regenerate: TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/make_rnn_golden.py"

# Where TF's first line describes its graph internals (a MatMul node, Keras' dynamic-layer
# check), varscope_jax raises the same error type with a message that names the scope.
OWN_MESSAGES = {
  "dynamic_seq_len_length_error": "dynamic_rnn (scope 'rnn'): sequence_length has shape (3,) but the batch size of the "
  "inputs is 2. Pass one length per sequence of the batch.",
  "dynamic_state_not_tuple_error": "dynamic_rnn (scope 'rnn'): the state does not match the cell's state_size. Cell "
  "'lstm_cell_1' has state_size LSTMStateTuple(c=3, h=3), but the state given is an array "
  "of shape (2, 6). Pass a state shaped like cell.zero_state(batch_size, dtype).",
  "dynamic_state_wrong_width_error": "dynamic_rnn (scope 'rnn'): the state does not match the cell's state_size. Cell "
  "'gru_cell_1' has state_size 3, but the state given is an array of shape (2, 5). Pass a "
  "state shaped like cell.zero_state(batch_size, dtype).",
  "dynamic_cell_other_input_size_error": "Cell 'lstm_cell_1' (scope 'rnn/lstm_cell') was built for inputs of depth 3 but is now "
  "called with inputs of shape (2, 5). A cell object keeps its variables: use a new cell "
  "object for inputs of another size.",
}


def _normalize(msg):
  """Array reprs differ between TF and JAX; so do object addresses."""
  msg = re.sub(r'Tensor\("[^"]*", shape=\([^)]*\), dtype=\w+\)', "<tensor>", msg)
  msg = re.sub(r"<array shape=\([^)]*\) dtype=\w+>", "<tensor>", msg)
  msg = re.sub(r" at 0x[0-9a-f]+", " at 0x", msg)
  # TF 2.21 puts the creation traceback of an existing variable on later lines only.
  return msg.removesuffix(" Originally defined at:")


def _value(v):
  return v.value() if isinstance(v, vs.Variable) else v


M = types.SimpleNamespace(
  rnn_cell=vs.nn.rnn_cell,
  nn=vs.nn,
  variable_scope=vs.variable_scope,
  name_scope=vs.name_scope,
  get_variable=lambda *a, **k: _value(vs.get_variable(*a, **k)),
  AUTO_REUSE=vs.AUTO_REUSE,
  constant=jnp.asarray,
  float32=vs.float32,
  float16=vs.float16,
  int32=vs.int32,
  relu=jax.nn.relu,
  tanh=jnp.tanh,
  sigmoid=jax.nn.sigmoid,
  matmul=jnp.matmul,
  concat=lambda xs, axis: jnp.concatenate(xs, axis),
  reshape=jnp.reshape,
  einsum=jnp.einsum,
  random_uniform_initializer=vs.random_uniform_initializer,
  constant_initializer=vs.constant_initializer,
  zeros_initializer=vs.zeros_initializer,
)


def _check_error(pid, rec, exc):
  want = rec["error"]
  assert type(exc).__name__ == want["type"], (pid, exc, want, REGEN)
  got = str(exc).strip().splitlines()[0]
  if pid in OWN_MESSAGES:
    assert got == OWN_MESSAGES[pid], (pid, got)
  else:
    assert _normalize(got) == _normalize(want["first_line"]), (pid, got, want["first_line"])


def _tf_params(pid, rec):
  flat = {v["name"]: jnp.asarray(VALUES["%s|var|%s" % (pid, v["name"])]) for v in rec["variables"]}
  return vs.unflatten_params(flat)


def _apply(t, params, jit):
  """``t.apply`` under ``jax.jit``, or op by op with ``jax.disable_jit()`` (no compiles:
  fast for 100 small programs). Plain Python results (sizes, names) are kept from the trace."""
  plain, order = {}, []

  def run(params, rng):
    leaves = rp.flatten(t.apply(params, rng=rng))
    plain.update({p: x for p, x in leaves if rp.is_plain(x)})
    order[:] = [p for p, x in leaves if not rp.is_plain(x)]
    return [x for p, x in leaves if not rp.is_plain(x)]

  if jit:
    arrays = jax.jit(run)(params, jax.random.PRNGKey(0))
  else:
    with jax.disable_jit():
      arrays = run(params, jax.random.PRNGKey(0))
  return plain, list(zip(order, arrays))


def _check_outputs(pid, rec, plain, tensors):
  assert plain == rec["plain"], (pid, plain, rec["plain"])
  assert [p for p, _ in tensors] == [o["path"] for o in rec["outputs"]], pid
  for (path, t), want in zip(tensors, rec["outputs"]):
    assert list(t.shape) == want["shape"], (pid, path, t.shape, want["shape"])
    assert jnp.dtype(t.dtype).name == want["dtype"], (pid, path, t.dtype, want["dtype"])
    if not rec["random"]:
      expected = VALUES["%s|out|%s" % (pid, path)]
      np.testing.assert_allclose(
        np.asarray(t), expected, rtol=1e-5, atol=1e-5, err_msg="%s %s (%s)" % (pid, path, REGEN)
      )


# Also run under jax.jit (the lax.scan path as users run it): every driver, with and
# without sequence_length, time-major, wrappers, errors raised while tracing.
JITTED = [
  "cell_lstm_everything",
  "multi_with_wrappers",
  "dynamic_lstm_seq_len",
  "dynamic_gru_time_major_seq_len",
  "dynamic_multi_mixed",
  "dynamic_train_eval_sharing",
  "dynamic_nested_tuple_inputs",
  "dynamic_lstm_proj_peep_seq_len",
  "dynamic_time_length_one",
  "dynamic_dropout_random",
  "bidi_time_major_seq_len",
  "static_multi_seq_len",
  "static_bidi_seq_len_scope",
  "embedding_lookup_partitioned_div",
  "char_lm_model",
  "dynamic_cell_other_input_size_error",
]


def _run_program(pid, jit):
  fn, _ = rp.PROGRAMS[pid]
  assert pid in GOLDEN, "program %s has no golden record; %s" % (pid, REGEN)
  rec = GOLDEN[pid]
  t = vs.transform(lambda: fn(M, rp.Data))
  if rec["error"]:
    with pytest.raises(Exception) as info:
      t.specs()
    _check_error(pid, rec, info.value)
    return
  specs = t.specs()
  assert list(specs) == [v["name"] for v in rec["variables"]], (pid, list(specs))
  for v in rec["variables"]:
    spec = specs[v["name"]]
    assert (list(spec.shape), spec.dtype.name, spec.trainable) == (
      v["shape"],
      v["dtype"],
      v["trainable"],
    ), (pid, v)
  plain, tensors = _apply(t, _tf_params(pid, rec), jit)
  _check_outputs(pid, rec, plain, tensors)


@pytest.mark.parametrize("pid", list(rp.PROGRAMS))
def test_rnn_program(pid):
  _run_program(pid, jit=False)


@pytest.mark.parametrize("pid", JITTED)
def test_rnn_program_jit(pid):
  _run_program(pid, jit=True)


EAGER = [pid for pid, (_, opts) in rp.PROGRAMS.items() if opts["eager"]]


@pytest.mark.slow
@pytest.mark.parametrize("pid", EAGER)
def test_rnn_program_eager(pid):
  fn, _ = rp.PROGRAMS[pid]
  rec = GOLDEN[pid]
  with vs.Graph().as_default():
    out = fn(M, rp.Data)
    names = list(vs.global_variables())
  assert names == [v["name"] for v in rec["variables"]]
  shapes = [(p, list(t.shape)) for p, t in rp.flatten(out) if not rp.is_plain(t)]
  assert shapes == [(o["path"], o["shape"]) for o in rec["outputs"]]


def test_golden_covers_every_program():
  assert set(GOLDEN) == set(rp.PROGRAMS), REGEN
  assert len(GOLDEN) >= 60
