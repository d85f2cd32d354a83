"""``get_variable``: TF1's variable store rules (``_VariableStore``) on a graph.

The order of checks is TF's, so the same call fails with the same error: reuse checks
first (exists / does not exist / shape / dtype), then the initializer, then the name
(validated when the variable is named, as TF's ``name_scope`` does).
"""
from __future__ import annotations

import inspect
import traceback
from collections.abc import Sequence

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import errors
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src import initializers as init_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib


def scope_get_variable(scope, graph, name, shape=None, dtype=None, initializer=None,
                       regularizer=None, reuse=None, trainable=None, collections=None,
                       caching_device=None, partitioner=None, validate_shape=True,
                       use_resource=None, custom_getter=None, constraint=None,
                       synchronization=None, aggregation=None):
  """TF's ``VariableScope.get_variable``: fills in the scope's defaults."""
  if not isinstance(name, str):
    raise TypeError(f"get_variable: name must be a string, got {name!r}.")
  if regularizer is None:
    regularizer = scope._regularizer
  if caching_device is None:
    caching_device = scope._caching_device
  if partitioner is None:
    partitioner = scope._partitioner
  if custom_getter is None:
    custom_getter = scope._custom_getter
  if reuse is None:
    reuse = scope._reuse
  if use_resource is None:
    use_resource = scope._use_resource
  # (The scope's fields are read directly: this is the hottest path of apply.)
  scope_name = scope._name
  full_name = scope_name + "/" + name if scope_name else name
  # TF creates the variable inside name_scope(None): at the root of the name stack.
  thread = graph._thread
  old_stack = thread.name_stack
  thread.name_stack = ""
  try:
    if dtype is not None and initializer is not None and not callable(initializer):
      init_dtype = dtypes_lib.infer_value_dtype(_unwrap(initializer))
      want = dtypes_lib.as_dtype(dtype, variable=full_name)
      if init_dtype != want:
        raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                         % (errors.tf_dtype_repr(init_dtype), errors.tf_dtype_repr(want)))
    if initializer is None:
      initializer = scope._initializer
    if constraint is None:
      constraint = scope._constraint
    if dtype is None:
      dtype = scope._dtype
    return store_get_variable(
        graph, full_name, shape=shape, dtype=dtype, initializer=initializer,
        partition_rules=scope._partition_rules,
        regularizer=regularizer, reuse=reuse, trainable=trainable,
        collections=collections, caching_device=caching_device, partitioner=partitioner,
        validate_shape=validate_shape, use_resource=use_resource,
        custom_getter=custom_getter, constraint=constraint,
        synchronization=synchronization, aggregation=aggregation)
  finally:
    thread.name_stack = old_stack


def _unwrap(value):
  return value.value() if isinstance(value, var_lib.Variable) else value


def _accepts_constraint(fn) -> bool:
  try:
    params = inspect.signature(fn).parameters.values()
  except (TypeError, ValueError):
    return True
  return any(p.name == "constraint" or p.kind is inspect.Parameter.VAR_KEYWORD
             for p in params)


def store_get_variable(graph, name, shape=None, dtype=None, initializer=None,
                       regularizer=None, reuse=None, trainable=None, collections=None,
                       caching_device=None, partitioner=None, validate_shape=True,
                       use_resource=None, custom_getter=None, constraint=None,
                       synchronization=None, aggregation=None, partition_rules=None):
  """TF's ``_VariableStore.get_variable``: runs the custom getter chain, then the store."""
  if custom_getter is not None and not callable(custom_getter):
    raise ValueError("Passed a custom_getter which is not callable: %s" % custom_getter)
  if dtype is None:
    dtype = dtypes_lib.float32

  def true_getter(name, shape=None, dtype=dtypes_lib.float32, initializer=None,
                  regularizer=None, reuse=None, trainable=None, collections=None,
                  caching_device=None, partitioner=None, validate_shape=True,
                  use_resource=None, constraint=None, synchronization=None,
                  aggregation=None):
    is_scalar = shape is not None and isinstance(shape, Sequence) and not shape
    if partitioner is not None and not is_scalar:
      raise NotImplementedError(
          f"Variable {name}: partitioner= is not supported. varscope_jax does not split "
          "variables into part_N shards (TF's PartitionedVariable); in JAX one array is "
          "sharded across devices instead. Remove the partitioner (for example "
          "scope.set_partitioner(None)).")
    return get_single_variable(
        graph, name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, reuse=reuse, trainable=trainable,
        collections=collections, use_resource=use_resource, constraint=constraint,
        partition_rules=partition_rules)

  synchronization, aggregation, trainable = var_lib.validate_sync_trainable(
      synchronization, aggregation, trainable, name)
  if custom_getter is None and (partitioner is None or _is_scalar(shape)):
    # The common case, without building the getter's keyword arguments.
    return get_single_variable(
        graph, name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, reuse=reuse, trainable=trainable,
        collections=collections, use_resource=use_resource, constraint=constraint,
        partition_rules=partition_rules)
  kwargs = dict(name=name, shape=shape, dtype=dtype, initializer=initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, caching_device=caching_device,
                partitioner=partitioner, validate_shape=validate_shape,
                use_resource=use_resource, synchronization=synchronization,
                aggregation=aggregation)
  if custom_getter is not None:
    if _accepts_constraint(custom_getter):
      kwargs["constraint"] = constraint
    return custom_getter(getter=true_getter, **kwargs)
  return true_getter(constraint=constraint, **kwargs)


