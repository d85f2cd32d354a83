"""``Layer``: TF1's ``tf.compat.v1.layers.Layer`` (tf-keras ``legacy_tf_layers/base.py``).

How a layer gets its names, as in TF:

* At construction it gets a *layer name* (``layer.name``, used in error messages) from a
  per-graph counter of class names, one-based: the first ``Dense()`` is ``dense_1``
  (unless ``name=`` is given).
* On its first call it opens ``variable_scope(None, default_name=name or class name)``
  and keeps that scope: ``dense``, ``dense_1``, ... unique among the scopes opened in the
  enclosing variable scope (name scopes do not matter). Its variables are made by
  ``get_variable`` in that scope, so reuse, custom getters, regularizers and partition
  rules apply as to any ``get_variable``. Later calls re-enter the scope with
  ``reuse=True``: a layer object called twice shares its variables.
* The functional forms (``vs.layers.dense(x, ..., name="fc", reuse=...)``) open
  ``variable_scope(name)`` at once when a name is given, so ``name`` with ``reuse=True``
  or ``AUTO_REUSE`` shares variables between calls.

TF keeps this state on a layer made in one graph. Here every ``transform`` trace is a new
graph, so the state (scope, built, variables, losses, updates) is kept per graph: a layer
made outside the model function works in every trace, as a template does.
"""

from __future__ import annotations

import inspect
import weakref

import jax
import numpy as np
import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.core.graph_keys import GraphKeys
from varscope_jax._src.layers import input_spec as spec_lib
from varscope_jax._src.layers import utils as layer_utils

# Per graph: {class base name: how many unnamed layers were made} (tf-keras's
# PER_GRAPH_OBJECT_NAME_UIDS).
_LAYER_NAME_UIDS = graph_lib.SlotKey("layer name uids")
# Per graph and layer: the layer's _GraphState.
_LAYER_STATE = graph_lib.SlotKey("layer state")


def _new_uids(graph) -> dict:
  del graph
  return {}


_ALLOWED_KWARGS = {
  "input_dim",
  "input_shape",
  "batch_input_shape",
  "batch_size",
  "weights",
  "activity_regularizer",
  "autocast",
  "implementation",
  "dynamic",
}


def unique_layer_name(base_name):
  """tf-keras's ``unique_object_name(base, zero_based=False)`` in the current graph.

  >>> import varscope_jax as vs
  >>> from varscope_jax._src.layers.base import unique_layer_name
  >>> with vs.Graph().as_default():
  ...   [unique_layer_name("dense") for _ in range(2)]
  ['dense_1', 'dense_2']
  """
  graph = graph_lib.get_default_graph()
  with graph.lock:
    uids = graph.slot(_LAYER_NAME_UIDS, _new_uids)
    uids[base_name] = uids.get(base_name, 0) + 1
    return "%s_%d" % (base_name, uids[base_name])


def layer_names_snapshot():
  """The current graph's layer-name counters (``restore_layer_names`` takes them back)."""
  graph = graph_lib.get_default_graph()
  with graph.lock:
    return dict(graph.slot(_LAYER_NAME_UIDS, _new_uids))


def restore_layer_names(snapshot) -> None:
  graph = graph_lib.get_default_graph()
  with graph.lock:
    uids = graph.slot(_LAYER_NAME_UIDS, _new_uids)
    uids.clear()
    uids.update(snapshot)


_CALL_ARGS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _call_arg_names(cls):
  """The parameter names of ``cls.call`` (cached per class: layers are made per call)."""
  names = _CALL_ARGS.get(cls)
  if names is None:
    try:
      names = list(inspect.signature(cls.call).parameters)[1:]
    except (TypeError, ValueError):
      names = []
    _CALL_ARGS[cls] = names
  return names


class _GraphState:
  """What a layer remembers about one graph."""

  __slots__ = (
    "scope",
    "current_scope",
    "built",
    "trainable_weights",
    "non_trainable_weights",
    "losses",
    "updates",
    "input_spec",
    "in_call",
    "loss_inputs",
    "update_inputs",
    "call_inputs",
  )

  def __init__(self, scope):
    self.scope = scope
    self.current_scope = None
    self.built = False
    self.trainable_weights = []
    self.non_trainable_weights = []
    self.losses = []
    self.updates = []
    self.input_spec = None
    self.in_call = False
    # id(loss or update) -> the call inputs it was computed from (absent: no input)
    self.loss_inputs = {}
    self.update_inputs = {}
    self.call_inputs = None  # the inputs of the call in progress


