"""``name_scope``: TF1's ``tf.compat.v1.name_scope`` on the current graph."""

from __future__ import annotations

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core import graph as graph_lib


class name_scope:  # pylint: disable=invalid-name
  """Opens a name scope, exactly as ``tf.compat.v1.name_scope`` in graph mode.

  Name scopes prefix the names of ops and of ``vs.Variable``; ``get_variable`` ignores
  them (it uses the variable scope). A name is made unique (``s1``, ``s1_1``, compared
  lower-cased, shared with op and variable names); a name ending in ``/`` re-enters
  that scope as is; ``None`` or ``""`` resets to the root.

  Args:
    name: the scope name.
    default_name: used (made unique) when ``name`` is None.
    values: accepted for porting (TF checks they come from one graph).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> with vs.name_scope("s1"):
  ...   with vs.name_scope("s2"):
  ...     w = vs.Variable([1, 2, 3], name="w")
  >>> w.name
  's1/s2/w:0'
  >>> with vs.name_scope("s1") as scope:
  ...   pass
  >>> scope
  's1_1/'
  """

  def __init__(self, name, default_name=None, values=None):
    if not (default_name is None or isinstance(default_name, str)):
      raise TypeError(tf_errors.NAME_SCOPE_DEFAULT_NAME_TYPE % type(default_name))
    self._name = default_name if name is None else name
    self._default_name = default_name
    self._values = values
    self._scope = None

  def __enter__(self) -> str:
    if self._name is None and self._values is not None:
      raise ValueError(tf_errors.NAME_OR_DEFAULT_NAME % (self._name, self._default_name))
    self._scope = graph_lib.get_default_graph().name_scope(self._name)
    return self._scope.__enter__()

  def __exit__(self, *exc):
    self._scope.__exit__(*exc)
