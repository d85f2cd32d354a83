"""tf-slim's variable helpers (``tf_slim.ops.variables``): ``model_variable`` and the
``get_variables*`` queries, on the core's ``get_variable`` and collections.

``get_variables`` and friends return what ``vs.get_collection`` returns: the variables'
values (``vs.Variable`` in an eager graph, arrays inside ``transform``), in creation
order; ``get_variable_full_name(v)`` gives a value's TF name (``Conv/weights``).
"""

from __future__ import annotations

import functools
import re

from varscope_jax._src.base import errors
from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.core.graph_keys import GraphKeys
from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope

_AUTO = var_lib.VariableSynchronization.AUTO
_NONE = var_lib.VariableAggregation.NONE


def _check_collections(collections, where):
  if isinstance(collections, str):
    raise TypeError(errors.string_collections("%s: collections" % where, collections))


@add_arg_scope
def variable(
  name,
  shape=None,
  dtype=None,
  initializer=None,
  regularizer=None,
  trainable=True,
  collections=None,
  caching_device=None,
  device=None,
  partitioner=None,
  custom_getter=None,
  use_resource=None,
  synchronization=_AUTO,
  aggregation=_NONE,
):
  """tf-slim's ``variable``: ``get_variable`` in ``collections`` (default GLOBAL_VARIABLES).

  ``custom_getter`` is called as TF's getter chain would, with the current scope's
  ``reuse``; ``device`` is accepted for porting (JAX places arrays by sharding).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> v = framework.variable("v", [2], collections=["mine", vs.GraphKeys.GLOBAL_VARIABLES])
  >>> v.name, len(vs.get_collection("mine"))
  ('v:0', 1)
  """
  del device
  _check_collections(collections, "variable %r" % (name,))
  collections = list(collections if collections is not None else [GraphKeys.GLOBAL_VARIABLES])
  collections = list(dict.fromkeys(collections))
  getter = store_lib.get_variable
  if custom_getter is not None:
    getter = functools.partial(custom_getter, reuse=vs_lib.get_variable_scope().reuse)
  return getter(
    name,
    shape=shape,
    dtype=dtype,
    initializer=initializer,
    regularizer=regularizer,
    trainable=trainable,
    collections=collections,
    caching_device=caching_device,
    partitioner=partitioner,
    use_resource=use_resource,
    synchronization=synchronization,
    aggregation=aggregation,
  )


