"""Variable records, the eager ``Variable`` object, and ``vs.Variable(...)`` creation.

A ``VariableRecord`` is what the graph knows about a variable: its store name (what
``get_variable`` finds it by), its op name (the name TF shows, and its key in the params
tree), shape, dtype, how to initialise it, trainable and collections. What callers get
back is the backend's value: an eager ``Variable`` in the default graph, a ``jax.Array``
(a tracer) inside ``transform``.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import sys
import traceback
import warnings
from typing import Any, Callable

import jax
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import tracing
from varscope_jax._src.base.shapes import (  # noqa: F401 (re-exported for the core)
  as_shape,
  fully_defined,
  shape_compatible,
  shape_str,
)
from varscope_jax._src.core.graph_keys import GraphKeys


class VariableSynchronization(enum.Enum):
  """Accepted for porting (``tf.VariableSynchronization``); ON_READ makes a variable
  non-trainable by default, as in TF. JAX has no distribution strategies to sync."""

  AUTO = 0
  NONE = 1
  ON_WRITE = 2
  ON_READ = 3


class VariableAggregation(enum.Enum):
  """Accepted for porting (``tf.VariableAggregation``); no effect in JAX."""

  NONE = 0
  SUM = 1
  MEAN = 2
  ONLY_FIRST_REPLICA = 3


def validate_sync_trainable(synchronization, aggregation, trainable, name):
  if synchronization is None:
    synchronization = VariableSynchronization.AUTO
  elif not isinstance(synchronization, VariableSynchronization):
    try:
      synchronization = VariableSynchronization(synchronization)
    except ValueError:
      raise ValueError(tf_errors.INVALID_SYNCHRONIZATION.format(synchronization, name)) from None
  if aggregation is None:
    aggregation = VariableAggregation.NONE
  if trainable is None:
    trainable = synchronization != VariableSynchronization.ON_READ
  return synchronization, aggregation, trainable


@dataclasses.dataclass(eq=False, slots=True)
class VariableRecord:
  """What a graph knows about one variable."""

  op_name: str  # key in params, TF's v.op.name
  store_name: str | None  # get_variable's key; None for vs.Variable
  shape: tuple
  dtype: np.dtype
  initializer: Any = None  # Initializer / jax-style callable (needs a key)
  init_value: Any = None  # a concrete or traced initial value
  trainable: bool = True
  collections: tuple = ()
  constraint: Callable | None = None
  use_resource: bool = False
  regularizer: Callable | None = None
  value: Any = None  # what get_variable returned
  stack: Any = None  # creation stack (eager graph only)
  partition_rules: Any = None  # the scope's sharding rules when it was made

  @property
  def dtype_name(self) -> str:
    """TF's dtype name: ``float32_ref`` for TF1's default ref variables."""
    return self.dtype.name if self.use_resource else self.dtype.name + "_ref"


def variable_repr(rec: VariableRecord) -> str:
  """TF's ``repr`` of a variable: ``<tf.Variable 's/w:0' shape=(2,) dtype=float32_ref>``."""
  return "<tf.Variable '%s:0' shape=%s dtype=%s>" % (
    rec.op_name,
    shape_str(rec.shape),
    rec.dtype_name,
  )


def record_of(graph, obj) -> VariableRecord | None:
  """The record of a value returned by this graph (a Variable or a traced array)."""
  if isinstance(obj, Variable):
    return obj._record
  return graph.record_of(obj)


