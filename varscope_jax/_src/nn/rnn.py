"""TF1's RNN drivers on ``jax.lax.scan``: ``dynamic_rnn``, ``bidirectional_dynamic_rnn``,
``static_rnn``, ``static_bidirectional_rnn``.

One loop serves all four (:func:`_run_over_time`): the cell is called once on step 0
outside the scan -- that call makes its variables, in the driver's scope, exactly as TF's
first (and only) trace of the loop body does -- then a ``lax.scan`` runs every step, the
cell reusing them. The first call's result is not used (``jax.jit`` drops it), so the
jitted program is one scan, whatever the sequence length. With ``sequence_length``, rows past their length output zeros and carry their
state unchanged (TF's ``_rnn_step``), so the final state is each row's last valid state.
"""

from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import tracing
from varscope_jax._src.nn.cell_base import (
  RNNCell,
  assert_like_rnncell,
  same_nesting,
  shape_str,
  tensor_repr,
)
from varscope_jax._src.core.step_context import rnn_step
from varscope_jax._src.nn import trace_once as trace_once_lib
from varscope_jax._src.core.variable_scope import variable_scope

_tree = jax.tree_util


def _transpose_batch_time(x):
  if x.ndim < 2:
    return x
  return jnp.swapaxes(x, 0, 1)


def _best_effort_batch_size(flat_input):
  for x in flat_input:
    if x.ndim < 2:
      raise ValueError(tf_errors.INPUT_RANK_AT_LEAST_2 % (tensor_repr(x), x.ndim))
    return x.shape[1]


def _infer_state_dtype(explicit_dtype, state):
  if explicit_dtype is not None:
    return explicit_dtype
  dtypes = [jnp.result_type(s) for s in _tree.tree_leaves(state)]
  if not dtypes:
    raise ValueError(tf_errors.STATE_DTYPE_UNKNOWN % (state,))
  if any(d != dtypes[0] for d in dtypes):
    raise ValueError(tf_errors.STATE_DTYPES_DIFFER % (state, dtypes))
  return dtypes[0]


def _initial_state(cell, batch_size, initial_state, dtype):
  if initial_state is not None:
    return initial_state
  if not dtype:
    raise ValueError(tf_errors.RNN_NO_DTYPE)
  return cell.zero_state(batch_size, dtype)


def _check_state(cell, state, where):
  """For TF's built-in cells: the state must nest like ``state_size``, with its widths."""
  if isinstance(cell, RNNCell) and hasattr(cell, "check_state"):
    cell.check_state(state, where)


def _sequence_length(sequence_length, batch_size, where, static):
  seq = jnp.asarray(sequence_length)
  if seq.ndim != 1:
    if static:
      raise ValueError(tf_errors.SEQUENCE_LENGTH_DYNAMIC % (batch_size, tensor_repr(seq)))
    raise ValueError(tf_errors.SEQUENCE_LENGTH_STATIC % (tensor_repr(seq), shape_str(seq.shape)))
  if batch_size is not None and seq.shape[0] != batch_size:
    raise ValueError(
      "%s: sequence_length has shape %s but the batch size of the inputs is %d. "
      "Pass one length per sequence of the batch." % (where, shape_str(seq.shape), batch_size)
    )
  return seq.astype(jnp.int32)


def _where_rows(copy, a, b):
  """``a`` for the rows where ``copy`` is true, else ``b`` (rows = axis 0)."""
  return jnp.where(copy.reshape(copy.shape + (1,) * (b.ndim - 1)), a, b)


