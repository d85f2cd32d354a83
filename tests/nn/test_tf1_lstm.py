"""A TF1 checkpoint of examples/char_lstm.py's model, written by real TensorFlow, loads by name.

``tests/tf1_lstm/make_tf1_lstm.py`` (run once with TensorFlow, not a dependency) built the
same model in ``tf.compat.v1``, trained it 5 Adam steps, saved it with
``tf.compat.v1.train.Saver`` and recorded the evaluation graph's outputs. Here the
checkpoint is read with ``vs.load_tf1_checkpoint`` (only Adam's slots and counters are
dropped: the model's variables keep TF's names) and the example's model code reproduces
TF's logits, loss and final LSTM states.
"""

import importlib.util
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "tf1_lstm" / "data"
OPTIMIZER_STATE = {r"/Adam(_1)?$": None, r"^beta[12]_power$": None, r"^global_step$": None}


@pytest.fixture(scope="module")
def example():
  spec = importlib.util.spec_from_file_location("char_lstm", ROOT / "examples" / "char_lstm.py")
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


@pytest.mark.slow
def test_tf1_checkpoint_loads_by_name_and_matches_tf(example):
  params = vs.load_tf1_checkpoint(str(DATA / "model.ckpt"), rename=OPTIMIZER_STATE)
  expected = np.load(DATA / "expected.npz")
  vocab = params["char_lm"]["embedding"].shape[0]

  def evaluate(ids, targets, lengths):
    logits, state = example.char_lm(ids, lengths, vocab, training=False)
    return logits, example.masked_xent(logits, targets, lengths), state

  t = vs.transform(evaluate)
  args = (
    jnp.asarray(expected["ids"]),
    jnp.asarray(expected["targets"]),
    jnp.asarray(expected["lengths"]),
  )
  # The training graph (the one that creates) asks for exactly the checkpoint's variables.
  train = vs.transform(lambda ids, lengths: example.char_lm(ids, lengths, vocab, training=True))
  specs = train.specs(args[0], args[2])
  flat = dict(vs.flatten_params(params))
  assert sorted(specs) == sorted(flat)
  assert all(tuple(flat[n].shape) == s.shape for n, s in specs.items())

  logits, loss, state = jax.jit(t.apply)(params, *args)
  np.testing.assert_allclose(logits, expected["logits"], rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(loss, expected["loss"], rtol=1e-5, atol=1e-5)
  for i in range(2):
    np.testing.assert_allclose(state[i].c, expected["c%d" % i], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(state[i].h, expected["h%d" % i], rtol=1e-5, atol=1e-5)
  # Rows shorter than the sequence: zero outputs past their length (TF's sequence_length).
  short = int(np.argmin(expected["lengths"]))
  n = int(expected["lengths"][short])
  np.testing.assert_allclose(
    logits[short, n:],
    np.broadcast_to(params["char_lm"]["softmax"]["b"], logits[short, n:].shape),
    atol=1e-6,
  )