class Variable:
  """A variable of the eager default graph, or ``tf.Variable``'s constructor.

  Called as ``vs.Variable(initial_value, name=...)`` it makes a variable named by the
  current name scope, as ``tf.compat.v1.Variable``: in the eager default graph it
  returns a ``Variable`` object; inside ``transform`` it returns the ``jax.Array`` leaf.

  A ``Variable`` object shows TF's ``.name`` (with ``:0``), ``.shape`` and ``.dtype``;
  ``.value()`` is its ``jax.Array``. It is taken wherever a ``jax.Array`` is: by ``jnp``
  functions, arithmetic and ``@``, and as an argument of ``jax.jit``, ``jax.grad`` and
  ``jax.vmap`` (a pytree whose one leaf is its current value: the function receives
  that array, and ``jax.grad`` returns a plain array).

  Reading it inside a function that JAX stages (a ``jax.jit`` closure, a ``lax.scan``
  body) builds its current value into the compiled program, which would not see a later
  ``assign``: that read warns, naming the variable. Pass the variable as an argument
  instead, or use ``vs.transform``. Making or assigning a default-graph variable inside
  such a function is an error saying the same.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> v = vs.Variable([1.0, 2.0], name="v")
  >>> v
  <tf.Variable 'v:0' shape=(2,) dtype=float32_ref>
  >>> (v * 2).tolist(), float(jnp.sum(v))
  ([2.0, 4.0], 3.0)
  >>> jax.grad(lambda w: jnp.sum(w ** 2))(v)
  Array([2., 4.], dtype=float32)
  """

  def __new__(
    cls,
    initial_value=None,
    trainable=None,
    collections=None,
    validate_shape=True,
    caching_device=None,
    name=None,
    variable_def=None,
    dtype=None,
    expected_shape=None,
    import_scope=None,
    constraint=None,
    use_resource=None,
    synchronization=None,
    aggregation=None,
    shape=None,
    _record=None,
  ):
    if _record is not None:
      obj = object.__new__(cls)
      obj._record = _record
      obj._value = None
      obj._graph = None
      return obj
    if _creator is None:
      raise RuntimeError(
        "varscope_jax's variable creator is not installed (import "
        "varscope_jax, not only varscope_jax._src.core.variables)."
      )
    return _creator(
      initial_value=initial_value,
      trainable=trainable,
      validate_shape=validate_shape,
      caching_device=caching_device,
      name=name,
      variable_def=variable_def,
      dtype=dtype,
      import_scope=import_scope,
      constraint=constraint,
      synchronization=synchronization,
      aggregation=aggregation,
      shape=shape,
      expected_shape=expected_shape,
      collections=collections,
      use_resource=use_resource,
    )

  def __init__(self, *args, **kwargs):
    del args, kwargs  # all work is done in __new__

  def __reduce__(self):
    raise TypeError(
      "vs.Variable objects are not picklable; save the params tree "
      "(vs.global_variables() or transform(...).init) instead."
    )

  # --- TF's attributes ------------------------------------------------------------
  name = property(lambda self: self._record.op_name + ":0")
  shape = property(lambda self: self._record.shape)
  dtype = property(lambda self: self._record.dtype)
  trainable = property(lambda self: self._record.trainable)
  constraint = property(lambda self: self._record.constraint)
  path = property(
    lambda self: self._record.op_name,
    doc="The key of this variable in a params tree (name without ':0').",
  )

  def get_shape(self):
    return self._record.shape

  def value(self) -> jax.Array:
    """The current value, a ``jax.Array``."""
    if tracing.staging():
      warn_staged_read(self._record)
    return self._value

  read_value = value
  __jax_array__ = value

  def assign(self, value, use_locking=None, name=None, read_value=True):
    """``vs.assign(self, value)``: sets the value (eager graph: at once)."""
    return self._graph.update_variable(self._record, lambda old: value, "assign")

  def assign_add(self, delta, use_locking=None, name=None, read_value=True):
    """``vs.assign_add(self, delta)``."""
    return self._graph.update_variable(self._record, lambda old: old + delta, "assign_add")

  def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
    """``vs.assign_sub(self, delta)``."""
    return self._graph.update_variable(self._record, lambda old: old - delta, "assign_sub")

  def numpy(self) -> np.ndarray:
    return np.asarray(self.value())

  def __array__(self, dtype=None, copy=None):
    arr = np.asarray(self.value())
    return arr if dtype is None else arr.astype(dtype)

  def __repr__(self):
    return variable_repr(self._record)

  def __len__(self):
    return len(self._value)

  def __iter__(self):
    return iter(self.value())

  def __getitem__(self, idx):
    return self.value()[idx]

  def __bool__(self):
    return bool(self.value())

  def __float__(self):
    return float(self.value())

  def __int__(self):
    return int(self.value())

  # --- arithmetic and array methods: those of the current value ------------------
  def __add__(self, other):
    return self.value().__add__(value_of(other))

  def __radd__(self, other):
    return self.value().__radd__(value_of(other))

  def __sub__(self, other):
    return self.value().__sub__(value_of(other))

  def __rsub__(self, other):
    return self.value().__rsub__(value_of(other))

  def __mul__(self, other):
    return self.value().__mul__(value_of(other))

  def __rmul__(self, other):
    return self.value().__rmul__(value_of(other))

  def __truediv__(self, other):
    return self.value().__truediv__(value_of(other))

  def __rtruediv__(self, other):
    return self.value().__rtruediv__(value_of(other))

  def __floordiv__(self, other):
    return self.value().__floordiv__(value_of(other))

  def __rfloordiv__(self, other):
    return self.value().__rfloordiv__(value_of(other))

  def __mod__(self, other):
    return self.value().__mod__(value_of(other))

  def __rmod__(self, other):
    return self.value().__rmod__(value_of(other))

  def __pow__(self, other):
    return self.value().__pow__(value_of(other))

  def __rpow__(self, other):
    return self.value().__rpow__(value_of(other))

  def __matmul__(self, other):
    return self.value().__matmul__(value_of(other))

  def __rmatmul__(self, other):
    return self.value().__rmatmul__(value_of(other))

  def __lt__(self, other):
    return self.value().__lt__(value_of(other))

  def __le__(self, other):
    return self.value().__le__(value_of(other))

  def __gt__(self, other):
    return self.value().__gt__(value_of(other))

  def __ge__(self, other):
    return self.value().__ge__(value_of(other))

  def __and__(self, other):
    return self.value().__and__(value_of(other))

  def __rand__(self, other):
    return self.value().__rand__(value_of(other))

  def __or__(self, other):
    return self.value().__or__(value_of(other))

  def __ror__(self, other):
    return self.value().__ror__(value_of(other))

  def __xor__(self, other):
    return self.value().__xor__(value_of(other))

  def __rxor__(self, other):
    return self.value().__rxor__(value_of(other))

  def __neg__(self):
    return self.value().__neg__()

  def __pos__(self):
    return self.value().__pos__()

  def __abs__(self):
    return self.value().__abs__()

  def __invert__(self):
    return self.value().__invert__()

  def astype(self, *args):
    return self.value().astype(*[value_of(a) for a in args])

  def reshape(self, *args):
    return self.value().reshape(*[value_of(a) for a in args])

  def sum(self, *args):
    return self.value().sum(*[value_of(a) for a in args])

  def mean(self, *args):
    return self.value().mean(*[value_of(a) for a in args])

  def tolist(self, *args):
    return self.value().tolist(*[value_of(a) for a in args])

  @property
  def T(self):
    return self.value().T

  def __hash__(self):
    return id(self)

  def __eq__(self, other):
    return self is other

  def __ne__(self, other):
    return self is not other


