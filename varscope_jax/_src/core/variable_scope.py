"""``variable_scope`` and ``VariableScope``: TF1's rules for scope names, reuse and defaults.

Data flow: ``variable_scope`` opens a name scope on the current graph (unless told not
to) and pushes a ``VariableScope`` on the graph's per-thread scope store; ``get_variable``
reads the innermost ``VariableScope`` for its prefix, reuse mode and defaults.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import functools
import sys
from typing import Any

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.sharding import check_rules as _check_rules
from varscope_jax._src.core import graph as graph_lib


class _ReuseMode(enum.Enum):
  """Mode for variable access within a variable scope."""

  AUTO_REUSE = 1

  def __repr__(self):
    return "AUTO_REUSE"


AUTO_REUSE = _ReuseMode.AUTO_REUSE
"""``reuse=AUTO_REUSE``: ``get_variable`` returns the variable if it exists, else makes it."""


def no_regularizer(_):
  """A regularizer that regularizes nothing: switches off an inherited regularizer.

  >>> import varscope_jax as vs
  >>> vs.no_regularizer(1.0) is None
  True
  """
  return None


@dataclasses.dataclass(frozen=True)
class ScopeOptions:
  """What a variable scope gives ``get_variable`` by default; ``None``: not set.

  One frozen value per scope, changed with ``dataclasses.replace`` (a ``VariableScope``'s
  setters replace it; a new scope starts from its parent's, as TF inherits them).
  ``constraint`` is the exception TF makes: it is not inherited by sub-scopes.
  """

  initializer: Any = None
  regularizer: Any = None
  caching_device: Any = None
  partitioner: Any = None
  custom_getter: Any = None
  dtype: Any = None
  use_resource: Any = None
  constraint: Any = None
  partition_rules: Any = None

  def __post_init__(self):
    # Whether get_variable's common case (core/store.py: plain_get_variable) applies.
    object.__setattr__(
      self,
      "plain",
      self.custom_getter is None
      and self.partitioner is None
      and self.regularizer is None
      and self.constraint is None,
    )

  def overrides(self) -> dict:
    """The options that are set (not None)."""
    return {
      f.name: getattr(self, f.name)
      for f in dataclasses.fields(self)
      if getattr(self, f.name) is not None
    }


OPTION_NAMES = tuple(f.name for f in dataclasses.fields(ScopeOptions))
_NO_OPTIONS = ScopeOptions()
_NO_CHANGES: dict = {}  # the overrides of _NO_OPTIONS (read only)


class VariableScope:
  """A variable scope: the name prefix, reuse mode and defaults for ``get_variable``.

  Same attributes and setters as ``tf.compat.v1.VariableScope``. ``caching_device``,
  ``partitioner`` and ``use_resource`` are stored and inherited as in TF, for porting,
  but have no effect on JAX arrays (see docs/tf1_differences.md). The defaults live in
  one frozen ``ScopeOptions`` (``scope.options``).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("foo") as scope:
  ...   pass
  >>> scope.name, scope.original_name_scope, scope.reuse
  ('foo', 'foo/', False)
  """

  def __init__(
    self,
    reuse,
    name="",
    initializer=None,
    regularizer=None,
    caching_device=None,
    partitioner=None,
    custom_getter=None,
    name_scope="",
    dtype=None,
    use_resource=None,
    constraint=None,
    partition_rules=None,
  ):
    # TF's constructor keywords, kept for porting; ``_make`` is the internal one.
    for arg, value in (("name", name), ("name_scope", name_scope)):
      if not isinstance(value, str):
        raise TypeError(
          f"VariableScope: {arg} must be a string (a full scope name such as "
          f"'model/fc1', or '' for the root), got {value!r}."
        )
    self._name = name
    self._reuse = reuse
    self._name_scope = name_scope
    self._opts = ScopeOptions(
      initializer=initializer,
      regularizer=regularizer,
      caching_device=caching_device,
      partitioner=partitioner,
      custom_getter=custom_getter,
      dtype=dtypes_lib.float32 if dtype is None else dtype,
      use_resource=use_resource,
      constraint=constraint,
      partition_rules=partition_rules,
    )

  @classmethod
  def _make(cls, reuse, name, name_scope, opts: ScopeOptions) -> "VariableScope":
    scope = cls.__new__(cls)
    scope._name, scope._reuse, scope._name_scope = name, reuse, name_scope
    scope._opts = (
      opts if opts.dtype is not None else dataclasses.replace(opts, dtype=dtypes_lib.float32)
    )
    return scope

  name = property(lambda self: self._name)
  original_name_scope = property(lambda self: self._name_scope)
  reuse = property(lambda self: self._reuse)
  options = property(lambda self: self._opts, doc="The scope's ``ScopeOptions``.")
  partition_rules = property(
    lambda self: self._opts.partition_rules,
    doc="``[(regex, PartitionSpec), ...]`` for variables made in this scope.",
  )

  # TF's properties and setters, one per option; ``constraint`` has no setter in TF.
  @property
  def initializer(self):
    """The scope's default initializer."""
    return self._opts.initializer

  def set_initializer(self, initializer):
    """Sets the default initializer of this scope."""
    self._opts = dataclasses.replace(self._opts, initializer=initializer)

  @property
  def regularizer(self):
    """The scope's default regularizer."""
    return self._opts.regularizer

  def set_regularizer(self, regularizer):
    """Sets the default regularizer of this scope."""
    self._opts = dataclasses.replace(self._opts, regularizer=regularizer)

  @property
  def caching_device(self):
    """The scope's default caching_device."""
    return self._opts.caching_device

  def set_caching_device(self, caching_device):
    """Sets the default caching_device of this scope (accepted for porting; no effect in JAX)."""
    self._opts = dataclasses.replace(self._opts, caching_device=caching_device)

  @property
  def partitioner(self):
    """The scope's default partitioner."""
    return self._opts.partitioner

  def set_partitioner(self, partitioner):
    """Sets the default partitioner of this scope (stored and inherited; JAX uses sharding instead)."""
    self._opts = dataclasses.replace(self._opts, partitioner=partitioner)

  @property
  def custom_getter(self):
    """The scope's default custom_getter."""
    return self._opts.custom_getter

  def set_custom_getter(self, custom_getter):
    """Sets the default custom_getter of this scope."""
    self._opts = dataclasses.replace(self._opts, custom_getter=custom_getter)

  @property
  def dtype(self):
    """The scope's default dtype."""
    return self._opts.dtype

  def set_dtype(self, dtype):
    """Sets the default dtype of this scope."""
    self._opts = dataclasses.replace(self._opts, dtype=dtype)

  @property
  def use_resource(self):
    """The scope's default use_resource."""
    return self._opts.use_resource

  def set_use_resource(self, use_resource):
    """Sets the default use_resource of this scope (accepted for porting; no effect on JAX arrays)."""
    self._opts = dataclasses.replace(self._opts, use_resource=use_resource)

  @property
  def constraint(self):
    """The scope's default constraint."""
    return self._opts.constraint

  def reuse_variables(self):
    """Sets reuse=True on this scope (and on sub-scopes opened after this call)."""
    self._reuse = True

  def set_partition_rules(self, partition_rules):
    """Sets the sharding rules of this scope (see ``variable_scope(partition_rules=)``)."""
    self._opts = dataclasses.replace(self._opts, partition_rules=_check_rules(partition_rules))

  def get_collection(self, name):
    """Items of collection ``name`` created under this scope (prefix ``name + "/"``)."""
    scope = self._name + "/" if self._name else ""
    return graph_lib.get_default_graph().get_collection(name, scope)

  def trainable_variables(self):
    """This scope's trainable variables, as a list (TF's ``VariableScope`` method)."""
    return self.get_collection(graph_lib.GraphKeys.TRAINABLE_VARIABLES)

  def global_variables(self):
    """This scope's global variables, as a list (TF's ``VariableScope`` method)."""
    return self.get_collection(graph_lib.GraphKeys.GLOBAL_VARIABLES)

  def local_variables(self):
    """This scope's local variables, as a list (TF's ``VariableScope`` method)."""
    return self.get_collection(graph_lib.GraphKeys.LOCAL_VARIABLES)

  def __repr__(self):
    return "<VariableScope name=%r reuse=%r>" % (self._name, self._reuse)


class _ScopeStore:
  """Per-thread, per-graph: the current ``VariableScope`` and default-name counters."""

  def __init__(self, graph):
    self.graph = graph
    self.current_scope = VariableScope(False)
    self.variable_scopes_count: dict[str, int] = {}
    # prefix -> names opened under it (``name.startswith(prefix + "/")``), so closing a
    # scope touches only its own sub-scopes (TF scans every name: quadratic in depth).
    self._descendants: dict[str, list[str]] = {}
    self.depth = 0

  def open_variable_scope(self, scope_name):
    counts = self.variable_scopes_count
    if scope_name not in counts:
      counts[scope_name] = 1
      i = scope_name.find("/")
      while i >= 0:
        self._descendants.setdefault(scope_name[:i], []).append(scope_name)
        i = scope_name.find("/", i + 1)
    else:
      counts[scope_name] += 1

  def close_variable_subscopes(self, scope_name):
    counts = self.variable_scopes_count
    if scope_name is None:
      for k in counts:
        counts[k] = 0
      return
    for k in self._descendants.get(scope_name, ()):
      if k in counts:
        counts[k] = 0

  def restore_counts(self, saved):
    """Restores a copy taken on entering a captured scope (names opened since vanish)."""
    self.variable_scopes_count = saved
    for prefix, names in list(self._descendants.items()):
      self._descendants[prefix] = [k for k in names if k in saved]

  def variable_scope_count(self, scope_name):
    return self.variable_scopes_count.get(scope_name, 0)


_SCOPES = graph_lib.SlotKey("variable scopes")


def scope_store(graph=None) -> _ScopeStore:
  """This thread's variable-scope stack in ``graph`` (default: the current graph)."""
  graph = graph or graph_lib.get_default_graph()
  return graph.thread_slot(_SCOPES, _ScopeStore)


def get_variable_scope() -> VariableScope:
  """The current ``VariableScope`` of this thread in the current graph.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("a"):
  ...   vs.get_variable_scope().name
  'a'
  """
  return scope_store().current_scope


def _maybe_wrap_custom_getter(custom_getter, old_getter):
  """Chains getters so the innermost scope's getter runs first (TF's order)."""
  if old_getter is None:
    return custom_getter

  def wrapped_custom_getter(getter, *args, **kwargs):
    return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)

  return wrapped_custom_getter