@add_arg_scope
def model_variable(
  name,
  shape=None,
  dtype=dtypes_lib.float32,
  initializer=None,
  regularizer=None,
  trainable=True,
  collections=None,
  caching_device=None,
  device=None,
  partitioner=None,
  custom_getter=None,
  use_resource=None,
  synchronization=_AUTO,
  aggregation=_NONE,
):
  """tf-slim's ``model_variable``: a ``variable`` also in ``GraphKeys.MODEL_VARIABLES``.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("net"):
  ...   w = framework.model_variable("w", [3], initializer=vs.ones_initializer())
  >>> [framework.get_variable_full_name(v) for v in framework.get_model_variables()]
  ['net/w']
  """
  _check_collections(collections, "model_variable %r" % (name,))
  collections = list(collections or [])
  collections += [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
  return variable(
    name,
    shape=shape,
    dtype=dtype,
    initializer=initializer,
    regularizer=regularizer,
    trainable=trainable,
    collections=collections,
    caching_device=caching_device,
    device=device,
    partitioner=partitioner,
    custom_getter=custom_getter,
    use_resource=use_resource,
    synchronization=synchronization,
    aggregation=aggregation,
  )


def _contains(items, value):
  return any(v is value for v in items)


def add_model_variable(var):
  """Adds ``var`` to ``GraphKeys.MODEL_VARIABLES`` unless it is there already.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> w = vs.get_variable("w", [2])
  >>> framework.add_model_variable(w); framework.add_model_variable(w)
  >>> len(framework.get_model_variables())
  1
  """
  graph = graph_lib.get_default_graph()
  if not _contains(graph.get_collection(GraphKeys.MODEL_VARIABLES), var):
    graph.add_to_collection(GraphKeys.MODEL_VARIABLES, var)


def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
  """The variables of ``collection`` whose names match ``scope`` (from the start) and
  ``suffix`` (tf-slim's regular expression ``scope + '.*' + suffix + ':'``).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("a"):
  ...   _ = vs.get_variable("w", [1]); _ = vs.get_variable("b", [1])
  >>> [v.name for v in framework.get_variables("a", suffix="b")]
  ['a/b:0']
  """
  if scope is not None and isinstance(scope, vs_lib.VariableScope):
    scope = scope.name
  if scope is not None and not isinstance(scope, str):
    raise TypeError(
      "get_variables: scope must be a string (a regular expression matched "
      "at the start of each name, e.g. 'resnet_v2/'), a VariableScope or "
      "None, got %r." % (scope,)
    )
  if suffix is not None:
    if not isinstance(suffix, str):
      raise TypeError("get_variables: suffix must be a string, got %r." % (suffix,))
    if ":" not in suffix:
      suffix += ":"
    scope = (scope or "") + ".*" + suffix
  graph = graph_lib.get_default_graph()
  items = graph.get_collection(collection)
  if scope is None:
    return items
  pattern = re.compile(scope)
  out = []
  for item in items:
    name = _tf_tensor_name(graph, item)
    if name is not None and pattern.match(name):
      out.append(item)
  return out


def _tf_tensor_name(graph, item):
  """``v.name`` as TF spells it (``a/w:0``): what tf-slim's patterns are matched against."""
  rec = graph.record_of(item)
  if rec is not None:
    return rec.op_name + ":0"
  name = graph.item_names.get(id(item)) or getattr(item, "name", None)
  return name if isinstance(name, str) else None


def get_model_variables(scope=None, suffix=None):
  """``get_variables`` of ``GraphKeys.MODEL_VARIABLES``.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> framework.get_model_variables()
  []
  """
  return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
  """``get_variables`` of ``GraphKeys.LOCAL_VARIABLES``.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> framework.get_local_variables()
  []
  """
  return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
  """``get_variables`` of ``GraphKeys.TRAINABLE_VARIABLES``.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> _ = vs.get_variable("w", [1]); _ = vs.get_variable("s", [1], trainable=False)
  >>> [v.name for v in framework.get_trainable_variables()]
  ['w:0']
  """
  return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(include=None, exclude=None):
  """The global variables under the ``include`` scopes and not under ``exclude`` ones.

  Args:
    include: a list or tuple of scope patterns (default: every global variable).
    exclude: a list or tuple of scope patterns to leave out (e.g. a new head).

  Raises:
    TypeError: tf-slim's ``include is provided but is not a list or a tuple.`` (or
      ``exclude``).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("net"):
  ...   with vs.variable_scope("body"): _ = vs.get_variable("w", [1])
  ...   with vs.variable_scope("logits"): _ = vs.get_variable("w", [1])
  >>> [framework.get_variable_full_name(v)
  ...  for v in framework.get_variables_to_restore(exclude=["net/logits"])]
  ['net/body/w']
  """
  if include is None:
    vars_to_include = get_variables()
  else:
    if not isinstance(include, (list, tuple)):
      raise TypeError(tf_errors.INCLUDE_NOT_A_LIST)
    vars_to_include = []
    for scope in include:
      vars_to_include += get_variables(scope)
  excluded: set[int] = set()
  if exclude is not None:
    if not isinstance(exclude, (list, tuple)):
      raise TypeError(tf_errors.EXCLUDE_NOT_A_LIST)
    for scope in exclude:
      excluded.update(id(v) for v in get_variables(scope))
  return [v for v in vars_to_include if id(v) not in excluded]


def get_variables_by_suffix(suffix, scope=None):
  """``get_variables(scope, suffix=suffix)``.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> _ = vs.get_variable("conv/biases", [1])
  >>> [v.name for v in framework.get_variables_by_suffix("biases")]
  ['conv/biases:0']
  """
  return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
  """The variables whose last name component is ``given_name``.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> _ = vs.get_variable("a/weights", [1]); _ = vs.get_variable("a/my_weights", [1])
  >>> [v.name for v in framework.get_variables_by_name("weights")]
  ['a/weights:0']
  """
  if not isinstance(given_name, str):
    raise TypeError("get_variables_by_name: given_name must be a string, got %r." % (given_name,))
  suffix = "/" + given_name + ":|^" + given_name + ":"
  return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name):
  """The one variable named ``var_op_name`` (tf-slim's errors when none or several match).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> _ = vs.get_variable("a/w", [1])
  >>> framework.get_unique_variable("a/w").name
  'a/w:0'
  """
  candidates = get_variables(scope=var_op_name)
  if not candidates:
    raise ValueError(tf_errors.VARIABLE_NOT_FOUND % var_op_name)
  graph = graph_lib.get_default_graph()
  for candidate in candidates:
    rec = graph.record_of(candidate)
    if rec is not None and rec.op_name == var_op_name:
      return candidate
  raise ValueError(tf_errors.VARIABLE_NOT_UNIQUE % var_op_name)


