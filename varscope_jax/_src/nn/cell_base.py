"""``RNNCell``, ``LayerRNNCell`` and ``LSTMStateTuple``: TF1's cell base, on TF1's ``Layer``.

In TF 2.x with tf-keras, ``tf.compat.v1.nn.rnn_cell`` cells are ``tf.compat.v1.layers``
layers, and so are these (``varscope_jax._src.layers.base.Layer``), which decides their
names as TF does:

* At construction a cell gets a layer name (``cell.name``): its class name in snake case
  made unique in the graph, counting from 1 (``lstm_cell_1``), or the ``name`` given.
  Only error messages and ``cell.name`` show it.
* At its first call in a graph, the cell opens ``variable_scope(scope,
  default_name=<snake-case class name or name>)`` and keeps that scope: the first
  ``LSTMCell`` called in ``rnn`` is ``rnn/lstm_cell``, the next new one
  ``rnn/lstm_cell_1``. Later calls re-enter the kept scope with ``reuse=True``, so a cell
  object called again (at another time step, by another driver, under another scope)
  shares its variables.
* ``RNNCell.__call__`` (cells that are not ``LayerRNNCell``: ``MultiRNNCell``, wrappers,
  user subclasses) first re-enters the variable scope current at its first call.

Layer state is kept per graph (every ``transform`` trace is a new graph), so a cell
object made outside the model function works in every trace, as TF's cells do in one
graph. What only cells need (the scope of the first call, the input depth, the weights'
values) is kept per graph here too.
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.dtypes import as_tf_dtype
from varscope_jax._src.base.tensor_shape import TensorShape
from varscope_jax._src.core.graph import SlotKey, get_default_graph
from varscope_jax._src.core.variable_scope import get_variable_scope, variable_scope
from varscope_jax._src.core.variables import value_of
from varscope_jax._src.layers.base import Layer
from varscope_jax._src.layers.input_spec import InputSpec


def tf_dtype_repr(dtype) -> str:
  return "<dtype: '%s'>" % jnp.dtype(dtype).name


def check_supported_dtype(dtype) -> None:
  """TF's rule: RNN cells take floating point (or complex) inputs only."""
  if dtype is None:
    return
  dt = jnp.dtype(dtype)
  if not (jnp.issubdtype(dt, jnp.floating) or jnp.issubdtype(dt, jnp.complexfloating)):
    raise ValueError(tf_errors.RNN_FLOAT_INPUTS % tf_dtype_repr(dt))


def tensor_repr(x) -> str:
  """An array in an error message (its shape and dtype, never its values)."""
  return "<array shape=%s dtype=%s>" % (shape_str(jnp.shape(x)), jnp.result_type(x).name)


def shape_str(shape) -> str:
  """A shape as TF prints a ``TensorShape``: ``(2, 3)``, ``(3,)``."""
  shape = tuple(shape)
  return "(%d,)" % shape[0] if len(shape) == 1 else "(%s)" % ", ".join(str(d) for d in shape)


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
  """The state of an LSTM cell: ``(c, h)``, the memory and the output, in that order.

  A namedtuple (a JAX pytree), as ``tf.compat.v1.nn.rnn_cell.LSTMStateTuple``; used when
  ``state_is_tuple=True``.

  >>> import jax.numpy as jnp
  >>> from varscope_jax.nn import rnn_cell
  >>> s = rnn_cell.LSTMStateTuple(jnp.zeros((2, 3)), jnp.ones((2, 3)))
  >>> s.h.shape, s.dtype
  ((2, 3), dtype('float32'))
  """

  __slots__ = ()

  @property
  def dtype(self):
    c, h = self
    if c.dtype != h.dtype:
      raise TypeError(tf_errors.INCONSISTENT_STATE_DTYPES % (c.dtype, h.dtype))
    return c.dtype


def _is_nested(x) -> bool:
  """Nested sizes are tuples and lists; a ``TensorShape`` is one state's shape."""
  return isinstance(x, (tuple, list)) and not isinstance(x, TensorShape)


def same_nesting(a, b) -> bool:
  """True if ``a`` and ``b`` nest alike (tuples, lists and namedtuples are interchangeable)."""
  if _is_nested(a) != _is_nested(b):
    return False
  if not _is_nested(a):
    return True
  return len(a) == len(b) and all(same_nesting(x, y) for x, y in zip(a, b))


def _leaves(x):
  return [x] if not _is_nested(x) else [leaf for v in x for leaf in _leaves(v)]


def _size_list(size):
  return list(size) if isinstance(size, (tuple, list)) else [int(size)]


def zero_state_arrays(state_size, batch_size, dtype):
  """Zeros ``[batch_size] + s`` for each ``s`` in the (nested) ``state_size``."""
  if _is_nested(state_size):
    parts = [zero_state_arrays(s, batch_size, dtype) for s in state_size]
    return type(state_size)(*parts) if hasattr(state_size, "_fields") else type(state_size)(parts)
  return jnp.zeros([int(batch_size)] + _size_list(state_size), dtype)