class Layer:
  """Base class of TF1's layers (``tf.compat.v1.layers.Layer``).

  Subclass it as in TF1: make variables in ``build(input_shape)`` with ``add_weight``,
  compute in ``call(inputs, ...)``; call the layer object. ``input_shape`` is a tuple
  of ints (TF passes a ``TensorShape``: use ``int(input_shape[-1])``, not ``.value``).

  Args:
    trainable: whether the layer's variables are trainable.
    name: the layer's name; the base of its variable scope (made unique).
    dtype: the variables' dtype; default: that of the first input.

  Attributes:
    name, scope_name, variables, trainable_variables, non_trainable_variables, weights,
    losses, updates, built, input_spec, dtype, trainable.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> class Scale(vs.layers.Layer):
  ...   def build(self, input_shape):
  ...     self.w = self.add_weight("w", [int(input_shape[-1])],
  ...                              initializer=vs.ones_initializer())
  ...   def call(self, inputs):
  ...     return inputs * self.w
  >>> def model(x):
  ...   layer = Scale()
  ...   return layer(layer(x))          # called twice: one variable
  >>> t = vs.transform(model)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 3)))
  >>> jax.tree_util.tree_map(jnp.shape, params)
  {'scale': {'w': (3,)}}
  """

  def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
    scope = kwargs.pop("_scope", None)
    self._reuse = kwargs.pop("_reuse", None)
    for kwarg in kwargs:
      if kwarg not in _ALLOWED_KWARGS:
        raise TypeError(tf_errors.KWARG_NOT_UNDERSTOOD, kwarg)
    self._activity_regularizer = kwargs.get("activity_regularizer")
    self._base_input_spec = getattr(self, "_base_input_spec", None)
    self.trainable = trainable
    self._dtype = None if dtype is None else jnp.dtype(dtype)
    self._init_set_name(name)
    if scope:
      with vs_lib.variable_scope(scope) as captured_scope:
        self._ctor_scope = captured_scope
    else:
      self._ctor_scope = None
    self._call_arg_names = _call_arg_names(type(self))

  def _init_set_name(self, name):
    if isinstance(name, vs_lib.VariableScope):
      base_name = name.name
      self._name = unique_layer_name(layer_utils.to_snake_case(type(self).__name__))
    else:
      base_name = name
      self._name = name
    if not name:
      base_name = layer_utils.to_snake_case(type(self).__name__)
      self._name = unique_layer_name(base_name)
    self._base_name = base_name

  # ---- per-graph state ---------------------------------------------------------------
  def _state(self) -> _GraphState:
    return graph_lib.get_default_graph().slot(_LAYER_STATE, self._new_state, owner=self)

  def _new_state(self, graph) -> _GraphState:
    del graph
    return _GraphState(self._ctor_scope)

  @property
  def built(self):
    return self._state().built

  @built.setter
  def built(self, value):
    self._state().built = value

  @property
  def input_spec(self):
    spec = self._state().input_spec
    return self._base_input_spec if spec is None else spec

  @input_spec.setter
  def input_spec(self, value):
    state = self._state()
    if state.in_call:
      state.input_spec = value
    else:
      self._base_input_spec = value

  @property
  def name(self):
    return self._name

  @property
  def dtype(self):
    """The variables' dtype name (``"float32"``), or None until the first input."""
    return None if self._dtype is None else self._dtype.name

  @property
  def scope_name(self):
    scope = self._state().scope
    if not scope:
      raise ValueError(tf_errors.NO_LAYER_SCOPE_NAME % self._name)
    return scope.name

  def __setattr__(self, name, value):
    if isinstance(value, Layer) and name != "_sublayers":
      subs = self.__dict__.setdefault("_sublayers", [])
      if not any(v is value for v in subs):
        subs.append(value)
    object.__setattr__(self, name, value)

  def _children(self, attr):
    out = []
    for layer in self.__dict__.get("_sublayers", ()):
      out.extend(getattr(layer, attr))
    return out

  @property
  def trainable_weights(self):
    if not self.trainable:
      return []
    return _dedup(self._state().trainable_weights + self._children("trainable_weights"))

  @property
  def non_trainable_weights(self):
    state = self._state()
    if self.trainable:
      return _dedup(state.non_trainable_weights + self._children("non_trainable_weights"))
    return _dedup(state.trainable_weights + state.non_trainable_weights + self._children("weights"))

  trainable_variables = trainable_weights
  non_trainable_variables = non_trainable_weights

  @property
  def weights(self):
    return self.trainable_weights + self.non_trainable_weights

  variables = weights

  @property
  def losses(self):
    return list(self._state().losses)

  @property
  def updates(self):
    if not self.trainable:
      return []  # as tf-keras: a frozen layer's updates are not run
    return list(self._state().updates)

  def get_losses_for(self, inputs):
    """TF1's ``get_losses_for``: ``None`` gives the losses that depend on no input (weight
    regularizers), an input gives those computed from it (activity regularizers, losses
    added with ``add_loss(..., inputs=...)``).

    >>> import jax.numpy as jnp
    >>> import varscope_jax as vs
    >>> vs.reset_default_graph()
    >>> layer = vs.layers.Dense(2, kernel_regularizer=jnp.sum, activity_regularizer=jnp.sum)
    >>> x = jnp.ones((3, 4))
    >>> _ = layer(x)
    >>> len(layer.get_losses_for(None)), len(layer.get_losses_for(x))
    (1, 1)
    """
    return _for_inputs(self._state().loss_inputs, self.losses, inputs)

  def get_updates_for(self, inputs):
    """TF1's ``get_updates_for``: ``None`` gives the updates that depend on no input, an
    input gives those computed from it (batch-norm statistics).

    >>> import jax.numpy as jnp
    >>> import varscope_jax as vs
    >>> vs.reset_default_graph()
    >>> bn = vs.layers.BatchNormalization()
    >>> x = jnp.ones((4, 3))
    >>> _ = bn(x, training=True)
    >>> len(bn.get_updates_for(None)), len(bn.get_updates_for(x))
    (0, 2)
    """
    return _for_inputs(self._state().update_inputs, self.updates, inputs)

  def count_params(self):
    """The number of scalars in the layer's weights (TF's ``ValueError`` before it is built).

    >>> import jax.numpy as jnp
    >>> import varscope_jax as vs
    >>> vs.reset_default_graph()
    >>> layer = vs.layers.Dense(4)
    >>> _ = layer(jnp.ones((2, 3)))
    >>> layer.count_params()
    16
    """
    if not self.built:
      raise ValueError(tf_errors.COUNT_PARAMS_UNBUILT % (self.name, self.name))
    return int(sum(np.prod(np.shape(var_lib.value_of(w)), dtype=np.int64) for w in self.weights))

  def compute_output_shape(self, input_shape):
    """The output shape for ``input_shape`` (a tuple; ``None`` for unknown sizes).

    TF1's graph-mode base class has none (TF's ``NotImplementedError``); every built-in
    layer computes its own, as TF's.

    >>> import varscope_jax as vs
    >>> vs.layers.Dense(5).compute_output_shape((None, 3))
    TensorShape([None, 5])
    """
    raise NotImplementedError(
      "Please run in eager mode or implement the "
      "compute_output_shape method on your layer "
      f"({type(self).__name__})."
    )

  # ---- variables -----------------------------------------------------------------------
  def _set_scope(self, scope=None):
    state = self._state()
    if state.scope is None:
      if self._reuse:
        with vs_lib.variable_scope(scope if scope is not None else self._base_name) as s:
          state.scope = s
      else:
        with vs_lib.variable_scope(scope, default_name=self._base_name) as s:
          state.scope = s

  def add_weight(
    self,
    name,
    shape,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable=None,
    constraint=None,
    use_resource=None,
    synchronization=var_lib.VariableSynchronization.AUTO,
    aggregation=var_lib.VariableAggregation.NONE,
    partitioner=None,
    **kwargs,
  ):
    """Makes (or, once built, reuses) a variable in the layer's scope via ``get_variable``.

    Args:
      name: the variable's name in the layer's scope.
      shape: its shape.
      dtype: default: the layer's dtype (that of its first input), else float32.
      initializer: default: the enclosing scope's initializer, else glorot-uniform for
        floats and zeros for ints and bools.
      regularizer: ``fn(value) -> loss``; added to ``layer.losses`` and
        ``GraphKeys.REGULARIZATION_LOSSES`` when the variable is made.
      trainable: default True (False with ``synchronization=ON_READ``); a layer made
        with ``trainable=False`` makes every variable non-trainable.
      constraint, use_resource, synchronization, aggregation, partitioner: passed to
        ``get_variable``.
      **kwargs: ``collections`` (passed on); ``experimental_autocast``, ``autocast``,
        ``caching_device`` (accepted).

    Returns:
      What ``get_variable`` returns (a ``vs.Variable`` in the eager default graph, the
      array inside ``transform``).

    >>> import varscope_jax as vs
    >>> vs.reset_default_graph()
    >>> layer = vs.layers.Layer(name="block")
    >>> w = layer.add_weight("w", [2], initializer=vs.zeros_initializer())
    >>> w.name, [v.name for v in layer.variables]
    ('block/w:0', ['block/w:0'])
    """
    for kwarg in kwargs:
      if kwarg not in (
        "experimental_autocast",
        "autocast",
        "collections",
        "caching_device",
        "getter",
      ):
        raise TypeError(tf_errors.UNKNOWN_KWARG, kwarg)
    collections = kwargs.get("collections")
    sync = synchronization
    if sync is not None and not isinstance(sync, var_lib.VariableSynchronization):
      sync = var_lib.VariableSynchronization(sync)
    if sync == var_lib.VariableSynchronization.ON_READ:
      if trainable:
        raise ValueError(tf_errors.ON_READ_TRAINABLE)
      trainable = False
    elif trainable is None:
      trainable = True
    graph = graph_lib.get_default_graph()
    if dtype is None:
      dtype = self._dtype or dtypes_lib.float32
    self._set_scope(None)
    state = self._state()
    reuse = state.built or self._reuse
    with vs_lib.variable_scope(state.scope, reuse=reuse, auxiliary_name_scope=False) as scope:
      state.current_scope = scope
      with graph.name_scope(scope.original_name_scope):
        if initializer is None:
          initializer = scope.initializer
        dtype = dtypes_lib.as_dtype(dtype)
        if initializer is None and not (dtypes_lib.is_floating(dtype) or dtype.kind in "iub"):
          raise ValueError(tf_errors.LAYER_INITIALIZER_REQUIRED % (name, dtype.name, self.name))
        existing: set[int] = set()
        if regularizer:
          existing = {id(v) for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)}
        variable = store_lib.get_variable(
          name,
          shape,
          dtype=dtype,
          initializer=initializer,
          trainable=trainable and self.trainable,
          collections=collections,
          constraint=constraint,
          partitioner=partitioner,
          use_resource=use_resource,
          synchronization=synchronization,
          aggregation=aggregation,
        )
        if regularizer and id(variable) not in existing:
          # TF names the loss in the layer's name scope by the layer's own name for the
          # weight (``conv/kernel/Regularizer``), even when a custom getter renamed it.
          with graph.name_scope(name + "/Regularizer"):
            loss_name = graph.name_stack
            loss = regularizer(var_lib.value_of(variable))
          if loss is not None:
            self._add_loss_item(graph, loss, loss_name)
        rec = graph.record_of(variable)
        is_trainable = bool(trainable and self.trainable and (rec is None or rec.trainable))
        lst = state.trainable_weights if is_trainable else state.non_trainable_weights
        if not any(v is variable for v in lst):
          lst.append(variable)
    return variable

  add_variable = add_weight

  def _add_loss_item(self, graph, loss, name):
    self._state().losses.append(loss)
    graph.add_regularization_loss(loss, name)

  def add_loss(self, losses, inputs=None):
    """Adds losses to ``layer.losses`` and ``GraphKeys.REGULARIZATION_LOSSES`` (as TF1).

    >>> import jax.numpy as jnp
    >>> import varscope_jax as vs
    >>> vs.reset_default_graph()
    >>> layer = vs.layers.Layer()
    >>> layer.add_loss(jnp.float32(0.5))
    >>> len(layer.losses), len(vs.get_regularization_losses())
    (1, 1)
    """
    graph = graph_lib.get_default_graph()
    state = self._state()
    for loss in losses if isinstance(losses, (list, tuple)) else [losses]:
      if callable(loss):
        loss = loss()
      if loss is not None:
        self._add_loss_item(graph, loss, "%sloss" % graph.name_stack)
        if inputs is not None:
          state.loss_inputs[id(loss)] = inputs

  def add_update(self, updates):
    """Records update values (``layer.updates``; ``GraphKeys.UPDATE_OPS`` after the call).

    The update itself is made with ``vs.assign`` (see ``BatchNormalization``).
    """
    state = self._state()
    for u in updates if isinstance(updates, (list, tuple)) else [updates]:
      u = u() if callable(u) else u
      state.updates.append(u)
      if state.in_call and state.call_inputs is not None:
        state.update_inputs[id(u)] = state.call_inputs

  # ---- building and calling ----------------------------------------------------------
  def build(self, input_shape):
    """Makes the variables (override it); the default marks the layer as built."""
    del input_shape
    self.built = True

  def call(self, inputs, **kwargs):
    """The computation (override it); the default returns ``inputs``."""
    del kwargs
    return inputs

  def apply(self, *args, **kwargs):
    """Same as ``__call__`` (TF1's alias)."""
    return self(*args, **kwargs)

  def _maybe_build(self, inputs):
    state = self._state()
    if state.built:
      return
    spec_lib.assert_input_compatibility(
      self.input_spec, inputs, self.name, self._scope_for_errors()
    )
    xs = jax.tree_util.tree_leaves(inputs)
    if xs and self._dtype is None:
      self._dtype = jnp.dtype(dtypes_lib.canonical(xs[0].dtype))
    input_shapes = jax.tree_util.tree_map(lambda x: tuple(x.shape), inputs)
    if type(self).build is not Layer.build:
      self.build(input_shapes)
    state.built = True

  def _scope_for_errors(self):
    scope = self._state().scope
    return scope.name if scope is not None else None

  def __call__(self, inputs, *args, **kwargs):
    raw_inputs = inputs
    scope = kwargs.pop("scope", None)
    self._set_scope(scope)
    state = self._state()
    reuse = True if state.built else self._reuse
    with vs_lib.variable_scope(state.scope, reuse=reuse, auxiliary_name_scope=False) as vscope:
      state.current_scope = vscope
      if "scope" in self._call_arg_names:
        kwargs["scope"] = vscope
      if "training" in kwargs and "training" not in self._call_arg_names:
        kwargs.pop("training")
      inputs = jax.tree_util.tree_map(layer_utils.as_array, inputs)
      graph = graph_lib.get_default_graph()
      spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name, vscope.name)
      was_in_call, state.in_call = state.in_call, True
      outer_inputs, state.call_inputs = state.call_inputs, raw_inputs
      try:
        with graph.name_scope(vscope.original_name_scope):
          self._maybe_build(inputs)
          outputs = self.call(inputs, *args, **kwargs)
          if outputs is None:
            raise ValueError(tf_errors.CALL_RETURNED_NONE % self.name)
          if self._activity_regularizer is not None:
            self._handle_activity_regularization(graph, outputs, self._activity_regularizer)
      finally:
        state.in_call = was_in_call
        state.call_inputs = outer_inputs
    collection = graph.get_collection_ref(GraphKeys.UPDATE_OPS)
    known = {id(u) for u in collection}
    for u in self.updates:
      if id(u) not in known:
        collection.append(u)
    return outputs

  def _handle_activity_regularization(self, graph, outputs, regularizer):
    with graph.name_scope("ActivityRegularizer"):
      for output in jax.tree_util.tree_leaves(outputs):
        loss = regularizer(output)
        loss = loss / jax.numpy.asarray(output.shape[0], loss.dtype)
        self._add_loss_item(graph, loss, graph.name_stack + "/truediv")
        state = self._state()
        if state.call_inputs is not None:
          state.loss_inputs[id(loss)] = state.call_inputs


def _for_inputs(sources, items, inputs):
  """The ``items`` computed from ``inputs`` (``None``: those computed from no input)."""
  if inputs is None:
    return [x for x in items if id(x) not in sources]
  wanted = {id(x) for x in jax.tree_util.tree_leaves(inputs)}
  return [
    x
    for x in items
    if id(x) in sources
    and any(id(leaf) in wanted for leaf in jax.tree_util.tree_leaves(sources[id(x)]))
  ]


def _dedup(items):
  out = []
  for v in items:
    if not any(v is u for u in out):
      out.append(v)
  return out
