"""``transform(fn)``: a function that calls ``get_variable`` becomes a pure ``init``/``apply``.

``init(rng, *args)`` traces ``fn`` abstractly (``jax.eval_shape``: no forward compute)
in a fresh graph that records every variable, then makes all values with grouped,
jitted initializers (``initializers/make.py``). ``apply(params, *args)`` runs ``fn`` again in
a fresh graph whose variables are the leaves of ``params``. Both run TF's naming and
reuse rules from scratch on every call, so one function's init and apply always agree.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple

import jax
import numpy as np

from varscope_jax._src.core import backends
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.initializers import make as make_lib
from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.base import keys as keys_lib
from varscope_jax._src.base import sharding as sharding_lib


class VariableSpec(NamedTuple):
  """What ``init`` will make for one variable (see ``Transformed.specs``).

  ``collections`` are the graph's collections that hold the variable once the function
  has run: those it was created in, then those it was added to later.

  >>> import varscope_jax as vs
  >>> spec = vs.transform(lambda: vs.get_variable("w", [2])).specs()["w"]
  >>> spec.shape, spec.dtype.name, spec.trainable
  ((2,), 'float32', True)
  """

  name: str
  shape: tuple
  dtype: np.dtype
  trainable: bool
  collections: tuple
  initializer: Any
  sharding: Any = None


class Transformed(NamedTuple):
  """What ``transform`` returns: ``init(rng, ...)``, ``apply(params, ...)`` and
  ``specs(...)`` (the variables init would make, without making them).

  >>> import jax, varscope_jax as vs
  >>> t = vs.transform(lambda: vs.get_variable("w", [2]))
  >>> list(t.specs()), t.apply(t.init(jax.random.PRNGKey(0))).shape
  (['w'], (2,))
  """

  init: Callable[..., dict]
  apply: Callable[..., Any]
  specs: Callable[..., dict]


def _is_array(x) -> bool:
  return isinstance(x, (jax.Array, np.ndarray, np.generic, jax.ShapeDtypeStruct))


def _split_args(args, kwargs):
  """Array leaves become abstract in init's trace; everything else stays static."""
  leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
  dyn_index = [i for i, leaf in enumerate(leaves) if _is_array(leaf)]
  dyn = [leaves[i] for i in dyn_index]

  def rebuild(dyn_values):
    full = list(leaves)
    for i, v in zip(dyn_index, dyn_values):
      full[i] = v
    return jax.tree_util.tree_unflatten(treedef, full)

  return dyn, rebuild


def _discover(fn, args, kwargs, rng=None, prefetch=False):
  """Runs ``fn`` abstractly in a fresh init graph; returns the graph."""
  dyn, rebuild = _split_args(args, kwargs)
  graph = graph_lib.Graph(backends.InitBackend(prefetch=prefetch))
  graph.rng = jax.random.PRNGKey(0) if rng is None else rng

  def traced(dyn_values):
    a, k = rebuild(dyn_values)
    with graph.as_default():
      fn(*a, **k)
    return 0

  jax.eval_shape(traced, dyn)
  return graph, dyn, rebuild


def _traced_values(fn, dyn, rebuild, names, rng):
  """Initial values computed inside ``fn`` (e.g. ``initializer=jnp.zeros(3)``).

  They only exist inside a trace, so this compiles ``fn`` once, returning just those
  values; XLA drops the forward computation they do not depend on.
  """

  def values(dyn_values):
    graph = graph_lib.Graph(backends.InitBackend())
    graph.rng = rng  # as in _discover: a value may come from next_rng_key / init's rng
    a, k = rebuild(dyn_values)
    with graph.as_default():
      fn(*a, **k)
    by_name = {rec.op_name: rec.init_value for rec in graph.variables}
    return {name: by_name[name] for name in names}

  return jax.jit(values)(dyn)


def _check_rng(rng):
  if (
    isinstance(rng, (bool, np.bool_))
    or rng is None
    or not (isinstance(rng, (int, np.integer)) or hasattr(rng, "dtype"))
  ):
    raise TypeError(
      f"init expects a PRNG key (jax.random.PRNGKey(0) or jax.random.key(0)) or an int "
      f"seed as its first argument, got {rng!r}."
    )
  if isinstance(rng, (int, np.integer)) and not -(2**63) <= int(rng) < 2**64:
    raise ValueError(
      f"init: the seed {rng} does not fit in 64 bits; pass a seed in [-2**63, 2**64) or a PRNG key."
    )


def init_params(fn, rng, args, kwargs, mesh=None, rules=None) -> dict:
  _check_rng(rng)
  rng = keys_lib.as_key(rng)
  prefetch = mesh is None and make_lib.is_raw_threefry_key(rng)
  graph, dyn, rebuild = _discover(fn, args, kwargs, rng, prefetch)
  records = graph.variables
  shardings = {rec.op_name: sharding_lib.sharding_for(rec, mesh, rules) for rec in records}
  values: dict[str, Any] = {}
  requests, request_names, traced_names = [], [], []
  for rec in records:
    if rec.init_value is None:
      requests.append((rec.initializer, rec.shape, rec.dtype, rec.op_name, shardings[rec.op_name]))
      request_names.append(rec.op_name)
    elif isinstance(rec.init_value, jax.core.Tracer):
      traced_names.append(rec.op_name)
    else:
      values[rec.op_name] = _place(
        jax.numpy.asarray(rec.init_value, rec.dtype), shardings[rec.op_name]
      )
  for name, value in zip(request_names, make_lib.make_grouped(requests, rng)):
    values[name] = value
  if traced_names:
    traced = _traced_values(fn, dyn, rebuild, traced_names, rng)
    values.update({n: _place(v, shardings[n]) for n, v in traced.items()})
  return params_lib.unflatten([(rec.op_name, values[rec.op_name]) for rec in records])


