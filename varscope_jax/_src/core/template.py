"""``make_template``: TF1's ``Template`` -- first call creates, later calls reuse."""

from __future__ import annotations

import functools
import traceback

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib


# Per graph and template: {first_call, variables_created, variable_scope}.
_TEMPLATE_STATE = graph_lib.SlotKey("template state")


def _skip_common_stack_elements(stacktrace, base_case):
  for i, (trace, base) in enumerate(zip(stacktrace, base_case)):
    if trace != base:
      return stacktrace[i:]
  return stacktrace[-1:]


class Template:
  """Wraps a function so its variables are made on the first call and shared after.

  See ``make_template``. ``variable_scope`` is the captured scope (None until the first
  call unless ``create_scope_now_``); ``variable_scope_name`` is its name with TF's
  trailing ``/``. ``variables`` (global and local), ``global_variables``,
  ``local_variables``, ``trainable_variables`` and ``non_trainable_variables`` list, as
  TF does, the variables of the current graph whose name starts with
  ``variable_scope_name`` once a call has completed (so a variable made beside the
  template under the same prefix is listed too, as in TF).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> t = vs.make_template("lin", lambda: vs.get_variable("w", [1]))
  >>> _ = t()
  >>> t.variable_scope_name, [v.name for v in t.trainable_variables]
  ('lin/', ['lin/w:0'])
  """

  def __init__(self, name, func, create_scope_now=False, unique_name=None, custom_getter=None):
    if not callable(func):
      raise TypeError(
        f"Template: func must be callable (the function whose variables the "
        f"template shares), got {func!r}."
      )
    self._func = func
    self._stacktrace = traceback.format_stack()[:-2]
    self._name = name
    self._unique_name = unique_name
    self._custom_getter = custom_getter
    if name is None:
      raise ValueError(tf_errors.TEMPLATE_NAME_NONE)
    if create_scope_now:
      # TF's _pure_variable_scope defaults dtype to float32 (variable_scope passes the
      # enclosing scope's dtype explicitly; a template does not): the captured scope
      # makes float32 variables even inside variable_scope(..., dtype=float16).
      with vs_lib.PureVariableScope(
        self._unique_name or vs_lib.get_unique_variable_scope(self._name),
        custom_getter=self._custom_getter,
        dtype=dtypes_lib.float32,
      ) as scope:
        self._ctor_scope = scope
    else:
      self._ctor_scope = None

  def _state(self):
    # TF keeps a template's state (first call done? which scope?) for the one graph it
    # is used in. Every transform trace is a new graph, so the state is kept per graph
    # (Graph.slot): a template made outside the model function creates its variables on
    # its first call in *each* trace (init or apply) and reuses them after, as TF would.
    return graph_lib.get_default_graph().slot(_TEMPLATE_STATE, self._new_state, owner=self)

  def _new_state(self, graph) -> dict:
    del graph
    return {"first_call": True, "variables_created": False, "variable_scope": self._ctor_scope}

  _first_call = property(
    lambda self: self._state()["first_call"],
    lambda self, v: self._state().__setitem__("first_call", v),
  )
  _variables_created = property(
    lambda self: self._state()["variables_created"],
    lambda self, v: self._state().__setitem__("variables_created", v),
  )
  _variable_scope = property(
    lambda self: self._state()["variable_scope"],
    lambda self, v: self._state().__setitem__("variable_scope", v),
  )

  def _call_func(self, args, kwargs):
    graph = graph_lib.get_default_graph()
    keys = graph_lib.GraphKeys
    try:
      if self._variables_created:
        trainable_at_start = len(graph.get_collection_ref(keys.TRAINABLE_VARIABLES))
        result = self._func(*args, **kwargs)
        trainable = graph.get_collection_ref(keys.TRAINABLE_VARIABLES)
        if trainable_at_start != len(trainable):
          raise ValueError(
            tf_errors.TEMPLATE_NEW_TRAINABLE % _list_repr(graph, trainable[trainable_at_start:])
          )
        # (TF only logs new non-trainable variables.)
      elif self._first_call:
        # TF: the first call is over only once it returns. A call that raises leaves
        # the template as it was, so the next call creates the variables.
        self._first_call = False
        try:
          result = self._func(*args, **kwargs)
        except BaseException:
          self._first_call = True
          raise
        self._variables_created = True
      else:  # called again while the first call runs (recursively or from a thread)
        result = self._func(*args, **kwargs)
      return result
    except Exception as exc:
      arg0 = exc.args[0] if exc.args else ""
      trace = "".join(_skip_common_stack_elements(self._stacktrace, traceback.format_stack()))
      exc.args = ("%s\n\noriginally defined at:\n%s" % (arg0, trace),) + exc.args[1:]
      raise

  def __call__(self, *args, **kwargs):
    if self._variable_scope:
      with vs_lib.variable_scope(self._variable_scope, reuse=not self._first_call):
        return self._call_func(args, kwargs)
    with vs_lib.variable_scope(
      self._unique_name, self._name, custom_getter=self._custom_getter
    ) as scope:
      self._variable_scope = scope
      return self._call_func(args, kwargs)

  @property
  def name(self):
    """The name given to this template."""
    return self._name

  @property
  def func(self):
    """The wrapped function (with ``make_template``'s extra kwargs bound)."""
    return self._func

  @property
  def variable_scope(self):
    """The captured ``VariableScope`` (None before the first call, unless
    ``create_scope_now_``)."""
    return self._variable_scope

  @property
  def variable_scope_name(self):
    """The captured scope's name with a trailing ``/`` (TF's prefix filter), or None."""
    scope = self._variable_scope
    if not scope:
      return None
    name = scope.name
    return name if not name or name[-1] == "/" else name + "/"

  def _collection(self, key):
    if not self._variables_created:
      return []
    return graph_lib.get_default_graph().get_collection(key, self.variable_scope_name)

  @property
  def global_variables(self):
    """Global variables under ``variable_scope_name`` (after a completed call)."""
    return self._collection(graph_lib.GraphKeys.GLOBAL_VARIABLES)

  @property
  def local_variables(self):
    """Local variables under ``variable_scope_name`` (after a completed call)."""
    return self._collection(graph_lib.GraphKeys.LOCAL_VARIABLES)

  @property
  def variables(self):
    """``global_variables + local_variables``, as TF."""
    return self.global_variables + self.local_variables

  @property
  def trainable_variables(self):
    """Trainable variables under ``variable_scope_name`` (after a completed call)."""
    return self._collection(graph_lib.GraphKeys.TRAINABLE_VARIABLES)

  @property
  def non_trainable_variables(self):
    """``global_variables`` that are not trainable, as TF."""
    trainable = {id(v) for v in self.trainable_variables}
    return [v for v in self.global_variables if id(v) not in trainable]

  weights = property(lambda self: self.variables, doc="Same as ``variables``.")
  trainable_weights = property(
    lambda self: self.trainable_variables, doc="Same as ``trainable_variables``."
  )
  non_trainable_weights = property(
    lambda self: self.non_trainable_variables, doc="Same as ``non_trainable_variables``."
  )