def get_variable_full_name(var):
  """A variable's TF name (``v.op.name``: ``Conv/weights``).

  Raises:
    ValueError: for a value that is not a variable of the current graph.

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> framework.get_variable_full_name(vs.get_variable("s/w", [1]))
  's/w'
  """
  rec = graph_lib.get_default_graph().record_of(var)
  if rec is None:
    raise ValueError(
      "get_variable_full_name: %s is not a variable of the current graph (a jax.Array "
      "has no name: pass a value returned by get_variable / get_variables in this trace)."
      % (type(var).__name__,)
    )
  return rec.op_name


def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
  """A non-trainable ``Variable`` in ``LOCAL_VARIABLES`` only (tf-slim's).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> v = framework.local_variable([0.0, 1.0], name="counts")
  >>> [u.name for u in framework.get_local_variables()], framework.get_variables()
  (['counts:0'], [])
  """
  return var_lib.Variable(
    initial_value,
    trainable=False,
    collections=[GraphKeys.LOCAL_VARIABLES],
    validate_shape=validate_shape,
    use_resource=use_resource,
    name=name,
  )


def global_variable(initial_value, validate_shape=True, name=None, use_resource=None):
  """A non-trainable ``Variable`` in ``GLOBAL_VARIABLES`` (tf-slim's).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> v = framework.global_variable(3, name="step")
  >>> [u.name for u in framework.get_variables()], framework.get_trainable_variables()
  (['step:0'], [])
  """
  return var_lib.Variable(
    initial_value,
    trainable=False,
    collections=[GraphKeys.GLOBAL_VARIABLES],
    validate_shape=validate_shape,
    use_resource=use_resource,
    name=name,
  )


def filter_variables(var_list, include_patterns=None, exclude_patterns=None, reg_search=True):
  """The variables of ``var_list`` whose TF names (``a/w:0``) match an include pattern
  and no exclude pattern (``re.search``, or ``re.match`` with ``reg_search=False``).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import framework
  >>> vs.reset_default_graph()
  >>> vs_ = [vs.get_variable(n, [1]) for n in ("conv/weights", "conv/biases", "fc/weights")]
  >>> [v.name for v in framework.filter_variables(vs_, ["weights"], ["fc"])]
  ['conv/weights:0']
  """
  for what, patterns in (
    ("include_patterns", include_patterns),
    ("exclude_patterns", exclude_patterns),
  ):
    if isinstance(patterns, str):
      raise TypeError(
        "filter_variables: %s must be a list of regular expressions, got the "
        "string %r (pass [%r])." % (what, patterns, patterns)
      )
  find = re.search if reg_search else re.match
  graph = graph_lib.get_default_graph()

  def name(var):
    n = _tf_tensor_name(graph, var)
    if n is None:
      raise ValueError(
        "filter_variables: %s is not a variable of the current graph." % (type(var).__name__,)
      )
    return n

  included = (
    list(var_list)
    if include_patterns is None
    else [v for v in var_list if any(find(p, name(v)) for p in include_patterns)]
  )
  if exclude_patterns is None:
    return included
  return [v for v in included if not any(find(p, name(v)) for p in exclude_patterns)]
