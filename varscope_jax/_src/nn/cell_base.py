"""``RNNCell``, ``LayerRNNCell`` and ``LSTMStateTuple``: TF1's cell base with TF1's layer naming.

In TF 2.x with tf-keras, ``tf.compat.v1.nn.rnn_cell`` cells are ``tf.compat.v1.layers``
layers. What decides their variable names, reproduced here:

* At construction a cell gets a layer name (``cell.name``): its class name in snake case
  made unique in the graph, counting from 1 (``lstm_cell_1``, ``lstm_cell_2``), or the
  ``name`` given. Only error messages and ``cell.name`` show it.
* At its first call in a graph, the cell opens ``variable_scope(scope,
  default_name=<snake-case class name or name>)`` and keeps that scope: the first
  ``LSTMCell`` called in ``rnn`` is ``rnn/lstm_cell``, the next new one
  ``rnn/lstm_cell_1``. Later calls re-enter the kept scope with ``reuse=True``, so a cell
  object called again (at another time step, by another driver, under another scope)
  shares its variables.
* ``RNNCell.__call__`` (cells that are not ``LayerRNNCell``: ``MultiRNNCell``, user
  subclasses) first re-enters the variable scope current at its first call.

The state is kept per graph (every ``transform`` trace is a new graph), so a cell object
made outside the model function works in every trace, as TF's cells do in one graph.

This is the part of TF1's ``Layer`` that RNN cells need; it can later sit on a shared
``Layer`` base (``tf.compat.v1.layers``) without changing its behaviour.
"""
from __future__ import annotations

import collections
import dataclasses
import inspect
import re
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.core.graph import get_default_graph
from varscope_jax._src.core.store import get_variable
from varscope_jax._src.core.variable_scope import get_variable_scope, variable_scope
from varscope_jax._src.core.variables import Variable

_LAYER_NAME_COUNTS = weakref.WeakKeyDictionary()  # Graph -> {base name: count}


def to_snake_case(name: str) -> str:
  """Keras' class-name-to-layer-name rule (``LSTMCell`` -> ``lstm_cell``).

  >>> to_snake_case("BasicLSTMCell"), to_snake_case("MultiRNNCell")
  ('basic_lstm_cell', 'multi_rnn_cell')
  """
  intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
  insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
  return insecure if insecure[0] != "_" else "private" + insecure


def unique_layer_name(base: str) -> str:
  """``base_N`` with N counting from 1 per base name in the default graph (Keras' rule)."""
  counts = _LAYER_NAME_COUNTS.setdefault(get_default_graph(), collections.Counter())
  counts[base] += 1
  return "%s_%d" % (base, counts[base])


def value_of(v):
  """The array of a variable (eager ``Variable`` objects hold it; traces give arrays)."""
  return v.value() if isinstance(v, Variable) else v


def tf_dtype_repr(dtype) -> str:
  return "<dtype: '%s'>" % jnp.dtype(dtype).name


def check_supported_dtype(dtype) -> None:
  """TF's rule: RNN cells take floating point (or complex) inputs only."""
  if dtype is None:
    return
  dt = jnp.dtype(dtype)
  if not (jnp.issubdtype(dt, jnp.floating) or jnp.issubdtype(dt, jnp.complexfloating)):
    raise ValueError("RNN cell only supports floating point inputs, but received dtype: "
                     + tf_dtype_repr(dt))


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
      raise TypeError("Inconsistent dtypes for internal state: %s vs %s" % (c.dtype, h.dtype))
    return c.dtype


def _is_nested(x) -> bool:
  return isinstance(x, (tuple, list))


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
  conditions = [hasattr(cell, "output_size"), hasattr(cell, "state_size"),
                hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
                callable(cell)]
  errors = ["'output_size' property is missing", "'state_size' property is missing",
            "either 'zero_state' or 'get_initial_state' method is required", "is not callable"]
  if not all(conditions):
    errors = [e for e, ok in zip(errors, conditions) if not ok]
    raise TypeError("The argument {!r} ({}) is not an RNNCell: {}.".format(
        cell_name, cell, ", ".join(errors)))


@dataclasses.dataclass
class _CellGraphState:
  """What a cell remembers in one graph (TF keeps it on the layer, in its only graph)."""
  scope: object = None        # the layer's VariableScope, set at the first call
  cell_scope: object = None   # RNNCell.__call__: the variable scope current at the first call
  built: bool = False
  input_depth: object = None  # the last input dimension the cell was built for
  variables: list = dataclasses.field(default_factory=list)
  weights: dict = dataclasses.field(default_factory=dict)  # add_weight name -> array
  extra: dict = dataclasses.field(default_factory=dict)


