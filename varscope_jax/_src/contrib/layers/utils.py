"""tf-slim's ``layers.utils``: end points (named outputs), ``smart_cond`` and shape helpers.

A ``jax.Array`` carries no attributes, so the aliases tf-slim sets on a tensor
(``tensor.aliases``) are kept beside the graph (``Graph.append_alias`` /
``Graph.aliases_of``), per trace, like collections.
"""

from __future__ import annotations

import collections as py_collections

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import variables as var_lib

NamedOutputs = py_collections.namedtuple("NamedOutputs", ["name", "outputs"])
NamedOutputs.__doc__ = """tf-slim's ``(name, outputs)`` pair.

>>> from varscope_jax.contrib import slim
>>> slim.utils.NamedOutputs("conv1", 3).name
'conv1'
"""


def _collection_names(collections, where):
  if isinstance(collections, str):
    return [collections]
  try:
    return list(collections)
  except TypeError:
    raise TypeError(
      "%s: outputs_collections must be a collection name or a list of them, "
      "got %r." % (where, collections)
    ) from None


def collect_named_outputs(collections, alias, outputs):
  """Adds ``outputs`` to ``collections`` under ``alias`` (tf-slim's end points).

  ``collections`` may be None (nothing happens), a name or a list of names; a trailing
  ``/`` of ``alias`` (a name scope) is dropped.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> x = slim.utils.collect_named_outputs("ends", "net/pool1/", jnp.ones(2))
  >>> list(slim.utils.convert_collection_to_dict("ends"))
  ['net/pool1']
  """
  if collections:
    names = _collection_names(collections, "collect_named_outputs")
    append_tensor_alias(outputs, alias)
    graph_lib.get_default_graph().add_to_collections(names, outputs)
  return outputs


def append_tensor_alias(tensor, alias):
  """Appends ``alias`` (a trailing ``/`` dropped) to the aliases of ``tensor``.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> x = jnp.ones(1)
  >>> _ = slim.utils.append_tensor_alias(x, "a/"); _ = slim.utils.append_tensor_alias(x, "b")
  >>> slim.utils.get_tensor_aliases(x)
  ['a', 'b']
  """
  if not isinstance(alias, str) or not alias:
    raise TypeError(
      "append_tensor_alias: alias must be a non-empty string (an end point "
      "name such as 'vgg_16/conv1'), got %r." % (alias,)
    )
  if alias[-1] == "/":
    alias = alias[:-1]
  graph_lib.get_default_graph().append_alias(tensor, alias)
  return tensor


def get_tensor_aliases(tensor):
  """The aliases of ``tensor``; for one without aliases, its name (a variable's op name).

  Raises:
    ValueError: for an array with neither aliases nor a name (TF would use the name of
      the op that made it; arrays have none).

  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> slim.utils.get_tensor_aliases(vs.get_variable("w", [1]))
  ['w']
  """
  graph = graph_lib.get_default_graph()
  aliases = graph.aliases_of(tensor)
  if aliases is not None:
    return aliases
  rec = graph.record_of(tensor)
  if rec is not None:
    return [rec.op_name]
  name = graph.item_names.get(id(tensor))
  if name is not None:
    return [name]
  raise ValueError(
    "get_tensor_aliases: this %s has no alias and no name (TF would use the name of the "
    "op that made it; a jax.Array has none). Collect it with "
    "slim.utils.collect_named_outputs(collection, alias, value), or pass "
    "outputs_collections= to the layer that makes it." % (type(tensor).__name__,)
  )


def gather_tensors_aliases(tensors):
  """The aliases of each of ``tensors``, concatenated.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> vs.reset_default_graph()
  >>> xs = [slim.utils.append_tensor_alias(jnp.ones(1), n) for n in ("a", "b")]
  >>> slim.utils.gather_tensors_aliases(xs)
  ['a', 'b']
  """
  aliases = []
  for tensor in tensors:
    aliases += get_tensor_aliases(tensor)
  return aliases


def convert_collection_to_dict(collection, clear_collection=False):
  """``{alias: tensor}`` of a collection, in collection order (tf-slim's end points dict).

  A tensor with two aliases appears under both.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> def net(x):
  ...   with vs.variable_scope("net") as sc:
  ...     ends = sc.original_name_scope + "_end_points"
  ...     with slim.arg_scope([slim.conv2d, slim.max_pool2d], outputs_collections=ends):
  ...       x = slim.conv2d(x, 2, [3, 3], scope="conv1")
  ...       x = slim.max_pool2d(x, [2, 2], scope="pool1")
  ...     return x, slim.utils.convert_collection_to_dict(ends)
  >>> t = vs.transform(net)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((1, 4, 4, 1)))
  >>> list(t.apply(params, jnp.ones((1, 4, 4, 1)))[1])
  ['net/conv1', 'net/pool1']
  """
  graph = graph_lib.get_default_graph()
  output = py_collections.OrderedDict(
    (alias, tensor)
    for tensor in graph.get_collection(collection)
    for alias in get_tensor_aliases(tensor)
  )
  if clear_collection:
    graph.clear_collection(collection)
  return output


def constant_value(value_or_tensor_or_var, dtype=None):
  """The Python value of a bool/number, or None for a traced or variable value (TF: a
  tensor whose value is not known while building the graph).

  >>> import jax.numpy as jnp
  >>> from varscope_jax.contrib import slim
  >>> slim.utils.constant_value(True), slim.utils.constant_value(jnp.array(2.0))
  (True, 2.0)
  """
  if value_or_tensor_or_var is None:
    raise ValueError(tf_errors.VALUE_NONE)
  value = value_or_tensor_or_var
  if isinstance(value, var_lib.Variable):
    return None
  if isinstance(value, (jax.Array, np.ndarray, np.generic)):
    if dtype is not None and jnp.dtype(value.dtype) != jnp.dtype(dtype):
      raise ValueError(tf_errors.WRONG_TYPE % (value.dtype, dtype))
    if isinstance(value, jax.core.Tracer):
      return None
    if graph_lib.get_default_graph().record_of(value) is not None:
      return None
    return np.asarray(value).item() if np.ndim(value) == 0 else np.asarray(value)
  return value