def assert_like_rnncell(cell_name, cell):
  """Raises TF's ``TypeError`` if ``cell`` does not look like an ``RNNCell``."""
  conditions = [
    hasattr(cell, "output_size"),
    hasattr(cell, "state_size"),
    hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
    callable(cell),
  ]
  errors = [
    "'output_size' property is missing",
    "'state_size' property is missing",
    "either 'zero_state' or 'get_initial_state' method is required",
    "is not callable",
  ]
  if not all(conditions):
    errors = [e for e, ok in zip(errors, conditions) if not ok]
    raise TypeError(tf_errors.NOT_AN_RNN_CELL % (cell_name, cell, ", ".join(errors)))


@dataclasses.dataclass
class _CellGraphState:
  """What a cell remembers in one graph, beyond its ``Layer`` state."""

  cell_scope: object = None  # RNNCell.__call__: the variable scope current at the first call
  input_depth: object = None  # the last input dimension the cell was built for
  weights: dict = dataclasses.field(default_factory=dict)  # add_weight name -> array
  extra: dict = dataclasses.field(default_factory=dict)  # e.g. DropoutWrapper's noise


# Per graph and cell: its _CellGraphState.
_CELL_STATE = SlotKey("rnn cell state")


def _new_cell_state(graph) -> _CellGraphState:
  del graph
  return _CellGraphState()


class RNNCell(Layer):
  """Base class of RNN cells, as ``tf.compat.v1.nn.rnn_cell.RNNCell`` (a TF1 ``Layer``).

  Subclasses define ``state_size``, ``output_size`` and ``call(inputs, state)`` returning
  ``(output, new_state)``; they may make variables with ``vs.get_variable`` inside
  ``call`` (named under the cell's scope, e.g. ``rnn/my_cell/w``) or with
  ``self.add_weight`` in ``build(input_shape)``. Calling the cell again shares them.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> class MyCell(vs.nn.rnn_cell.RNNCell):
  ...   state_size = output_size = 3
  ...   def call(self, inputs, state):
  ...     w = vs.get_variable("w", [inputs.shape[-1] + 3, 3])
  ...     h = jnp.tanh(jnp.concatenate([inputs, state], 1) @ w)
  ...     return h, h
  >>> def f(x):
  ...   return vs.nn.dynamic_rnn(MyCell(), x, dtype=vs.float32)[0]
  >>> sorted(n for n, _ in vs.flatten_params(vs.transform(f).init(jax.random.PRNGKey(0), jnp.ones((2, 4, 2)))))
  ['rnn/my_cell/w']
  """

  def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
    super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)

  def _rnn_state(self) -> _CellGraphState:
    if "_ctor_scope" not in self.__dict__:  # set by Layer.__init__
      raise TypeError(
        "%s.__init__ did not call super().__init__(): RNNCell subclasses must "
        "call it (it sets up the cell's name and scope)." % type(self).__name__
      )
    return get_default_graph().slot(_CELL_STATE, _new_cell_state, owner=self)

  @property
  def state_size(self):
    """Size(s) of the state: an int, or a (nested) tuple of ints."""
    raise NotImplementedError(tf_errors.ABSTRACT_METHOD)

  @property
  def output_size(self):
    """Size of the output: an int, or a (nested) tuple of ints."""
    raise NotImplementedError(tf_errors.ABSTRACT_METHOD)

  def call(self, inputs, state):
    raise NotImplementedError(tf_errors.ABSTRACT_METHOD)

  def zero_state(self, batch_size, dtype):
    """Zero-filled state(s) ``[batch_size, s]`` matching ``state_size``."""
    return zero_state_arrays(self.state_size, batch_size, dtype)

  def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
    """``zero_state``, with ``batch_size`` and ``dtype`` taken from ``inputs`` if given;
    when both are given they must agree with ``inputs`` (TF's ``ValueError``)."""
    if inputs is not None:
      inputs = jnp.asarray(value_of(inputs))
      if batch_size is not None and inputs.shape[0] != batch_size:
        raise ValueError(tf_errors.INITIAL_STATE_BATCH % (inputs.shape[0], batch_size))
      if dtype is not None and jnp.dtype(inputs.dtype) != jnp.dtype(dtype):
        raise ValueError(
          tf_errors.INITIAL_STATE_DTYPE % (as_tf_dtype(inputs.dtype), as_tf_dtype(dtype))
        )
      batch_size, dtype = inputs.shape[0], inputs.dtype
    if batch_size is None or dtype is None:
      raise ValueError(
        tf_errors.INITIAL_STATE_NONE % (batch_size, None if dtype is None else as_tf_dtype(dtype))
      )
    return self.zero_state(batch_size, dtype)

  def weight_values(self) -> dict[str, Any]:
    """``{name: array}`` of the weights ``add_weight`` made in the current graph."""
    return self._rnn_state().weights

  def add_weight(self, name, shape, *args, **kwargs):
    """``Layer.add_weight``; the value is also kept for ``weight_values()``."""
    variable = super().add_weight(name, shape, *args, **kwargs)
    self._rnn_state().weights[name] = value_of(variable)
    return variable

  # ---- calling -----------------------------------------------------------------------------
  def __call__(self, inputs, state, scope=None):
    """Runs one step: ``(output, new_state) = cell(inputs, state)``.

    ``scope`` (a name or ``VariableScope``) places the cell's variables there on its
    first call; by default they go under the variable scope current at the first call.
    """
    st = self._rnn_state()
    if scope is not None:
      with variable_scope(scope, custom_getter=self._rnn_get_variable) as sc:
        return Layer.__call__(self, inputs, state, scope=sc)
    if st.cell_scope is None:
      st.cell_scope = get_variable_scope()
    with variable_scope(st.cell_scope, custom_getter=self._rnn_get_variable):
      return Layer.__call__(self, inputs, state)

  def _rnn_get_variable(self, getter, *args, **kwargs):
    """TF's custom getter of RNNCell: variables made in ``call`` count as the cell's."""
    variable = getter(*args, **kwargs)
    graph = get_default_graph()
    rec = graph.record_of(variable)
    state = self._state()
    weights = (
      state.trainable_weights if rec is None or rec.trainable else state.non_trainable_weights
    )
    if all(variable is not v for v in weights):
      weights.append(variable)
    return variable

  def check_state(self, state, where):
    """A clear error if ``state`` does not nest like ``state_size`` or has the wrong widths."""
    size = self.state_size
    ok = same_nesting(size, state) and all(
      list(jnp.shape(x)[1:]) == _size_list(s) for s, x in zip(_leaves(size), _leaves(state))
    )
    if not ok:
      cls = TypeError if not same_nesting(size, state) else ValueError
      raise cls(
        "%s: the state does not match the cell's state_size. Cell %r has state_size %r, "
        "but the state given is %s. Pass a state shaped like "
        "cell.zero_state(batch_size, dtype)." % (where, self.name, size, _describe(state))
      )