class RNNCell:
  """Base class of RNN cells, as ``tf.compat.v1.nn.rnn_cell.RNNCell``.

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

  _input_ndim = None  # LayerRNNCells require rank-2 inputs (Keras' InputSpec(ndim=2))

  def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
    reuse = kwargs.pop("_reuse", None)
    if kwargs:
      raise TypeError("Keyword argument not understood: %r" % sorted(kwargs)[0])
    self.trainable = trainable
    self._reuse = reuse
    self._dtype = None if dtype is None else jnp.dtype(dtype)
    base = to_snake_case(type(self).__name__)
    if name is None:
      self._name, self._base_name = unique_layer_name(base), base
    else:
      self._name = self._base_name = name
    self._graph_states = weakref.WeakKeyDictionary()

  # ---- per-graph state -------------------------------------------------------------------
  def _state(self) -> _CellGraphState:
    states = self.__dict__.get("_graph_states")
    if states is None:
      raise TypeError("%s.__init__ did not call super().__init__(): RNNCell subclasses must "
                      "call it (it sets up the cell's name and scope)." % type(self).__name__)
    graph = get_default_graph()
    st = states.get(graph)
    if st is None:
      st = states[graph] = _CellGraphState()
    return st

  @property
  def name(self):
    """The layer name (``lstm_cell_1``, or the ``name`` given), as TF's ``layer.name``."""
    return self._name

  @property
  def dtype(self):
    return self._dtype

  @property
  def built(self):
    return self._state().built

  @property
  def scope_name(self):
    """The cell's variable scope in the current graph (set by its first call)."""
    st = self._state()
    if st.scope is None:
      raise ValueError('No name available for layer scope because the layer "%s" has not been '
                       "used yet. The scope name  is determined the first time the layer "
                       "instance is called. You must therefore call the layer before querying "
                       "`scope_name`." % self._name)
    return st.scope.name

  @property
  def variables(self):
    """The variables this cell made or reused in the current graph, in creation order."""
    return list(self._state().variables)

  trainable_variables = weights = variables

  @property
  def state_size(self):
    """Size(s) of the state: an int, or a (nested) tuple of ints."""
    raise NotImplementedError("Abstract method")

  @property
  def output_size(self):
    """Size of the output: an int, or a (nested) tuple of ints."""
    raise NotImplementedError("Abstract method")

  def build(self, input_shape):
    """Makes the cell's variables; called once per graph, before the first ``call``."""

  def call(self, inputs, state):
    raise NotImplementedError("Abstract method")

  def zero_state(self, batch_size, dtype):
    """Zero-filled state(s) ``[batch_size, s]`` matching ``state_size``."""
    return zero_state_arrays(self.state_size, batch_size, dtype)

  def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
    """``zero_state``, with ``batch_size`` and ``dtype`` taken from ``inputs`` if given."""
    if inputs is not None:
      inputs = jnp.asarray(inputs)
      batch_size, dtype = inputs.shape[0], inputs.dtype
    if batch_size is None or dtype is None:
      raise ValueError("batch_size and dtype cannot be None while constructing initial "
                       "state: batch_size=%s, dtype=%s" % (batch_size, dtype))
    return self.zero_state(batch_size, dtype)

  # ---- calling -----------------------------------------------------------------------------
  def __call__(self, inputs, state, scope=None):
    """Runs one step: ``(output, new_state) = cell(inputs, state)``.

    ``scope`` (a name or ``VariableScope``) places the cell's variables there on its
    first call; by default they go under the variable scope current at the first call.
    """
    if scope is not None:
      with variable_scope(scope, custom_getter=self._rnn_get_variable) as sc:
        return self._layer_call(inputs, state, scope=sc)
    st = self._state()
    if st.cell_scope is None:
      st.cell_scope = get_variable_scope()
    with variable_scope(st.cell_scope, custom_getter=self._rnn_get_variable):
      return self._layer_call(inputs, state)

  def _rnn_get_variable(self, getter, *args, **kwargs):
    variable = getter(*args, **kwargs)
    variables = self._state().variables
    if all(variable is not v for v in variables):
      variables.append(variable)
    return variable

  def _set_scope(self, st, scope=None):
    if st.scope is None:
      if self._reuse:
        with variable_scope(scope if scope is not None else self._base_name) as captured:
          st.scope = captured
      else:
        with variable_scope(scope, default_name=self._base_name) as captured:
          st.scope = captured

  def _layer_call(self, inputs, *args, scope=None, **kwargs):
    """TF1 ``Layer.__call__``: scope once, build once, then ``call``."""
    st = self._state()
    self._set_scope(st, scope)
    reuse = True if st.built else self._reuse
    with variable_scope(st.scope, reuse=reuse, auxiliary_name_scope=False) as sc:
      self._check_inputs(st, inputs)
      if not st.built:
        leaves = jax.tree_util.tree_leaves(inputs)
        if self._dtype is None and leaves:
          self._dtype = jnp.result_type(leaves[0])
        self.build(_input_shape(inputs))
        st.built = True
        if self._input_ndim is not None:
          st.input_depth = jnp.shape(inputs)[-1]
      if "scope" in _call_args(type(self).call):
        kwargs["scope"] = sc
      return self.call(inputs, *args, **kwargs)

  def _check_inputs(self, st, inputs):
    if self._input_ndim is None:
      return
    shape = jnp.shape(inputs)
    if len(shape) != self._input_ndim:
      raise ValueError(
          'Input 0 of layer "%s" is incompatible with the layer: expected ndim=%d, found '
          "ndim=%d. Full shape received: %s\n(cell scope %r: an RNN cell takes one time step "
          "[batch, depth]; run a sequence with vs.nn.dynamic_rnn.)"
          % (self._name, self._input_ndim, len(shape), shape_str(shape), st.scope.name))
    if st.built and st.input_depth is not None and shape[-1] != st.input_depth:
      raise ValueError(
          "Cell %r (scope %r) was built for inputs of depth %d but is now called with inputs "
          "of shape %s. A cell object keeps its variables: use a new cell object for inputs of "
          "another size." % (self._name, st.scope.name, st.input_depth, shape_str(shape)))

  def check_state(self, state, where):
    """A clear error if ``state`` does not nest like ``state_size`` or has the wrong widths."""
    size = self.state_size
    if not same_nesting(size, state):
      raise TypeError(
          "%s: the state does not match the cell's state_size. Cell %r has state_size %r, but "
          "the state given is %s. Pass a state shaped like cell.zero_state(batch_size, dtype)."
          % (where, self._name, size, _describe(state)))
    for s, x in zip(_leaves(size), _leaves(state)):
      want = _size_list(s)
      if list(jnp.shape(x)[1:]) != want:
        raise ValueError(
            "%s: the state does not match the cell's state_size. Cell %r has state_size %r, but "
            "the state given is %s. Pass a state shaped like cell.zero_state(batch_size, dtype)."
            % (where, self._name, size, _describe(state)))


