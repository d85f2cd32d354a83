"""``transform(fn)``: a function that calls ``get_variable`` becomes a pure ``init``/``apply``.

``init(rng, *args)`` traces ``fn`` abstractly (``jax.eval_shape``: no forward compute)
in a fresh graph that records every variable, then makes all values with grouped,
jitted initializers (``materialize.py``). ``apply(params, *args)`` runs ``fn`` again in
a fresh graph whose variables are the leaves of ``params``. Both run TF's naming and
reuse rules from scratch on every call, so one function's init and apply always agree.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, NamedTuple

import jax
import numpy as np

from varscope_jax._src import backends
from varscope_jax._src import graph as graph_lib
from varscope_jax._src import materialize
from varscope_jax._src import params as params_lib


class Transformed(NamedTuple):
  """The pair returned by ``transform``: ``init(rng, ...)`` and ``apply(params, ...)``."""
  init: Callable[..., dict]
  apply: Callable[..., Any]


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


def _discover(fn, args, kwargs):
  """Runs ``fn`` abstractly in a fresh init graph; returns the graph."""
  dyn, rebuild = _split_args(args, kwargs)
  graph = graph_lib.Graph(backends.InitBackend())

  def traced(dyn_values):
    a, k = rebuild(dyn_values)
    with graph.as_default():
      fn(*a, **k)
    return 0

  jax.eval_shape(traced, dyn)
  return graph, dyn, rebuild


def _traced_values(fn, dyn, rebuild, names):
  """Initial values computed inside ``fn`` (e.g. ``initializer=jnp.zeros(3)``).

  They only exist inside a trace, so this compiles ``fn`` once, returning just those
  values; XLA drops the forward computation they do not depend on.
  """

  def values(dyn_values):
    graph = graph_lib.Graph(backends.InitBackend())
    a, k = rebuild(dyn_values)
    with graph.as_default():
      fn(*a, **k)
    by_name = {rec.op_name: rec.init_value for rec in graph.variables}
    return {name: by_name[name] for name in names}

  return jax.jit(values)(dyn)


def init_params(fn, rng, args, kwargs) -> dict:
  graph, dyn, rebuild = _discover(fn, args, kwargs)
  records = graph.variables
  values: dict[str, Any] = {}
  requests, request_names, traced_names = [], [], []
  for rec in records:
    if rec.init_value is None:
      requests.append((rec.initializer, rec.shape, rec.dtype, rec.op_name))
      request_names.append(rec.op_name)
    elif isinstance(rec.init_value, jax.core.Tracer):
      traced_names.append(rec.op_name)
    else:
      values[rec.op_name] = jax.numpy.asarray(rec.init_value, rec.dtype)
  for name, value in zip(request_names, materialize.make_grouped(requests, rng)):
    values[name] = value
  if traced_names:
    values.update(_traced_values(fn, dyn, rebuild, traced_names))
  return params_lib.unflatten([(rec.op_name, values[rec.op_name]) for rec in records])


def transform(fn: Callable) -> Transformed:
  """Turns a function that uses ``get_variable`` into a pure ``init`` / ``apply`` pair.

  ``init(rng, *args, **kwargs) -> params`` finds the variables ``fn`` makes (by an
  abstract trace: no forward computation) and initialises them; ``params`` is a plain
  nested dict, ``params["s1"]["s2"]["w"]`` for variable ``s1/s2/w``. Each variable's key
  is ``fold_in(rng, stable_hash(name))``: values depend on the rng and the name only,
  not on creation order. ``apply(params, *args, **kwargs)`` runs ``fn`` with every
  ``get_variable`` returning its leaf of ``params``. Both work under ``jax.jit``,
  ``jax.grad`` and ``jax.vmap``; array arguments are traced, others are static.

  Args:
    fn: the model function.

  Returns:
    A ``Transformed(init, apply)``.

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
  {'fc1': {'w': (3, 2), 'b': (2,)}}
  >>> t.apply(params, jnp.ones((4, 3))).shape
  (4, 2)
  """
  if not callable(fn):
    raise TypeError(f"transform expects a function, got {fn!r}.")

  @functools.wraps(fn)
  def init(rng, *args, **kwargs):
    return init_params(fn, rng, args, kwargs)

  @functools.wraps(fn)
  def apply(params, *args, **kwargs):
    if not isinstance(params, Mapping):
      raise TypeError(
          "apply expects the params tree (a nested dict from init) as its first "
          f"argument, got {type(params).__name__}.")
    graph = graph_lib.Graph(backends.ApplyBackend(params))
    with graph.as_default():
      return fn(*args, **kwargs)

  return Transformed(init=init, apply=apply)