_DEFAULT_INITIALIZERS: dict = {}


def _default_initializer(name, dtype):
  """TF1's default initializer for ``dtype`` (one shared instance per dtype)."""
  init = _DEFAULT_INITIALIZERS.get(dtype)
  if init is None:
    init = init_lib.default_initializer(name, dtype)   # raises for complex, naming it
    _DEFAULT_INITIALIZERS[dtype] = init
  return init


def _is_scalar(shape):
  return shape is not None and isinstance(shape, Sequence) and not shape


def _classify_initializer(initializer):
  """'key' for initializers called ``init(key, shape, dtype)``; 'tf' for TF-style ones.

  The rule (documented in ``get_variable``): ``vs`` initializers are key-style; any other
  callable is key-style when its first two positional parameters are required
  (``jax.nn.initializers``, ``lambda k, shape, dtype: ...``), and TF-style
  (``init(shape, dtype=None, partition_info=None)``, Keras initializers) when at most
  one is. Parameter names are not looked at.
  """
  if init_lib.is_initializer(initializer):
    return "key"
  try:
    params = list(inspect.signature(initializer).parameters.values())
  except (TypeError, ValueError):
    return "tf"
  positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
  required = 0
  for p in params:
    if p.kind is inspect.Parameter.VAR_POSITIONAL:
      break
    if p.kind not in positional or p.default is not inspect.Parameter.empty:
      break
    required += 1
  return "key" if required >= 2 else "tf"


def _needs_no_arguments(fn) -> bool:
  try:
    params = inspect.signature(fn).parameters.values()
  except (TypeError, ValueError):
    return False
  return all(p.default is not inspect.Parameter.empty or
             p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
             for p in params)


def _takes_partition_info(fn) -> bool:
  try:
    return "partition_info" in inspect.signature(fn).parameters
  except (TypeError, ValueError):
    return False


def _existing(graph, name, rec, shape, dtype, reuse):
  if reuse is False:
    msg = ("Variable %s already exists, disallowed. Did you mean to set reuse=True or "
           "reuse=tf.AUTO_REUSE in VarScope?" % name)
    if not rec.use_resource:
      trace = "".join(traceback.format_list(rec.stack)) if rec.stack else (
          "  (creation stacks are recorded in the eager default graph only)\n")
      msg = "%s Originally defined at:\n\n%s" % (msg, trace)
    raise ValueError(msg)
  if not var_lib.shape_compatible(shape, rec.shape):
    raise ValueError("Trying to share variable %s, but specified shape %s and found "
                     "shape %s." % (name, var_lib.shape_str(shape),
                                    var_lib.shape_str(rec.shape)))
  if dtypes_lib.canonical(dtype) != rec.dtype:
    raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                     "dtype %s." % (name, dtype.name, rec.dtype_name))
  return rec.value