def value_of(x) -> Any:
  """The array of ``x`` when it is a :class:`Variable` (its current value), else ``x`` as is."""
  return x.value() if isinstance(x, Variable) else x


# A pytree with one leaf, the current value; rebuilding gives that leaf back (a traced
# array inside jax.jit, a gradient from jax.grad), never a Variable: only a graph makes
# Variables.
jax.tree_util.register_pytree_node(
  Variable, lambda v: ((v.value(),), None), lambda _, leaves: leaves[0]
)

_OWN_DIRS = (
  os.path.dirname(os.path.dirname(os.path.dirname(__file__))) + os.sep,
  os.path.dirname(jax.__file__) + os.sep,
)  # varscope_jax/, jax/


def _user_stacklevel() -> int:
  """The ``stacklevel`` of the innermost caller outside varscope_jax and JAX."""
  frame, level = sys._getframe(1), 1
  while frame is not None and frame.f_code.co_filename.startswith(_OWN_DIRS):
    frame, level = frame.f_back, level + 1
  return level


def warn_staged_read(rec: VariableRecord) -> None:
  """Warns that ``rec``'s eager value is read while JAX stages a program."""
  warnings.warn(
    f"Variable {rec.op_name} of the eager default graph is read while JAX traces a "
    "function (jax.jit, a lax.scan or lax.cond body, ...): its current value is built "
    "into the traced program as a constant, and the compiled function keeps that value "
    "after vs.assign. Pass the variable as an argument (jax.jit(f)(w) reads it at every "
    "call), or build the model with vs.transform(fn) and pass params to apply.",
    UserWarning,
    stacklevel=_user_stacklevel(),
  )


