"""``flax_module``: a Flax module inside TF1-style code, its variables made by ``get_variable``.

``vs.flax_module(nn.Dense(4), name="head")(x)`` opens ``variable_scope("head")``, asks
``get_variable`` for every leaf of the module's variables (``head/kernel``,
``head/Dense_0/kernel`` for a submodule), then runs the module's own ``apply`` on them.
So the scope's reuse mode, custom getters and TF's errors apply to Flax variables as to
any other, and the params tree holds them under TF names.

The initial value of a leaf is what Flax itself makes for that leaf from the key
``get_variable`` gives the variable, ``fold_in(rng, stable_hash(name))``: the
initializer runs the module's ``init`` with that key on zeros of the input shapes and
keeps that one leaf (XLA drops the rest). Values therefore depend on the rng and the
variable's name only, as for every other variable.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from flax import errors as flax_errors
from flax import nnx

from varscope_jax._src.base import keys as keys_lib
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import rng as rng_lib
from varscope_jax._src.core import state as state_lib
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.bridges import flax_args

_TRAINABLE = "params"
# Sown values are per-call outputs, not state: they are not made variables.
_SKIPPED = frozenset({"intermediates"})


def _snake(name: str) -> str:
  """``BatchNorm`` -> ``batch_norm``, as TF layers name their default scopes."""
  return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _path_name(what, path) -> str:
  parts = []
  for k in path:
    part = str(k)
    if "/" in part or not part:
      raise ValueError(
        f"flax_module: {what} has a variable at {'/'.join(map(str, path))!r} whose "
        f"path part {part!r} is empty or contains '/', so it cannot be a scoped "
        "variable name. Rename that submodule or variable."
      )
    parts.append(part)
  return "/".join(parts)


# ------------------------------------------------------------------------- linen
@dataclasses.dataclass(frozen=True)
class LinenLeafInit:
  """Initializer of one leaf of a linen module: ``module.init(key, zeros)[collection][path]``.

  Frozen and hashable when the module and the static arguments are, so ``init`` compiles
  it once per (module, input shapes, leaf) and batches equal layers.
  """

  module: Any
  spec: Any  # flax_args.ArgSpec of the call's inputs
  collection: str
  path: tuple

  def __call__(self, key, shape, dtype):
    args, kwargs = self.spec.zeros()
    variables = nn.meta.unbox(self.module.init({_TRAINABLE: key}, *args, **kwargs))
    leaf = variables[self.collection]
    for part in self.path:
      leaf = leaf[part]
    del shape
    return jnp.asarray(leaf, dtype)


def _linen_leaves(module, spec):
  """``[(collection, path tuple, name, ShapeDtypeStruct)]`` of the module's variables,
  in the order linen made them (``kernel`` before ``bias``)."""
  order = []

  def init(key, dyn):
    args, kwargs = spec.rebuild(dyn)
    variables = module.init({_TRAINABLE: key}, *args, **kwargs)
    for collection in variables:  # (the dicts' own order; tree_map's is sorted)
      if collection not in _SKIPPED:
        for keys, leaf in _walk(variables[collection], ()):
          order.append(
            (collection, keys, jax.ShapeDtypeStruct(np.shape(leaf), jnp.result_type(leaf)))
          )
    return 0

  jax.eval_shape(init, jax.ShapeDtypeStruct((2,), np.uint32), spec.avals)
  what = type(module).__name__
  return [(c, keys, _path_name(what, keys), aval) for c, keys, aval in order]


def _walk(tree, prefix):
  """``(keys, leaf)`` in the dicts' own order (creation order: kernel before bias)."""
  if isinstance(tree, Mapping):
    for k, v in tree.items():
      yield from _walk(v, prefix + (k,))
  elif isinstance(tree, nn.meta.AxisMetadata):  # nn.Partitioned ...: the value inside
    yield prefix, tree.unbox()
  else:
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
      yield prefix + tuple(getattr(k, "key", getattr(k, "idx", k)) for k in path), leaf


_linen_leaves_cached = functools.lru_cache(maxsize=512)(_linen_leaves)


def _check_collisions(what, leaves):
  seen: dict[str, str] = {}
  for collection, _, name, _ in leaves:
    if name in seen:
      raise ValueError(
        f"flax_module: {what} has variable {name!r} in both collection "
        f"{seen[name]!r} and {collection!r}; varscope_jax names both {name} in the "
        "same scope. Rename one of them in the module."
      )
    seen[name] = collection