def _run_over_time(
  cell, inputs, state, sequence_length, zero_output, where, before_scan=None, trace_once=False
):
  """Runs ``cell`` over time-major ``inputs``; returns (time-major outputs, final state).

  ``trace_once`` (``dynamic_rnn``): the scan body is named as step 0 and reuses its
  variables (``trace_once.py``), as TF's single trace of its loop body."""
  flat = _tree.tree_leaves(inputs)
  time_steps = flat[0].shape[0]
  checked = []

  def step(t, x_t, state):
    with rnn_step(t):
      output, new_state = cell(x_t, state)
    if not checked:
      _check_step(cell, state, new_state, zero_output, output, where)
      checked.append(True)
    if sequence_length is not None:
      copy = t >= sequence_length
      output = _tree.tree_map(lambda z, o: _where_rows(copy, z, o), zero_output, output)
      new_state = _tree.tree_map(lambda s, n: _where_rows(copy, s, n), state, new_state)
    return output, new_state

  if time_steps == 0:  # TF still builds the loop body once: the variables exist
    x0 = _tree.tree_map(lambda a: jnp.zeros(a.shape[1:], a.dtype), inputs)
    step(jnp.int32(0), x0, state)
    return _tree.tree_map(lambda z: jnp.zeros((0,) + z.shape, z.dtype), zero_output), state
  # Step 0 outside the scan makes the cell's variables (and checks what it returns); its
  # result is not used, so under jit XLA drops it and the program is one scan, as a
  # hand-written one.
  first_trace = trace_once_lib.snapshot() if trace_once else None
  step(jnp.int32(0), _tree.tree_map(lambda a: a[0], inputs), state)
  if before_scan is not None:
    before_scan()

  def body(carry, xs):
    t, x_t = xs
    output, new_state = step(t, x_t, carry)
    return new_state, output

  # The body is a new function at every call, traced anew: an eager variable read in it
  # is read afresh each time (not a stale constant of a cached program).
  with (
    tracing.fresh_trace(),
    trace_once_lib.as_first_trace(first_trace) if trace_once else contextlib.nullcontext(),
  ):
    state, outputs = jax.lax.scan(body, state, (jnp.arange(time_steps, dtype=jnp.int32), inputs))
  return outputs, state


def _check_step(cell, state, new_state, zero_output, output, where):
  if not same_nesting(state, new_state):
    raise ValueError(
      "%s: the cell returned a state that does not nest like the state it was "
      "given (cell state_size %r); return the new state in the structure of the "
      "state argument." % (where, cell.state_size)
    )
  for s, n in zip(_tree.tree_leaves(state), _tree.tree_leaves(new_state)):
    if jnp.shape(s) != jnp.shape(n) or jnp.result_type(s) != jnp.result_type(n):
      raise ValueError(
        "%s: the cell returned a state of shape %s and dtype %s for a state of "
        "shape %s and dtype %s; the state must keep its shape and dtype "
        "(cell state_size %r)."
        % (
          where,
          shape_str(jnp.shape(n)),
          jnp.result_type(n).name,
          shape_str(jnp.shape(s)),
          jnp.result_type(s).name,
          cell.state_size,
        )
      )
  for z, o in zip(_tree.tree_leaves(zero_output), _tree.tree_leaves(output)):
    if jnp.shape(z) != jnp.shape(o):
      raise ValueError(
        "%s: the cell returned an output of shape %s, but its output_size %r "
        "says %s; the output must have the shape output_size gives (or "
        "output_size must say the shape call returns)."
        % (where, shape_str(jnp.shape(o)), cell.output_size, shape_str(jnp.shape(z)))
      )


def _zero_output(cell, batch_size, dtype):
  return _tree.tree_map(
    lambda s: jnp.zeros((batch_size,) + tuple(np.atleast_1d(s).tolist()), dtype), cell.output_size
  )