class LayerRNNCell(RNNCell):
  """An ``RNNCell`` that makes its variables in ``build`` with ``add_weight`` (TF's built-in cells).

  Its ``__call__`` does not re-enter the scope of its first call first (as TF's).

  >>> from varscope_jax.nn import rnn_cell
  >>> issubclass(rnn_cell.LSTMCell, rnn_cell.LayerRNNCell)
  True
  """

  _input_ndim = 2

  def __call__(self, inputs, state, scope=None):
    return self._layer_call(inputs, state, scope=scope)

  def add_weight(self, name, shape, dtype=None, initializer=None, trainable=None,
                 partitioner=None):
    """``get_variable(name, ...)`` in the cell's scope (reusing after the first build).

    As TF1's ``Layer.add_weight``: an ``initializer`` of None means the enclosing
    variable scope's initializer, else ``get_variable``'s default (glorot-uniform for
    floats).
    """
    st = self._state()
    self._set_scope(st)
    reuse = st.built or self._reuse
    with variable_scope(st.scope, reuse=reuse or None, auxiliary_name_scope=False) as sc:
      if initializer is None:
        initializer = sc.initializer
      trainable = True if trainable is None else trainable
      variable = get_variable(name, shape, dtype=dtype or self._dtype or jnp.float32,
                              initializer=initializer, trainable=trainable and self.trainable,
                              partitioner=partitioner)
    if all(variable is not v for v in st.variables):
      st.variables.append(variable)
    st.weights[name] = value = value_of(variable)
    return value

  def weight_values(self):
    """``{name: array}`` of the weights ``build`` made in the current graph."""
    return self._state().weights


def _call_args(fn):
  try:
    return inspect.signature(fn).parameters
  except (TypeError, ValueError):  # pragma: no cover - builtins
    return {}


def _input_shape(inputs):
  return jax.tree_util.tree_map(lambda x: tuple(jnp.shape(x)), inputs)


def _describe(state):
  if _is_nested(state):
    return "%s of %d (%s)" % (type(state).__name__, len(state),
                              ", ".join(_describe(s) for s in state))
  if isinstance(state, (jax.Array, np.ndarray)) or hasattr(state, "shape"):
    return "an array of shape %s" % shape_str(jnp.shape(state))
  return repr(state)
