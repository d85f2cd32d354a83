"""RNN golden programs, shared by TensorFlow (make_rnn_golden.py) and varscope_jax (test_rnn_golden.py).

A program is ``fn(M, D)``: ``M`` is an adapter with TF1's names (``M.rnn_cell.LSTMCell``,
``M.nn.dynamic_rnn``, ``M.variable_scope``, ``M.constant`` ...), ``D`` makes the fixed input data
(numpy). It returns a dict whose leaves are tensors (their values are recorded) or plain Python
values (recorded as they are: sizes, names). A program that raises records the error's type and
the first line of its message.

``random=True`` marks programs whose outputs are random in TF (dropout below keep 1): only the
names, shapes and dtypes of their outputs are compared.

This module imports neither TensorFlow nor varscope_jax.
"""
import numpy as np

PROGRAMS = {}  # id -> (fn, options)


def program(id, random=False, eager=False):
    """Register ``fn(M, D)`` under ``id``. ``eager=True``: also replayed in an eager graph."""

    def deco(fn):
        if id in PROGRAMS:
            raise ValueError("duplicate program %r" % id)
        PROGRAMS[id] = (fn, {"random": random, "eager": eager})
        return fn

    return deco


class Data:
    """Deterministic inputs: uniform floats in [-scale, scale], int ids, lengths."""

    @staticmethod
    def x(*shape, seed=0, scale=1.0):
        return (np.random.RandomState(seed).uniform(-scale, scale, size=shape)).astype(np.float32)

    @staticmethod
    def ids(*shape, vocab=10, seed=0):
        return np.random.RandomState(seed).randint(0, vocab, size=shape).astype(np.int32)

    @staticmethod
    def lens(*values):
        return np.asarray(values, dtype=np.int32)


def sizes(s):
    """A cell's state_size / output_size as plain nested lists (namedtuples flattened)."""
    if isinstance(s, (tuple, list)):
        return [sizes(v) for v in s]
    return int(s)


def flatten(tree, prefix=""):
    """(path, leaf) pairs of a nested dict/tuple/list; dict keys sorted."""
    if isinstance(tree, dict):
        out = []
        for k in sorted(tree):
            out += flatten(tree[k], prefix + "/" + str(k) if prefix else str(k))
        return out
    if isinstance(tree, (tuple, list)):
        out = []
        for i, v in enumerate(tree):
            out += flatten(v, "%s/%d" % (prefix, i))
        if not tree:
            out.append((prefix, []))
        return out
    return [(prefix, tree)]


def is_plain(v):
    return v is None or isinstance(v, (bool, int, float, str, list))


# ---------------------------------------------------------------------------------------------
# Cells called directly
# ---------------------------------------------------------------------------------------------

def _step(M, D, cell, depth=3, batch=2, seed=0, scale=1.0, state=None):
    x = M.constant(D.x(batch, depth, seed=seed, scale=scale))
    if state is None:
        state = cell.zero_state(batch, M.float32)
    out, new_state = cell(x, state)
    return {"out": out, "state": new_state, "state_size": sizes(cell.state_size),
            "output_size": sizes(cell.output_size)}


@program("cell_basic_rnn", eager=True)
def _(M, D):
    return _step(M, D, M.rnn_cell.BasicRNNCell(4))


@program("cell_basic_rnn_relu")
def _(M, D):
    return _step(M, D, M.rnn_cell.BasicRNNCell(4, activation=M.relu))


@program("cell_basic_lstm", eager=True)
def _(M, D):
    return _step(M, D, M.rnn_cell.BasicLSTMCell(4))


@program("cell_basic_lstm_forget0")
def _(M, D):
    return _step(M, D, M.rnn_cell.BasicLSTMCell(3, forget_bias=0.0), depth=5)


@program("cell_basic_lstm_concat_state")
def _(M, D):
    cell = M.rnn_cell.BasicLSTMCell(3, state_is_tuple=False)
    st = M.constant(D.x(2, 6, seed=4))
    return _step(M, D, cell, state=st)


