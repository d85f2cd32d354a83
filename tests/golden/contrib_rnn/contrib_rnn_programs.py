"""``tf.contrib.rnn.LayerNormBasicLSTMCell`` programs, shared by the TF-graph
re-implementation (make_contrib_rnn_golden.py) and varscope_jax (tests/test_contrib_rnn.py).

A program is ``fn(M, D)`` as in ../rnn_programs.py; ``M.contrib_rnn`` is the
``tf.contrib.rnn`` namespace. This module imports neither TensorFlow nor varscope_jax.
"""
PROGRAMS = {}


def program(id, random=False):
  def deco(fn):
    PROGRAMS[id] = (fn, {"random": random, "eager": False})
    return fn
  return deco


def _x(M, D, *shape, seed=0):
  return M.constant(D.x(*shape, seed=seed))


@program("lnlstm_dynamic_seq_len")
def _dynamic(M, D):
  cell = M.contrib_rnn.LayerNormBasicLSTMCell(4)
  out, state = M.nn.dynamic_rnn(cell, _x(M, D, 2, 5, 3), sequence_length=D.lens(5, 2),
                                dtype=M.float32)
  return {"out": out, "state": state, "sizes": [cell.output_size, list(cell.state_size)]}


@program("lnlstm_no_layer_norm_static")
def _static(M, D):
  cell = M.contrib_rnn.LayerNormBasicLSTMCell(3, layer_norm=False, forget_bias=0.5)
  outs, state = M.nn.static_rnn(cell, [_x(M, D, 2, 4, seed=s) for s in range(3)],
                                dtype=M.float32)
  return {"outs": outs, "state": state}


@program("lnlstm_gain_shift_relu_bidi")
def _bidi(M, D):
  make = lambda: M.contrib_rnn.LayerNormBasicLSTMCell(  # noqa: E731
      3, norm_gain=0.7, norm_shift=0.2, activation=M.relu)
  (fw, bw), (sf, sb) = M.nn.bidirectional_dynamic_rnn(
      make(), make(), _x(M, D, 2, 4, 3, seed=1), sequence_length=D.lens(3, 4),
      dtype=M.float32)
  return {"fw": fw, "bw": bw, "sf": sf, "sb": sb}


@program("lnlstm_multi_time_major")
def _multi(M, D):
  cell = M.contrib_rnn.MultiRNNCell([M.contrib_rnn.LayerNormBasicLSTMCell(3),
                                     M.contrib_rnn.LayerNormBasicLSTMCell(2)])
  out, state = M.nn.dynamic_rnn(cell, _x(M, D, 4, 2, 3, seed=2), time_major=True,
                                dtype=M.float32)
  return {"out": out, "state": state}


@program("lnlstm_direct_call_scope")
def _direct(M, D):
  cell = M.contrib_rnn.LayerNormBasicLSTMCell(2, forget_bias=0.0)
  x = _x(M, D, 3, 5)
  h1, s1 = cell(x, cell.zero_state(3, M.float32), scope="my_lstm")
  h2, s2 = cell(x, s1, scope="my_lstm")
  return {"h1": h1, "h2": h2, "s2": s2}


@program("lnlstm_recurrent_dropout", random=True)
def _dropout(M, D):
  cell = M.contrib_rnn.LayerNormBasicLSTMCell(4, dropout_keep_prob=0.5, dropout_prob_seed=3)
  out, state = M.nn.dynamic_rnn(cell, _x(M, D, 2, 6, 3), dtype=M.float32)
  return {"out": out, "state": state}