def check_eager_value(rec: VariableRecord, value=None, what: str | None = None) -> None:
  """The eager default graph makes values at once and keeps concrete ones: an error for
  a variable made (or, with ``what``, assigned) inside a JAX trace."""
  if what is None:
    what = "get_variable" if rec.store_name is not None else "vs.Variable"
    if tracing.staging():
      raise ValueError(
        f"Variable {rec.op_name}: {what} is called while JAX traces a function "
        "(jax.jit, a lax.scan body, ...) outside vs.transform, and the eager default "
        "graph makes concrete values at once, which cannot be done inside a trace. "
        "Build the function with vs.transform: t = vs.transform(f); params = "
        "t.init(rng, x); jax.jit(t.apply)(params, x). Or make the variable before "
        "jax.jit and pass it as an argument."
      )
  if isinstance(value, jax.core.Tracer):
    raise ValueError(
      f"Variable {rec.op_name}: {what} is given a traced value (inside jax.jit, "
      "jax.grad, jax.vmap, ...), which the eager default graph cannot keep beyond the "
      "trace. Give a concrete value, or build the function with vs.transform and use "
      "apply(params, ..., mutable=True) for assignments."
    )


def creation_stack():
  """The 5 innermost user frames, for TF's "Originally defined at:" (eager graph)."""
  frames = [
    f
    for f in traceback.extract_stack()[:-1]
    if "varscope_jax/_src" not in f.filename.replace("\\", "/")
  ]
  return frames[::-1][:5]


_DEFAULT_COLLECTIONS = {
  True: (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES),
  False: (GraphKeys.GLOBAL_VARIABLES,),
}


def normalize_collections(collections, trainable):
  if collections is None:
    return _DEFAULT_COLLECTIONS[bool(trainable)]
  if not isinstance(collections, (list, tuple, set)):
    raise ValueError(tf_errors.COLLECTIONS_NOT_A_LIST % (collections, type(collections)))
  collections = list(collections)
  if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
    collections.append(GraphKeys.TRAINABLE_VARIABLES)
  return tuple(dict.fromkeys(collections))  # no duplicates (TF adds to a set of keys)


def check_constraint(constraint):
  if constraint is not None and not callable(constraint):
    raise ValueError(tf_errors.CONSTRAINT_NOT_CALLABLE)


# ``vs.Variable(initial_value, ...)`` makes a variable in the current graph; that needs the
# graph and scope layers above this module, so (as TF's ``default_variable_creator``)
# store.py installs the creator when it is imported.
_creator: Callable | None = None


def set_variable_creator(creator: Callable) -> None:
  """Installs the function ``Variable(...)`` calls to make a variable (store.py's)."""
  global _creator
  _creator = creator
