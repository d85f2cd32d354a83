"""TF1's built-in cells: ``BasicRNNCell``, ``GRUCell``, ``BasicLSTMCell``, ``LSTMCell``.

Variable names, shapes, default initializers, gate layouts and numerics are those of
``tf.compat.v1.nn.rnn_cell`` (tf-keras ``legacy_cells.py``): one kernel over
``concat([inputs, h])``; LSTM gates in TF's ``i, j, f, o`` order with ``forget_bias``
added at run time (it is not in the stored bias); GRU ``gates`` (``r, u``, bias
initialised to 1) and ``candidate``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import jax
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.initializers import constant_initializer, zeros_initializer
from varscope_jax._src.nn.cell_base import (
  LayerRNNCell,
  LSTMStateTuple,
  check_cell_inputs,
  check_supported_dtype,
  shape_str,
)

_ACTIVATIONS: dict[str, Callable[..., Any]] = {
  "tanh": jnp.tanh,
  "sigmoid": jax.nn.sigmoid,
  "relu": jax.nn.relu,
  "elu": jax.nn.elu,
  "selu": jax.nn.selu,
  "softplus": jax.nn.softplus,
  "softsign": jax.nn.soft_sign,
  "linear": lambda x: x,
  "gelu": lambda x: jax.nn.gelu(x, approximate=False),
  "swish": jax.nn.swish,
  "relu6": jax.nn.relu6,
}


def get_activation(activation) -> Callable[..., Any]:
  """``activation`` as a function: a callable, or a Keras activation name (``"relu"``)."""
  if not activation:
    return jnp.tanh
  if isinstance(activation, str):
    try:
      return _ACTIVATIONS[activation]
    except KeyError:
      raise ValueError(
        tf_errors.UNKNOWN_ACTIVATION % (activation,) + ". Known names: %s; or "
        "pass a function." % ", ".join(sorted(_ACTIVATIONS))
      ) from None
  if not callable(activation):
    raise TypeError("activation must be a function or a name, got %r" % (activation,))
  return activation


def _depth(cell, input_shape):
  depth = input_shape[-1]
  if depth is None:
    raise ValueError(tf_errors.INPUT_DEPTH_UNKNOWN % (input_shape,))
  check_supported_dtype(cell.dtype)
  cell._note_input_depth(depth)
  return depth


def _check_memory(cell, c, num_units):
  if jnp.ndim(c) != 2 or jnp.shape(c)[1] != num_units:
    raise ValueError(
      tf_errors.DIMENSIONS_EQUAL
      % (jnp.shape(c)[-1] if jnp.ndim(c) else None, num_units)
      + " for the memory c of cell %r: its state c has shape %s, but the cell has %d "
      "units. Pass a state shaped like cell.zero_state(batch_size, dtype)."
      % (cell.name, shape_str(jnp.shape(c)), num_units)
    )


def _check_call_dtypes(inputs, state):
  for x in jax.tree_util.tree_leaves((inputs, state)):
    check_supported_dtype(jnp.result_type(x))


class BasicRNNCell(LayerRNNCell):
  """The most basic RNN cell: ``output = new_state = activation(W [x, h] + b)``.

  Variables ``kernel [depth + num_units, num_units]`` (glorot-uniform, or the scope's
  initializer) and ``bias [num_units]`` (zeros).

  Args:
    num_units: the number of units.
    activation: nonlinearity (default ``tanh``); a function or a Keras name.
    reuse: reuse the variables of an existing scope of the cell's name.
    name: the layer name (and default scope name).
    dtype: the variables' dtype (default: the first input's).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   cell = vs.nn.rnn_cell.BasicRNNCell(4)
  ...   return cell(x, cell.zero_state(2, vs.float32))[0]
  >>> t = vs.transform(f)
  >>> jax.tree.map(jnp.shape, t.init(jax.random.PRNGKey(0), jnp.ones((2, 3))))
  {'basic_rnn_cell': {'bias': (4,), 'kernel': (7, 4)}}
  """

  def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
    super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
    check_supported_dtype(self._dtype)
    self._num_units = num_units
    self._activation = get_activation(activation)

  @property
  def state_size(self):
    return self._num_units

  @property
  def output_size(self):
    return self._num_units

  def build(self, input_shape):
    depth = _depth(self, input_shape)
    self.add_weight("kernel", [depth + self._num_units, self._num_units])
    self.add_weight("bias", [self._num_units], initializer=zeros_initializer())
    self.built = True

  def call(self, inputs, state):
    _check_call_dtypes(inputs, state)
    w = self.weight_values()
    check_cell_inputs(self, inputs, [state], w["kernel"].shape[0])
    output = self._activation(jnp.concatenate([inputs, state], 1) @ w["kernel"] + w["bias"])
    return output, output


class GRUCell(LayerRNNCell):
  """Gated recurrent unit cell (Cho et al., 2014), as TF1's ``GRUCell``.

  Variables ``gates/kernel [depth + n, 2n]``, ``gates/bias [2n]`` (ones unless
  ``bias_initializer``), ``candidate/kernel [depth + n, n]``, ``candidate/bias [n]``
  (zeros unless ``bias_initializer``). ``r, u = split(sigmoid(gates))``;
  ``c = activation(candidate([x, r * h]))``; ``h' = u * h + (1 - u) * c``.

  Args:
    num_units: the number of units.
    activation: nonlinearity of the candidate (default ``tanh``).
    reuse: reuse the variables of an existing scope of the cell's name.
    kernel_initializer: initializer of both kernels (default: the scope's, else glorot-uniform).
    bias_initializer: initializer of both biases (default: ones for gates, zeros for candidate).
    name: the layer name (and default scope name).
    dtype: the variables' dtype (default: the first input's).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   return vs.nn.dynamic_rnn(vs.nn.rnn_cell.GRUCell(3), x, dtype=vs.float32)[1]
  >>> sorted(n for n, _ in vs.flatten_params(vs.transform(f).init(jax.random.PRNGKey(0), jnp.ones((2, 5, 4)))))
  ['rnn/gru_cell/candidate/bias', 'rnn/gru_cell/candidate/kernel', 'rnn/gru_cell/gates/bias', 'rnn/gru_cell/gates/kernel']
  """

  def __init__(
    self,
    num_units,
    activation=None,
    reuse=None,
    kernel_initializer=None,
    bias_initializer=None,
    name=None,
    dtype=None,
    **kwargs,
  ):
    super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
    check_supported_dtype(self._dtype)
    self._num_units = num_units
    self._activation = get_activation(activation)
    self._kernel_initializer = kernel_initializer
    self._bias_initializer = bias_initializer

  @property
  def state_size(self):
    return self._num_units

  @property
  def output_size(self):
    return self._num_units

  def build(self, input_shape):
    depth, n = _depth(self, input_shape), self._num_units
    bias_init = self._bias_initializer
    self.add_weight("gates/kernel", [depth + n, 2 * n], initializer=self._kernel_initializer)
    self.add_weight(
      "gates/bias",
      [2 * n],
      initializer=bias_init if bias_init is not None else constant_initializer(1.0),
    )
    self.add_weight("candidate/kernel", [depth + n, n], initializer=self._kernel_initializer)
    self.add_weight(
      "candidate/bias", [n], initializer=bias_init if bias_init is not None else zeros_initializer()
    )
    self.built = True

  def call(self, inputs, state):
    _check_call_dtypes(inputs, state)
    w = self.weight_values()
    check_cell_inputs(self, inputs, [state], w["gates/kernel"].shape[0])
    value = jax.nn.sigmoid(
      jnp.concatenate([inputs, state], 1) @ w["gates/kernel"] + w["gates/bias"]
    )
    r, u = jnp.split(value, 2, axis=1)
    candidate = jnp.concatenate([inputs, r * state], 1) @ w["candidate/kernel"]
    c = self._activation(candidate + w["candidate/bias"])
    new_h = u * state + (1 - u) * c
    return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
  """Basic LSTM cell (no peepholes, clipping or projection), as TF1's ``BasicLSTMCell``.

  Variables ``kernel [depth + n, 4n]`` and ``bias [4n]`` (zeros); gates in TF's order
  ``i, j, f, o``; ``c' = c * sigmoid(f + forget_bias) + sigmoid(i) * act(j)``,
  ``h' = act(c') * sigmoid(o)``.

  Args:
    num_units: the number of units.
    forget_bias: added to the forget gate at run time (default 1.0; not stored).
    state_is_tuple: state as ``LSTMStateTuple(c, h)`` (default) or ``concat([c, h], 1)``.
    activation: nonlinearity (default ``tanh``).
    reuse: reuse the variables of an existing scope of the cell's name.
    name: the layer name (and default scope name).
    dtype: the variables' dtype (default: the first input's).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.nn.rnn_cell.BasicLSTMCell(4).state_size
  LSTMStateTuple(c=4, h=4)
  """

  def __init__(
    self,
    num_units,
    forget_bias=1.0,
    state_is_tuple=True,
    activation=None,
    reuse=None,
    name=None,
    dtype=None,
    **kwargs,
  ):
    super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
    check_supported_dtype(self._dtype)
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._state_is_tuple = state_is_tuple
    self._activation = get_activation(activation)

  @property
  def state_size(self):
    n = self._num_units
    return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

  @property
  def output_size(self):
    return self._num_units

  def build(self, input_shape):
    depth, n = _depth(self, input_shape), self._num_units
    self.add_weight("kernel", [depth + n, 4 * n])
    self.add_weight("bias", [4 * n], initializer=zeros_initializer())
    self.built = True

  def call(self, inputs, state):
    _check_call_dtypes(inputs, state)
    if self._state_is_tuple:
      c, h = state
    else:
      c, h = jnp.split(state, 2, axis=1)
    w = self.weight_values()
    check_cell_inputs(self, inputs, [h], w["kernel"].shape[0])
    _check_memory(self, c, self._num_units)
    gates = jnp.concatenate([inputs, h], 1) @ w["kernel"] + w["bias"]
    i, j, f, o = jnp.split(gates, 4, axis=1)
    forget_bias = jnp.asarray(self._forget_bias, f.dtype)
    new_c = c * jax.nn.sigmoid(f + forget_bias) + jax.nn.sigmoid(i) * self._activation(j)
    new_h = self._activation(new_c) * jax.nn.sigmoid(o)
    new_state = (
      LSTMStateTuple(new_c, new_h) if self._state_is_tuple else jnp.concatenate([new_c, new_h], 1)
    )
    return new_h, new_state


class LSTMCell(LayerRNNCell):
  """LSTM cell with optional peepholes, cell clipping and projection, as TF1's ``LSTMCell``.

  Variables: ``kernel [depth + h, 4n]`` (``initializer``), ``bias [4n]`` (zeros), with
  ``use_peepholes`` ``w_f_diag``, ``w_i_diag``, ``w_o_diag [n]``, with ``num_proj``
  ``projection/kernel [n, num_proj]`` (``h`` is ``num_proj`` if set, else ``n``). Gates
  ``i, j, f, o``; ``forget_bias`` is added at run time.

  Args:
    num_units: the number of units.
    use_peepholes: diagonal peephole connections (Sak et al., 2014).
    cell_clip: clip the cell state to ``[-cell_clip, cell_clip]`` before the output activation.
    initializer: initializer of the kernels and peepholes (default: the scope's, else
      glorot-uniform).
    num_proj: output dimension of a projection of ``h`` (no projection if None).
    proj_clip: clip the projection to ``[-proj_clip, proj_clip]``.
    num_unit_shards, num_proj_shards: deprecated in TF; accepted, no effect on the values.
    forget_bias: added to the forget gate at run time (default 1.0).
    state_is_tuple: state as ``LSTMStateTuple(c, m)`` (default) or concatenated.
    activation: nonlinearity (default ``tanh``).
    reuse: reuse the variables of an existing scope of the cell's name.
    name: the layer name (and default scope name).
    dtype: the variables' dtype (default: the first input's).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   cell = vs.nn.rnn_cell.LSTMCell(5, use_peepholes=True, num_proj=3)
  ...   return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]
  >>> t = vs.transform(f)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 6, 4)))
  >>> {k: v.shape for k, v in vs.flatten_params(params)}
  {'rnn/lstm_cell/kernel': (7, 20), 'rnn/lstm_cell/bias': (20,), 'rnn/lstm_cell/w_f_diag': (5,), 'rnn/lstm_cell/w_i_diag': (5,), 'rnn/lstm_cell/w_o_diag': (5,), 'rnn/lstm_cell/projection/kernel': (5, 3)}
  >>> t.apply(params, jnp.ones((2, 6, 4))).shape
  (2, 6, 3)
  """

  def __init__(
    self,
    num_units,
    use_peepholes=False,
    cell_clip=None,
    initializer=None,
    num_proj=None,
    proj_clip=None,
    num_unit_shards=None,
    num_proj_shards=None,
    forget_bias=1.0,
    state_is_tuple=True,
    activation=None,
    reuse=None,
    name=None,
    dtype=None,
    **kwargs,
  ):
    super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
    check_supported_dtype(self._dtype)
    if num_unit_shards is not None or num_proj_shards is not None:
      logging.getLogger("varscope_jax").warning(
        "%s: num_unit_shards and num_proj_shards are deprecated in TF and have no effect here "
        "(the variables are stored whole).",
        self._name,
      )
    self._num_units = num_units
    self._use_peepholes = use_peepholes
    self._cell_clip = cell_clip
    self._initializer = initializer
    self._num_proj = num_proj
    self._proj_clip = proj_clip
    self._forget_bias = forget_bias
    self._state_is_tuple = state_is_tuple
    self._activation = get_activation(activation)
    m = num_proj if num_proj else num_units
    self._state_size = LSTMStateTuple(num_units, m) if state_is_tuple else num_units + m
    self._output_size = m

  @property
  def state_size(self):
    return self._state_size

  @property
  def output_size(self):
    return self._output_size

  def build(self, input_shape):
    depth, n = _depth(self, input_shape), self._num_units
    h_depth = n if self._num_proj is None else self._num_proj
    init = self._initializer
    self.add_weight("kernel", [depth + h_depth, 4 * n], initializer=init)
    self.add_weight("bias", [4 * n], initializer=zeros_initializer())
    if self._use_peepholes:
      self.add_weight("w_f_diag", [n], initializer=init)
      self.add_weight("w_i_diag", [n], initializer=init)
      self.add_weight("w_o_diag", [n], initializer=init)
    if self._num_proj is not None:
      self.add_weight("projection/kernel", [n, self._num_proj], initializer=init)
    self.built = True

  def call(self, inputs, state):
    _check_call_dtypes(inputs, state)
    n = self._num_units
    num_proj = n if self._num_proj is None else self._num_proj
    if self._state_is_tuple:
      c_prev, m_prev = state
    else:
      c_prev, m_prev = state[:, :n], state[:, n : n + num_proj]
    w = self.weight_values()
    check_cell_inputs(self, inputs, [m_prev], w["kernel"].shape[0])
    _check_memory(self, c_prev, n)
    lstm_matrix = jnp.concatenate([inputs, m_prev], 1) @ w["kernel"] + w["bias"]
    i, j, f, o = jnp.split(lstm_matrix, 4, axis=1)
    sigmoid, act = jax.nn.sigmoid, self._activation
    if self._use_peepholes:
      c = sigmoid(f + self._forget_bias + w["w_f_diag"] * c_prev) * c_prev + sigmoid(
        i + w["w_i_diag"] * c_prev
      ) * act(j)
    else:
      c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * act(j)
    if self._cell_clip is not None:
      c = jnp.clip(c, -self._cell_clip, self._cell_clip)
    if self._use_peepholes:
      m = sigmoid(o + w["w_o_diag"] * c) * act(c)
    else:
      m = sigmoid(o) * act(c)
    if self._num_proj is not None:
      m = m @ w["projection/kernel"]
      if self._proj_clip is not None:
        m = jnp.clip(m, -self._proj_clip, self._proj_clip)
    new_state = LSTMStateTuple(c, m) if self._state_is_tuple else jnp.concatenate([c, m], 1)
    return m, new_state