@program("cell_lstm", eager=True)
def _(M, D):
    return _step(M, D, M.rnn_cell.LSTMCell(4))


@program("cell_lstm_peepholes")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(4, use_peepholes=True)
    st = M.rnn_cell.LSTMStateTuple(M.constant(D.x(2, 4, seed=1)), M.constant(D.x(2, 4, seed=2)))
    return _step(M, D, cell, state=st)


@program("cell_lstm_cell_clip")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(4, cell_clip=0.05)
    st = M.rnn_cell.LSTMStateTuple(M.constant(D.x(2, 4, seed=1, scale=3.0)),
                                   M.constant(D.x(2, 4, seed=2)))
    return _step(M, D, cell, state=st, scale=3.0)


@program("cell_lstm_num_proj")
def _(M, D):
    return _step(M, D, M.rnn_cell.LSTMCell(5, num_proj=3))


@program("cell_lstm_proj_clip")
def _(M, D):
    return _step(M, D, M.rnn_cell.LSTMCell(5, num_proj=3, proj_clip=0.01), scale=3.0)


@program("cell_lstm_everything")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(4, use_peepholes=True, cell_clip=0.5, num_proj=2, proj_clip=0.1,
                               forget_bias=0.5, state_is_tuple=False, activation=M.relu)
    st = M.constant(D.x(2, 6, seed=7, scale=2.0))
    return _step(M, D, cell, state=st, scale=2.0)


@program("cell_lstm_initializer")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(3, use_peepholes=True, num_proj=2,
                               initializer=M.random_uniform_initializer(-0.5, 0.5))
    return _step(M, D, cell)


@program("cell_lstm_concat_state_proj")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(4, num_proj=2, state_is_tuple=False)
    return _step(M, D, cell)


@program("cell_gru", eager=True)
def _(M, D):
    return _step(M, D, M.rnn_cell.GRUCell(4))


@program("cell_gru_initializers")
def _(M, D):
    cell = M.rnn_cell.GRUCell(3, kernel_initializer=M.constant_initializer(0.1),
                              bias_initializer=M.constant_initializer(0.5), activation=M.relu)
    st = M.constant(D.x(2, 3, seed=3))
    return _step(M, D, cell, state=st)


@program("cell_called_twice_shares")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(3)
    a = _step(M, D, cell)
    out2, st2 = cell(M.constant(D.x(2, 3, seed=9)), a["state"])
    return {"a": a, "out2": out2, "st2": st2, "name": cell.name}


@program("cell_two_objects_names")
def _(M, D):
    c1, c2 = M.rnn_cell.GRUCell(3), M.rnn_cell.GRUCell(3)
    a = _step(M, D, c1)
    b = _step(M, D, c2, seed=1)
    return {"a": a, "b": b, "names": [c1.name, c2.name]}


@program("cell_named")
def _(M, D):
    with M.variable_scope("outer"):
        c1 = M.rnn_cell.LSTMCell(3, name="enc")
        c2 = M.rnn_cell.LSTMCell(3, name="enc")
        a = _step(M, D, c1)
        b = _step(M, D, c2)
    return {"a": a, "b": b, "names": [c1.name, c2.name]}


@program("cell_scope_argument")
def _(M, D):
    cell = M.rnn_cell.BasicRNNCell(3)
    x = M.constant(D.x(2, 3))
    out, st = cell(x, cell.zero_state(2, M.float32), scope="foo")
    out2, st2 = cell(x, st)
    return {"out": out, "out2": out2}


@program("cell_in_scopes")
def _(M, D):
    with M.variable_scope("model"):
        with M.name_scope("ns"):
            with M.variable_scope("layer"):
                a = _step(M, D, M.rnn_cell.GRUCell(3))
        b = _step(M, D, M.rnn_cell.GRUCell(3))
    c = _step(M, D, M.rnn_cell.GRUCell(3))
    return {"a": a, "b": b, "c": c}


@program("cell_reuse_argument")
def _(M, D):
    a = _step(M, D, M.rnn_cell.BasicLSTMCell(3))
    b = _step(M, D, M.rnn_cell.BasicLSTMCell(3, reuse=True), seed=5)
    return {"a": a, "b": b}


