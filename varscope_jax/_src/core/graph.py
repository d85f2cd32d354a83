"""The graph: one namespace of op names, name scopes, collections and a variable store.

TF1 keeps all of this on a ``tf.Graph``; varscope_jax keeps it on a ``Graph`` too, but a
graph here holds no ops -- only the names TF would have given them, so that names come
out exactly as TF prints them. There is one eager default graph (TF's default graph,
for notebooks) and one fresh graph per ``transform`` trace (so every trace restarts all
counters). Which graph is current is thread-local, as are the name stack and the
variable-scope stack inside a graph (as in TF); names in use, variables and collections
are shared by the threads using one graph (as in TF).
"""

from __future__ import annotations

import contextlib
import re
import threading
import weakref
from typing import Any, Callable, Iterator

import jax.numpy as jnp

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.shapes import shape_str
from varscope_jax._src.core.backends import EagerBackend
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.core.graph_keys import GraphKeys

_VALID_OP_NAME_REGEX = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME_REGEX = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


def name_from_scope_name(name: str) -> str:
  return name[:-1] if (name and name[-1] == "/") else name


# Names that passed the check (a model uses the same few names at every call).
_VALID_NESTED: set = set()
_VALID_ROOT: set = set()
_VALID_MAX = 1 << 16


def validate_name(name: str, nested: bool) -> None:
  """TF's check of a name scope / op name (``Graph.name_scope``)."""
  valid = _VALID_NESTED if nested else _VALID_ROOT
  if name in valid:
    return
  _check_name(name, nested)
  if len(valid) >= _VALID_MAX:
    valid.clear()
  valid.add(name)


def _check_name(name: str, nested: bool) -> None:
  if nested:
    if not _VALID_SCOPE_NAME_REGEX.fullmatch(name):  # (fullmatch: no trailing "\n")
      raise ValueError(tf_errors.INVALID_SCOPE_NAME % (name, _VALID_SCOPE_NAME_REGEX.pattern))
  elif not _VALID_OP_NAME_REGEX.fullmatch(name):
    raise ValueError(tf_errors.INVALID_ROOT_SCOPE_NAME % (name, _VALID_OP_NAME_REGEX.pattern))


class SlotKey:
  """Names one kind of per-graph state (the key of ``Graph.slot`` / ``Graph.thread_slot``):
  made once, at module level, by the module that owns the state, so no two modules'
  keys collide."""

  __slots__ = ("name",)

  def __init__(self, name: str):
    self.name = name

  def __repr__(self):
    return f"SlotKey({self.name!r})"


class _OpenScopes:
  """One thread's count of the scopes it has open in a graph (``Graph.in_use`` reads
  the counts of all threads; each thread writes only its own, without a lock)."""

  __slots__ = ("count", "__weakref__")

  def __init__(self):
    self.count = 0


class _ThreadState(threading.local):
  """Per-thread part of a graph: the name stack, the count of open scopes, and
  ``Graph.thread_slot``'s state."""

  def __init__(self, counts: weakref.WeakSet, lock):
    super().__init__()
    self.name_stack = ""
    self.open_scopes = _OpenScopes()  # dropped with the thread
    with lock:
      counts.add(self.open_scopes)
    self.slots: dict[Any, Any] = {}


def _drop_owner(graph_ref, owner_id):
  """The callback of an owner's weak reference: forgets the owner's slots in the graph."""

  def drop(ref):
    graph = graph_ref()
    if graph is not None:
      with graph.lock:
        entry = graph._owned.get(owner_id)
        if entry is not None and entry[0] is ref:
          del graph._owned[owner_id]

  return drop


_MISSING = object()


_TRAINABLE_COLLECTIONS = var_lib.normalize_collections(None, True)


def _collection(collections: dict, key, create: bool = True) -> list:
  """``collections[key]`` (made empty if missing and ``create``); a clear error for a bad key."""
  try:
    return collections.setdefault(key, []) if create else collections.get(key, ())
  except TypeError:
    raise TypeError(
      f"collection name (key) must be hashable (a string such as "
      f"GraphKeys.GLOBAL_VARIABLES or 'my_losses'), got {key!r}."
    ) from None


