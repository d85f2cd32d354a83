"""User-written RNN cells (TF1 research style: ``__call__`` overridden, variables made with
``get_variable`` in ``variable_scope(scope or "MyCell")``) under TF1's drivers.

Shared by TensorFlow (make_user_cells_golden.py) and varscope_jax
(tests/test_rnn_user_cells.py). A program is ``fn(M, D)`` as in ../rnn_programs.py; ``M``
also has ``split``, ``moments``, ``rsqrt``, ``tile``, ``dense`` (``layers.dense``),
``depth(x)`` (the static last dimension) and ``ones_initializer``. This module imports
neither TensorFlow nor varscope_jax.
"""
PROGRAMS = {}


def program(id):
  def deco(fn):
    PROGRAMS[id] = (fn, {"random": False, "eager": False})
    return fn
  return deco


def cells(M):
  """The user cells, written against ``M`` as a TF1 user writes them against ``tf``."""
  RNNCell = M.rnn_cell.RNNCell
  init = M.random_uniform_initializer(-0.5, 0.5, seed=3)

  def layer_norm(x, name):
    with M.variable_scope(name):
      n = M.depth(x)
      gamma = M.get_variable("gamma", [n], initializer=M.constant_initializer(1.1))
      beta = M.get_variable("beta", [n], initializer=M.constant_initializer(0.1))
      mean, var = M.moments(x, [1], keep_dims=True)
      return (x - mean) * M.rsqrt(var + 1e-5) * gamma + beta

  class LayerNormLSTMCell(RNNCell):
    """A layer-normalized LSTM (Ba et al. 2016), as research code writes it."""

    def __init__(self, num_units):
      super().__init__()
      self._n = num_units

    @property
    def state_size(self):
      return M.rnn_cell.LSTMStateTuple(self._n, self._n)

    @property
    def output_size(self):
      return self._n

    def __call__(self, inputs, state, scope=None):
      with M.variable_scope(scope or "LayerNormLSTM"):
        c, h = state
        w = M.get_variable("W", [M.depth(inputs) + self._n, 4 * self._n], initializer=init)
        b = M.get_variable("b", [4 * self._n], initializer=M.zeros_initializer())
        gates = M.matmul(M.concat([inputs, h], 1), w) + b
        i, j, f, o = M.split(gates, 4, 1)
        i, j = layer_norm(i, "ln_i"), layer_norm(j, "ln_j")
        f, o = layer_norm(f, "ln_f"), layer_norm(o, "ln_o")
        new_c = layer_norm(c * M.sigmoid(f + 1.0) + M.sigmoid(i) * M.tanh(j), "ln_c")
        new_h = M.tanh(new_c) * M.sigmoid(o)
        return new_h, M.rnn_cell.LSTMStateTuple(new_c, new_h)

  class HyperCell(RNNCell):
    """Several sub-scopes in ``__call__`` and a named dense layer (a hyper-network)."""

    def __init__(self, num_units):
      super().__init__()
      self._n = num_units

    state_size = property(lambda self: self._n)
    output_size = property(lambda self: self._n)

    def __call__(self, inputs, state, scope=None):
      n = self._n
      with M.variable_scope(scope or type(self).__name__):
        with M.variable_scope("hyper"):
          z = M.tanh(M.dense(M.concat([inputs, state], 1), n, name="proj",
                             kernel_initializer=init))
        with M.variable_scope("main"):
          with M.variable_scope("input"):
            wx = M.get_variable("W", [M.depth(inputs), n], initializer=init)
          with M.variable_scope("recurrent"):
            wh = M.get_variable("W", [n, n], initializer=init)
          with M.variable_scope("bias"):
            b = M.get_variable("b", [n], initializer=M.constant_initializer(0.2))
        h = M.tanh(M.matmul(inputs, wx) * z + M.matmul(state, wh) + b)
        return h, h

  class LearnedInitCell(RNNCell):
    """Its own ``zero_state``: a trainable initial state tiled over the batch."""

    def __init__(self, num_units):
      super().__init__()
      self._n = num_units

    state_size = property(lambda self: self._n)
    output_size = property(lambda self: self._n)

    def zero_state(self, batch_size, dtype):
      with M.variable_scope("initial_state"):
        h0 = M.get_variable("h0", [1, self._n], dtype=dtype,
                            initializer=M.constant_initializer(0.5))
      return M.tile(h0, [batch_size, 1])

    def __call__(self, inputs, state, scope=None):
      with M.variable_scope(scope or "LearnedInit"):
        u = M.get_variable("U", [M.depth(inputs) + self._n, self._n], initializer=init)
        h = M.tanh(M.matmul(M.concat([inputs, state], 1), u))
        return h, h

  class DefaultNameCell(RNNCell):
    """A ``default_name`` scope and an unnamed dense layer inside ``__call__``."""

    state_size = property(lambda self: 3)
    output_size = property(lambda self: 3)

    def __call__(self, inputs, state, scope=None):
      with M.variable_scope(scope, default_name="my_cell"):
        h = M.tanh(M.dense(M.concat([inputs, state], 1), 3, kernel_initializer=init))
        return h, h

  return dict(ln=LayerNormLSTMCell, hyper=HyperCell, learned=LearnedInitCell,
              default_name=DefaultNameCell)


