"""``DropoutWrapper``, ``ResidualWrapper``, ``DeviceWrapper``: TF1's cell wrappers.

A wrapper calls the wrapped cell's ``__call__`` itself, so it adds no variable scope:
``DropoutWrapper(LSTMCell(3))`` in ``rnn`` still makes ``rnn/lstm_cell/kernel``.
Dropout keys come from ``vs.next_rng_key()`` (pass ``rng=`` to ``apply``), folded with
the time step inside ``dynamic_rnn``, so each step draws its own mask.
"""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.nn.cell_base import LSTMStateTuple, RNNCell, assert_like_rnncell, shape_str
from varscope_jax._src.nn.dropout import dropout_with_key
from varscope_jax._src.core.rng import next_rng_key


class _RNNCellWrapper(RNNCell):
  def __init__(self, cell, **kwargs):
    super().__init__(**kwargs)
    assert_like_rnncell("cell", cell)
    self.cell = cell

  @property
  def wrapped_cell(self):
    return self.cell

  @property
  def state_size(self):
    return self.cell.state_size

  @property
  def output_size(self):
    return self.cell.output_size

  def zero_state(self, batch_size, dtype):
    return self.cell.zero_state(batch_size, dtype)

  def __call__(self, inputs, state, scope=None):
    return self._call_wrapped_cell(inputs, state, self.cell.__call__, scope=scope)

  def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
    raise NotImplementedError


def _default_dropout_state_filter_visitor(substate):
  if isinstance(substate, LSTMStateTuple):
    return LSTMStateTuple(c=False, h=True)
  return True


def _keep_prob_value(prob, attr):
  if isinstance(prob, (jax.Array, np.ndarray)) and not isinstance(prob, jax.core.Tracer):
    prob = np.asarray(prob)
    if prob.ndim == 0:
      prob = prob.item()
  if isinstance(prob, numbers.Real):
    const = np.float32(prob)
    if const < 0 or const > 1:
      raise ValueError(tf_errors.KEEP_PROB_RANGE % (attr, const))
    return float(const)
  return prob  # a traced keep probability: dropout always applied


_NOISE_SALT = {"input": 0, "state": 1, "output": 2}


class DropoutWrapper(_RNNCellWrapper):
  """Adds dropout to a cell's inputs, outputs and (some of its) state, as TF1's.

  A keep probability of exactly 1 (the default) adds nothing and needs no rng. Below 1,
  dropout keys come from ``vs.next_rng_key()``: pass ``rng=`` to ``apply``. The ``c`` part
  of an ``LSTMStateTuple`` is never dropped unless ``dropout_state_filter_visitor`` says
  so. With ``variational_recurrent=True`` one mask (shape ``[1, size]``, as TF's) is drawn
  per graph and used at every step.

  Args:
    cell: the cell to wrap.
    input_keep_prob, output_keep_prob, state_keep_prob: keep probabilities in [0, 1]
      (floats, or traced scalars).
    variational_recurrent: the same mask at every time step (Gal & Ghahramani).
    input_size: depth(s) of the inputs; required with ``variational_recurrent`` and
      ``input_keep_prob < 1``.
    dtype: dtype of the masks; required with ``variational_recurrent``.
    seed: accepted for porting; keys come from ``vs.next_rng_key()``.
    dropout_state_filter_visitor: ``fn(substate) -> bool or structure of bools`` choosing
      which parts of the state are dropped (default: all but LSTM ``c``).

  Raises:
    ValueError: a keep probability outside [0, 1], or a missing ``dtype``/``input_size``.
    TypeError: ``cell`` is not a cell, or the visitor is not callable.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   cell = vs.nn.rnn_cell.DropoutWrapper(vs.nn.rnn_cell.GRUCell(3), output_keep_prob=0.5)
  ...   return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]
  >>> t = vs.transform(f)
  >>> x = jnp.ones((2, 4, 3))
  >>> params = t.init(jax.random.PRNGKey(0), x)     # names as without the wrapper
  >>> sorted(n for n, _ in vs.flatten_params(params))[0]
  'rnn/gru_cell/candidate/bias'
  >>> out = t.apply(params, x, rng=jax.random.PRNGKey(1))
  >>> bool(((out == 0) | (jnp.abs(out) > 0)).all())
  True
  """

  def __init__(
    self,
    cell,
    input_keep_prob=1.0,
    output_keep_prob=1.0,
    state_keep_prob=1.0,
    variational_recurrent=False,
    input_size=None,
    dtype=None,
    seed=None,
    dropout_state_filter_visitor=None,
    **kwargs,
  ):
    super().__init__(cell, dtype=dtype, **kwargs)
    if dropout_state_filter_visitor is not None and not callable(dropout_state_filter_visitor):
      raise TypeError(tf_errors.STATE_FILTER_NOT_CALLABLE % (dropout_state_filter_visitor,))
    self._dropout_state_filter = (
      dropout_state_filter_visitor or _default_dropout_state_filter_visitor
    )
    self._input_keep_prob = _keep_prob_value(input_keep_prob, "input_keep_prob")
    self._state_keep_prob = _keep_prob_value(state_keep_prob, "state_keep_prob")
    self._output_keep_prob = _keep_prob_value(output_keep_prob, "output_keep_prob")
    self._variational_recurrent = variational_recurrent
    self._input_size = input_size
    self._seed = seed
    if variational_recurrent:
      if dtype is None:
        raise ValueError(tf_errors.VARIATIONAL_DTYPE)
      if (
        not isinstance(self._input_keep_prob, numbers.Real) or self._input_keep_prob < 1.0
      ) and input_size is None:
        raise ValueError(tf_errors.VARIATIONAL_INPUT_SIZE)

  def _noise(self, kind, sizes):
    """The variational noise of ``kind`` for this graph: uniform ``[1, s]`` per size."""
    extra = self._rnn_state().extra
    if kind not in extra:
      key = jax.random.fold_in(next_rng_key(), _NOISE_SALT[kind])
      flat, treedef = jax.tree_util.tree_flatten(sizes)
      keys = jax.random.split(key, len(flat))
      extra[kind] = jax.tree_util.tree_unflatten(
        treedef, [jax.random.uniform(k, [1, int(s)], self._dtype) for k, s in zip(keys, flat)]
      )
    return extra[kind]

  def _dropout(self, values, kind, keep_prob, filtered=None):
    if self._variational_recurrent:
      sizes = {
        "input": self._input_size,
        "state": self.cell.state_size,
        "output": self.cell.output_size,
      }[kind]
      noise = self._noise(kind, sizes)
      drop = _variational_drop(keep_prob)
    else:
      noise = None
      drop = _standard_drop(keep_prob, next_rng_key())  # a new key per step
    counter = iter(range(1 << 30))
    return _map_filtered(values, filtered, noise, lambda v, n: drop(next(counter), v, n))

  def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
    def should_dropout(p):
      return not isinstance(p, float) or p < 1

    if should_dropout(self._input_keep_prob):
      inputs = self._dropout(inputs, "input", self._input_keep_prob)
    output, new_state = cell_call_fn(inputs, state, **kwargs)
    if should_dropout(self._state_keep_prob):
      new_state = self._dropout(
        new_state, "state", self._state_keep_prob, filtered=self._dropout_state_filter
      )
    if should_dropout(self._output_keep_prob):
      output = self._dropout(output, "output", self._output_keep_prob)
    return output, new_state