class Graph:
  """A namespace of op names plus the variables and collections built in it.

  This is the explicit core: everything ``get_variable`` and the scopes do goes through
  a graph object, which can be made and used on its own.

  Args:
    backend: makes the value of each new variable (eager arrays, abstract values during
      ``transform(...).init``, or leaves of ``params`` during ``apply``). ``None`` is the
      eager backend with seed 0.

  >>> import varscope_jax as vs
  >>> g = vs.Graph()
  >>> with g.as_default():
  ...   with vs.name_scope("s1") as a:
  ...     pass
  ...   with vs.name_scope("s1") as b:
  ...     pass
  >>> a, b
  ('s1/', 's1_1/')
  """

  def __init__(self, backend=None):
    if backend is None:
      backend = EagerBackend()
    elif not callable(getattr(backend, "create", None)):
      raise TypeError(
        f"Graph: backend must be a backend object (with create, current_value, "
        f"assign, ...; see core/backends.py), got {backend!r}. Leave it out "
        "(backend=None) for an eager graph."
      )
    self.backend = backend
    self._names_in_use: dict[str, int] = {}
    self._op_names: set[str] = set()
    self._open_scopes: weakref.WeakSet = weakref.WeakSet()  # one count per thread
    self._thread = _ThreadState(self._open_scopes, threading.Lock())
    self._collections: dict[str, list] = {}
    # Guards what the threads using this graph share (names, store, collections, slots).
    self.lock = threading.RLock()
    # Graph.slot's state: key -> value, and id(owner) -> (weak ref to owner, {key: value}).
    self._slots: dict[Any, Any] = {}
    self._owned: dict[int, tuple[weakref.ref, dict]] = {}
    self._self_ref = weakref.ref(self)
    # get_variable's store: store name -> record, and partitioned names (unused).
    self.var_store: dict[str, Any] = {}
    # Every variable made in this graph (get_variable and Variable), in order.
    self.variables: list[Any] = []
    # id(returned value) -> record. Every value a graph returns is a distinct object
    # (the apply backend copies a params leaf that two names share), so this is exact.
    self.records_by_id: dict[int, Any] = {}
    self.rng_seed = 0
    self._rng = None  # key for next_rng_key (None: use rng_seed if eager)
    # Names of collection items that are not variables (e.g. regularization losses).
    self.item_names: dict[int, str] = {}
    # Aliases of collected outputs (tf-slim's ``tensor.aliases``, which a jax.Array
    # cannot carry): id(value) -> (value, [alias, ...]); the value is kept so the id
    # stays its own.
    self._aliases: dict[int, tuple[Any, list]] = {}

  @property
  def rng(self):
    """The key ``next_rng_key`` derives from (the backend's default when unset)."""
    if self._rng is not None:
      return self._rng
    return self.backend.default_rng(self)

  @rng.setter
  def rng(self, value):
    self._rng = value

  # ---- names -------------------------------------------------------------------------
  @property
  def name_stack(self) -> str:
    """This thread's name scope in this graph (``"a/b"``; ``""`` at the root)."""
    return self._thread.name_stack

  @name_stack.setter
  def name_stack(self, value: str) -> None:
    self._thread.name_stack = value

  # ---- state kept by the layers above ------------------------------------------------
  def slot(self, key: Any, factory: Callable[["Graph"], Any], owner: Any = None) -> Any:
    """Per-graph state: what ``factory(graph)`` made the first time ``key`` was asked for
    in this graph (shared by its threads; guard changes with ``lock``).

    It goes with the graph (each ``transform`` trace, and ``reset_default_graph``, starts
    without it). With ``owner`` (an object that keeps state per graph, as a layer or a
    template does) it is that object's and goes with the object too: the graph holds
    the owner weakly (a state that refers to its owner keeps it alive while the graph
    lives).

    >>> import varscope_jax as vs
    >>> COUNTS = object()   # a module's key (core/graph.py's SlotKey names one)
    >>> g = vs.Graph()
    >>> def new_counts(graph):
    ...   return {}
    >>> g.slot(COUNTS, new_counts)["a"] = 1
    >>> g.slot(COUNTS, new_counts), vs.Graph().slot(COUNTS, new_counts)
    ({'a': 1}, {})
    """
    if owner is None:
      value = self._slots.get(key, _MISSING)
      if value is _MISSING:
        with self.lock:
          value = self._slots.get(key, _MISSING)
          if value is _MISSING:
            value = self._slots[key] = factory(self)
      return value
    entry = self._owned.get(id(owner))
    if entry is not None and entry[0]() is owner:
      value = entry[1].get(key, _MISSING)
      if value is not _MISSING:
        return value
    with self.lock:
      owner_id = id(owner)
      entry = self._owned.get(owner_id)
      if entry is None or entry[0]() is not owner:
        entry = self._owned[owner_id] = (
          weakref.ref(owner, _drop_owner(self._self_ref, owner_id)),
          {},
        )
      values = entry[1]
      value = values.get(key, _MISSING)
      if value is _MISSING:
        value = values[key] = factory(self)
      return value

  def thread_slot(self, key: Any, factory: Callable[["Graph"], Any]) -> Any:
    """Per-graph, per-thread state: ``slot`` for state TF keeps per thread (the
    variable-scope stack, the creator stack); no lock needed.

    >>> import threading, varscope_jax as vs
    >>> STACK = object()
    >>> g = vs.Graph()
    >>> def new_stack(graph):
    ...   return []
    >>> g.thread_slot(STACK, new_stack).append(1)
    >>> seen = []
    >>> t = threading.Thread(target=lambda: seen.append(g.thread_slot(STACK, new_stack)))
    >>> t.start(); t.join()
    >>> g.thread_slot(STACK, new_stack), seen
    ([1], [[]])
    """
    slots = self._thread.slots
    value = slots.get(key, _MISSING)
    if value is _MISSING:
      value = slots[key] = factory(self)
    return value

  def unique_name(self, name: str, mark_as_used: bool = True, undo: list | None = None) -> str:
    """TF's ``Graph.unique_name``: prefix the name scope, make unique, mark as used.

    Names are compared lower-cased; ops, variables and name scopes share them. With
    ``undo`` (a list), the marks are logged there so ``undo_names`` can take them back.

    >>> import varscope_jax as vs
    >>> g = vs.Graph()
    >>> [g.unique_name(n) for n in ["w", "w_1", "w", "w_1", "w"]]
    ['w', 'w_1', 'w_2', 'w_1_1', 'w_3']
    """
    stack = self._thread.name_stack
    return self._unique(stack + "/" + name if stack else name, mark_as_used, undo)

  def _unique(self, name: str, mark_as_used: bool = True, undo: list | None = None) -> str:
    """``unique_name`` of a name taken as it is (already prefixed)."""
    with self.lock:
      names = self._names_in_use
      name_key = name.lower()
      i = names.get(name_key, 0)
      if mark_as_used:
        if undo is not None:
          undo.append((name_key, names.get(name_key)))
        names[name_key] = i + 1
      if i > 0:
        base_name_key = name_key
        while name_key in names:
          name_key = "%s_%d" % (base_name_key, i)
          i += 1
        if mark_as_used:
          if undo is not None:
            undo.append((name_key, names.get(name_key)))
          names[name_key] = 1
        name = "%s_%d" % (name, i - 1)
      return name

  def undo_names(self, undo: list) -> None:
    """Takes back the names ``unique_name(..., undo=undo)`` marked (newest first)."""
    with self.lock:
      for key, old in reversed(undo):
        if old is None:
          self._names_in_use.pop(key, None)
        else:
          self._names_in_use[key] = old
      undo.clear()

  def names_snapshot(self) -> dict:
    """A copy of the names in use; ``restore_names`` takes the graph back to it (a loop
    body traced a second time is named as its first trace, as TF traces it once)."""
    with self.lock:
      return dict(self._names_in_use)

  def restore_names(self, snapshot: dict) -> None:
    with self.lock:
      self._names_in_use = dict(snapshot)

  def name_scope(self, name: str | None) -> "_GraphNameScope":
    """TF's ``Graph.name_scope``: a context manager yielding the scope string (``a/``).

    A name ending in ``/`` re-enters that scope as is; ``None`` or ``""`` resets to the
    root; any other name is made unique under the current scope.
    """
    return _GraphNameScope(self, name)

  def scoped_name(self, name: str, undo: list | None = None) -> str:
    """What ``with self.name_scope(name) as s: name_from_scope_name(s)`` gives, without
    entering the scope (TF names a variable op this way)."""
    if not name:
      return ""
    validate_name(name, nested=bool(self._thread.name_stack))
    if name[-1] == "/":
      return name_from_scope_name(name)
    return self.unique_name(name, undo=undo)

  def root_scoped_name(self, name: str, undo: list | None = None) -> str:
    """``scoped_name(name)`` at the root of the name stack (where TF names a variable),
    for a name that does not end in ``/``."""
    validate_name(name, nested=False)
    return self._unique(name, undo=undo)

  def create_op_name(self, name: str) -> str:
    """Registers a node named like a TF op (``name`` may end in ``/``: taken as is)."""
    with self.lock:
      if name.endswith("/"):
        op_name = name_from_scope_name(name)
      else:
        op_name = self.unique_name(name)
      if op_name in self._op_names:
        raise ValueError(tf_errors.DUPLICATE_NODE % op_name)
      self._op_names.add(op_name)
      return op_name

  def enter_scope(self) -> None:
    """Counts an open name or variable scope (``reset_default_graph`` refuses then).

    Counted per thread, without a lock: each thread has its own count."""
    self._thread.open_scopes.count += 1

  def exit_scope(self) -> None:
    self._thread.open_scopes.count -= 1

  @property
  def in_use(self) -> bool:
    """Whether a scope is open in this graph in any thread."""
    return any(c.count > 0 for c in list(self._open_scopes))

  # ---- variables ---------------------------------------------------------------------
  def new_record(
    self,
    op_name: str,
    shape,
    dtype,
    *,
    store_name: str | None = None,
    initializer=None,
    init_value=None,
    trainable: bool = True,
    collections: tuple = (),
    constraint=None,
    use_resource: bool = False,
    regularizer=None,
    partition_rules=None,
  ) -> var_lib.VariableRecord:
    """The one way a variable's record is made (``get_variable``, ``vs.Variable``, the
    creator chain, params adopted in apply): shape a tuple, dtype canonical, and the
    creation stack where this graph's backend keeps them. ``collections`` is
    ``variables.normalize_collections``'s result."""
    return self._make_record(
      op_name,
      store_name,
      tuple(shape),
      dtypes_lib.canonical(dtype),
      initializer,
      init_value,
      bool(trainable),
      collections,
      constraint,
      bool(use_resource),
      regularizer,
      partition_rules,
    )

  def _make_record(
    self,
    op_name,
    store_name,
    shape,
    dtype,
    initializer,
    init_value,
    trainable,
    collections,
    constraint,
    use_resource,
    regularizer,
    partition_rules,
  ) -> var_lib.VariableRecord:
    """Builds the record (the one place one is built; ``new_record`` and
    ``add_store_variable`` give canonical arguments), with the creation stack where
    this graph's backend keeps them."""
    return var_lib.VariableRecord(
      op_name,
      store_name,
      shape,
      dtype,
      initializer,
      init_value,
      trainable,
      collections,
      constraint,
      use_resource,
      regularizer,
      None,
      var_lib.creation_stack() if self.backend.keeps_stacks else None,
      partition_rules,
    )

  def add_variable(
    self, rec, value=None, finish=None, undo: list | None = None, regularize: bool = True
  ):
    """Adds a variable: the one place a variable enters a graph.

    The backend makes its value (``value`` given: a params leaf adopted as is, see
    ``store``), the regularizer runs on it (``regularize``; a creator chain runs it itself,
    through ``finish``), ``finish(value)`` runs, and then, atomically, the op name is marked
    used and the record is put in the store, the variable list, its collections, and its
    regularization loss in ``REGULARIZATION_LOSSES``. If anything raises, nothing is
    recorded and the names logged in ``undo`` (by ``scoped_name``) are freed, so a failed
    ``get_variable`` leaves the graph as it was.

    Returns:
      What callers of ``get_variable`` get: the backend's value.
    """
    with self.lock:
      adopted = value is not None
      loss = None
      try:
        if not adopted and rec.op_name in self._op_names:
          raise ValueError(tf_errors.DUPLICATE_NODE % rec.op_name)
        if not adopted:
          value = self.backend.create(self, rec)
        try:
          if regularize and rec.regularizer:
            loss = rec.regularizer(value.value() if isinstance(value, var_lib.Variable) else value)
          if finish is not None:
            finish(value)
        except BaseException:
          if not adopted:
            self.backend.discard(self, rec)
          raise
      except BaseException:
        if undo:
          self.undo_names(undo)
        raise
      self._record(rec, value, adopted)
      if loss is not None:
        self.add_regularization_loss(loss, rec.op_name + "/Regularizer")
    return value

  def add_store_variable(
    self, name: str, shape: tuple, dtype, initializer, use_resource, partition_rules
  ):
    """``new_record`` and ``add_variable`` for ``get_variable``'s common case, with the
    least work: a variable ``name`` (a store name that does not end in ``/``) named at
    the root of the name stack as ``root_scoped_name`` names it, made from a key
    ``initializer``, trainable, in the default collections, with no regularizer or
    constraint; ``shape`` a tuple and ``dtype`` canonical. Same checks, same result and
    the same state after an error as the two calls."""
    if name not in _VALID_ROOT:
      validate_name(name, nested=False)
    with self.lock:
      names = self._names_in_use
      name_key = name.lower()
      if name_key in names:
        undo: list = []
        op_name = self._unique(name, undo=undo)
      else:
        names[name_key] = 1
        undo = [(name_key, None)]
        op_name = name
      try:
        rec = self._make_record(
          op_name,
          name,
          shape,
          dtype,
          initializer,
          None,
          True,
          _TRAINABLE_COLLECTIONS,
          None,
          bool(use_resource),
          None,
          partition_rules,
        )
        if op_name in self._op_names:
          raise ValueError(tf_errors.DUPLICATE_NODE % op_name)
        value = self.backend.create(self, rec)
      except BaseException:
        self.undo_names(undo)
        raise
      self._record(rec, value, adopted=False)
    return value

  def _record(self, rec, value, adopted: bool) -> None:
    """Puts a made variable in the store, the variable list and its collections."""
    rec.value = value
    self.variables.append(rec)
    self.records_by_id[id(value)] = rec
    if rec.store_name is not None:
      self.var_store[rec.store_name] = rec
    if not adopted:
      self._op_names.add(rec.op_name)
    collections = self._collections
    for key in dict.fromkeys(rec.collections):
      items = collections.get(key) if type(key) is str else None
      if items is None:
        items = _collection(collections, key)
      items.append(value)

  def keep_in_store(self, name: str, rec, loss=None) -> None:
    """Keeps ``rec`` as ``get_variable``'s variable ``name`` (a creator chain may return
    another variable than the one it made), with the loss of ``name``'s regularizer."""
    with self.lock:
      self.var_store[name] = rec
      if loss is not None:
        self.add_regularization_loss(loss, rec.op_name + "/Regularizer")

  def add_regularization_loss(self, loss, name: str) -> None:
    """Records a regularization loss in ``REGULARIZATION_LOSSES``: the one place they are
    recorded (a variable's regularizer, named ``<variable>/Regularizer`` as TF's name
    scope names it; a layer's weight and activity losses; tf-slim's
    ``apply_regularization``). ``name`` is what ``get_collection``'s scope filter matches.

    >>> import jax.numpy as jnp
    >>> import varscope_jax as vs
    >>> g = vs.Graph()
    >>> g.add_regularization_loss(jnp.float32(0.5), "w/Regularizer")
    >>> g.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES, scope="w/")
    [Array(0.5, dtype=float32)]
    """
    self.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss, name=name)

  def initial_value(self, name, initializer, shape, dtype):
    """What calling ``get_variable``'s ``initial_value`` gives a variable creator: the
    value the variable would start from, as this graph's backend makes it."""
    return self.backend.initial_value(self, name, initializer, shape, dtype)

  def record_of(self, value):
    """The record of a value this graph returned for a variable, or None."""
    return self.records_by_id.get(id(value))

  def update_variable(self, rec, fn, what: str):
    """Sets variable ``rec`` to ``fn(current value)`` through the backend (``assign``)."""
    old = self.backend.current_value(self, rec)
    new = jnp.asarray(fn(old))
    if new.shape != tuple(rec.shape):
      raise ValueError(
        f"{what}: variable {rec.op_name} has shape "
        f"{shape_str(rec.shape)}, but the new value has shape "
        f"{shape_str(new.shape)}."
      )
    new = new.astype(rec.dtype)
    self.backend.assign(self, rec, new)
    return new

  # ---- collections -------------------------------------------------------------------
  def add_to_collection(self, key: str, value: Any, name: str | None = None) -> None:
    """Appends ``value`` to collection ``key``; ``name`` is what ``get_collection``'s
    scope filter matches for an item that is not a variable (a regularization loss is
    ``<variable>/Regularizer``)."""
    with self.lock:
      if name is not None:
        self.item_names[id(value)] = name
      _collection(self._collections, key).append(value)

  def add_to_collections(self, keys, value: Any) -> None:
    with self.lock:
      for key in dict.fromkeys(keys):
        _collection(self._collections, key).append(value)

  def get_collection_ref(self, key: str) -> list:
    with self.lock:
      return _collection(self._collections, key)

  def get_collection(self, key: str, scope: str | None = None) -> list:
    """Items of a collection; with ``scope``, those whose name matches it (re.match)."""
    with self.lock:
      items = list(_collection(self._collections, key, create=False))
    if scope is None:
      return items
    if not isinstance(scope, (str, re.Pattern)):
      raise TypeError(
        f"scope must be a string (a regular expression matched "
        f"at the start of each name, e.g. 'model/') or None, got {scope!r}."
      )
    pattern = re.compile(scope)
    out = []
    for item in items:
      rec = self.records_by_id.get(id(item))
      name = (
        rec.op_name
        if rec is not None
        else (self.item_names.get(id(item)) or getattr(item, "name", None))
      )
      if isinstance(name, str) and pattern.match(name):
        out.append(item)
    return out

  def append_alias(self, value: Any, alias: str) -> None:
    """Adds ``alias`` to the aliases of ``value`` (tf-slim's ``append_tensor_alias``)."""
    with self.lock:
      entry = self._aliases.get(id(value))
      if entry is None or entry[0] is not value:
        self._aliases[id(value)] = (value, [alias])
      else:
        entry[1].append(alias)

  def aliases_of(self, value: Any) -> list | None:
    """The aliases ``append_alias`` gave ``value`` (a copy), or None."""
    with self.lock:
      entry = self._aliases.get(id(value))
      return list(entry[1]) if entry is not None and entry[0] is value else None

  def clear_collection(self, key: str) -> None:
    """Empties collection ``key`` (TF's ``Graph.clear_collection``)."""
    with self.lock:
      self._collections.pop(key, None)

  def get_all_collection_keys(self) -> list[str]:
    with self.lock:
      return [k for k, v in self._collections.items() if v]

  def collections_holding(self) -> dict[int, tuple]:
    """The collections that hold each variable's value now, by ``id(record)``: those it
    was created in first (in their order), then any it was added to later
    (``add_to_collection``, tf-slim's ``variables_collections``), in the graph's order."""
    with self.lock:
      held: dict[int, list] = {}
      for key, items in self._collections.items():
        for item in items:
          keys = held.setdefault(id(item), [])
          if not keys or keys[-1] != key:
            keys.append(key)
      out = {}
      for rec in self.variables:
        keys = held.get(id(rec.value), [])
        out[id(rec)] = tuple(
          [k for k in rec.collections if k in keys] + [k for k in keys if k not in rec.collections]
        )
      return out

  # ---- default graph -----------------------------------------------------------------
  @contextlib.contextmanager
  def as_default(self) -> Iterator["Graph"]:
    """Makes this the current graph of this thread inside the ``with`` block."""
    stack = _state.stack
    stack.append(self)
    try:
      yield self
    finally:
      popped = stack.pop()
      assert popped is self, "graph stack corrupted: improper nesting of as_default()"