class LayerRNNCell(RNNCell):
  """An ``RNNCell`` that makes its variables in ``build`` with ``add_weight`` (TF's built-in cells).

  Its ``__call__`` does not re-enter the scope of its first call first (as TF's), takes
  inputs of rank 2 (TF's ``InputSpec(ndim=2)``), and refuses inputs of another depth
  than the one it was built for, naming its scope.

  >>> from varscope_jax.nn import rnn_cell
  >>> issubclass(rnn_cell.LSTMCell, rnn_cell.LayerRNNCell)
  True
  """

  def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
    super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
    self.input_spec = InputSpec(ndim=2)

  def __call__(self, inputs, state, scope=None):
    st = self._rnn_state()
    shape = jnp.shape(inputs)
    if (
      self.built and st.input_depth is not None and len(shape) == 2 and shape[-1] != st.input_depth
    ):
      raise ValueError(
        "Cell %r (scope %r) was built for inputs of depth %d but is now called with inputs "
        "of shape %s. A cell object keeps its variables: use a new cell object for inputs of "
        "another size." % (self.name, self.scope_name, st.input_depth, shape_str(shape))
      )
    return Layer.__call__(self, inputs, state, scope=scope)

  def _note_input_depth(self, depth):
    self._rnn_state().input_depth = depth


def check_cell_inputs(cell, inputs, state_parts, kernel_rows):
  """TF's errors for ``concat([inputs] + state_parts, 1) @ kernel`` of mismatched shapes
  (first words TF's, then the cell), instead of JAX's ``TypeError``."""
  parts = [inputs] + list(state_parts)
  batch = jnp.shape(inputs)[0] if jnp.ndim(inputs) else None
  for p in parts[1:]:
    if jnp.ndim(p) != 2 or jnp.shape(p)[0] != batch:
      got = jnp.shape(p)[0] if jnp.ndim(p) else None
      raise ValueError(
        tf_errors.DIMENSION_0_EQUAL
        % (batch, got, batch, got)
        + " for the concatenation of the inputs %s and the state %s of cell %r: the "
        "state must have one row per input row."
        % (shape_str(jnp.shape(inputs)), shape_str(jnp.shape(p)), cell.name)
      )
  width = sum(int(jnp.shape(p)[1]) for p in parts)
  if kernel_rows is not None and width != kernel_rows:
    raise ValueError(
      tf_errors.DIMENSIONS_EQUAL
      % (width, kernel_rows)
      + " for the kernel of cell %r: inputs %s and state %s concatenate to width %d, but "
      "the kernel has %d rows (built for inputs of depth %s). Pass a state shaped like cell.zero_state(batch_size, dtype)."
      % (
        cell.name,
        shape_str(jnp.shape(inputs)),
        " + ".join(shape_str(jnp.shape(p)) for p in parts[1:]),
        width,
        kernel_rows,
        cell._rnn_state().input_depth,
      )
    )


def _describe(state):
  if _is_nested(state):
    return "%s of %d (%s)" % (
      type(state).__name__,
      len(state),
      ", ".join(_describe(s) for s in state),
    )
  if isinstance(state, (jax.Array, np.ndarray)) or hasattr(state, "shape"):
    return "an array of shape %s" % shape_str(jnp.shape(state))
  return repr(state)
