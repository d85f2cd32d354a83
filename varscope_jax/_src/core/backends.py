"""The backend contract: what a new variable's value is in each mode.

A graph delegates every step that differs between the eager default graph and the two
kinds of ``transform`` trace to its backend; nothing outside this module asks which mode
it is in. ``Backend`` is the contract (its defaults are what most modes do); a new mode is
one subclass here:

* ``EagerBackend`` -- makes the value now (jitted initializer, key from the graph seed
  and the name) and wraps it in a ``vs.Variable``;
* ``InitBackend`` -- during ``init``'s abstract trace, records the variable and returns
  a placeholder of the right shape and dtype; values are made afterwards, grouped;
* ``ApplyBackend`` -- returns the leaf of ``params`` at the variable's name, after
  checking it exists and has the shape and dtype this trace asks for.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import errors
from varscope_jax._src.base import keys as keys_lib
from varscope_jax._src.initializers import make as make_lib
from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.core import variables as var_lib


def placeholder(shape, dtype):
  """A distinct value of ``shape`` and ``dtype`` made with one primitive (for values that
  never matter: init's trace computes nothing, apply reads params)."""
  return jax.lax.broadcast_in_dim(np.zeros((), dtype), tuple(shape), ())


class Backend:
  """Makes and reads variable values for a graph: the whole difference between modes.

  A ``Graph`` calls these methods and nothing else that depends on the mode:

  * ``create(graph, rec)`` -- the value of a new variable;
  * ``discard(graph, rec)`` -- undoes ``create`` when the variable is not kept (its
    regularizer raised);
  * ``initial_value(graph, name, initializer, shape, dtype)`` -- the value a variable
    creator gets from calling ``get_variable``'s ``initial_value``;
  * ``current_value(graph, rec)`` / ``assign(graph, rec, new)`` -- reads and writes for
    ``vs.assign`` and friends;
  * ``find_existing(name)`` -- a variable that exists outside this graph (apply: a leaf
    of ``params`` made by another function), or None;
  * ``known_names(graph)`` -- the names a "Did you mean" hint may suggest;
  * ``default_rng(graph)`` -- the rng of ``next_rng_key`` when the call gave none;
  * ``keeps_stacks`` -- whether creation stacks are recorded (TF's "Originally defined
    at:" lines; eager only, as they cost time).
  """

  keeps_stacks = False

  def create(self, graph, rec):
    raise NotImplementedError(f"{type(self).__name__}.create")

  def discard(self, graph, rec):
    del graph, rec

  def initial_value(self, graph, name, initializer, shape, dtype):
    del graph, name, initializer
    return placeholder(shape, dtype)

  def current_value(self, graph, rec):
    del graph
    return rec.value

  def assign(self, graph, rec, new):
    raise NotImplementedError(f"{type(self).__name__}.assign")

  def find_existing(self, name):
    del name
    return None

  def known_names(self, graph):
    return list(graph.var_store)

  def default_rng(self, graph):
    del graph
    return None


_SYNC_BYTES = 1 << 28  # eager values above this size are waited for (errors surface now)


class EagerBackend(Backend):
  """Concrete values now, wrapped in ``vs.Variable`` objects (the default graph)."""

  keeps_stacks = True

  def create(self, graph, rec):
    var_lib.check_eager_value(rec, rec.init_value)
    if rec.init_value is not None:
      value = jnp.asarray(rec.init_value, rec.dtype)
    else:
      value = make_lib.make_eager_one(
        rec.initializer, rec.shape, rec.dtype, graph.rng_seed, rec.op_name
      )
    if value.nbytes > _SYNC_BYTES:
      # A value too big for the device would otherwise fail only on first use.
      try:
        value.block_until_ready()
      except Exception as e:  # noqa: BLE001 - XLA's allocation errors vary by backend
        raise ValueError(
          f"Variable {rec.op_name}: could not make its initial value of shape "
          f"{var_lib.shape_str(rec.shape)} ({value.nbytes:,} bytes of "
          f"{rec.dtype.name}): {str(e).splitlines()[0]}"
        ) from None
    var = var_lib.Variable(_record=rec)
    var._value = value
    var._graph = graph
    return var

  def initial_value(self, graph, name, initializer, shape, dtype):
    return make_lib.make_eager_one(initializer, shape, dtype, graph.rng_seed, name)

  def default_rng(self, graph):
    return graph.rng_seed

  def current_value(self, graph, rec):
    return rec.value._value

  def assign(self, graph, rec, new):
    var_lib.check_eager_value(rec, new, what="assign")
    rec.value._value = new


class InitBackend(Backend):
  """Records variables during ``init``'s abstract trace; values are made afterwards."""

  def __init__(self, prefetch: bool = False):
    self.tree = params_lib.NameTree()
    self.prefetch = prefetch  # start compiling each new initializer signature now

  def create(self, graph, rec):
    self.tree.check_can_add(rec.op_name)
    if rec.init_value is not None:
      value = jnp.asarray(rec.init_value, rec.dtype)
    else:
      value = placeholder(rec.shape, rec.dtype)  # one per variable, never read
    if self.prefetch and rec.initializer is not None:
      make_lib.prefetch(rec.initializer, rec.shape, rec.dtype)
    self.tree.add(rec.op_name)
    return value

  def initial_value(self, graph, name, initializer, shape, dtype):
    """Inside init's trace: the value from init's rng (traced), as the variable would get."""
    if graph.rng is None:
      return placeholder(shape, dtype)
    key = keys_lib.variable_key(keys_lib.as_key(graph.rng), name)
    return make_lib.make_one(initializer, shape, dtype, key)

  def assign(self, graph, rec, new):
    del graph, rec, new  # init makes initial values only; see state.py.

  def discard(self, graph, rec):
    del graph
    self.tree.remove(rec.op_name)


class ApplyBackend(Backend):
  """Reads each variable from ``params``, checking name, shape and dtype; ``initial_value``
  is a placeholder (the variable is its params leaf)."""

  def __init__(self, params, mutable=False):
    self.params = params
    self.mutable = mutable
    self.updates: dict = {}
    self.tree = params_lib.NameTree()
    self._flat = None
    self._returned: set[int] = set()  # ids of the leaves handed out

  def known_names(self, graph):
    return list(dict.fromkeys([*graph.var_store, *self.flat_names()]))

  def unused_names(self) -> list[str]:
    """The names of params leaves no variable of this call read (``strict=True``)."""
    return [n for n in self.flat_names() if not self.tree.has(n)]

  def new_params(self):
    """``params`` with this call's assignments in place (``mutable=True``)."""
    return params_lib.replace_leaves(self.params, self.updates)

  def discard(self, graph, rec):
    del graph
    self.tree.remove(rec.op_name)

  def _distinct(self, leaf):
    """The leaf, or a copy if this very object was already returned for another name
    (``params={"a": z, "b": z}``): every variable gets its own value object, so that
    ``assign`` and collections find the right variable."""
    if id(leaf) in self._returned:
      leaf = jnp.array(leaf, copy=True)
    self._returned.add(id(leaf))
    return leaf

  def current_value(self, graph, rec):
    return self.updates.get(rec.op_name, rec.value)

  def assign(self, graph, rec, new):
    if not self.mutable:
      raise ValueError(
        f"Variable {rec.op_name} is assigned inside apply, but apply was not asked for "
        "updates, so the new value would be lost. Call apply(params, ..., "
        "mutable=True), which returns (out, new_params)."
      )
    self.updates[rec.op_name] = new

  def flat_names(self):
    if self._flat is None:
      self._flat = [name for name, _ in params_lib.flatten(self.params)]
    return self._flat

  def find_existing(self, name):
    """The leaf at ``name`` if params has one (for ``reuse=True`` across functions)."""
    try:
      leaf = params_lib.lookup(self.params, name)
    except KeyError:
      return None
    if self.tree.has(name):
      return None
    self.tree.check_can_add(name)
    self.tree.add(name)
    return self._distinct(leaf if hasattr(leaf, "dtype") else jnp.asarray(leaf))

  def create(self, graph, rec):
    name = rec.op_name
    node = self.params
    for part in name.split("/"):  # params_lib.lookup where every node is a dict
      if type(node) is not dict:
        break
      node = node.get(part, _MISSING)
    else:
      if type(node) in _ARRAY_TYPES and node.shape == rec.shape and node.dtype == rec.dtype:
        return self._taken(name, node)
    try:
      leaf = params_lib.lookup(self.params, name)
    except KeyError:
      self.tree.check_can_add(name)  # a leaf and a scope of one name: that error first
      raise ValueError(
        f"Variable {name} is not in params: this function creates it (shape "
        f"{var_lib.shape_str(rec.shape)}, dtype {rec.dtype.name}) but the params tree "
        f"given to apply has no leaf params{params_lib.index_str(name)}."
        + errors.did_you_mean(name, self.flat_names())
        + " Were these params made by init of the same function (or of one that "
        "creates the same variables)?"
      ) from None
    # Found: params holds a leaf at ``name``, so no enclosing scope of it is a leaf and
    # nothing is stored under it: ``tree.check_can_add(name)`` holds (every name in the
    # tree is a leaf of params).
    return self._taken(name, self._checked_leaf(rec, leaf))

  def _taken(self, name, leaf):
    """Records ``leaf`` as read for variable ``name``; a copy if this very object was
    returned for another name (see ``_distinct``)."""
    self.tree.add(name)
    returned = self._returned
    if id(leaf) in returned:
      leaf = jnp.array(leaf, copy=True)
    returned.add(id(leaf))
    return leaf

  def _checked_leaf(self, rec, leaf):
    """``leaf`` as a value of ``rec``'s shape and dtype, or the error saying why not."""
    if isinstance(leaf, jax.ShapeDtypeStruct):
      raise TypeError(
        f"Variable {rec.op_name}: params{params_lib.index_str(rec.op_name)} is a "
        f"jax.ShapeDtypeStruct (shape {var_lib.shape_str(leaf.shape)}, "
        f"{np.dtype(leaf.dtype).name}: a shape and dtype, no "
        "value: from jax.eval_shape or specs). apply needs values: pass the params "
        "init made or a restored checkpoint, or call jax.eval_shape(t.apply, params, "
        "...) to work with shapes only."
      )
    if not hasattr(leaf, "dtype"):
      try:
        leaf = jnp.asarray(leaf)
      except (TypeError, ValueError):
        raise TypeError(
          f"Variable {rec.op_name}: params{params_lib.index_str(rec.op_name)} is "
          f"{leaf!r} ({type(leaf).__name__}), not an array. Pass the params tree init "
          "made (or arrays of the same shapes and dtypes)."
        ) from None
    shape = tuple(leaf.shape)
    dtype = leaf.dtype
    if not isinstance(dtype, np.dtype):
      dtype = np.dtype(dtype)
    if shape != tuple(rec.shape):
      raise ValueError(
        f"Variable {rec.op_name} in params has shape {var_lib.shape_str(shape)}, but "
        f"this function asks for shape {var_lib.shape_str(rec.shape)}. The params "
        "tree was made for a different model (or was changed); re-run init."
      )
    if dtype != rec.dtype:
      raise ValueError(
        f"Variable {rec.op_name} in params has dtype {dtype.name}, but this function "
        f"asks for dtype {rec.dtype.name}. Cast the leaf or re-run init."
      )
    if isinstance(leaf, (jax.Array, np.ndarray)) and isinstance(leaf.shape, tuple):
      _ARRAY_TYPES.add(type(leaf))  # its shape is a tuple, its dtype a numpy dtype
    return leaf


# The array types whose leaves ``ApplyBackend.create`` checks by comparing ``shape`` and
# ``dtype`` directly (a leaf of one passed the full check of ``_checked_leaf`` once).
_ARRAY_TYPES: set = set()
_MISSING = object()