class _GraphNameScope:
  """Context manager for ``Graph.name_scope``; each ``__enter__`` opens the scope anew."""

  __slots__ = ("_graph", "_name", "_old_stacks")

  def __init__(self, graph: Graph, name: str | None):
    self._graph = graph
    self._name = name
    self._old_stacks: list[str] = []

  def __enter__(self) -> str:
    graph, name = self._graph, self._name
    thread = graph._thread
    stack = thread.name_stack
    if not name:
      new_stack = returned = ""
    else:
      if name not in (_VALID_NESTED if stack else _VALID_ROOT):
        validate_name(name, nested=bool(stack))
      if name[-1] == "/":
        new_stack, returned = name_from_scope_name(name), name
      else:
        new_stack = graph._unique(stack + "/" + name if stack else name)
        returned = new_stack + "/"
    self._old_stacks.append(stack)
    thread.name_stack = new_stack
    graph.enter_scope()
    return returned

  def __exit__(self, *exc) -> None:
    if self._old_stacks:
      graph = self._graph
      graph._thread.name_stack = self._old_stacks.pop()
      graph.exit_scope()


class _GraphStack(threading.local):
  def __init__(self):
    super().__init__()
    self.stack: list[Graph] = []


_state = _GraphStack()
_default_graph_lock = threading.Lock()
_default_graph: Graph | None = None