@program("cell_scope_reuse_true")
def _(M, D):
    with M.variable_scope("s"):
        a = _step(M, D, M.rnn_cell.LSTMCell(3))
    with M.variable_scope("s", reuse=True):
        b = _step(M, D, M.rnn_cell.LSTMCell(3), seed=5)
    return {"a": a, "b": b}


@program("cell_auto_reuse")
def _(M, D):
    outs = []
    for i in range(2):
        with M.variable_scope("s", reuse=M.AUTO_REUSE):
            outs.append(_step(M, D, M.rnn_cell.GRUCell(3), seed=i))
    return {"outs": outs}


@program("cell_zero_state", eager=True)
def _(M, D):
    multi = M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(3), M.rnn_cell.GRUCell(2),
                                     M.rnn_cell.LSTMCell(4, num_proj=2)])
    return {"lstm": M.rnn_cell.LSTMCell(3).zero_state(4, M.float32),
            "basic_concat": M.rnn_cell.BasicLSTMCell(3, state_is_tuple=False).zero_state(2, M.float32),
            "multi": multi.zero_state(2, M.float32), "multi_size": sizes(multi.state_size),
            "multi_out": sizes(multi.output_size)}


@program("cell_float64_state_dtype")
def _(M, D):
    return {"z": M.rnn_cell.GRUCell(3).zero_state(2, M.float16)}


# ---------------------------------------------------------------------------------------------
# MultiRNNCell and wrappers
# ---------------------------------------------------------------------------------------------

@program("multi_lstm_call")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(4), M.rnn_cell.LSTMCell(3)])
    return _step(M, D, cell)


@program("multi_concat_state")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.GRUCell(4), M.rnn_cell.BasicRNNCell(3)],
                                   state_is_tuple=False)
    st = M.constant(D.x(2, 7, seed=3))
    return _step(M, D, cell, state=st)


@program("multi_same_cell_twice")
def _(M, D):
    g = M.rnn_cell.GRUCell(3)
    cell = M.rnn_cell.MultiRNNCell([g, g])
    return _step(M, D, cell)


@program("multi_with_wrappers")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([
        M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), input_keep_prob=1.0, output_keep_prob=1.0),
        M.rnn_cell.ResidualWrapper(M.rnn_cell.GRUCell(3)),
        M.rnn_cell.ResidualWrapper(M.rnn_cell.DropoutWrapper(M.rnn_cell.BasicLSTMCell(3)))])
    return _step(M, D, cell)


@program("dropout_wrapper_keep1", eager=True)
def _(M, D):
    cell = M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), input_keep_prob=1.0,
                                     output_keep_prob=1.0, state_keep_prob=1.0)
    return _step(M, D, cell)


@program("dropout_wrapper_output", random=True)
def _(M, D):
    cell = M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), output_keep_prob=0.5)
    return _step(M, D, cell)


@program("dropout_wrapper_input_state", random=True)
def _(M, D):
    cell = M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), input_keep_prob=0.7,
                                     state_keep_prob=0.6, seed=3)
    return _step(M, D, cell)


@program("dropout_wrapper_variational", random=True)
def _(M, D):
    cell = M.rnn_cell.DropoutWrapper(M.rnn_cell.GRUCell(3), input_keep_prob=0.7,
                                     output_keep_prob=0.8, state_keep_prob=0.9,
                                     variational_recurrent=True, input_size=3, dtype=M.float32)
    x = M.constant(D.x(2, 4, 3))
    out, st = M.nn.dynamic_rnn(cell, x, dtype=M.float32)
    return {"out": out, "st": st}


@program("dropout_wrapper_bad_prob")
def _(M, D):
    M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), input_keep_prob=1.5)


@program("dropout_wrapper_variational_no_dtype")
def _(M, D):
    M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), output_keep_prob=0.5,
                              variational_recurrent=True)


@program("dropout_wrapper_variational_no_input_size")
def _(M, D):
    M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3), input_keep_prob=0.5,
                              variational_recurrent=True, dtype=M.float32)