def _check_getter(custom_getter):
  if custom_getter is not None and not callable(custom_getter):
    raise ValueError(tf_errors.GETTER_NOT_CALLABLE % custom_getter)


def get_unique_variable_scope(prefix: str) -> str:
  """A name with ``prefix`` unique among the variable scopes opened in this scope."""
  store = scope_store()
  current = store.current_scope
  name = current.name + "/" + prefix if current.name else prefix
  if store.variable_scope_count(name) == 0:
    return prefix
  idx = 1
  while store.variable_scope_count(name + ("_%d" % idx)) > 0:
    idx += 1
  return prefix + ("_%d" % idx)


class PureVariableScope:
  """Pushes a ``VariableScope`` (no name scope): TF's ``_pure_variable_scope``.

  ``options`` holds the overrides given to the scope (unset: ``None``); the new scope
  starts from its parent's options (or a captured scope's), takes the overrides, chains
  custom getters (innermost first, as TF) and never inherits ``constraint``.
  """

  __slots__ = (
    "_options",
    "_changes",
    "_name_or_scope",
    "_reuse",
    "_old_name_scope",
    "_store",
    "_last",
    "_new_name",
    "_cached",
    "_old",
    "_old_subscopes",
  )

  def __init__(
    self,
    name_or_scope,
    reuse=None,
    old_name_scope=None,
    options: ScopeOptions | None = None,
    store=None,
    **overrides,
  ):
    if overrides:
      options = dataclasses.replace(options or _NO_OPTIONS, **overrides)
    self._options = options = options or _NO_OPTIONS
    self._changes = options.overrides() if options is not _NO_OPTIONS else _NO_CHANGES
    self._name_or_scope = name_or_scope
    self._reuse = reuse
    self._old_name_scope = old_name_scope
    self._store = store if store is not None else scope_store()
    self._last = None
    if isinstance(name_or_scope, VariableScope):
      self._new_name = name_or_scope.name
      self._cached = VariableScope._make(
        name_or_scope.reuse if not reuse else reuse,
        self._new_name,
        name_or_scope.original_name_scope,
        self._derive(name_or_scope.options),
      )

  @classmethod
  def _named(cls, name: str, reuse, old_name_scope, options: ScopeOptions, store):
    """``cls(name, reuse, old_name_scope, options, store)`` for a name (not a captured
    scope), without the constructor's keyword handling."""
    self = cls.__new__(cls)
    self._options = options
    self._changes = options.overrides() if options is not _NO_OPTIONS else _NO_CHANGES
    self._name_or_scope = name
    self._reuse = reuse
    self._old_name_scope = old_name_scope
    self._store = store
    self._last = None
    return self

  def _derive(self, parent: ScopeOptions) -> ScopeOptions:
    if not self._changes and parent.constraint is None:
      return parent  # the common case: nothing set, nothing to drop
    changes = dict(self._changes)
    changes["constraint"] = self._options.constraint  # not inherited
    getter = changes.get("custom_getter")
    if getter is not None:
      changes["custom_getter"] = _maybe_wrap_custom_getter(getter, parent.custom_getter)
    return dataclasses.replace(parent, **changes)

  def __enter__(self):
    store = self._store
    old = self._old = store.current_scope
    if isinstance(self._name_or_scope, VariableScope):
      store.open_variable_scope(self._new_name)
      self._old_subscopes = copy.copy(store.variable_scopes_count)
      obj = self._cached
    else:
      name = self._name_or_scope
      old_name = old._name
      new_name = self._new_name = old_name + "/" + name if old_name else name
      reuse = self._reuse = self._reuse or old._reuse
      obj = VariableScope.__new__(VariableScope)  # VariableScope._make, inline
      obj._name, obj._reuse = new_name, reuse
      obj._name_scope = name if self._old_name_scope is None else self._old_name_scope
      opts = old._opts
      if self._changes or opts.constraint is not None:
        opts = self._derive(opts)
      obj._opts = (
        opts if opts.dtype is not None else dataclasses.replace(opts, dtype=dtypes_lib.float32)
      )
      counts = store.variable_scopes_count
      if new_name in counts:
        counts[new_name] += 1
      else:
        store.open_variable_scope(new_name)
    store.current_scope = obj
    store.depth += 1
    store.graph.enter_scope()
    self._last = obj
    return obj

  def __exit__(self, *exc):
    store = self._store
    if store.current_scope is not self._last:
      raise RuntimeError(tf_errors.IMPROPER_NESTING)
    if isinstance(self._name_or_scope, VariableScope):
      store.restore_counts(self._old_subscopes)
    else:
      store.close_variable_subscopes(self._new_name)
    store.current_scope = self._old
    store.depth -= 1
    store.graph.exit_scope()