def _check_all_used(backend) -> None:
  """``apply(..., strict=True)``: every leaf of params must be read by this call."""
  unused = backend.unused_names()
  if unused:
    shown = ", ".join(unused[:10]) + (f", ... ({len(unused)} in all)" if len(unused) > 10 else "")
    raise ValueError(
      f"apply(..., strict=True): params has {len(unused)} leaves this function does "
      f"not use: {shown}. Pass only this function's params (vs.select / vs.split), or "
      "drop strict=True where a shared train/eval tree is meant."
    )


def _place(value, sharding):
  if sharding is None:
    return value
  if isinstance(value, jax.core.Tracer):
    return sharding_lib.constrain(value, sharding)
  return jax.device_put(value, sharding)


def transform(fn: Callable, *, mesh=None, partition_rules=None) -> Transformed:
  """Turns a function that uses ``get_variable`` into a pure ``init`` / ``apply`` pair.

  ``init(rng, *args, **kwargs) -> params`` finds the variables ``fn`` makes (by an
  abstract trace: no forward computation) and initialises them; ``params`` is a plain
  nested dict, ``params["s1"]["s2"]["w"]`` for variable ``s1/s2/w``. Each variable's key
  is ``rng`` folded in with the name's 64-bit hash: values depend on the rng and the name only,
  not on creation order. ``apply(params, *args, **kwargs)`` runs ``fn`` with every
  ``get_variable`` returning its leaf of ``params``; ``apply(..., rng=key)`` feeds
  ``vs.next_rng_key()`` and ``apply(..., mutable=True)`` returns ``(out, new_params)``
  with the variables ``fn`` assigned (``vs.assign``) replaced. Leaves of ``params`` that
  ``fn`` does not read are ignored (one tree can serve a training and an evaluation
  function); ``apply(..., strict=True)`` reports them instead. ``specs(*args)`` lists
  the variables (name, shape, dtype, trainable, collections) without making them. All
  work under ``jax.jit``, ``jax.grad`` and ``jax.vmap``; array arguments are traced,
  others are static.

  A function that only reuses (``variable_scope(..., reuse=True)``, e.g. an evaluation
  graph) has nothing to init -- its init fails with TF's "does not exist" -- but its
  apply finds those variables in the params of the function that made them.

  Args:
    fn: the model function.
    mesh: a ``jax.sharding.Mesh``; with it, init makes every variable already sharded
      (replicated unless a partition rule matches it).
    partition_rules: ``[(regex, PartitionSpec), ...]`` tried (``re.search``, first
      match wins) on each variable's full name after its scope's own rules.

  Returns:
    A ``Transformed(init, apply, specs)``: the three functions described above.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def model(x):
  ...   with vs.variable_scope("fc1"):
  ...     w = vs.get_variable("w", [3, 2])
  ...     b = vs.get_variable("b", [2], initializer=vs.zeros_initializer())
  ...   return x @ w + b
  >>> t = vs.transform(model)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((4, 3)))
  >>> jax.tree_util.tree_map(jnp.shape, params)
  {'fc1': {'b': (2,), 'w': (3, 2)}}
  >>> t.apply(params, jnp.ones((4, 3))).shape
  (4, 2)
  """
  if not callable(fn):
    raise TypeError(f"transform expects a function, got {fn!r}.")
  rules = sharding_lib.check_rules(partition_rules)
  if mesh is not None and not isinstance(mesh, jax.sharding.Mesh):
    raise TypeError(f"transform: mesh must be a jax.sharding.Mesh, got {mesh!r}.")

  # No functools.wraps: ``inspect.signature(t.apply)`` must be apply's own, so that
  # ``jax.jit(t.apply, static_argnames=("training",))`` and ``static_argnums`` work.
  def init(rng, *args, **kwargs):
    return init_params(fn, rng, args, kwargs, mesh, rules)

  def apply(params, *args, rng=None, mutable=False, strict=False, **kwargs):
    if not isinstance(params, Mapping):
      raise TypeError(
        "apply expects the params tree (a nested dict from init) as its first "
        f"argument, got {type(params).__name__}."
      )
    backend = backends.ApplyBackend(params, mutable=mutable)
    graph = graph_lib.Graph(backend)
    graph.rng = rng
    with graph.as_default():
      out = fn(*args, **kwargs)
    if strict:
      _check_all_used(backend)
    if not mutable:
      return out
    return out, backend.new_params()

  def specs(*args, **kwargs):
    graph, _, _ = _discover(fn, args, kwargs)
    held = graph.collections_holding()
    return {
      rec.op_name: VariableSpec(
        rec.op_name,
        tuple(rec.shape),
        rec.dtype,
        rec.trainable,
        held[id(rec)],
        rec.initializer,
        sharding_lib.sharding_for(rec, mesh, rules),
      )
      for rec in graph.variables
    }

  fn_name = getattr(fn, "__qualname__", type(fn).__name__)
  for f, what in ((init, "init"), (apply, "apply"), (specs, "specs")):
    f.__name__ = what
    f.__qualname__ = f"transform({fn_name}).{what}"
    f.__doc__ = _DOCS[what]
  return Transformed(init=init, apply=apply, specs=specs)


_DOCS = {
  "init": "init(rng, *args, **kwargs) -> params: makes every variable the function "
  "creates (see ``vs.transform``).",
  "apply": "apply(params, *args, rng=None, mutable=False, strict=False, **kwargs): runs "
  "the function on ``params``; with ``mutable=True`` returns ``(out, "
  "new_params)``; ``strict=True`` reports leaves the function does not use.",
  "specs": "specs(*args, **kwargs) -> {name: VariableSpec}: the variables init would "
  "make, without making them.",
}