@program("residual_wrapper")
def _(M, D):
    return _step(M, D, M.rnn_cell.ResidualWrapper(M.rnn_cell.LSTMCell(3)))


@program("residual_wrapper_fn")
def _(M, D):
    cell = M.rnn_cell.ResidualWrapper(M.rnn_cell.GRUCell(2), residual_fn=lambda i, o: o * 2.0 + i[:, :2])
    return _step(M, D, cell)


@program("residual_wrapper_shape_error")
def _(M, D):
    return _step(M, D, M.rnn_cell.ResidualWrapper(M.rnn_cell.LSTMCell(4)))


@program("multi_empty_error")
def _(M, D):
    M.rnn_cell.MultiRNNCell([])


@program("multi_tuple_state_flag_error")
def _(M, D):
    M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(3)], state_is_tuple=False)


@program("multi_state_not_tuple_error")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.GRUCell(3), M.rnn_cell.GRUCell(3)])
    return _step(M, D, cell, state=M.constant(D.x(2, 6)))


# ---------------------------------------------------------------------------------------------
# dynamic_rnn
# ---------------------------------------------------------------------------------------------

def _dyn(M, D, cell, batch=2, time=5, depth=3, seed=0, **kw):
    x = M.constant(D.x(time, batch, depth, seed=seed) if kw.get("time_major")
                   else D.x(batch, time, depth, seed=seed))
    kw.setdefault("dtype", M.float32)
    out, st = M.nn.dynamic_rnn(cell, x, **kw)
    return {"out": out, "state": st}


@program("dynamic_lstm")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(4))


@program("dynamic_lstm_time_major")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(4), time_major=True)


@program("dynamic_lstm_seq_len", eager=True)
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(4), batch=3, sequence_length=M.constant(D.lens(5, 2, 3)))


@program("dynamic_lstm_seq_len_zero")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(3), batch=3, sequence_length=M.constant(D.lens(0, 5, 1)))


@program("dynamic_lstm_seq_len_all_short")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.BasicLSTMCell(3), batch=2, sequence_length=M.constant(D.lens(2, 3)))


@program("dynamic_seq_len_python_list")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.GRUCell(3), batch=3, sequence_length=[4, 1, 5])


@program("dynamic_gru_time_major_seq_len")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.GRUCell(4), batch=3, time_major=True,
                sequence_length=M.constant(D.lens(1, 4, 5)))


@program("dynamic_basic_rnn_initial_state")
def _(M, D):
    st = M.constant(D.x(2, 4, seed=11))
    return _dyn(M, D, M.rnn_cell.BasicRNNCell(4), initial_state=st, dtype=None)


@program("dynamic_lstm_initial_state_tuple")
def _(M, D):
    st = M.rnn_cell.LSTMStateTuple(M.constant(D.x(2, 3, seed=1)), M.constant(D.x(2, 3, seed=2)))
    return _dyn(M, D, M.rnn_cell.LSTMCell(3), initial_state=st, dtype=None)


@program("dynamic_multi_lstm_seq_len")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(4), M.rnn_cell.LSTMCell(3)])
    return _dyn(M, D, cell, batch=3, sequence_length=M.constant(D.lens(5, 3, 1)))


@program("dynamic_multi_mixed")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.GRUCell(3), M.rnn_cell.BasicLSTMCell(4),
                                    M.rnn_cell.BasicRNNCell(2)])
    return _dyn(M, D, cell, time_major=True)


@program("dynamic_lstm_proj_peep_seq_len")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(5, use_peepholes=True, num_proj=3, cell_clip=1.0, proj_clip=0.5)
    return _dyn(M, D, cell, batch=3, sequence_length=M.constant(D.lens(2, 5, 4)))


@program("dynamic_basic_lstm_concat_state_seq_len")
def _(M, D):
    cell = M.rnn_cell.BasicLSTMCell(3, state_is_tuple=False)
    return _dyn(M, D, cell, batch=3, sequence_length=M.constant(D.lens(2, 5, 4)))