def dynamic_rnn(
  cell,
  inputs,
  sequence_length=None,
  initial_state=None,
  dtype=None,
  parallel_iterations=None,
  swap_memory=False,
  time_major=False,
  scope=None,
):
  """TF1's ``tf.nn.dynamic_rnn`` on ``jax.lax.scan``.

  The cell's variables are made on its first step, under ``scope`` (default ``"rnn"``):
  ``rnn/lstm_cell/kernel``. The traced program does not grow with the sequence length.

  Args:
    cell: an ``RNNCell``.
    inputs: ``[batch, time, ...]`` (or ``[time, batch, ...]`` with ``time_major``), or a
      nested tuple of such arrays.
    sequence_length: optional int ``[batch]``: rows past their length output zeros and
      keep their state, so the final state is the state at each row's length.
    initial_state: optional initial state (structure of ``cell.state_size``).
    dtype: dtype of the zero initial state; required without ``initial_state``.
    parallel_iterations, swap_memory: accepted for porting; no effect.
    time_major: inputs and outputs are ``[time, batch, ...]``.
    scope: variable scope name or ``VariableScope`` (default ``"rnn"``).

  Returns:
    ``(outputs, final_state)``: outputs ``[batch, time, output_size]`` (or time-major).

  Raises:
    TypeError: ``cell`` is not a cell, or the state does not nest like ``state_size``.
    ValueError: inputs of rank < 3, no ``dtype`` and no ``initial_state``, a
      ``sequence_length`` that is not ``[batch]``, a state of the wrong width, a cell
      called at another input size. Errors name the scope.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def encoder(x, lengths):
  ...   cell = vs.nn.rnn_cell.LSTMCell(8)
  ...   outputs, state = vs.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=vs.float32)
  ...   return outputs, state.h
  >>> t = vs.transform(encoder)
  >>> x, lengths = jnp.ones((2, 5, 3)), jnp.array([5, 2])
  >>> params = t.init(jax.random.PRNGKey(0), x, lengths)
  >>> sorted(n for n, _ in vs.flatten_params(params))
  ['rnn/lstm_cell/bias', 'rnn/lstm_cell/kernel']
  >>> outputs, h = jax.jit(t.apply)(params, x, lengths)
  >>> outputs.shape, bool((outputs[1, 2:] == 0).all()), bool((h[1] == outputs[1, 1]).all())
  ((2, 5, 8), True, True)
  """
  del parallel_iterations, swap_memory
  assert_like_rnncell("cell", cell)
  with variable_scope(scope or "rnn") as varscope:
    where = "dynamic_rnn (scope %r)" % varscope.name
    flat_input = [jnp.asarray(x) for x in _tree.tree_leaves(inputs)]
    if not time_major:
      flat_input = [_transpose_batch_time(x) for x in flat_input]
    batch_size = None
    if sequence_length is not None:
      sequence_length = _sequence_length(sequence_length, None, where, static=False)
    batch_size = _best_effort_batch_size(flat_input)
    state = _initial_state(cell, batch_size, initial_state, dtype)
    if sequence_length is not None:
      _sequence_length(sequence_length, batch_size, where, static=False)
    for x in flat_input:
      if x.ndim < 3:
        raise ValueError(tf_errors.RANK_AT_LEAST % (shape_str(x.shape), 3))
    for x in flat_input:
      if x.shape[0] != flat_input[0].shape[0]:
        raise ValueError(tf_errors.TIME_STEPS_DIFFER % (x.shape[0], tensor_repr(x)))
      if x.shape[1] != flat_input[0].shape[1]:
        raise ValueError(tf_errors.BATCH_SIZE_DIFFERS % (x.shape[1], tensor_repr(x)))
    _check_state(cell, state, where)
    inputs = _tree.tree_unflatten(_tree.tree_structure(inputs), flat_input)
    zero_output = _zero_output(cell, batch_size, _infer_state_dtype(dtype, state))
    outputs, final_state = _run_over_time(
      cell, inputs, state, sequence_length, zero_output, where, trace_once=True
    )
    if not time_major:
      outputs = _tree.tree_map(_transpose_batch_time, outputs)
    return outputs, final_state


def _reverse_sequence(x, lengths, seq_axis, batch_axis):
  """TF's ``reverse_sequence``: reverse each row's first ``lengths[b]`` steps."""
  if lengths is None:
    return jnp.flip(x, axis=seq_axis)
  steps = x.shape[seq_axis]
  t = jnp.arange(steps)[None, :]
  lengths = jnp.asarray(lengths).astype(jnp.int32)[:, None]
  idx = jnp.where(t < lengths, lengths - 1 - t, t)  # [batch, time]
  if seq_axis < batch_axis:
    idx = idx.T
  idx = idx.reshape(idx.shape + (1,) * (x.ndim - 2))
  return jnp.take_along_axis(x, idx, axis=seq_axis)


