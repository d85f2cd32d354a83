"""Writes the TF1 character-LSTM checkpoint that ``tests/nn/test_tf1_lstm.py`` loads without TF.

Run from the repository root with TensorFlow and tf-keras (never a dependency of varscope_jax)::

  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_lstm/make_tf1_lstm.py

It builds, in ``tf.compat.v1`` graph mode, the model of ``examples/char_lstm.py``
(``char_lm/embedding``, a 2-layer ``MultiRNNCell`` of ``LSTMCell(32)`` run by ``dynamic_rnn``
with ``sequence_length``, ``char_lm/softmax/{w,b}``) on the Zen of Python (Python's ``this``
module), trains it 5 Adam steps with output dropout (``DropoutWrapper``) in a training graph, and
evaluates it in an evaluation graph that shares the variables (``reuse=True``, no dropout).
It writes under ``tests/tf1_lstm/data/``: ``model.ckpt.*`` + ``checkpoint``
(``tf.compat.v1.train.Saver``; Adam slots and ``global_step`` included) and ``expected.npz``
(the evaluation inputs ``ids``, ``lengths``, and TF's ``logits``, ``loss`` and final states
``c0, h0, c1, h1``).
"""
import contextlib
import io
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
EMBED, UNITS, LAYERS, KEEP = 16, 32, 2, 0.8


def zen_text():
    with contextlib.redirect_stdout(io.StringIO()) as buf:
        import this  # noqa: F401 - prints the Zen of Python
    return buf.getvalue()


def char_lm(v1, ids, lengths, vocab, training):
    with v1.variable_scope("char_lm", reuse=None if training else True):
        emb = v1.get_variable("embedding", [vocab, EMBED])
        x = v1.nn.embedding_lookup(emb, ids)
        cells = [v1.nn.rnn_cell.LSTMCell(UNITS) for _ in range(LAYERS)]
        if training:
            cells = [v1.nn.rnn_cell.DropoutWrapper(c, output_keep_prob=KEEP) for c in cells]
        out, state = v1.nn.dynamic_rnn(v1.nn.rnn_cell.MultiRNNCell(cells), x,
                                       sequence_length=lengths, dtype=tf.float32)
        with v1.variable_scope("softmax"):
            w = v1.get_variable("w", [UNITS, vocab])
            b = v1.get_variable("b", [vocab], initializer=v1.zeros_initializer())
        logits = tf.einsum("btu,uv->btv", out, w) + b
    return logits, state


def main():
    tf.get_logger().setLevel("ERROR")
    v1 = tf.compat.v1
    v1.disable_eager_execution()
    os.makedirs(DATA, exist_ok=True)
    for name in os.listdir(DATA):
        os.remove(os.path.join(DATA, name))
    text = zen_text()
    vocab = sorted(set(text))
    codes = np.array([vocab.index(ch) for ch in text], np.int32)
    rng = np.random.RandomState(0)
    T, B = 24, 8
    starts = rng.randint(0, len(codes) - T - 1, size=B)
    x = np.stack([codes[s:s + T] for s in starts])
    y = np.stack([codes[s + 1:s + T + 1] for s in starts])
    lengths = np.array([T] * (B - 2) + [T // 2, 5], np.int32)

    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(0)
        ids = v1.placeholder(tf.int32, [None, T])
        tgt = v1.placeholder(tf.int32, [None, T])
        lens = v1.placeholder(tf.int32, [None])
        logits, _ = char_lm(v1, ids, lens, len(vocab), training=True)
        mask = tf.sequence_mask(lens, T, dtype=tf.float32)
        xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tgt, logits=logits)
        loss = tf.reduce_sum(xent * mask) / tf.reduce_sum(mask)
        step = v1.train.get_or_create_global_step()
        train = v1.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
        ev_logits, ev_state = char_lm(v1, ids, lens, len(vocab), training=False)
        ev_xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tgt, logits=ev_logits)
        ev_loss = tf.reduce_sum(ev_xent * mask) / tf.reduce_sum(mask)
        saver = v1.train.Saver(save_relative_paths=True)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            feed = {ids: x, tgt: y, lens: lengths}
            for _ in range(5):
                sess.run(train, feed)
            saver.save(sess, os.path.join(DATA, "model.ckpt"), write_meta_graph=False)
            lg, st, ls = sess.run([ev_logits, ev_state, ev_loss], feed)
    np.savez(os.path.join(DATA, "expected.npz"), ids=x, targets=y, lengths=lengths, logits=lg,
             loss=np.float32(ls), c0=st[0].c, h0=st[0].h, c1=st[1].c, h1=st[1].h,
             vocab=np.array(vocab))
    print("wrote", DATA, sorted(os.listdir(DATA)), "eval loss", ls)


if __name__ == "__main__":
    main()
