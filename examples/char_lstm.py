"""A TF1-style character LSTM language model, trained and evaluated on plain JAX params.

    python examples/char_lstm.py [--steps N] [--quiet]

The model is TF1 code with ``vs.`` for ``tf.``: an embedding from ``get_variable``, a
2-layer ``MultiRNNCell`` of ``LSTMCell`` run by ``dynamic_rnn`` with ``sequence_length``,
``DropoutWrapper`` on the outputs while training, and a softmax layer. As in TF1, a
training graph and an evaluation graph (``reuse=True``, no dropout) share the variables:
``char_lm/embedding``, ``char_lm/rnn/multi_rnn_cell/cell_0/lstm_cell/kernel``, ...
-- the names a TF1 ``Saver`` writes, so ``vs.load_tf1_checkpoint`` reads a checkpoint of
the same model made by TensorFlow (``tests/nn/test_tf1_lstm.py`` does).

Data: the Zen of Python (Python's ``this`` module), no download. Random 32-character
windows train; the last 15% of the text is held out. At the end it samples text from
the model, one character at a time, through ``dynamic_rnn``'s ``initial_state``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import varscope_jax as vs

EMBED, UNITS, LAYERS = 16, 32, 2
KEEP_PROB = 0.8  # DropoutWrapper(output_keep_prob) while training
SEQ_LEN, BATCH = 32, 32
STEPS, LEARNING_RATE = 400, 1e-2
SEED = 0


def zen_text() -> str:
  with contextlib.redirect_stdout(io.StringIO()) as buf:
    import this  # noqa: F401 - prints the Zen of Python
  return buf.getvalue()


def char_lm(ids, lengths, vocab, training, initial_state=None):
  """The model, as TF1 code: returns ``(logits [batch, time, vocab], final_state)``."""
  with vs.variable_scope("char_lm", reuse=None if training else True):
    embedding = vs.get_variable("embedding", [vocab, EMBED])
    x = vs.nn.embedding_lookup(embedding, ids)
    cells = [vs.nn.rnn_cell.LSTMCell(UNITS) for _ in range(LAYERS)]
    if training:
      cells = [vs.nn.rnn_cell.DropoutWrapper(c, output_keep_prob=KEEP_PROB) for c in cells]
    cell = vs.nn.rnn_cell.MultiRNNCell(cells)
    outputs, state = vs.nn.dynamic_rnn(
      cell, x, sequence_length=lengths, initial_state=initial_state, dtype=vs.float32
    )
    with vs.variable_scope("softmax"):
      w = vs.get_variable("w", [UNITS, vocab])
      b = vs.get_variable("b", [vocab], initializer=vs.zeros_initializer())
    logits = jnp.einsum("btu,uv->btv", outputs, w) + b
  return logits, state


def masked_xent(logits, targets, lengths):
  mask = jnp.arange(targets.shape[1])[None, :] < lengths[:, None]
  xent = optax.softmax_cross_entropy_with_integer_labels(logits, targets)
  return jnp.sum(xent * mask) / jnp.sum(mask)


def make_functions(vocab):
  """The training and evaluation graphs, as pure functions of one params tree."""

  def train_loss(ids, targets, lengths):
    logits, _ = char_lm(ids, lengths, vocab, training=True)
    return masked_xent(logits, targets, lengths)

  def eval_loss(ids, targets, lengths):
    logits, _ = char_lm(ids, lengths, vocab, training=False)
    return masked_xent(logits, targets, lengths)

  def next_char(ids, state):  # one step, from a given state (sampling)
    logits, state = char_lm(
      ids, jnp.ones(ids.shape[:1], jnp.int32), vocab, training=False, initial_state=state
    )
    return logits[:, -1], state

  return vs.transform(train_loss), vs.transform(eval_loss), vs.transform(next_char)


def windows(codes, rng, batch, length):
  starts = rng.randint(0, len(codes) - length - 1, size=batch)
  x = np.stack([codes[s : s + length] for s in starts])
  y = np.stack([codes[s + 1 : s + length + 1] for s in starts])
  return x, y, np.full((batch,), length, np.int32)


def main(argv=None):
  ap = argparse.ArgumentParser(description=str(__doc__).splitlines()[0])
  ap.add_argument("--steps", type=int, default=STEPS)
  ap.add_argument("--quiet", action="store_true", help="no progress bar")
  args = ap.parse_args(argv)
  t_start = time.time()

  text = zen_text()
  chars = sorted(set(text))
  codes = np.array([chars.index(c) for c in text], np.int32)
  split = int(len(codes) * 0.85)
  train_codes, val_codes = codes[:split], codes[split - SEQ_LEN :]
  vocab = len(chars)
  rng = np.random.RandomState(SEED)
  val = windows(val_codes, np.random.RandomState(1), 64, SEQ_LEN)

  train, evaluate, step_fn = make_functions(vocab)
  params = train.init(jax.random.PRNGKey(SEED), *windows(train_codes, rng, BATCH, SEQ_LEN))
  # evaluate.init would fail with TF's "Variable char_lm/embedding does not exist": the
  # evaluation graph (reuse=True) only reads the variables the training graph made.
  opt = optax.adam(LEARNING_RATE)
  opt_state = opt.init(params)

  @jax.jit
  def update(params, opt_state, batch, key):
    loss, grads = jax.value_and_grad(train.apply)(params, *batch, rng=key)
    updates, opt_state = opt.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss

  eval_fn = jax.jit(evaluate.apply)
  first = float(eval_fn(params, *val))
  print("variables:")
  for name, leaf in vs.flatten_params(params):
    print("  %-55s %s" % (name, tuple(leaf.shape)))
  print("step 0 val_loss=%.3f" % first)
  steps = range(1, args.steps + 1)
  bar = None
  if not args.quiet:
    from tqdm import tqdm

    steps = bar = tqdm(steps, desc="train", file=sys.stdout)
  for step in steps:
    batch = windows(train_codes, rng, BATCH, SEQ_LEN)
    params, opt_state, loss = update(params, opt_state, batch, jax.random.PRNGKey(step))
    if step % 100 == 0 or step == args.steps:
      msg = "step %d train_loss=%.3f val_loss=%.3f" % (
        step,
        float(loss),
        float(eval_fn(params, *val)),
      )
      (bar.write if bar is not None else print)(msg)
  if bar is not None:
    bar.close()

  # Sampling: the evaluation model one character at a time, carrying dynamic_rnn's state.
  next_char = jax.jit(step_fn.apply)
  state = tuple(
    vs.nn.rnn_cell.LSTMStateTuple(jnp.zeros((1, UNITS)), jnp.zeros((1, UNITS)))
    for _ in range(LAYERS)
  )
  out, ids = "Beautiful", None
  for ch in out:
    logits, state = next_char(params, jnp.array([[chars.index(ch)]]), state)
  for _ in range(60):
    ids = int(jnp.argmax(logits[0]))
    out += chars[ids]
    logits, state = next_char(params, jnp.array([[ids]]), state)
  print("sample: %r" % out)
  print("time %.1fs" % (time.time() - t_start))
  print("val_loss=%.3f (from %.3f)" % (float(eval_fn(params, *val)), first))


if __name__ == "__main__":
  main()