@program("dynamic_scope_name")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.GRUCell(3), scope="encoder")


@program("dynamic_scope_object")
def _(M, D):
    with M.variable_scope("enc") as sc:
        pass
    return _dyn(M, D, M.rnn_cell.GRUCell(3), scope=sc)


@program("dynamic_train_eval_sharing")
def _(M, D):
    outs = {}
    for mode, reuse in (("train", None), ("eval", True)):
        with M.variable_scope("model", reuse=reuse):
            cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(3) for _ in range(2)])
            outs[mode] = _dyn(M, D, cell)
    return outs


@program("dynamic_same_cell_two_scopes")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(3)
    a = _dyn(M, D, cell, scope="a")
    b = _dyn(M, D, cell, scope="b", seed=3)
    return {"a": a, "b": b}


@program("dynamic_two_new_cells_default_scope_error")
def _(M, D):
    _dyn(M, D, M.rnn_cell.LSTMCell(3))
    return _dyn(M, D, M.rnn_cell.LSTMCell(3))


@program("dynamic_two_new_cells_auto_reuse")
def _(M, D):
    with M.variable_scope("m", reuse=M.AUTO_REUSE):
        a = _dyn(M, D, M.rnn_cell.LSTMCell(3))
        b = _dyn(M, D, M.rnn_cell.LSTMCell(3), seed=2)
    return {"a": a, "b": b}


@program("dynamic_two_cells_in_one_scope")
def _(M, D):
    with M.variable_scope("rnn"):
        c1 = M.rnn_cell.GRUCell(3)
        c2 = M.rnn_cell.GRUCell(3)
        o1, _s = c1(M.constant(D.x(2, 3)), c1.zero_state(2, M.float32))
        o2, _s = c2(M.constant(D.x(2, 3)), c2.zero_state(2, M.float32))
    return {"o1": o1, "o2": o2}


@program("dynamic_nested_tuple_inputs")
def _(M, D):
    class Concat(M.rnn_cell.RNNCell):
        def __init__(self, units):
            super().__init__()
            self._units = units

        @property
        def state_size(self):
            return self._units

        @property
        def output_size(self):
            return (self._units, 2)

        def call(self, inputs, state):
            a, b = inputs
            w = M.get_variable("w", [a.shape[-1] + b.shape[-1] + self._units, self._units])
            h = M.tanh(M.matmul(M.concat([a, b, state], 1), w))
            return (h, b[:, :2] * 2.0), h

    xa, xb = M.constant(D.x(2, 4, 3)), M.constant(D.x(2, 4, 2, seed=1))
    out, st = M.nn.dynamic_rnn(Concat(3), (xa, xb), dtype=M.float32,
                               sequence_length=M.constant(D.lens(4, 2)))
    return {"out": out, "state": st}


@program("dynamic_user_cell_get_variable")
def _(M, D):
    class MyCell(M.rnn_cell.RNNCell):
        @property
        def state_size(self):
            return 3

        @property
        def output_size(self):
            return 3

        def call(self, inputs, state):
            w = M.get_variable("w", [inputs.shape[-1], 3])
            u = M.get_variable("u", [3, 3])
            b = M.get_variable("b", [3], initializer=M.zeros_initializer())
            h = M.tanh(M.matmul(inputs, w) + M.matmul(state, u) + b)
            return h, h

    cell = MyCell()
    a = _dyn(M, D, cell)
    with M.variable_scope("again"):
        b = _dyn(M, D, cell, seed=4)
    return {"a": a, "b": b, "name": cell.name}


@program("dynamic_user_cell_old_style_scope")
def _(M, D):
    class OldCell(M.rnn_cell.RNNCell):
        @property
        def state_size(self):
            return 2

        @property
        def output_size(self):
            return 2

        def call(self, inputs, state, scope=None):
            with M.variable_scope(scope or "old"):
                w = M.get_variable("w", [inputs.shape[-1] + 2, 2])
            h = M.sigmoid(M.matmul(M.concat([inputs, state], 1), w))
            return h, h

    return _dyn(M, D, OldCell())


