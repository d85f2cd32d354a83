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
import traceback
from typing import Any, Callable

import jax
import numpy as np

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base.shapes import (  # noqa: F401 (re-exported for the core)
    as_shape, fully_defined, shape_compatible, shape_str)
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
      raise ValueError("Invalid variable synchronization mode: {} for variable: {}"
                       .format(synchronization, name)) from None
  if aggregation is None:
    aggregation = VariableAggregation.NONE
  if trainable is None:
    trainable = synchronization != VariableSynchronization.ON_READ
  return synchronization, aggregation, trainable


@dataclasses.dataclass(eq=False, slots=True)
class VariableRecord:
  """What a graph knows about one variable."""
  op_name: str                      # key in params, TF's v.op.name
  store_name: str | None            # get_variable's key; None for vs.Variable
  shape: tuple
  dtype: np.dtype
  initializer: Any = None           # Initializer / jax-style callable (needs a key)
  init_value: Any = None            # a concrete or traced initial value
  trainable: bool = True
  collections: tuple = ()
  constraint: Callable | None = None
  use_resource: bool = False
  regularizer: Callable | None = None
  value: Any = None                 # what get_variable returned
  stack: Any = None                 # creation stack (eager graph only)
  partition_rules: Any = None       # the scope's sharding rules when it was made

  @property
  def dtype_name(self) -> str:
    """TF's dtype name: ``float32_ref`` for TF1's default ref variables."""
    return self.dtype.name if self.use_resource else self.dtype.name + "_ref"


def variable_repr(rec: VariableRecord) -> str:
  """TF's ``repr`` of a variable: ``<tf.Variable 's/w:0' shape=(2,) dtype=float32_ref>``."""
  return "<tf.Variable '%s:0' shape=%s dtype=%s>" % (rec.op_name, shape_str(rec.shape),
                                                     rec.dtype_name)


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
  ``.value()`` is its ``jax.Array``. Arithmetic and ``@`` work on it; for ``jnp``
  functions pass ``v.value()`` (JAX no longer converts foreign objects implicitly).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> v = vs.Variable([1.0, 2.0], name="v")
  >>> v
  <tf.Variable 'v:0' shape=(2,) dtype=float32_ref>
  >>> (v * 2).tolist()
  [2.0, 4.0]
  """

  def __new__(cls, initial_value=None, trainable=None, collections=None,
              validate_shape=True, caching_device=None, name=None, variable_def=None,
              dtype=None, expected_shape=None, import_scope=None, constraint=None,
              use_resource=None, synchronization=None, aggregation=None, shape=None,
              _record=None):
    if _record is not None:
      obj = object.__new__(cls)
      obj._record = _record
      obj._value = None
      obj._graph = None
      return obj
    if _creator is None:
      raise RuntimeError("varscope_jax's variable creator is not installed (import "
                         "varscope_jax, not only varscope_jax._src.core.variables).")
    return _creator(initial_value=initial_value, trainable=trainable,
                    validate_shape=validate_shape, caching_device=caching_device,
                    name=name, variable_def=variable_def, dtype=dtype,
                    import_scope=import_scope, constraint=constraint,
                    synchronization=synchronization, aggregation=aggregation, shape=shape,
                    expected_shape=expected_shape, collections=collections,
                    use_resource=use_resource)

  def __init__(self, *args, **kwargs):
    del args, kwargs  # all work is done in __new__

  def __reduce__(self):
    raise TypeError("vs.Variable objects are not picklable; save the params tree "
                    "(vs.global_variables() or transform(...).init) instead.")

  # --- TF's attributes ------------------------------------------------------------
  name = property(lambda self: self._record.op_name + ":0")
  shape = property(lambda self: self._record.shape)
  dtype = property(lambda self: self._record.dtype)
  trainable = property(lambda self: self._record.trainable)
  constraint = property(lambda self: self._record.constraint)
  path = property(lambda self: self._record.op_name,
                  doc="The key of this variable in a params tree (name without ':0').")

  def get_shape(self):
    return self._record.shape

  def value(self) -> jax.Array:
    """The current value, a ``jax.Array``."""
    return self._value

  read_value = value

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
    return np.asarray(self._value)

  def __array__(self, dtype=None, copy=None):
    arr = np.asarray(self._value)
    return arr if dtype is None else arr.astype(dtype)

  def __repr__(self):
    return variable_repr(self._record)

  def __len__(self):
    return len(self._value)

  def __iter__(self):
    return iter(self._value)

  def __getitem__(self, idx):
    return self._value[idx]

  def __bool__(self):
    return bool(self._value)

  def __float__(self):
    return float(self._value)

  def __int__(self):
    return int(self._value)

  def __hash__(self):
    return id(self)

  def __eq__(self, other):
    return self is other

  def __ne__(self, other):
    return self is not other


def _delegate(op):
  def method(self, *args):
    return getattr(self._value, op)(*[a._value if isinstance(a, Variable) else a
                                       for a in args])
  method.__name__ = op
  return method


for _op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
            "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
            "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__",
            "__pos__", "__abs__", "__lt__", "__le__", "__gt__", "__ge__", "__and__",
            "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__invert__",
            "astype", "reshape", "sum", "mean", "tolist", "T"):
  if _op == "T":
    Variable.T = property(lambda self: self._value.T)
  else:
    setattr(Variable, _op, _delegate(_op))


def creation_stack():
  """The 5 innermost user frames, for TF's "Originally defined at:" (eager graph)."""
  frames = [f for f in traceback.extract_stack()[:-1]
            if "varscope_jax/_src" not in f.filename.replace("\\", "/")]
  return frames[::-1][:5]


_DEFAULT_COLLECTIONS = {
    True: (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES),
    False: (GraphKeys.GLOBAL_VARIABLES,),
}


def _normalize_collections(collections, trainable):
  if collections is None:
    return _DEFAULT_COLLECTIONS[bool(trainable)]
  if not isinstance(collections, (list, tuple, set)):
    raise ValueError("collections argument to Variable constructor must be a list, "
                     "tuple, or set. Got %s of type %s" % (collections, type(collections)))
  collections = list(collections)
  if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
    collections.append(GraphKeys.TRAINABLE_VARIABLES)
  return tuple(dict.fromkeys(collections))   # no duplicates (TF adds to a set of keys)


def check_constraint(constraint):
  if constraint is not None and not callable(constraint):
    raise ValueError("The `constraint` argument must be a callable.")


def to_initial_array(value, dtype, name):
  """An initial value as an array of ``dtype`` (TF's convert_to_tensor rules)."""
  if isinstance(value, Variable):
    value = value.value()
  if isinstance(value, jax.Array):  # concrete or traced
    return value if dtype is None else value.astype(dtype)
  if dtype is None:
    dtype = dtypes_lib.infer_value_dtype(value)
  try:
    arr = np.asarray(value, dtype=dtypes_lib.as_dtype(dtype))
  except (TypeError, ValueError) as e:
    raise TypeError(f"Variable {name}: cannot use {value!r} as an initial value of dtype "
                    f"{np.dtype(dtype).name}: {e}") from None
  return arr


# ``vs.Variable(initial_value, ...)`` makes a variable in the current graph; that needs the
# graph and scope layers above this module, so (as TF's ``default_variable_creator``)
# store.py installs the creator when it is imported.
_creator: Callable | None = None


def set_variable_creator(creator: Callable) -> None:
  """Installs the function ``Variable(...)`` calls to make a variable (store.py's)."""
  global _creator
  _creator = creator