def get_default_graph() -> Graph:
  """The current graph: the innermost ``as_default``/trace of this thread, else the
  process-wide eager default graph (as TF's default graph).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.get_default_graph().unique_name("c")
  'c'
  """
  stack = _state.stack
  if stack:
    return stack[-1]
  global _default_graph
  with _default_graph_lock:
    if _default_graph is None:
      _default_graph = Graph()
    return _default_graph


def discard_default_graph() -> None:
  """Forgets the eager default graph, even with a scope left open in it; the next
  ``get_default_graph()`` makes a fresh one. For a test harness's clean start after a
  failed test; ``reset_default_graph`` is TF's checked form.

  >>> w = get_default_graph()
  >>> discard_default_graph()
  >>> get_default_graph() is w
  False
  """
  global _default_graph
  with _default_graph_lock:
    _default_graph = None


def reset_default_graph() -> None:
  """Clears the eager default graph: its variables, names, collections and scopes.

  Like ``tf.compat.v1.reset_default_graph``, it may not be called inside a ``with``
  block of the default graph (a scope would be left pointing at the old graph).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> w = vs.get_variable("w", [2])
  >>> vs.reset_default_graph()
  >>> vs.global_variables()
  {}
  """
  global _default_graph
  if _state.stack:
    raise AssertionError(
      "Do not use reset_default_graph() to clear a graph while it is in use (inside "
      "a transform trace or a Graph.as_default() block)."
    )
  with _default_graph_lock:
    old = _default_graph
    if old is not None and old.in_use:
      raise AssertionError(
        "Do not use reset_default_graph() to clear the default graph while a "
        "name_scope or variable_scope is open in it."
      )
    _default_graph = Graph()