def _list_repr(graph, items):
  """``repr(list)`` as TF prints it: ``<tf.Variable 'name:0' ...>`` even for the arrays
  a transform trace hands out."""
  out = []
  for item in items:
    rec = var_lib.record_of(graph, item)
    out.append(var_lib.variable_repr(rec) if rec is not None else repr(item))
  return "[" + ", ".join(out) + "]"


def make_template(
  name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None, **kwargs
):
  """Wraps ``func_`` so its variables are shared between calls (``tf.make_template``).

  The first call opens a new variable scope named from ``name_`` (made unique, as
  ``variable_scope(None, default_name=name_)``) and creates the variables; later calls
  re-enter that scope with ``reuse=True``, wherever they are called from. A new
  trainable variable on a later call is an error, as in TF.

  Args:
    name_: base name of the scope.
    func_: the function; extra ``kwargs`` are bound to it.
    create_scope_now_: capture the scope now instead of at the first call.
    unique_name_: use this exact scope name (no uniquification).
    custom_getter_: a custom getter for the template's scope.

  Returns:
    A ``Template``.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> def dense():
  ...   return vs.get_variable("w", [2], initializer=vs.zeros_initializer())
  >>> layer = vs.make_template("layer", dense)
  >>> w1, w2 = layer(), layer()
  >>> w1 is w2, w1.name
  (True, 'layer/w:0')
  """
  if not callable(func_):
    raise TypeError(
      f"make_template: func_ must be callable (the function whose variables "
      f"the template shares), got {func_!r}."
    )
  if kwargs:
    func_ = functools.partial(func_, **kwargs)
  return Template(
    name_,
    func_,
    create_scope_now=create_scope_now_,
    unique_name=unique_name_,
    custom_getter=custom_getter_,
  )
