"""State updated inside a traced function: ``assign``, ``assign_add``, ``assign_sub``.

TF1 code updates variables with assign ops (batch-norm moving averages, step counters).
JAX functions are pure, so inside ``apply`` an assignment is *recorded*, and
``apply(params, ..., mutable=True)`` returns ``(out, new_params)`` with every assigned
variable replaced. Assigning inside an ``apply`` that was not asked for updates is an
error (the update would be lost). In ``init`` assignments are ignored: init only makes
initial values, as TF's initializers do. In the eager default graph the variable's value
is replaced at once.

Reads are not affected by an earlier assignment in the same trace (``get_variable``
returns the value the trace started with), as a TF1 graph gives no order between an
assign and a read without control dependencies. Updates compose: each ``assign_*`` starts
from the value the previous one in the trace left, as TF's update ops run in order.
"""

from __future__ import annotations

import numbers

import jax
import numpy as np

from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import variables as var_lib


def _resolve(graph, ref):
  if isinstance(ref, str):
    name = ref[:-2] if ref.endswith(":0") else ref
    rec = graph.var_store.get(name)
    if rec is None:
      rec = next((r for r in graph.variables if r.op_name == name), None)
    if rec is None:
      raise ValueError(
        f"assign: no variable named {name} in the current graph. Call get_variable "
        "for it first (in this function), or pass the value get_variable returned."
      )
    return rec
  rec = var_lib.record_of(graph, ref)
  if rec is None:
    raise TypeError(
      "assign: the first argument must be a variable (the value get_variable or "
      f"vs.Variable returned in this graph) or its name; got {type(ref).__name__}."
    )
  return rec


def update_variable(ref, fn, what: str):
  """Sets variable ``ref`` (a variable or its name) to ``fn(its current value)``.

  The current value is the last one assigned in this trace, so updates compose in
  program order. ``what`` names the operation in errors.
  """
  graph = graph_lib.get_default_graph()
  return graph.update_variable(_resolve(graph, ref), fn, what)


def assign(ref, value, validate_shape=None, use_locking=None, name=None, read_value=True):
  """Sets a variable to ``value`` (``tf.compat.v1.assign``). Returns the new value.

  Args:
    ref: the variable (what ``get_variable`` returned) or its name (``"bn/mean"``).
    value: the new value; same shape, cast to the variable's dtype.
    validate_shape, use_locking, name, read_value: accepted for porting.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def count():
  ...   n = vs.get_variable("n", [], dtype=vs.int32, trainable=False)
  ...   vs.assign_add(n, 1)
  ...   return n
  >>> t = vs.transform(count)
  >>> params = t.init(jax.random.PRNGKey(0))
  >>> _, params = t.apply(params, mutable=True)
  >>> int(params["n"])
  1
  """
  del validate_shape, use_locking, name, read_value
  return update_variable(ref, lambda old: value, "assign")


def assign_add(ref, value, use_locking=None, name=None, read_value=True):
  """Adds ``value`` to a variable (``tf.compat.v1.assign_add``). Returns the new value.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> v = vs.get_variable("v", [2], initializer=vs.zeros_initializer())
  >>> vs.assign_add(v, 2.0).tolist()
  [2.0, 2.0]
  """
  del use_locking, name, read_value
  return update_variable(ref, lambda old: old + value, "assign_add")


def assign_sub(ref, value, use_locking=None, name=None, read_value=True):
  """Subtracts ``value`` from a variable (``tf.compat.v1.assign_sub``).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> v = vs.get_variable("v", [2], initializer=vs.ones_initializer())
  >>> vs.assign_sub(v, 1.0).tolist()
  [0.0, 0.0]
  """
  del use_locking, name, read_value
  return update_variable(ref, lambda old: old - value, "assign_sub")


def _check_decay(decay) -> None:
  if isinstance(decay, (str, bytes, bool)) or not isinstance(
    decay, (numbers.Real, np.ndarray, np.generic, jax.Array)
  ):
    raise TypeError(
      f"assign_moving_average: decay must be a real number (or a scalar "
      f"array) such as 0.99, got {decay!r}."
    )


def assign_moving_average(variable, value, decay, zero_debias=False, name=None):
  """``variable -= (1 - decay) * (variable - value)``, as TF's ``assign_moving_average``.

  ``zero_debias`` is not supported (it needs hidden extra variables in TF).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> m = vs.get_variable("m", [1], initializer=vs.zeros_initializer(), trainable=False)
  >>> vs.assign_moving_average(m, 1.0, decay=0.9).tolist()
  [0.10000000149011612]
  """
  del name
  if zero_debias:
    raise NotImplementedError(
      "assign_moving_average: zero_debias=True is not supported; "
      "use zero_debias=False (the default for batch norm)."
    )
  _check_decay(decay)
  return update_variable(
    variable, lambda old: old - (1.0 - decay) * (old - value), "assign_moving_average"
  )