def _variational_drop(keep_prob):
  def drop(i, v, n):  # TF's _variational_recurrent_dropout_value
    return v / keep_prob * jnp.floor(keep_prob + n)

  return drop


def _standard_drop(keep_prob, key):
  def drop(i, v, n):
    return dropout_with_key(v, 1.0 - keep_prob, jax.random.fold_in(key, i))

  return drop


def _rebuild(node, children):
  if hasattr(node, "_fields"):
    return type(node)(*children)
  return type(node)(children)


def _map_filtered(values, visitor, noise, fn):
  """Applies ``fn(leaf, noise_leaf)`` to the leaves ``visitor`` selects (TF's traversal rule)."""
  if visitor is None:
    if isinstance(values, (tuple, list)):
      noises = noise if noise is not None else [None] * len(values)
      return _rebuild(values, [_map_filtered(v, None, n, fn) for v, n in zip(values, noises)])
    return fn(values, noise)
  decision = visitor(values)
  is_seq = isinstance(values, (tuple, list))
  noises = noise if (noise is not None and is_seq) else [None] * (len(values) if is_seq else 0)
  if isinstance(decision, bool):
    if not decision:
      return values
    if is_seq:
      return _rebuild(values, [_map_filtered(v, visitor, n, fn) for v, n in zip(values, noises)])
    return fn(values, noise)
  return _rebuild(
    values,
    [
      _map_filtered(v, visitor, n, fn) if flag else v
      for v, n, flag in zip(values, noises, decision)
    ],
  )


class ResidualWrapper(_RNNCellWrapper):
  """Adds the cell's inputs to its outputs (``residual_fn(inputs, outputs)``), as TF1's.

  Args:
    cell: the cell to wrap.
    residual_fn: ``fn(inputs, outputs) -> outputs``; default adds them (same structure
      and shapes required).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   cell = vs.nn.rnn_cell.ResidualWrapper(vs.nn.rnn_cell.GRUCell(3))
  ...   return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]
  >>> t = vs.transform(f)
  >>> x = jnp.ones((2, 4, 3))
  >>> t.apply(t.init(jax.random.PRNGKey(0), x), x).shape
  (2, 4, 3)
  """

  def __init__(self, cell, residual_fn=None, **kwargs):
    super().__init__(cell, **kwargs)
    self._residual_fn = residual_fn

  def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
    outputs, new_state = cell_call_fn(inputs, state, **kwargs)

    def default_residual_fn(inputs, outputs):
      in_leaves, in_tree = jax.tree_util.tree_flatten(inputs)
      out_leaves, out_tree = jax.tree_util.tree_flatten(outputs)
      if in_tree.num_leaves != out_tree.num_leaves:
        raise ValueError(
          "The two structures don't have the same nested structure: inputs %s, "
          "outputs %s" % (in_tree, out_tree)
        )
      for i, o in zip(in_leaves, out_leaves):
        if jnp.shape(i) != jnp.shape(o):
          raise ValueError(
            tf_errors.SHAPES_INCOMPATIBLE % (shape_str(jnp.shape(i)), shape_str(jnp.shape(o)))
          )
      return jax.tree_util.tree_unflatten(out_tree, [i + o for i, o in zip(in_leaves, out_leaves)])

    return (self._residual_fn or default_residual_fn)(inputs, outputs), new_state


class DeviceWrapper(_RNNCellWrapper):
  """Runs the cell on a device in TF; here placement is JAX's, so it only wraps the cell.

  >>> import varscope_jax as vs
  >>> vs.nn.rnn_cell.DeviceWrapper(vs.nn.rnn_cell.GRUCell(3), "/cpu:0").output_size
  3
  """

  def __init__(self, cell, device, **kwargs):
    super().__init__(cell, **kwargs)
    self._device = device

  def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
    return cell_call_fn(inputs, state, **kwargs)