def bidirectional_dynamic_rnn(
  cell_fw,
  cell_bw,
  inputs,
  sequence_length=None,
  initial_state_fw=None,
  initial_state_bw=None,
  dtype=None,
  parallel_iterations=None,
  swap_memory=False,
  time_major=False,
  scope=None,
):
  """TF1's ``tf.nn.bidirectional_dynamic_rnn``: a forward and a backward ``dynamic_rnn``.

  Variables under ``<scope>/fw/...`` and ``<scope>/bw/...`` (default scope
  ``"bidirectional_rnn"``). The backward cell reads each row reversed within its
  ``sequence_length``; its outputs are reversed back.

  Args:
    cell_fw, cell_bw: the forward and backward cells.
    inputs, sequence_length, dtype, time_major: as ``dynamic_rnn``.
    initial_state_fw, initial_state_bw: optional initial states.
    parallel_iterations, swap_memory: accepted for porting; no effect.
    scope: variable scope (default ``"bidirectional_rnn"``).

  Returns:
    ``((output_fw, output_bw), (state_fw, state_bw))``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   (fw, bw), _ = vs.nn.bidirectional_dynamic_rnn(
  ...       vs.nn.rnn_cell.GRUCell(3), vs.nn.rnn_cell.GRUCell(3), x, dtype=vs.float32)
  ...   return jnp.concatenate([fw, bw], 2)
  >>> t = vs.transform(f)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 5, 4)))
  >>> sorted(n for n, _ in vs.flatten_params(params))[:2]
  ['bidirectional_rnn/bw/gru_cell/candidate/bias', 'bidirectional_rnn/bw/gru_cell/candidate/kernel']
  >>> t.apply(params, jnp.ones((2, 5, 4))).shape
  (2, 5, 6)
  """
  assert_like_rnncell("cell_fw", cell_fw)
  assert_like_rnncell("cell_bw", cell_bw)
  time_axis, batch_axis = (0, 1) if time_major else (1, 0)
  with variable_scope(scope or "bidirectional_rnn"):
    with variable_scope("fw") as fw_scope:
      output_fw, state_fw = dynamic_rnn(
        cell_fw,
        inputs,
        sequence_length=sequence_length,
        initial_state=initial_state_fw,
        dtype=dtype,
        parallel_iterations=parallel_iterations,
        swap_memory=swap_memory,
        time_major=time_major,
        scope=fw_scope,
      )
    with variable_scope("bw") as bw_scope:
      inputs_reverse = _tree.tree_map(
        lambda x: _reverse_sequence(jnp.asarray(x), sequence_length, time_axis, batch_axis), inputs
      )
      tmp, state_bw = dynamic_rnn(
        cell_bw,
        inputs_reverse,
        sequence_length=sequence_length,
        initial_state=initial_state_bw,
        dtype=dtype,
        parallel_iterations=parallel_iterations,
        swap_memory=swap_memory,
        time_major=time_major,
        scope=bw_scope,
      )
  output_bw = _tree.tree_map(
    lambda x: _reverse_sequence(x, sequence_length, time_axis, batch_axis), tmp
  )
  return (output_fw, output_bw), (state_fw, state_bw)


def _check_static_inputs(inputs):
  if not isinstance(inputs, (tuple, list)):
    raise TypeError(
      tf_errors.INPUTS_NOT_A_SEQUENCE
      % (tensor_repr(inputs) if hasattr(inputs, "shape") else repr(inputs))
    )
  if not inputs:
    raise ValueError(tf_errors.INPUTS_EMPTY)


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
  """TF1's ``tf.nn.static_rnn``: a list of per-step inputs in, a list of outputs out.

  Same names and numerics as TF (variables made on step 0 under ``scope``, default
  ``"rnn"``; the scope is set to reuse for the later steps), computed by the same
  ``lax.scan`` loop as ``dynamic_rnn`` rather than unrolled.

  Args:
    cell: an ``RNNCell``.
    inputs: a list of T arrays ``[batch, depth]`` (or nested tuples of them).
    initial_state: optional initial state.
    dtype: dtype of the zero initial state; required without ``initial_state``.
    sequence_length: optional int ``[batch]`` (as ``dynamic_rnn``).
    scope: variable scope (default ``"rnn"``).

  Returns:
    ``(outputs, state)``: a list of T outputs and the final state.

  Raises:
    TypeError: ``inputs`` is not a list or tuple.
    ValueError: ``inputs`` is empty, or no ``dtype`` and no ``initial_state``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(xs):
  ...   outputs, state = vs.nn.static_rnn(vs.nn.rnn_cell.BasicRNNCell(3), xs, dtype=vs.float32)
  ...   return outputs[-1]
  >>> xs = [jnp.ones((2, 4))] * 5
  >>> t = vs.transform(f)
  >>> t.apply(t.init(jax.random.PRNGKey(0), xs), xs).shape
  (2, 3)
  """
  assert_like_rnncell("cell", cell)
  _check_static_inputs(inputs)
  with variable_scope(scope or "rnn") as varscope:
    where = "static_rnn (scope %r)" % varscope.name
    steps = [_tree.tree_map(jnp.asarray, x) for x in inputs]
    first = _tree.tree_leaves(steps[0])[0]
    batch_size = first.shape[0] if first.ndim >= 1 else None
    state = _initial_state(cell, batch_size, initial_state, dtype)
    if sequence_length is not None:
      sequence_length = _sequence_length(sequence_length, None, where, static=True)
      _sequence_length(sequence_length, batch_size, where, static=True)
    _check_state(cell, state, where)
    stacked = _tree.tree_map(lambda *xs: jnp.stack(xs), *steps)
    zero_output = _zero_output(cell, batch_size, _infer_state_dtype(dtype, state))
    outputs, state = _run_over_time(
      cell,
      stacked,
      state,
      sequence_length,
      zero_output,
      where,
      before_scan=varscope.reuse_variables,
    )
    n = len(steps)
    return [_tree.tree_map(lambda o, i=i: o[i], outputs) for i in range(n)], state