class variable_scope:  # pylint: disable=invalid-name
  """Opens a variable scope (and a name scope), exactly as ``tf.compat.v1.variable_scope``.

  Args:
    name_or_scope: a string, or a captured ``VariableScope`` to re-enter.
    default_name: used, made unique, when ``name_or_scope`` is None.
    values: accepted for porting (TF checks they come from one graph); ignored.
    initializer, regularizer, custom_getter, dtype, constraint: defaults for
      ``get_variable`` in this scope (constraint is not inherited by sub-scopes).
    caching_device, partitioner, use_resource: stored and inherited for porting; no
      effect on JAX arrays.
    reuse: ``True``, ``None``/``False`` (inherit), or ``AUTO_REUSE``. Reuse is sticky:
      sub-scopes of a reusing scope reuse.
    auxiliary_name_scope: if False, no new name scope is opened.
    partition_rules: varscope_jax's addition for sharding: ``[(regex, PartitionSpec)]``
      matched (``re.search``, first match wins) against the full name of each variable
      made in this scope; ``transform(fn, mesh=...)``'s init creates it already sharded.
      Inherited by sub-scopes and replaced by a sub-scope's own, as TF's partitioner.

  Returns:
    A context manager whose ``__enter__`` returns the ``VariableScope``.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("foo"):
  ...   with vs.variable_scope("bar"):
  ...     v = vs.get_variable("v", [1])
  >>> v.name
  'foo/bar/v:0'
  >>> with vs.variable_scope("foo", reuse=True):
  ...   v1 = vs.get_variable("bar/v", [1])
  >>> v1 is v
  True
  """

  def __init__(
    self,
    name_or_scope,
    default_name=None,
    values=None,
    initializer=None,
    regularizer=None,
    caching_device=None,
    partitioner=None,
    custom_getter=None,
    reuse=None,
    dtype=None,
    use_resource=None,
    constraint=None,
    auxiliary_name_scope=True,
    partition_rules=None,
  ):
    self._name_or_scope = name_or_scope
    self._default_name = default_name
    if partition_rules is not None:
      partition_rules = _check_rules(partition_rules)
    # The common case (no option given) shares one empty ScopeOptions.
    if (
      initializer is None
      and regularizer is None
      and caching_device is None
      and partitioner is None
      and custom_getter is None
      and dtype is None
      and use_resource is None
      and constraint is None
      and partition_rules is None
    ):
      self._options = _NO_OPTIONS
    else:
      self._options = ScopeOptions(
        initializer=initializer,
        regularizer=regularizer,
        caching_device=caching_device,
        partitioner=partitioner,
        custom_getter=custom_getter,
        dtype=dtype,
        use_resource=use_resource,
        constraint=constraint,
        partition_rules=partition_rules,
      )
    self._reuse = reuse
    if default_name is None and name_or_scope is None:
      raise TypeError(tf_errors.NO_DEFAULT_NAME)
    if self._reuse is False:
      self._reuse = None  # False means "inherit", as None.
    if not (self._reuse is True or self._reuse is None or self._reuse is AUTO_REUSE):
      raise ValueError(tf_errors.BAD_REUSE)
    if not isinstance(auxiliary_name_scope, bool):
      raise TypeError(tf_errors.BAD_AUXILIARY_NAME_SCOPE.format(auxiliary_name_scope))
    if custom_getter is not None:
      _check_getter(custom_getter)
    self._auxiliary_name_scope = auxiliary_name_scope
    self._current_name_scope = None
    self._pure = None
    self._graph = None

  def __enter__(self) -> VariableScope:
    graph = graph_lib.get_default_graph()
    if self._graph is not graph:
      # First use, or used again in another graph (e.g. the next transform trace): enter
      # anew there (TF would re-enter the scope's own graph instead).
      self._pure = None
      self._current_name_scope = None
    self._graph = graph
    if self._pure is not None:
      # Re-entering the same variable_scope object: TF's fast path.
      if self._current_name_scope is not None:
        self._current_name_scope.__enter__()
      return self._pure.__enter__()
    name_or_scope = self._name_or_scope
    if type(name_or_scope) is str and name_or_scope and self._auxiliary_name_scope:
      # The common case, ``variable_scope("name")``: the steps below, in their order.
      current_name_scope = graph.name_scope(name_or_scope)
      current_name = current_name_scope.__enter__()
      self._current_name_scope = current_name_scope
      pure = PureVariableScope._named(
        name_or_scope, self._reuse, current_name, self._options, scope_store(graph)
      )
      try:
        entered = pure.__enter__()
      except BaseException:
        self._exit_name_scope(*sys.exc_info())
        raise
      self._pure = pure
      return entered
    if self._auxiliary_name_scope:
      current_name_scope = None
    else:
      name_scope = graph.name_stack
      current_name_scope = graph.name_scope(name_scope + "/" if name_scope else name_scope)
    common = dict(options=self._options, store=scope_store(graph))
    if self._name_or_scope is not None:
      if not isinstance(self._name_or_scope, (VariableScope, str)):
        raise TypeError(tf_errors.NAME_OR_SCOPE_TYPE)
      if isinstance(self._name_or_scope, str):
        name_scope = self._name_or_scope
      else:
        name_scope = self._name_or_scope.name.split("/")[-1]
      if name_scope or current_name_scope:
        current_name_scope = current_name_scope or graph.name_scope(name_scope)
        current_name = current_name_scope.__enter__()
        self._current_name_scope = current_name_scope
        if isinstance(self._name_or_scope, str):
          old_name_scope = current_name
        else:
          old_name_scope = self._name_or_scope.original_name_scope
        pure = PureVariableScope(
          self._name_or_scope, reuse=self._reuse, old_name_scope=old_name_scope, **common
        )
      else:
        pure = PureVariableScope(self._name_or_scope, reuse=self._reuse, **common)
    else:
      if self._reuse:
        raise ValueError(tf_errors.REUSE_WITHOUT_NAME)
      current_name_scope = current_name_scope or graph.name_scope(self._default_name)
      current_name = current_name_scope.__enter__()
      self._current_name_scope = current_name_scope
      try:
        unique = get_unique_variable_scope(self._default_name)
      except BaseException:
        self._exit_name_scope(*sys.exc_info())
        raise
      pure = PureVariableScope(unique, old_name_scope=current_name, **common)
    try:
      entered = pure.__enter__()
    except BaseException:
      self._exit_name_scope(*sys.exc_info())
      raise
    self._pure = pure
    return entered

  def _exit_name_scope(self, *exc):
    if self._current_name_scope is not None:
      self._current_name_scope.__exit__(*exc)
      self._current_name_scope = None

  def __exit__(self, exc_type, exc, tb):
    try:
      self._pure.__exit__(exc_type, exc, tb)
    finally:
      if self._current_name_scope is not None:
        self._current_name_scope.__exit__(exc_type, exc, tb)