def static_cond(pred, fn1, fn2):
  """``fn1()`` if ``pred`` else ``fn2()``, for a Python ``pred``.

  >>> from varscope_jax.contrib import slim
  >>> slim.utils.static_cond(False, lambda: 1, lambda: 2)
  2
  """
  if not callable(fn1):
    raise TypeError(tf_errors.FN1_NOT_CALLABLE)
  if not callable(fn2):
    raise TypeError(tf_errors.FN2_NOT_CALLABLE)
  if pred:
    return fn1()
  return fn2()


def smart_cond(pred, fn1, fn2, name=None):
  """``static_cond`` for a known ``pred``; otherwise both run and a traced bool selects
  (``jnp.where`` on every leaf: TF's ``cond``).

  >>> import jax, jax.numpy as jnp
  >>> from varscope_jax.contrib import slim
  >>> f = jax.jit(lambda p: slim.utils.smart_cond(p, lambda: 1.0, lambda: 2.0))
  >>> float(f(jnp.array(False)))
  2.0
  """
  del name
  pred_value = constant_value(pred)
  if pred_value is not None:
    return static_cond(pred_value, fn1, fn2)
  if not callable(fn1):
    raise TypeError(tf_errors.FN1_NOT_CALLABLE)
  if not callable(fn2):
    raise TypeError(tf_errors.FN2_NOT_CALLABLE)
  pred = jnp.asarray(pred)
  if pred.shape != () or pred.dtype != jnp.bool_:
    raise ValueError(
      "smart_cond: pred must be a scalar bool, got an array of shape %s "
      "and dtype %s." % (pred.shape, pred.dtype)
    )
  a, b = fn1(), fn2()
  return jax.tree_util.tree_map(lambda x, y: jnp.where(pred, x, y), a, b)


def get_variable_collections(variables_collections, name):
  """The collections for variable ``name``: from a dict by name, else the list as given.

  >>> from varscope_jax.contrib import slim
  >>> slim.utils.get_variable_collections({"weights": ["w"]}, "weights")
  ['w']
  """
  if isinstance(variables_collections, dict):
    return variables_collections.get(name, None)
  return variables_collections


def _get_dimension(shape, dim, min_rank=1):
  dims = None if shape is None else list(shape)
  if dims is None:
    raise ValueError(tf_errors.DIMS_UNKNOWN)
  if len(dims) < min_rank:
    raise ValueError(tf_errors.RANK_OF_SHAPE % (min_rank, len(dims)))
  value = dims[dim]
  if value is None:
    raise ValueError(tf_errors.DIMENSION_UNKNOWN % (dim, shape))
  return int(value)


def channel_dimension(shape, data_format, min_rank=1):
  """The channel dimension of ``shape`` (axis 1 for ``channels_first``, else -1).

  >>> from varscope_jax.contrib import slim
  >>> slim.utils.channel_dimension((2, 3, 4, 5), "channels_first")
  3
  """
  return _get_dimension(shape, 1 if data_format == "channels_first" else -1, min_rank=min_rank)


def last_dimension(shape, min_rank=1):
  """The last dimension of ``shape``, checking its rank (tf-slim's errors).

  >>> from varscope_jax.contrib import slim
  >>> slim.utils.last_dimension((2, 7), min_rank=2)
  7
  """
  return _get_dimension(shape, -1, min_rank=min_rank)


def two_element_tuple(int_or_tuple):
  """``(a, b)`` from an int or a 2-element list/tuple.

  >>> from varscope_jax.contrib import slim
  >>> slim.utils.two_element_tuple(3), slim.utils.two_element_tuple([1, 2])
  ((3, 3), (1, 2))
  """
  if isinstance(int_or_tuple, (list, tuple)):
    if len(int_or_tuple) != 2:
      raise ValueError(tf_errors.TWO_ELEMENT_LIST % (int_or_tuple,))
    return int(int_or_tuple[0]), int(int_or_tuple[1])
  if isinstance(int_or_tuple, int):
    return int(int_or_tuple), int(int_or_tuple)
  raise ValueError(tf_errors.TWO_ELEMENT_TUPLE)


def n_positive_integers(n, value):
  """``value`` as ``n`` positive ints (an int is repeated).

  >>> from varscope_jax.contrib import slim
  >>> slim.utils.n_positive_integers(2, 3), slim.utils.n_positive_integers(2, [1, 4])
  ((3, 3), (1, 4))
  """
  n_orig = n
  n = int(n)
  if n < 1 or n != n_orig:
    raise ValueError(tf_errors.N_POSITIVE)
  try:
    value = int(value)
  except (TypeError, ValueError):
    sequence_len = len(value)
    if sequence_len != n:
      raise ValueError(tf_errors.N_POSITIVE_INTEGERS % (n, value)) from None
    try:
      values = tuple(int(x) for x in value)
    except Exception:  # noqa: BLE001 - tf-slim's bare except
      raise ValueError(tf_errors.N_POSITIVE_INTEGERS % (n, value)) from None
    for x in values:
      if x < 1:
        raise ValueError(tf_errors.POSITIVE_INTEGER % x) from None
    return values
  if value < 1:
    raise ValueError(tf_errors.POSITIVE_INTEGER % value)
  return (value,) * n