def static_bidirectional_rnn(
  cell_fw,
  cell_bw,
  inputs,
  initial_state_fw=None,
  initial_state_bw=None,
  dtype=None,
  sequence_length=None,
  scope=None,
):
  """TF1's ``tf.nn.static_bidirectional_rnn``: forward and backward ``static_rnn``.

  Returns ``(outputs, state_fw, state_bw)`` where each output is
  ``concat([output_fw, output_bw], 1)``. Variables under ``<scope>/fw`` and
  ``<scope>/bw`` (default ``"bidirectional_rnn"``).

  Args:
    cell_fw, cell_bw: the forward and backward cells.
    inputs: a list of T arrays ``[batch, depth]``.
    initial_state_fw, initial_state_bw: optional initial states.
    dtype: dtype of zero initial states.
    sequence_length: optional int ``[batch]``.
    scope: variable scope (default ``"bidirectional_rnn"``).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(xs):
  ...   outs, _, _ = vs.nn.static_bidirectional_rnn(vs.nn.rnn_cell.GRUCell(2),
  ...                                               vs.nn.rnn_cell.GRUCell(3), xs, dtype=vs.float32)
  ...   return outs
  >>> xs = [jnp.ones((2, 4))] * 3
  >>> t = vs.transform(f)
  >>> [o.shape for o in t.apply(t.init(jax.random.PRNGKey(0), xs), xs)]
  [(2, 5), (2, 5), (2, 5)]
  """
  assert_like_rnncell("cell_fw", cell_fw)
  assert_like_rnncell("cell_bw", cell_bw)
  _check_static_inputs(inputs)
  with variable_scope(scope or "bidirectional_rnn"):
    with variable_scope("fw") as fw_scope:
      output_fw, state_fw = static_rnn(
        cell_fw, inputs, initial_state_fw, dtype, sequence_length, scope=fw_scope
      )
    with variable_scope("bw") as bw_scope:
      reversed_inputs = _reverse_list(inputs, sequence_length)
      tmp, state_bw = static_rnn(
        cell_bw, reversed_inputs, initial_state_bw, dtype, sequence_length, scope=bw_scope
      )
  output_bw = _reverse_list(tmp, sequence_length)
  outputs = [
    _tree.tree_map(lambda f, b: jnp.concatenate([f, b], 1), fw, bw)
    for fw, bw in zip(output_fw, output_bw)
  ]
  return outputs, state_fw, state_bw


def _reverse_list(seq, lengths):
  if lengths is None:
    return list(reversed(seq))
  stacked = _tree.tree_map(lambda *xs: jnp.stack([jnp.asarray(x) for x in xs]), *seq)
  rev = _tree.tree_map(lambda x: _reverse_sequence(x, lengths, 0, 1), stacked)
  return [_tree.tree_map(lambda x, i=i: x[i], rev) for i in range(len(seq))]
