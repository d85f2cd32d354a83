"""Collections of the current graph, and the ``{name: array}`` views of its variables."""

from __future__ import annotations

from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import variables as var_lib


def get_collection(key, scope=None):
  """Items of collection ``key`` in the current graph (``tf.compat.v1.get_collection``).

  With ``scope``, only items whose name matches it from the start (``re.match``).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("a"):
  ...   _ = vs.get_variable("w", [1])
  >>> [v.name for v in vs.get_collection(vs.GraphKeys.GLOBAL_VARIABLES, "a/")]
  ['a/w:0']
  """
  return graph_lib.get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
  """The list behind collection ``key`` (mutable), as ``tf.compat.v1.get_collection_ref``.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.get_collection_ref("my_losses").append(1.0)
  >>> vs.get_collection("my_losses")
  [1.0]
  """
  return graph_lib.get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
  """Appends ``value`` to collection ``name`` of the current graph.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> vs.add_to_collection("outputs", 3)
  >>> vs.get_collection("outputs")
  [3]
  """
  graph_lib.get_default_graph().add_to_collection(name, value)


def _as_dict(key, scope=None):
  graph = graph_lib.get_default_graph()
  out = {}
  for item in graph.get_collection(key, scope):
    rec = var_lib.record_of(graph, item)
    if rec is None:
      continue
    out[rec.op_name] = item.value() if isinstance(item, var_lib.Variable) else item
  return out


def global_variables(scope=None) -> dict:
  """``{name: array}`` of the global variables of the current graph.

  Names are the params-tree names (TF's name without ``:0``).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.variable_scope("s"):
  ...   _ = vs.get_variable("w", [2], initializer=vs.ones_initializer())
  >>> vs.global_variables()
  {'s/w': Array([1., 1.], dtype=float32)}
  """
  return _as_dict(graph_lib.GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None) -> dict:
  """``{name: array}`` of the trainable variables of the current graph.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> _ = vs.get_variable("w", [1]); _ = vs.get_variable("n", [1], trainable=False)
  >>> list(vs.trainable_variables())
  ['w']
  """
  return _as_dict(graph_lib.GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> dict:
  """``{name: array}`` of the local variables of the current graph.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> _ = vs.get_local_variable("count", [], dtype=vs.int32)
  >>> list(vs.local_variables())
  ['count']
  """
  return _as_dict(graph_lib.GraphKeys.LOCAL_VARIABLES, scope)