def _get_variables(scope_name, leaves, make_init):
  """``get_variable`` for every leaf; returns ``{name: (value, store_name)}``."""
  got = {}
  for collection, keys, name, aval in leaves:
    trainable = collection == _TRAINABLE
    collections = None if trainable else [graph_lib.GraphKeys.GLOBAL_VARIABLES, collection]
    value = store_lib.get_variable(
      name,
      shape=aval.shape,
      dtype=aval.dtype,
      initializer=make_init(collection, keys),
      trainable=trainable,
      collections=collections,
    )
    if isinstance(value, var_lib.Variable):
      value = value.value()
    got[name] = (value, f"{scope_name}/{name}" if scope_name else name)
  return got


def _nest(leaves, got):
  tree: dict = {}
  for collection, keys, name, _ in leaves:
    node = tree.setdefault(collection, {})
    for part in keys[:-1]:
      node = node.setdefault(part, {})
    node[keys[-1]] = got[name][0]
  return tree


def _rng_for_module():
  """A key for the module's rng streams by the name rule, or None in an apply without rng."""
  graph = graph_lib.get_default_graph()
  if graph.rng is None:
    return None
  return rng_lib.next_rng_key()


def _no_rng_error(what, e):
  return ValueError(
    f"flax_module: {what} asks for a random key ({e}), but this apply was called "
    "without one. Pass it: apply(params, ..., rng=jax.random.PRNGKey(step)); the "
    "module's streams get vs.next_rng_key() of its scope."
  )


def _run_linen(module, scope_name, args, kwargs):
  what = type(module).__name__
  spec = flax_args.ArgSpec.of(args, kwargs)
  try:
    leaves = _linen_leaves_cached(module, spec)
  except TypeError:  # an unhashable module or static argument: no caching
    leaves = _linen_leaves(module, spec)
  _check_collisions(what, leaves)
  got = _get_variables(scope_name, leaves, lambda c, keys: LinenLeafInit(module, spec, c, keys))
  variables = _nest(leaves, got)
  mutable = sorted(c for c in variables if c != _TRAINABLE)
  key = _rng_for_module()
  rngs = None if key is None else {_TRAINABLE: key}
  try:
    out = module.apply(variables, *args, rngs=rngs, mutable=mutable or False, **kwargs)
  except flax_errors.InvalidRngError as e:
    raise _no_rng_error(what, e) from None
  if not mutable:
    return out
  out, new = out
  for collection, keys, name, _ in leaves:
    if collection == _TRAINABLE:
      continue
    leaf = new[collection]
    for part in keys:
      leaf = leaf[part]
    if leaf is not got[name][0]:
      state_lib.assign(got[name][1], leaf)
  return out


# --------------------------------------------------------------------------- nnx
def _nnx_leaves(flat):
  """``[(kind, path, name, aval)]`` of an nnx state; rng states are not variables."""
  out = []
  for path, var in flat:
    if isinstance(var, nnx.RngState):
      continue
    name = _path_name("the NNX module", path)
    value = var.get_value()
    kind = _TRAINABLE if isinstance(var, nnx.Param) else _snake(type(var).__name__)
    out.append((kind, path, name, jax.ShapeDtypeStruct(np.shape(value), jnp.result_type(value))))
  return out


@dataclasses.dataclass(frozen=True)
class NNXLeafInit:
  """Initializer of one leaf of an NNX module class: built with ``nnx.Rngs(key)``."""

  cls: Any
  args: tuple
  kwargs: tuple  # sorted (name, value) pairs
  path: tuple

  def __call__(self, key, shape, dtype):
    module = self.cls(*self.args, rngs=nnx.Rngs(key), **dict(self.kwargs))
    value = dict(nnx.to_flat_state(nnx.state(module)))[self.path].get_value()
    return jnp.asarray(value, dtype)


class _ValueInit:
  """The current value of an NNX instance's leaf (unhashable: never cached)."""

  __hash__ = None  # type: ignore[assignment]

  def __init__(self, value):
    self.value = value

  def __call__(self, key, shape, dtype):
    del key, shape
    return jnp.asarray(self.value, dtype)


def _nnx_abstract(cls, args, kwargs):
  module = nnx.eval_shape(lambda: cls(*args, rngs=nnx.Rngs(0), **dict(kwargs)))
  graphdef, state = nnx.split(module)
  return graphdef, list(nnx.to_flat_state(state))