@program("dynamic_wrapped_lstm_keep1_seq_len")
def _(M, D):
    cell = M.rnn_cell.ResidualWrapper(M.rnn_cell.DropoutWrapper(M.rnn_cell.LSTMCell(3)))
    return _dyn(M, D, cell, batch=3, sequence_length=M.constant(D.lens(5, 0, 2)))


@program("dynamic_dropout_random", random=True)
def _(M, D):
    cell = M.rnn_cell.DropoutWrapper(M.rnn_cell.GRUCell(3), output_keep_prob=0.5,
                                     state_keep_prob=0.5, input_keep_prob=0.5)
    return _dyn(M, D, cell)


@program("dynamic_time_length_one")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(2), time=1, sequence_length=M.constant(D.lens(1, 0)))


@program("dynamic_no_dtype_error")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(3), dtype=None)


@program("dynamic_rank2_error")
def _(M, D):
    out, st = M.nn.dynamic_rnn(M.rnn_cell.LSTMCell(3), M.constant(D.x(2, 3)), dtype=M.float32)
    return {"out": out}


@program("dynamic_seq_len_rank_error")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(3), sequence_length=M.constant(np.ones((2, 1), np.int32)))


@program("dynamic_seq_len_length_error")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(3), sequence_length=M.constant(D.lens(1, 2, 3)))


@program("dynamic_state_not_tuple_error")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.LSTMCell(3), initial_state=M.constant(D.x(2, 6)))


@program("dynamic_state_wrong_width_error")
def _(M, D):
    return _dyn(M, D, M.rnn_cell.GRUCell(3), initial_state=M.constant(D.x(2, 5)))


@program("dynamic_int_inputs_error")
def _(M, D):
    out, st = M.nn.dynamic_rnn(M.rnn_cell.GRUCell(3), M.constant(D.ids(2, 4, 3)), dtype=M.int32)
    return {"out": out}


@program("dynamic_cell_other_input_size_error")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(3)
    _dyn(M, D, cell, depth=3)
    return _dyn(M, D, cell, depth=5, scope="second")


@program("cell_rank3_input_error")
def _(M, D):
    cell = M.rnn_cell.LSTMCell(3)
    M.rnn_cell.LSTMCell(3)
    return cell(M.constant(D.x(2, 4, 3)), cell.zero_state(2, M.float32))


@program("dynamic_not_a_cell_error")
def _(M, D):
    return M.nn.dynamic_rnn(lambda x, s: (x, s), M.constant(D.x(2, 4, 3)), dtype=M.float32)


# ---------------------------------------------------------------------------------------------
# bidirectional_dynamic_rnn
# ---------------------------------------------------------------------------------------------

def _bidi(M, D, fw, bw, batch=2, time=4, depth=3, seed=0, **kw):
    x = M.constant(D.x(time, batch, depth, seed=seed) if kw.get("time_major")
                   else D.x(batch, time, depth, seed=seed))
    if "initial_state_fw" not in kw:
        kw.setdefault("dtype", M.float32)
    outs, states = M.nn.bidirectional_dynamic_rnn(fw, bw, x, **kw)
    return {"outs": outs, "states": states}


@program("bidi_lstm")
def _(M, D):
    return _bidi(M, D, M.rnn_cell.LSTMCell(3), M.rnn_cell.LSTMCell(2))


@program("bidi_gru_seq_len")
def _(M, D):
    return _bidi(M, D, M.rnn_cell.GRUCell(3), M.rnn_cell.GRUCell(3), batch=3,
                 sequence_length=M.constant(D.lens(4, 1, 3)))


@program("bidi_time_major_seq_len")
def _(M, D):
    return _bidi(M, D, M.rnn_cell.BasicLSTMCell(3), M.rnn_cell.BasicRNNCell(2), batch=3,
                 time_major=True, sequence_length=M.constant(D.lens(2, 4, 0)))