def get_single_variable(graph, name, shape=None, dtype=dtypes_lib.float32,
                        initializer=None, regularizer=None, reuse=None, trainable=None,
                        collections=None, use_resource=None, constraint=None,
                        partition_rules=None):
  """TF's ``_VariableStore._get_single_variable``."""
  initializing_from_value = initializer is not None and not callable(initializer)
  if shape is not None and initializing_from_value:
    raise ValueError("If initializer is a constant, do not specify shape.")
  dtype = dtypes_lib.as_dtype(dtype, variable=name)
  shape = var_lib.as_shape(shape, name)

  rec = graph.var_store.get(name)
  if rec is None and reuse is True:
    rec = _adopt_from_backend(graph, name)
  if rec is not None:
    return _existing(graph, name, rec, shape, dtype, reuse)
  if reuse is True:
    raise ValueError("Variable %s does not exist, or was not created with "
                     "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                     "VarScope?" % name + _missing_hint(graph, name))

  if initializer is None:
    if shape is None:
      raise ValueError("Variable %s did not get an initializer, so its `shape` argument "
                       "must be specified." % name)
    initializer = _default_initializer(name, dtype)
  init_value = None
  key_initializer = None
  if initializing_from_value:
    init_value = var_lib.to_initial_array(initializer, None, name)
  else:
    if inspect.isclass(initializer):
      initializer = initializer()
    kind = _classify_initializer(initializer)
    if var_lib.fully_defined(shape):
      if kind == "key":
        key_initializer = initializer
      elif _takes_partition_info(initializer):
        init_value = initializer(list(shape), dtype=dtype, partition_info=None)
      else:
        init_value = initializer(list(shape), dtype=dtype)
      if init_value is not None:
        init_value = var_lib.to_initial_array(init_value, dtype, name)
    elif kind == "tf" and _needs_no_arguments(initializer):
      init_value = var_lib.to_initial_array(initializer(), None, name)
    if key_initializer is None and init_value is None:
      raise ValueError("The initializer passed is not valid. It should be a callable with "
                       "no arguments and the shape should not be provided or an instance "
                       "of `tf.keras.initializers.*' and `shape` should be fully defined.")
  var_lib.check_constraint(constraint)
  collections = var_lib._normalize_collections(collections, trainable)

  # Name the variable as TF does: name_scope(full_name) at the root of the graph.
  undo: list = []
  op_name = graph.scoped_name(name, undo=undo)
  if init_value is not None:
    var_shape = tuple(init_value.shape)
    var_dtype = dtypes_lib.canonical(init_value.dtype)
  else:
    var_shape = shape
    var_dtype = dtypes_lib.canonical(dtype)
  rec = var_lib.VariableRecord(
      op_name=op_name, store_name=name, shape=var_shape, dtype=var_dtype,
      initializer=key_initializer, init_value=init_value, trainable=bool(trainable),
      collections=collections, constraint=constraint, use_resource=bool(use_resource),
      regularizer=regularizer, partition_rules=partition_rules,
      stack=var_lib.creation_stack() if graph.backend.keeps_stacks else None)
  losses = []

  def regularize(value):   # runs before the variable is recorded: may raise safely
    if regularizer:
      losses.append(regularizer(_unwrap(value)))

  value = graph.add_variable(rec, finish=regularize, undo=undo)
  if losses and losses[0] is not None:
    with graph._lock:
      graph.item_names[id(losses[0])] = rec.op_name + "/Regularizer"
      graph.add_to_collection(graph_lib.GraphKeys.REGULARIZATION_LOSSES, losses[0])
  return value


def _adopt_from_backend(graph, name):
  """In ``apply``, a variable made by another function (the training graph) counts as
  existing for ``reuse=True``: TF would find it in the shared graph."""
  leaf = graph.backend.find_existing(name)
  if leaf is None:
    return None
  rec = var_lib.VariableRecord(
      op_name=name, store_name=name, shape=tuple(leaf.shape),
      dtype=dtypes_lib.canonical(leaf.dtype), trainable=True,
      collections=var_lib._normalize_collections(None, True), use_resource=False)
  graph.add_variable(rec, value=leaf)
  return rec


def _missing_hint(graph, name):
  hint = errors.did_you_mean(name, graph.backend.known_names(graph))
  return ("\n" + hint.strip()) if hint else ""


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None,
                 constraint=None, synchronization=None, aggregation=None):
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
      A callable is called with a key when its first two positional parameters are
      required (``lambda key, shape, dtype: ...``), TF-style when at most one is.
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
  return scope_get_variable(
      scope, graph, name, shape=shape, dtype=dtype, initializer=initializer,
      regularizer=regularizer, trainable=trainable, collections=collections,
      caching_device=caching_device, partitioner=partitioner,
      validate_shape=validate_shape, use_resource=use_resource,
      custom_getter=custom_getter, constraint=constraint,
      synchronization=synchronization, aggregation=aggregation)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None,
                       partitioner=None, validate_shape=True, use_resource=None,
                       custom_getter=None, constraint=None, synchronization=None,
                       aggregation=None):
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
      name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
      trainable=False, collections=collections, caching_device=caching_device,
      partitioner=partitioner, validate_shape=validate_shape, use_resource=use_resource,
      custom_getter=custom_getter, constraint=constraint,
      synchronization=synchronization, aggregation=aggregation)


def create_variable(initial_value, *, trainable=None, collections=None, name=None,
                    dtype=None, constraint=None, use_resource=None, synchronization=None,
                    aggregation=None, shape=None):
  """``tf.compat.v1.Variable(...)``: a variable named by the current name scope."""
  if initial_value is None:
    raise ValueError("initial_value must be specified.")
  graph = graph_lib.get_default_graph()
  _, _, trainable = var_lib.validate_sync_trainable(synchronization, aggregation, trainable, name)
  collections = var_lib._normalize_collections(collections, trainable)
  var_lib.check_constraint(constraint)
  if dtype is not None:
    dtype = dtypes_lib.as_dtype(dtype, variable=name)
  scope_name = name if name is not None else "Variable"
  with graph.name_scope(scope_name) as scope:
    op_path = graph_lib.name_from_scope_name(scope)
    if callable(initial_value):
      initial_value = initial_value()
    arr = var_lib.to_initial_array(initial_value, dtype, op_path)
  if use_resource is None:
    use_resource = bool(vs_lib.get_variable_scope().use_resource)
  rec = var_lib.VariableRecord(
      op_name=op_path, store_name=None, shape=tuple(arr.shape),
      dtype=dtypes_lib.canonical(arr.dtype), init_value=arr, trainable=bool(trainable),
      collections=collections, constraint=constraint, use_resource=bool(use_resource),
      stack=var_lib.creation_stack() if graph.backend.keeps_stacks else None)
  return graph.add_variable(rec)


var_lib.set_variable_creator(create_variable)