_nnx_abstract_cached = functools.lru_cache(maxsize=512)(_nnx_abstract)


def _rng_leaf(var, key, name):
  if isinstance(var, nnx.RngCount):
    return jnp.zeros((), np.uint32)
  stream_key = keys_lib.variable_key(key, name)
  if not jnp.issubdtype(stream_key.dtype, jax.dtypes.prng_key):
    stream_key = jax.random.wrap_key_data(stream_key)
  return stream_key


def _run_nnx(what, graphdef, flat, make_init, scope_name, args, kwargs):
  leaves = _nnx_leaves(flat)
  _check_collisions(what, leaves)
  got = _get_variables(scope_name, leaves, make_init)
  key = _rng_for_module()
  rng_values = {}
  new_flat = []
  for path, var in flat:
    if isinstance(var, nnx.RngState):
      name = "/".join(map(str, path))
      value = _rng_leaf(var, keys_lib.as_key(0) if key is None else key, name)
      rng_values[path] = value
    else:
      value = got[_path_name(what, path)][0]
    new_flat.append((path, var.replace(value)))
  module = nnx.merge(graphdef, nnx.from_flat_state(new_flat))
  out = module(*args, **kwargs)
  after = dict(nnx.to_flat_state(nnx.state(module)))
  if key is None and any(
    after[p].get_value() is not v
    for p, v in rng_values.items()
    if isinstance(after[p], nnx.RngCount)
  ):
    raise _no_rng_error(what, "an nnx.Rngs stream was drawn")
  for _, path, name, _ in leaves:
    value = after[path].get_value()
    if value is not got[name][0]:
      state_lib.assign(got[name][1], value)
  return out


# ------------------------------------------------------------------------ public
def _unbound(module):
  """An unbound copy of a linen module that linen bound to the module being built.

  Linen makes every module constructed inside a ``@nn.compact`` method a child of that
  module (and names it ``Dense_0``, ``Dense_1``...). Code running inside
  ``to_linen`` is such a place, but the bridge makes the variables itself, so it takes
  an unbound copy; an automatic name is dropped (the scope is named as for an unnamed
  module), a name given by the user is kept.
  """
  parent = module.parent
  if not isinstance(parent, nn.Module):
    return module
  name = module.name
  if name is not None and re.fullmatch(re.escape(type(module).__name__) + r"_\d+", name):
    name = None
  return module.clone(parent=None, name=name)


def _run_nnx_instance(instance, scope_name, args, kwargs):
  graphdef, state = nnx.split(instance)
  flat = list(nnx.to_flat_state(state))
  values = {path: var.get_value() for path, var in flat}
  return _run_nnx(
    type(instance).__name__,
    graphdef,
    flat,
    lambda kind, path: _ValueInit(values[path]),
    scope_name,
    args,
    kwargs,
  )


def _run_nnx_class(cls, ctor_args, ctor_kwargs, scope_name, args, kwargs):
  try:
    graphdef, flat = _nnx_abstract_cached(cls, ctor_args, ctor_kwargs)
  except TypeError:  # unhashable constructor arguments: no caching
    graphdef, flat = _nnx_abstract(cls, ctor_args, ctor_kwargs)
  return _run_nnx(
    cls.__name__,
    graphdef,
    flat,
    lambda kind, path: NNXLeafInit(cls, ctor_args, ctor_kwargs, path),
    scope_name,
    args,
    kwargs,
  )


class FlaxModuleCall:
  """What ``flax_module`` returns: call it with the module's inputs (see there)."""

  def __init__(self, module, args, kwargs, name):
    self._module = module
    if isinstance(module, nn.Module):
      self._name = name if name is not None else module.name
      self._kind = type(module).__name__
      self._run = functools.partial(_run_linen, module)
    elif isinstance(module, nnx.Module):
      self._name = name
      self._kind = type(module).__name__
      self._run = functools.partial(_run_nnx_instance, module)
    else:
      self._name = name
      self._kind = module.__name__
      self._run = functools.partial(
        _run_nnx_class, module, tuple(args), tuple(sorted(kwargs.items()))
      )

  def __repr__(self):
    return f"flax_module({self._module!r}, name={self._name!r})"

  def __call__(self, *args, **kwargs):
    args, kwargs = flax_args.unwrap_variables((args, kwargs))
    with vs_lib.variable_scope(self._name, default_name=_snake(self._kind)) as scope:
      return self._run(scope.name, args, kwargs)