@program("bidi_scope_multi")
def _(M, D):
    fw = M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(3), M.rnn_cell.LSTMCell(3)])
    bw = M.rnn_cell.MultiRNNCell([M.rnn_cell.GRUCell(3), M.rnn_cell.GRUCell(2)])
    with M.variable_scope("encoder"):
        return _bidi(M, D, fw, bw, scope="bi")


@program("bidi_initial_states")
def _(M, D):
    sf = M.constant(D.x(2, 3, seed=5))
    sb = M.rnn_cell.LSTMStateTuple(M.constant(D.x(2, 2, seed=6)), M.constant(D.x(2, 2, seed=7)))
    return _bidi(M, D, M.rnn_cell.GRUCell(3), M.rnn_cell.LSTMCell(2), initial_state_fw=sf,
                 initial_state_bw=sb)


@program("bidi_same_cell_both_directions")
def _(M, D):
    c = M.rnn_cell.GRUCell(3)
    return _bidi(M, D, c, c)


@program("bidi_two_layers_stacked")
def _(M, D):
    x = M.constant(D.x(2, 4, 3))
    for i in range(2):
        with M.variable_scope("layer_%d" % i):
            (of, ob), _ = M.nn.bidirectional_dynamic_rnn(M.rnn_cell.LSTMCell(2), M.rnn_cell.LSTMCell(2),
                                                          x, dtype=M.float32)
            x = M.concat([of, ob], 2)
    return {"x": x}


# ---------------------------------------------------------------------------------------------
# static_rnn, static_bidirectional_rnn
# ---------------------------------------------------------------------------------------------

def _inputs_list(M, D, time=4, batch=2, depth=3, seed=0):
    return [M.constant(D.x(batch, depth, seed=seed + t)) for t in range(time)]


@program("static_lstm", eager=True)
def _(M, D):
    outs, st = M.nn.static_rnn(M.rnn_cell.LSTMCell(3), _inputs_list(M, D), dtype=M.float32)
    return {"outs": outs, "state": st}


@program("static_lstm_seq_len")
def _(M, D):
    outs, st = M.nn.static_rnn(M.rnn_cell.LSTMCell(3), _inputs_list(M, D, batch=3),
                               dtype=M.float32, sequence_length=M.constant(D.lens(4, 1, 2)))
    return {"outs": outs, "state": st}


@program("static_gru_scope_initial_state")
def _(M, D):
    outs, st = M.nn.static_rnn(M.rnn_cell.GRUCell(3), _inputs_list(M, D),
                               initial_state=M.constant(D.x(2, 3, seed=9)), scope="dec")
    return {"outs": outs, "state": st}


@program("static_multi_seq_len")
def _(M, D):
    cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.BasicLSTMCell(3), M.rnn_cell.GRUCell(2)])
    outs, st = M.nn.static_rnn(cell, _inputs_list(M, D, batch=3, time=3), dtype=M.float32,
                               sequence_length=M.constant(D.lens(3, 0, 2)))
    return {"outs": outs, "state": st}


@program("static_then_dynamic_same_cell")
def _(M, D):
    cell = M.rnn_cell.GRUCell(3)
    outs, st = M.nn.static_rnn(cell, _inputs_list(M, D), dtype=M.float32)
    b = _dyn(M, D, cell, scope="other")
    return {"outs": outs, "b": b}


@program("static_not_list_error")
def _(M, D):
    return M.nn.static_rnn(M.rnn_cell.GRUCell(3), M.constant(D.x(2, 4, 3)), dtype=M.float32)


@program("static_empty_error")
def _(M, D):
    return M.nn.static_rnn(M.rnn_cell.GRUCell(3), [], dtype=M.float32)


@program("static_no_dtype_error")
def _(M, D):
    return M.nn.static_rnn(M.rnn_cell.GRUCell(3), _inputs_list(M, D))


@program("static_bidi")
def _(M, D):
    outs, sf, sb = M.nn.static_bidirectional_rnn(M.rnn_cell.LSTMCell(3), M.rnn_cell.GRUCell(2),
                                                 _inputs_list(M, D), dtype=M.float32)
    return {"outs": outs, "sf": sf, "sb": sb}


