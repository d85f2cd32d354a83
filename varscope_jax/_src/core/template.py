"""``make_template``: TF1's ``Template`` -- first call creates, later calls reuse."""
from __future__ import annotations

import functools
import traceback
import weakref

from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import variable_scope as vs_lib


def _skip_common_stack_elements(stacktrace, base_case):
  for i, (trace, base) in enumerate(zip(stacktrace, base_case)):
    if trace != base:
      return stacktrace[i:]
  return stacktrace[-1:]


class Template:
  """Wraps a function so its variables are made on the first call and shared after.

  See ``make_template``. ``variable_scope`` is the captured scope (None until the first
  call unless ``create_scope_now_``); ``variables`` / ``trainable_variables`` list this
  template's variables in the current graph.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> t = vs.make_template("lin", lambda: vs.get_variable("w", [1]))
  >>> _ = t()
  >>> t.variable_scope.name, [v.name for v in t.trainable_variables]
  ('lin', ['lin/w:0'])
  """

  def __init__(self, name, func, create_scope_now=False, unique_name=None,
               custom_getter=None):
    self._func = func
    self._stacktrace = traceback.format_stack()[:-2]
    self._name = name
    self._unique_name = unique_name
    self._custom_getter = custom_getter
    if name is None:
      raise ValueError("name cannot be None.")
    if create_scope_now:
      with vs_lib._PureVariableScope(
          self._unique_name or vs_lib.get_unique_variable_scope(self._name),
          custom_getter=self._custom_getter) as scope:
        self._ctor_scope = scope
    else:
      self._ctor_scope = None
    # TF keeps a template's state (first call done? which scope?) for the one graph it
    # is used in. Every transform trace is a new graph, so the state is kept per graph:
    # a template made outside the model function creates its variables on its first
    # call in *each* trace (init or apply) and reuses them after, as TF would in each.
    self._states: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

  def _state(self):
    graph = graph_lib.get_default_graph()
    state = self._states.get(graph)
    if state is None:
      state = self._states[graph] = {"first_call": True, "variables_created": False,
                                     "variable_scope": self._ctor_scope}
    return state

  _first_call = property(lambda self: self._state()["first_call"],
                         lambda self, v: self._state().__setitem__("first_call", v))
  _variables_created = property(
      lambda self: self._state()["variables_created"],
      lambda self, v: self._state().__setitem__("variables_created", v))
  _variable_scope = property(lambda self: self._state()["variable_scope"],
                             lambda self, v: self._state().__setitem__("variable_scope", v))

  def _call_func(self, args, kwargs):
    graph = graph_lib.get_default_graph()
    keys = graph_lib.GraphKeys
    try:
      if self._variables_created:
        vars_at_start = len(graph.get_collection(keys.GLOBAL_VARIABLES))
        trainable_at_start = len(graph.get_collection(keys.TRAINABLE_VARIABLES))
        result = self._func(*args, **kwargs)
        trainable = graph.get_collection(keys.TRAINABLE_VARIABLES)
        if trainable_at_start != len(trainable):
          raise ValueError(
              "Trainable variable created when calling a template after the first time, "
              "perhaps you used tf.Variable when you meant tf.get_variable: %s"
              % (trainable[trainable_at_start:],))
        del vars_at_start  # TF only logs new non-trainable variables.
      else:
        self._first_call = False
        result = self._func(*args, **kwargs)
        self._variables_created = True
      return result
    except Exception as exc:
      arg0 = exc.args[0] if exc.args else ""
      trace = "".join(_skip_common_stack_elements(self._stacktrace,
                                                  traceback.format_stack()))
      exc.args = ("%s\n\noriginally defined at:\n%s" % (arg0, trace),) + exc.args[1:]
      raise

  def __call__(self, *args, **kwargs):
    if self._variable_scope:
      with vs_lib.variable_scope(self._variable_scope, reuse=not self._first_call):
        return self._call_func(args, kwargs)
    with vs_lib.variable_scope(self._unique_name, self._name,
                               custom_getter=self._custom_getter) as scope:
      self._variable_scope = scope
      return self._call_func(args, kwargs)

  @property
  def name(self):
    return self._name

  @property
  def variable_scope(self):
    return self._variable_scope

  @property
  def variable_scope_name(self):
    return self._variable_scope.name if self._variable_scope else None

  def _scoped(self, key):
    if not self._variables_created:
      return []
    name = self.variable_scope_name
    return graph_lib.get_default_graph().get_collection(key, name + "/" if name else None)

  @property
  def variables(self):
    return self._scoped(graph_lib.GraphKeys.GLOBAL_VARIABLES)

  @property
  def trainable_variables(self):
    return self._scoped(graph_lib.GraphKeys.TRAINABLE_VARIABLES)


def make_template(name_, func_, create_scope_now_=False, unique_name_=None,
                  custom_getter_=None, **kwargs):
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
  if kwargs:
    func_ = functools.partial(func_, **kwargs)
  return Template(name_, func_, create_scope_now=create_scope_now_,
                  unique_name=unique_name_, custom_getter=custom_getter_)