def flax_module(module, *args, name: str | None = None, **kwargs) -> FlaxModuleCall:
  """A Flax module as a TF1-style layer: its variables are made by ``get_variable``.

  Calling the result opens ``variable_scope(name)`` (default: the module's ``name``,
  else its class name in snake case, made unique as TF layers are: ``dense``,
  ``dense_1``), makes one variable per leaf of the module's variables there, and runs
  the module on them. Names: a linen leaf ``params/Dense_0/kernel`` becomes variable
  ``<scope>/Dense_0/kernel``; an NNX leaf at attribute path ``layers/0/kernel`` becomes
  ``<scope>/layers/0/kernel``.

  * ``params`` (linen) and ``nnx.Param`` (NNX) are trainable variables; every other
    collection (``batch_stats``, ``cache``; ``nnx.BatchStat`` ...) is made of
    non-trainable variables, also listed in a collection of that name. What the module
    updates is written back with ``vs.assign``, so inside ``transform`` it needs
    ``apply(..., mutable=True)``. Linen's ``intermediates`` (sown values) are not
    variables.
  * Initial values: leaf ``L`` starts as the module's own initial value for ``L`` made
    with ``L``'s key ``fold_in(rng, stable_hash(L's name))`` -- ``module.init(key, x0)``
    for linen, ``cls(*args, rngs=nnx.Rngs(key))`` for an NNX class -- where ``x0`` are
    zeros of the inputs' shapes. An NNX *instance* gives its current values instead.
  * Random streams (dropout): the module gets ``vs.next_rng_key()`` of its scope
    (linen: as its ``params`` stream, which every stream falls back to; NNX: every
    ``nnx.Rngs`` stream is reseeded from it on each call).
  * Reuse: under ``variable_scope(..., reuse=True)`` the variables are found as
    ``get_variable`` finds them, with TF's errors on a missing variable or a shape
    mismatch; custom getters see every variable.

  Each call is a separate layer call, like ``tf.layers.dense``: a second call with the
  same name needs ``reuse=True``.

  Args:
    module: a ``flax.linen.Module`` (unbound), an ``nnx.Module`` class (built with
      ``*args, rngs=..., **kwargs``) or an ``nnx.Module`` instance.
    *args: constructor arguments of an NNX class (none otherwise).
    name: the variable scope's name.
    **kwargs: constructor keyword arguments of an NNX class (``rngs`` is given by the
      bridge).

  Returns:
    A callable taking the module's inputs and returning its output.

  Raises:
    TypeError: for something that is not a Flax module, or constructor arguments given
      with a linen module or an NNX instance.

  >>> import jax, jax.numpy as jnp, flax.linen as nn
  >>> import varscope_jax as vs
  >>> def model(x):
  ...   with vs.variable_scope("enc"):
  ...     return vs.flax_module(nn.Dense(4), name="head")(x)
  >>> t = vs.transform(model)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 3)))
  >>> jax.tree_util.tree_map(jnp.shape, params)
  {'enc': {'head': {'bias': (4,), 'kernel': (3, 4)}}}
  >>> ref = nn.Dense(4).apply({"params": params["enc"]["head"]}, jnp.ones((2, 3)))
  >>> bool(jnp.allclose(t.apply(params, jnp.ones((2, 3))), ref))
  True
  """
  if isinstance(module, nn.Module):
    module = _unbound(module)
    if args or kwargs:
      raise TypeError(
        "flax_module: constructor arguments are only for an NNX module "
        "class; a linen module is already configured."
      )
  elif isinstance(module, nnx.Module):
    if args or kwargs:
      raise TypeError(
        "flax_module: constructor arguments are only for an NNX module "
        "class; this NNX module is already built."
      )
  elif isinstance(module, type) and issubclass(module, nnx.Module):
    if "rngs" in kwargs:
      raise TypeError(
        "flax_module: do not pass rngs= for an NNX class; its keys come from the "
        "variable names (the varscope_jax rng rule)."
      )
  else:
    raise TypeError(
      f"flax_module expects a flax.linen Module, an nnx.Module class or an nnx.Module "
      f"instance, got {module!r}."
    )
  if name is not None and not isinstance(name, str):
    raise TypeError(f"flax_module: name must be a string, got {name!r}.")
  return FlaxModuleCall(module, args, kwargs, name)