def _x(M, D, seed=0):
  return M.constant(D.x(2, 5, 3, seed=seed))


def _seq(M, D):
  return [M.constant(D.x(2, 3, seed=s)) for s in range(4)]


for _name, _n in (("ln", 4), ("hyper", 3), ("learned", 3)):

  def _dynamic(M, D, name=_name, n=_n):
    cell = cells(M)[name](n)
    out, state = M.nn.dynamic_rnn(cell, _x(M, D), sequence_length=D.lens(5, 3),
                                  dtype=M.float32)
    return {"out": out, "state": state}

  def _bidi(M, D, name=_name, n=_n):
    c = cells(M)[name]
    (fw, bw), (sf, sb) = M.nn.bidirectional_dynamic_rnn(
        c(n), c(n), _x(M, D), sequence_length=D.lens(4, 5), dtype=M.float32)
    return {"fw": fw, "bw": bw, "sf": sf, "sb": sb}

  def _static(M, D, name=_name, n=_n):
    outs, state = M.nn.static_rnn(cells(M)[name](n), _seq(M, D), dtype=M.float32)
    return {"outs": outs, "state": state}

  program("user_%s_dynamic" % _name)(_dynamic)
  program("user_%s_bidi" % _name)(_bidi)
  program("user_%s_static" % _name)(_static)


@program("user_ln_dynamic_twice_error")
def _twice(M, D):
  # A user cell does not re-enter a scope of its own: the second run makes W again.
  cell = cells(M)["ln"](2)
  M.nn.dynamic_rnn(cell, _x(M, D), dtype=M.float32)
  out, _ = M.nn.dynamic_rnn(cell, _x(M, D, seed=1), dtype=M.float32)
  return {"out": out}


@program("user_ln_direct_calls_in_scopes")
def _direct(M, D):
  cell = cells(M)["ln"](2)
  x = M.constant(D.x(2, 3))
  state = cell.zero_state(2, M.float32)
  with M.variable_scope("enc"):
    h1, s1 = cell(x, state)
  with M.variable_scope("enc", reuse=True):
    h2, _ = cell(x, s1)
  return {"h1": h1, "h2": h2}


@program("user_default_name_dynamic")
def _default_dynamic(M, D):
  out, state = M.nn.dynamic_rnn(cells(M)["default_name"](), _x(M, D), dtype=M.float32)
  return {"out": out, "state": state}


@program("user_default_name_static_error")
def _default_static(M, D):
  # TF calls the cell per step with reuse after step 0: step 1 opens my_cell_1.
  outs, _ = M.nn.static_rnn(cells(M)["default_name"](), _seq(M, D), dtype=M.float32)
  return {"outs": outs}


@program("builtin_build_then_call")
def _build_then_call(M, D):
  cell = M.rnn_cell.LSTMCell(3, initializer=M.random_uniform_initializer(-0.5, 0.5, seed=1))
  cell.build([2, 4])
  built = cell.built
  x = M.constant(D.x(2, 4))
  h, _ = cell(x, cell.zero_state(2, M.float32))
  out, _ = M.nn.dynamic_rnn(cell, M.constant(D.x(2, 3, 4, seed=2)), dtype=M.float32)
  return {"built": built, "h": h, "out": out, "name": cell.name}


@program("builtin_build_then_dynamic_rnn")
def _build_then_rnn(M, D):
  cell = M.rnn_cell.GRUCell(2)
  with M.variable_scope("model"):
    cell.build([None, 3])
    out, state = M.nn.dynamic_rnn(cell, M.constant(D.x(2, 4, 3)), dtype=M.float32)
  return {"out": out, "state": state, "built": cell.built}
