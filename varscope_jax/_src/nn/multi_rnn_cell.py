"""``MultiRNNCell``: cells stacked, each under ``cell_<i>``, as TF1's."""

from __future__ import annotations

import logging

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.nn.cell_base import RNNCell, tensor_repr, zero_state_arrays
from varscope_jax._src.core.variable_scope import variable_scope


class MultiRNNCell(RNNCell):
  """RNN cell made of several cells run in sequence; cell ``i`` is under ``cell_<i>``.

  Args:
    cells: a list of cells, run in this order (the output of one is the input of the next).
    state_is_tuple: state as a tuple with one entry per cell (default), or all states
      concatenated along axis 1 (only for cells whose states are single arrays).

  Raises:
    ValueError: if ``cells`` is empty, or a cell has a tuple state and ``state_is_tuple``
      is False.
    TypeError: if ``cells`` is not a list or tuple.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   cell = vs.nn.rnn_cell.MultiRNNCell([vs.nn.rnn_cell.LSTMCell(4) for _ in range(2)])
  ...   return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]
  >>> sorted(n for n, _ in vs.flatten_params(vs.transform(f).init(jax.random.PRNGKey(0), jnp.ones((2, 5, 3)))))
  ['rnn/multi_rnn_cell/cell_0/lstm_cell/bias', 'rnn/multi_rnn_cell/cell_0/lstm_cell/kernel', 'rnn/multi_rnn_cell/cell_1/lstm_cell/bias', 'rnn/multi_rnn_cell/cell_1/lstm_cell/kernel']
  """

  def __init__(self, cells, state_is_tuple=True):
    super().__init__()
    if not cells:
      raise ValueError(tf_errors.MULTI_RNN_NO_CELLS)
    if not isinstance(cells, (list, tuple)):
      raise TypeError(tf_errors.CELLS_NOT_A_SEQUENCE % (cells,))
    if len({id(c) for c in cells}) < len(cells):
      logging.getLogger("varscope_jax").warning(
        "At least two cells provided to MultiRNNCell are the same object and will share weights."
      )
    self._cells = list(cells)
    subs = self.__dict__.setdefault("_sublayers", [])  # their weights are this cell's weights
    subs.extend(c for i, c in enumerate(self._cells) if all(c is not d for d in self._cells[:i]))
    self._state_is_tuple = state_is_tuple
    if not state_is_tuple and any(isinstance(c.state_size, (tuple, list)) for c in self._cells):
      raise ValueError(tf_errors.MULTI_RNN_TUPLE_STATES % ([c.state_size for c in self._cells],))

  @property
  def state_size(self):
    if self._state_is_tuple:
      return tuple(cell.state_size for cell in self._cells)
    return sum(cell.state_size for cell in self._cells)

  @property
  def output_size(self):
    return self._cells[-1].output_size

  def zero_state(self, batch_size, dtype):
    if self._state_is_tuple:
      return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
    return zero_state_arrays(self.state_size, batch_size, dtype)

  def call(self, inputs, state):
    cur_pos, cur_inp, new_states = 0, inputs, []
    for i, cell in enumerate(self._cells):
      with variable_scope("cell_%d" % i):
        if self._state_is_tuple:
          if not isinstance(state, (tuple, list)):
            raise ValueError(
              tf_errors.STATE_TUPLE_LENGTH % (len(self.state_size), tensor_repr(state))
            )
          cur_state = state[i]
        else:
          cur_state = state[:, cur_pos : cur_pos + cell.state_size]
          cur_pos += cell.state_size
        cur_inp, new_state = cell(cur_inp, cur_state)
        new_states.append(new_state)
    if self._state_is_tuple:
      return cur_inp, tuple(new_states)
    return cur_inp, jnp.concatenate(new_states, 1)