@program("static_bidi_seq_len_scope")
def _(M, D):
    outs, sf, sb = M.nn.static_bidirectional_rnn(
        M.rnn_cell.GRUCell(3), M.rnn_cell.GRUCell(3), _inputs_list(M, D, batch=3),
        dtype=M.float32, sequence_length=M.constant(D.lens(2, 4, 1)), scope="sbi")
    return {"outs": outs, "sf": sf, "sb": sb}


# ---------------------------------------------------------------------------------------------
# embedding_lookup, dropout, and whole models
# ---------------------------------------------------------------------------------------------

@program("embedding_lookup", eager=True)
def _(M, D):
    table = M.get_variable("emb", [10, 4])
    return {"e": M.nn.embedding_lookup(table, M.constant(D.ids(2, 5))),
            "e0": M.nn.embedding_lookup(table, M.constant(np.int32(3)))}


@program("embedding_lookup_partitioned_mod")
def _(M, D):
    tables = [M.get_variable("emb_%d" % i, [n, 3]) for i, n in enumerate((4, 3, 3))]
    return {"e": M.nn.embedding_lookup(tables, M.constant(D.ids(3, 4, vocab=10)))}


@program("embedding_lookup_partitioned_div")
def _(M, D):
    tables = [M.get_variable("emb_%d" % i, [n, 3]) for i, n in enumerate((4, 4, 3))]
    return {"e": M.nn.embedding_lookup(tables, M.constant(D.ids(3, 4, vocab=11)),
                                       partition_strategy="div")}


@program("embedding_lookup_max_norm")
def _(M, D):
    table = M.get_variable("emb", [10, 4], initializer=M.random_uniform_initializer(-2.0, 2.0))
    return {"e": M.nn.embedding_lookup(table, M.constant(D.ids(2, 5)), max_norm=1.0)}


@program("dropout_keep_prob_one")
def _(M, D):
    x = M.constant(D.x(3, 4))
    return {"a": M.nn.dropout(x, keep_prob=1.0), "b": M.nn.dropout(x, rate=0.0)}


@program("dropout_random_shape", random=True)
def _(M, D):
    x = M.constant(D.x(3, 4))
    return {"a": M.nn.dropout(x, keep_prob=0.5), "b": M.nn.dropout(x, rate=0.3, noise_shape=[3, 1])}


@program("dropout_rate_error")
def _(M, D):
    return M.nn.dropout(M.constant(D.x(3, 4)), rate=1.5)


@program("dropout_both_error")
def _(M, D):
    return M.nn.dropout(M.constant(D.x(3, 4)), keep_prob=0.5, rate=0.5)


@program("char_lm_model")
def _(M, D):
    ids = M.constant(D.ids(2, 6, vocab=7))
    with M.variable_scope("lm"):
        emb = M.get_variable("embedding", [7, 4])
        x = M.nn.embedding_lookup(emb, ids)
        cell = M.rnn_cell.MultiRNNCell([M.rnn_cell.LSTMCell(5) for _ in range(2)])
        out, st = M.nn.dynamic_rnn(cell, x, dtype=M.float32,
                                   sequence_length=M.constant(D.lens(6, 4)))
        w = M.get_variable("softmax_w", [5, 7])
        b = M.get_variable("softmax_b", [7], initializer=M.zeros_initializer())
        logits = M.matmul(M.reshape(out, [-1, 5]), w) + b
    return {"logits": logits, "state": st}


@program("tagger_bidi_model")
def _(M, D):
    x = M.constant(D.x(3, 5, 4))
    lens = M.constant(D.lens(5, 3, 2))
    with M.variable_scope("tagger"):
        (of, ob), (sf, sb) = M.nn.bidirectional_dynamic_rnn(
            M.rnn_cell.GRUCell(3), M.rnn_cell.GRUCell(3), x, sequence_length=lens, dtype=M.float32)
        h = M.concat([of, ob], 2)
        w = M.get_variable("proj", [6, 2])
        logits = M.einsum("btd,dk->btk", h, w)
    return {"logits": logits, "sf": sf, "sb": sb}
