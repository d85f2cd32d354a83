"""``get_variable``: TF1's variable store rules (``_VariableStore``) on a graph.

The order of checks is TF's, so the same call fails with the same error: reuse checks
first (exists / does not exist / shape / dtype), then the initializer, then the name
(validated when the variable is named, as TF's ``name_scope`` does).
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
import threading
import traceback
import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import errors
from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.shapes import check_size
from varscope_jax._src.core import creator as creator_lib
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.initializers import calling
from varscope_jax._src.initializers.base import Initializer
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib


class VariableRequest(NamedTuple):
  """What ``get_variable`` was asked: TF's keyword arguments, once.

  Built by ``get_variable``, completed with the scope's defaults by
  ``scope_get_variable`` and passed down the store; custom getters get it back as TF's
  keyword arguments (``getter_kwargs``), since that is TF's custom-getter API.
  (A NamedTuple: cheap to build on the hot path of an un-jitted apply.)
  """

  name: str
  shape: Any = None
  dtype: Any = None
  initializer: Any = None
  regularizer: Any = None
  reuse: Any = None
  trainable: Any = None
  collections: Any = None
  caching_device: Any = None
  partitioner: Any = None
  validate_shape: bool = True
  use_resource: Any = None
  custom_getter: Any = None
  constraint: Any = None
  synchronization: Any = None
  aggregation: Any = None

  def getter_kwargs(self, with_constraint: bool = True) -> dict:
    """The keyword arguments TF passes a custom getter (all but ``custom_getter``)."""
    kwargs = self._asdict()
    del kwargs["custom_getter"]
    if not with_constraint:
      del kwargs["constraint"]
    return kwargs


class _RefusedName(str):
  """A root-scope name TF takes but varscope_jax refuses (not a ``str``, or empty), kept
  until TF's own checks of the other arguments have run (TF raises those for such a
  name), so that a call with several problems raises TF's error first; ``error`` is
  raised before anything would be made."""

  def __new__(cls, original, error: Exception):
    self = super().__new__(cls, original if isinstance(original, str) else str(original))
    self.error = error
    try:
      hash(original)
      self.unhashable = False
    except TypeError:  # TF's store lookup fails on it (a TypeError), after the shape
      self.unhashable = True
    return self


def _refuse_name(name, initializer, shape, dtype) -> None:
  if isinstance(name, _RefusedName):
    calling.validate(initializer, shape, dtype)  # TF's, checked first
    raise name.error


def scope_get_variable(scope, graph, req: VariableRequest):
  """TF's ``VariableScope.get_variable``: fills in the scope's defaults."""
  name = req.name
  opts = scope._opts  # (read directly: this is the hottest path of apply)
  scope_name = scope._name
  if not isinstance(name, str):
    error = TypeError(f"get_variable: name must be a string, got {name!r}.")
    if scope_name:  # TF's `scope.name + "/" + name` fails here too (a TypeError)
      raise error
    name = _RefusedName(name, error)
  full_name = scope_name + "/" + name if scope_name else name
  if not full_name:
    full_name = _RefusedName(
      "",
      ValueError(
        "get_variable: the name is empty at the root scope. Give the variable a name "
        "(TF1 would make a variable named ':0')."
      ),
    )
  initializer, dtype = req.initializer, req.dtype
  # TF creates the variable inside name_scope(None): at the root of the name stack.
  old_stack = graph.name_stack
  graph.name_stack = ""
  try:
    if dtype is not None and calling.is_value(initializer):
      calling.check_value_dtype(initializer, dtype, full_name)
    getter = opts.custom_getter if req.custom_getter is None else req.custom_getter
    if getter is not None and not callable(getter):  # (TF checks this first)
      raise ValueError(tf_errors.GETTER_NOT_CALLABLE % getter)
    synchronization, aggregation, trainable = var_lib.validate_sync_trainable(
      req.synchronization, req.aggregation, req.trainable, full_name
    )
    if dtype is None:
      dtype = opts.dtype
    req = VariableRequest(
      name=full_name,
      shape=req.shape,
      dtype=dtypes_lib.float32 if dtype is None else dtype,
      initializer=opts.initializer if initializer is None else initializer,
      regularizer=opts.regularizer if req.regularizer is None else req.regularizer,
      reuse=scope._reuse if req.reuse is None else req.reuse,
      trainable=trainable,
      collections=req.collections,
      caching_device=(opts.caching_device if req.caching_device is None else req.caching_device),
      partitioner=opts.partitioner if req.partitioner is None else req.partitioner,
      validate_shape=req.validate_shape,
      use_resource=opts.use_resource if req.use_resource is None else req.use_resource,
      custom_getter=getter,
      constraint=opts.constraint if req.constraint is None else req.constraint,
      synchronization=synchronization,
      aggregation=aggregation,
    )
    return store_get_variable(graph, req, opts.partition_rules)
  finally:
    graph.name_stack = old_stack


def _accepts_constraint(fn) -> bool:
  try:
    params = inspect.signature(fn).parameters.values()
  except (TypeError, ValueError):
    return True
  return any(p.name == "constraint" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def store_get_variable(graph, req: VariableRequest, partition_rules=None):
  """TF's ``_VariableStore.get_variable``: runs the custom getter chain, then the store.

  ``req`` is complete (``scope_get_variable`` filled in the scope's defaults, the dtype
  and TF's synchronization/trainable rule).
  """
  custom_getter = req.custom_getter
  if custom_getter is None and (req.partitioner is None or _is_scalar(req.shape)):
    return get_single_variable(graph, req, partition_rules)  # the common case

  def true_getter(
    name,
    shape=None,
    dtype=dtypes_lib.float32,
    initializer=None,
    regularizer=None,
    reuse=None,
    trainable=None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape=True,
    use_resource=None,
    constraint=None,
    synchronization=None,
    aggregation=None,
  ):
    # TF's signature: a custom getter calls it with (possibly changed) keywords.
    got = VariableRequest(
      name=name,
      shape=shape,
      dtype=dtype,
      initializer=initializer,
      regularizer=regularizer,
      reuse=reuse,
      trainable=trainable,
      collections=collections,
      caching_device=caching_device,
      partitioner=partitioner,
      validate_shape=validate_shape,
      use_resource=use_resource,
      constraint=constraint,
      synchronization=synchronization,
      aggregation=aggregation,
    )
    if partitioner is not None and not _is_scalar(shape):
      raise NotImplementedError(
        f"Variable {name}: partitioner= is not supported. varscope_jax does not split "
        "variables into part_N shards (TF's PartitionedVariable); in JAX one array is "
        "sharded across devices instead. Remove the partitioner (for example "
        "scope.set_partitioner(None))."
      )
    return get_single_variable(graph, got, partition_rules)

  if custom_getter is not None:
    return custom_getter(
      getter=true_getter, **req.getter_kwargs(_accepts_constraint(custom_getter))
    )
  return true_getter(**req.getter_kwargs())


def _is_scalar(shape):
  return shape is not None and isinstance(shape, Sequence) and not shape


def _existing(graph, name, rec, shape, dtype, reuse):
  if reuse is False:
    msg = tf_errors.ALREADY_EXISTS % name
    if not rec.use_resource:
      trace = (
        "".join(traceback.format_list(rec.stack))
        if rec.stack
        else ("  (creation stacks are recorded in the eager default graph only)\n")
      )
      msg = tf_errors.ORIGINALLY_DEFINED % (msg, trace)
    raise ValueError(msg)
  if not var_lib.shape_compatible(shape, rec.shape):
    raise ValueError(
      tf_errors.SHARE_SHAPE % (name, var_lib.shape_str(shape), var_lib.shape_str(rec.shape))
    )
  if dtypes_lib.canonical(dtype) != rec.dtype:
    raise ValueError(tf_errors.SHARE_DTYPE % (name, dtype.name, rec.dtype_name))
  return rec.value


def get_single_variable(graph, req: VariableRequest, partition_rules=None):
  """TF's ``_VariableStore._get_single_variable``: reuse checks, then a new variable."""
  name, initializer = req.name, req.initializer
  initializing_from_value = calling.is_value(initializer)
  if req.shape is not None and initializing_from_value:
    raise ValueError(tf_errors.CONSTANT_WITH_SHAPE)
  dtype = dtypes_lib.as_dtype(req.dtype, variable=name)
  shape = var_lib.as_shape(req.shape, name)
  check_size(name, shape, dtype)
  if isinstance(name, _RefusedName) and name.unhashable:
    raise name.error
  rec = graph.var_store.get(name)
  if rec is None and req.reuse is True:
    rec = _adopt_from_backend(graph, name)
  if rec is not None:
    return _existing(graph, name, rec, shape, dtype, req.reuse)
  if req.reuse is True:
    raise ValueError(tf_errors.DOES_NOT_EXIST % name + _missing_hint(graph, name))
  key_initializer, init_value = calling.initial_value(name, initializer, shape, dtype)
  var_lib.check_constraint(req.constraint)
  _refuse_name(name, key_initializer, shape, dtype)
  if creator_lib.creator_stack(graph):  # variable_creator_scope: core/creator.py
    return creator_lib.create_for_get_variable(
      graph,
      req,
      shape,
      dtype,
      key_initializer,
      init_value,
      partition_rules,
      from_value=initializing_from_value,
    )
  return _add_new_variable(graph, req, shape, dtype, key_initializer, init_value, partition_rules)


def _add_new_variable(graph, req, shape, dtype, key_initializer, init_value, partition_rules):
  """Names the variable as TF does (name_scope(full name) at the root of the graph),
  builds its record and adds it to the graph (which runs the regularizer before it is
  kept)."""
  name, regularizer = req.name, req.regularizer
  collections = var_lib.normalize_collections(req.collections, req.trainable)
  undo: list = []
  op_name = graph.scoped_name(name, undo=undo)
  # TF makes the initial value inside the variable's name scope: a value TF's constant
  # check refuses (a float for an int32 variable) has taken the op name, in every mode.
  calling.validate(key_initializer, shape, dtype, op_name)
  if init_value is not None:
    shape, dtype = tuple(init_value.shape), init_value.dtype
  rec = graph.new_record(
    op_name,
    shape,
    dtype,
    store_name=name,
    initializer=key_initializer,
    init_value=init_value,
    trainable=req.trainable,
    collections=collections,
    constraint=req.constraint,
    use_resource=req.use_resource,
    regularizer=regularizer,
    partition_rules=partition_rules,
  )
  return graph.add_variable(rec, undo=undo)


def _adopt_from_backend(graph, name):
  """In ``apply``, a variable made by another function (the training graph) counts as
  existing for ``reuse=True``: TF would find it in the shared graph."""
  leaf = graph.backend.find_existing(name)
  if leaf is None:
    return None
  rec = graph.new_record(
    name,
    leaf.shape,
    leaf.dtype,
    store_name=name,
    collections=var_lib.normalize_collections(None, True),
  )
  graph.add_variable(rec, value=leaf)
  return rec


def _missing_hint(graph, name):
  hint = errors.did_you_mean(name, graph.backend.known_names(graph))
  return ("\n" + hint.strip()) if hint else ""


def get_variable(
  name,
  shape=None,
  dtype=None,
  initializer=None,
  regularizer=None,
  trainable=None,
  collections=None,
  caching_device=None,
  partitioner=None,
  validate_shape=True,
  use_resource=None,
  custom_getter=None,
  constraint=None,
  synchronization=None,
  aggregation=None,
) -> Any:
  """Gets an existing variable or makes a new one, by TF1's rules.

  The name is prefixed with the current variable scope (name scopes are ignored); the
  scope's reuse mode decides: ``reuse=False``/None at the root -- the variable must not
  exist; ``True`` -- it must exist, with a compatible shape and the same dtype;
  ``AUTO_REUSE`` -- get it or make it. Defaults (initializer, dtype, regularizer,
  custom getter) come from the scope; the default initializer is glorot-uniform for
  floats and zeros for ints and bools.

  In the eager default graph this returns a ``vs.Variable`` (with TF's ``.name``);
  inside ``vs.transform`` it returns the ``jax.Array`` leaf of the params tree.

  Args:
    name: the variable's name within the current scope.
    shape: its shape (omit it when ``initializer`` is a value).
    dtype: its dtype (default: the scope's, float32).
    initializer: an initializer ``init(key, shape, dtype)`` (``vs.*_initializer``,
      ``jax.nn.initializers``), a TF-style callable ``init(shape, dtype)``, or a value.
      The rule: ``vs`` initializers take a key; a callable with a parameter named
      ``partition_info``, or whose first parameter is named ``shape``, is TF-style and
      is called as TF calls it, ``init(shape_list, dtype=vs.DType,
      partition_info=None)`` (``partition_info`` only when it is a parameter), and must
      return a value of that shape; any other callable takes a key when its first two
      positional parameters are required (``lambda key, shape, dtype: ...``) and is
      TF-style when at most one is. An error raised inside an initializer is raised
      again naming the variable and how the initializer was called.
    regularizer: ``fn(value) -> loss or None``; losses go to
      ``GraphKeys.REGULARIZATION_LOSSES`` (only when the variable is made).
    trainable, collections: as in TF (collections default to GLOBAL_VARIABLES; trainable
      adds TRAINABLE_VARIABLES).
    custom_getter: ``fn(getter, name, *args, **kwargs)``; replaces the scope's chain.
    constraint: stored on the variable (not inherited by sub-scopes).
    caching_device, partitioner, validate_shape, use_resource, synchronization,
      aggregation: accepted for porting; see docs/tf1_differences.md.

  Returns:
    The variable (eager ``Variable``) or its array (inside ``transform``).

  Raises:
    ValueError: with TF's message, e.g. "Variable s/w already exists, disallowed. ..."

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("s1"):
  ...   w = vs.get_variable("w", [2, 2], initializer=vs.ones_initializer())
  >>> w.name, w.shape
  ('s1/w:0', (2, 2))
  >>> with vs.variable_scope("s1", reuse=True):
  ...   vs.get_variable("x", [2, 2])
  Traceback (most recent call last):
  ...
  ValueError: Variable s1/x does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?
  Did you mean: 's1/w'?
  """
  graph = graph_lib.get_default_graph()
  scope = vs_lib.scope_store(graph).current_scope
  if (
    regularizer is None
    and trainable is None
    and collections is None
    and caching_device is None
    and partitioner is None
    and validate_shape is True
    and use_resource is None
    and custom_getter is None
    and constraint is None
    and synchronization is None
    and aggregation is None
  ):
    value = plain_get_variable(graph, scope, name, shape, dtype, initializer)
    if value is not NOT_PLAIN:
      return value
  return scope_get_variable(
    scope,
    graph,
    VariableRequest(
      name=name,
      shape=shape,
      dtype=dtype,
      initializer=initializer,
      regularizer=regularizer,
      trainable=trainable,
      collections=collections,
      caching_device=caching_device,
      partitioner=partitioner,
      validate_shape=validate_shape,
      use_resource=use_resource,
      custom_getter=custom_getter,
      constraint=constraint,
      synchronization=synchronization,
      aggregation=aggregation,
    ),
  )


# ---------------------------------------------------------------------------
# The common case with the least Python: get_variable(name, shape, dtype, initializer)
# with a key initializer (or the default), in a scope with no custom getter,
# partitioner, regularizer or constraint, and no variable creator. It takes the steps
# of scope_get_variable -> get_single_variable -> _add_new_variable in their order, with
# the checks that depend only on (initializer, shape, dtype) done once per signature by
# those very functions (_plain_signature; the first call of a signature goes the general
# way, which checks the initializer's output). Whatever is not that common case, and
# every call the general way would refuse before naming the variable (reuse errors, bad
# shapes or dtypes), returns NOT_PLAIN before changing anything and goes the general
# way, which raises TF's error; the name check and the backend's checks are the general
# way's own functions.

NOT_PLAIN = object()
# Signatures seen: for the default initializer by (shape, dtype); otherwise per
# initializer, held weakly (nothing here keeps an initializer, or what it captures, alive).
_PLAIN_DEFAULT: dict = {}
_PLAIN_BY_INITIALIZER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PLAIN_LOCK = threading.Lock()
_PLAIN_MAX = 4096


def _plain_signature(initializer, shape, dtype):
  """``(shape, dtype, canonical dtype, default initializer or None, has validate)`` as
  the general path makes them, or None where that path would do anything else (compute
  a value now, raise). Keyed by value: the caller uses its own initializer object, and
  TF's constant check (``validate``) runs at every call, where the general path runs it."""
  if type(shape) not in (list, tuple):
    return None
  for d in shape:
    if type(d) is not int:
      return None
  key = (type(initializer), tuple(shape), dtype)
  try:
    if initializer is None:
      table = _PLAIN_DEFAULT
    else:
      table = _PLAIN_BY_INITIALIZER.get(initializer)
      if table is None:
        table = {}
    found = table.get(key)
  except TypeError:  # an initializer or dtype that cannot be hashed or weakly referenced
    return None
  if found is not None:
    return found
  try:
    want = dtypes_lib.as_dtype(dtype, variable="")
    dims = var_lib.as_shape(shape, "")
    check_size("", dims, want)
    ready = calling.ready_key_initializer(initializer, dims, want)
  except Exception:  # noqa: BLE001 - the general path raises it, naming the variable
    return None
  if ready is None:
    return None
  init, validates = ready
  found = (dims, want, dtypes_lib.canonical(want), init if initializer is None else None, validates)
  with _PLAIN_LOCK:
    if len(table) >= _PLAIN_MAX:
      table.clear()
    table[key] = found
    if initializer is not None:
      _PLAIN_BY_INITIALIZER.setdefault(initializer, table)[key] = found
  return found


def plain_get_variable(graph, scope, name, shape, dtype, initializer):
  """``get_variable`` in the common case (above), or ``NOT_PLAIN``."""
  opts = scope._opts
  if type(name) is not str or not opts.plain or not name or name[-1] == "/":
    return NOT_PLAIN
  if initializer is None:
    initializer = opts.initializer
  if dtype is None:
    dtype = opts.dtype
  kind = type(shape)
  if kind is not list and kind is not tuple:
    return NOT_PLAIN
  dims = tuple(shape)
  for d in dims:
    if type(d) is not int:
      return NOT_PLAIN
  try:  # _plain_signature's table, read inline (this runs for every variable of apply)
    if initializer is None:
      signature = _PLAIN_DEFAULT.get((NoneType, dims, dtype))
    else:
      kind = type(initializer)
      fields = _FIELDS.get(kind, _UNSEEN)
      if fields is _UNSEEN:
        fields = _fields_of(kind)
      if fields is not None:  # a vs initializer: by class and fields (see _fields_of)
        value_key = (kind, fields(initializer), dims, dtype)
        signature = _PLAIN_BY_VALUE.get(value_key)
      else:
        value_key = None
        table = _PLAIN_BY_INITIALIZER.get(initializer)
        signature = None if table is None else table.get((kind, dims, dtype))
  except TypeError:  # unhashable: _plain_signature says so
    signature = value_key = None
  if signature is None:
    signature = _plain_signature(initializer, dims, dtype)
    if signature is None:
      return NOT_PLAIN
    if initializer is not None and value_key is not None:
      with _PLAIN_LOCK:
        if len(_PLAIN_BY_VALUE) >= _PLAIN_MAX:
          _PLAIN_BY_VALUE.clear()
        _PLAIN_BY_VALUE[value_key] = signature
  dims, want, canonical, default, validates = signature
  scope_name = scope._name
  full_name = scope_name + "/" + name if scope_name else name
  rec = graph.var_store.get(full_name)
  if rec is not None:
    if scope._reuse is False or rec.shape != dims or rec.dtype != canonical:
      return NOT_PLAIN
    return rec.value
  if scope._reuse is True or creator_lib.creator_stack(graph):
    return NOT_PLAIN
  init = default if initializer is None else initializer
  if not validates:
    return graph.add_store_variable(
      full_name, dims, canonical, init, opts.use_resource, opts.partition_rules
    )
  undo: list = []
  op_name = graph.root_scoped_name(full_name, undo=undo)  # TF names it at the root
  calling.validate(init, dims, want, op_name)  # TF's constant check
  rec = graph.new_record(
    op_name,
    dims,
    canonical,
    store_name=full_name,
    initializer=init,
    collections=_DEFAULT_COLLECTIONS,
    use_resource=opts.use_resource,
    partition_rules=opts.partition_rules,
  )
  return graph.add_variable(rec, undo=undo)


NoneType = type(None)
_UNSEEN = object()
# A vs initializer is made anew at each call (``initializer=vs.zeros_initializer()``);
# looked up by its class and compared fields, its signature is found without hashing and
# comparing the object itself. Only vs's own classes (frozen, every field a scalar, a
# string or a dtype) and never vs.constant_initializer (it holds a value and has TF's
# check, ``validate``): the key keeps no initializer, and nothing it captures, alive.
_FIELDS: dict = {}
_PLAIN_BY_VALUE: dict = {}


def _fields_of(kind):
  """``operator.attrgetter`` of ``kind``'s compared fields if it is one of vs's own
  initializer classes (see above), else None."""
  fields = None
  if (
    issubclass(kind, Initializer)
    and not hasattr(kind, "validate")
    and kind.__module__.startswith("varscope_jax._src.initializers.")
  ):
    names = [f.name for f in dataclasses.fields(kind) if f.compare]
    fields = operator.attrgetter(*names) if names else (lambda init: ())
  _FIELDS[kind] = fields
  return fields


_DEFAULT_COLLECTIONS = var_lib.normalize_collections(None, True)


def get_local_variable(
  name,
  shape=None,
  dtype=None,
  initializer=None,
  regularizer=None,
  trainable=False,
  collections=None,
  caching_device=None,
  partitioner=None,
  validate_shape=True,
  use_resource=None,
  custom_getter=None,
  constraint=None,
  synchronization=None,
  aggregation=None,
) -> Any:
  """``get_variable`` for a non-trainable variable in ``GraphKeys.LOCAL_VARIABLES``.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> step = vs.get_local_variable("step", [], dtype=vs.int32)
  >>> step.trainable, [v.name for v in vs.get_collection(vs.GraphKeys.LOCAL_VARIABLES)]
  (False, ['step:0'])
  """
  del trainable
  collections = list(collections or []) + [graph_lib.GraphKeys.LOCAL_VARIABLES]
  return get_variable(
    name,
    shape=shape,
    dtype=dtype,
    initializer=initializer,
    regularizer=regularizer,
    trainable=False,
    collections=collections,
    caching_device=caching_device,
    partitioner=partitioner,
    validate_shape=validate_shape,
    use_resource=use_resource,
    custom_getter=custom_getter,
    constraint=constraint,
    synchronization=synchronization,
    aggregation=aggregation,
  )


def create_variable(
  initial_value=None,
  *,
  trainable=None,
  collections=None,
  name=None,
  dtype=None,
  constraint=None,
  use_resource=None,
  synchronization=None,
  aggregation=None,
  shape=None,
  **unused_tf_kwargs,
):
  """``tf.compat.v1.Variable(...)``: a variable named by the current name scope (TF's
  default creator; ``validate_shape``, ``caching_device`` and TF's other creator
  arguments have no effect)."""
  if initial_value is None:
    raise ValueError(tf_errors.NO_INITIAL_VALUE)
  graph = graph_lib.get_default_graph()
  _, _, trainable = var_lib.validate_sync_trainable(synchronization, aggregation, trainable, name)
  collections = var_lib.normalize_collections(collections, trainable)
  var_lib.check_constraint(constraint)
  if dtype is not None:
    dtype = dtypes_lib.as_dtype(dtype, variable=name)
  scope_name = name if name is not None else "Variable"
  with graph.name_scope(scope_name) as scope:
    op_path = graph_lib.name_from_scope_name(scope)
    if callable(initial_value):
      initial_value = initial_value()
    arr = calling.to_initial_array(initial_value, dtype, op_path)
  if use_resource is None:
    use_resource = bool(vs_lib.get_variable_scope().use_resource)
  rec = graph.new_record(
    op_path,
    arr.shape,
    arr.dtype,
    init_value=arr,
    trainable=trainable,
    collections=collections,
    constraint=constraint,
    use_resource=use_resource,
  )
  return graph.add_variable(rec)


var_lib.set_variable_creator(creator_lib.chained(create_variable))
