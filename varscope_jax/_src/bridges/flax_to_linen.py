"""``to_linen``: a function that uses ``get_variable`` as a ``flax.linen`` Module.

The module runs the function through ``vs.transform``: ``init`` makes the function's
variables (``transform(fn).init`` with a key from the module's ``params`` stream) and
stores them in the module's scope with ``self.param`` / ``self.variable``, nested by
their TF names; every call runs ``transform(fn).apply`` on the module's variables and
writes what the function assigned back to the linen collection that holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

import flax.linen as nn

from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.transform import transform as transform_lib

_PARAMS = "params"
_NEEDS_RNG = "vs.next_rng_key() needs a random key"


def _split_trainable(values: dict, specs: dict):
  """(trainable tree, non-trainable tree) of a params tree, by the specs' flags."""
  trainable, other = [], []
  for name, leaf in params_lib.flatten(values):
    (trainable if specs[name].trainable else other).append((name, leaf))
  return params_lib.unflatten(trainable), params_lib.unflatten(other)


def _merge(a: Mapping, b: Mapping) -> dict:
  return params_lib.unflatten(list(params_lib.flatten(a)) + list(params_lib.flatten(b)))


class ToLinen(nn.Module):
  """A function that uses ``get_variable``, as a linen Module (made by ``vs.to_linen``).

  Attributes:
    fn: the function; its positional and keyword arguments are the module's.
    state_collection: the linen collection of the non-trainable variables.
    rng_stream: the linen rng stream that feeds ``vs.next_rng_key()``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> m = vs.to_linen(lambda x: x * vs.get_variable("s", [], initializer=vs.ones_initializer()))
  >>> type(m).__name__, m.state_collection
  ('ToLinen', 'batch_stats')
  >>> m.init(jax.random.PRNGKey(0), jnp.ones(2))
  {'params': {'s': Array(1., dtype=float32)}}
  """

  fn: Callable[..., Any]
  state_collection: str = "batch_stats"
  rng_stream: str = "dropout"

  def __post_init__(self):
    if not callable(self.fn):
      raise TypeError(
        f"ToLinen: fn must be callable (the function that calls get_variable), got {self.fn!r}."
      )
    super().__post_init__()

  @nn.compact
  def __call__(self, *args, **kwargs):
    t = transform_lib.transform(self.fn)
    if self.is_initializing():
      self._declare(t, args, kwargs)
    tree = _merge(self.variables.get(_PARAMS, {}), self.variables.get(self.state_collection, {}))
    state_names = {n for n, _ in params_lib.flatten(self.variables.get(self.state_collection, {}))}
    rng = None
    if self.has_rng(self.rng_stream) or self.has_rng(_PARAMS):
      rng = self.make_rng(self.rng_stream)
    try:
      out, new = t.apply(tree, *args, rng=rng, mutable=True, **kwargs)
    except ValueError as e:
      if not str(e).startswith(_NEEDS_RNG):
        raise
      raise ValueError(
        f"to_linen({getattr(self.fn, '__name__', self.fn)!r}): the function calls "
        f"vs.next_rng_key(), but no {self.rng_stream!r} rng was given. Pass it: "
        f"apply(variables, ..., rngs={{{self.rng_stream!r}: key}})."
      ) from None
    self._write_back(tree, new, state_names)
    return out

  def _declare(self, t, args, kwargs):
    """Makes the missing variables (init): ``transform(fn).init`` once, sliced by name."""
    specs = t.specs(*args, **kwargs)
    tops: dict = {}
    for name, spec in specs.items():
      col = _PARAMS if spec.trainable else self.state_collection
      tops.setdefault((col, name.split("/")[0]), None)
    missing = [k for k in tops if not self.has_variable(*k)]
    values = {}
    if missing:
      params = t.init(self.make_rng(_PARAMS), *args, **kwargs)
      values[_PARAMS], values[self.state_collection] = _split_trainable(params, specs)
    for col, top in tops:
      if col == _PARAMS:
        self.param(top, lambda _key, c=col, k=top: values[c][k])
      else:
        self.variable(col, top, lambda c=col, k=top: values[c][k])

  def _write_back(self, tree, new, state_names):
    """Puts the variables ``fn`` assigned into their (mutable) linen collections."""
    updates: dict = {}
    for name, leaf in params_lib.flatten(new):
      if leaf is params_lib.lookup(tree, name):
        continue
      col = self.state_collection if name in state_names else _PARAMS
      if not self.is_mutable_collection(col):
        raise ValueError(
          f"to_linen: the function assigned variable {name} (linen collection "
          f"{col!r}), but this apply does not make {col!r} mutable, so the update "
          f"would be lost. Pass mutable=[{col!r}] to apply."
        )
      top = name.split("/")[0]
      updates.setdefault((col, top), {})[name] = leaf
    for (col, top), leaves in updates.items():
      current = self.get_variable(col, top)
      if isinstance(current, Mapping):
        current = params_lib.replace_leaves({top: current}, leaves)[top]
      else:
        current = leaves[top]
      self.put_variable(col, top, current)


def to_linen(
  fn: Callable,
  *,
  name: str | None = None,
  state_collection: str = "batch_stats",
  rng_stream: str = "dropout",
) -> ToLinen:
  """Wraps a function that uses ``get_variable`` as a ``flax.linen`` Module.

  Use it inside ``@nn.compact`` (or ``setup``) as any submodule, or on its own with
  ``init`` / ``apply``. Its variables live in the module's scope, nested by their TF
  names: the function's ``head/w`` is ``variables["params"][<module>]["head"]["w"]``.

  * Trainable variables are ``params``; non-trainable ones (batch-norm statistics, step
    counters) are in ``state_collection`` (``batch_stats``). A variable the function
    assigns (``vs.assign``, ``assign_moving_average``) is written back when that
    collection is mutable (``apply(..., mutable=["batch_stats"])``); otherwise the call
    fails rather than lose the update.
  * ``init`` makes the values with ``vs.transform(fn).init(key)``, ``key`` from the
    module's ``params`` rng: each variable starts from
    ``initializer(fold_in(key, stable_hash(name)))``.
  * ``vs.next_rng_key()`` inside ``fn`` draws from the ``rng_stream`` rng (``dropout``;
    like every linen stream it falls back to ``params``).
  * TF's naming and reuse rules run afresh in every call (a fresh graph), so names are
    relative to the module, and ``variable_scope(..., reuse=True)`` inside ``fn`` shares
    as in TF. Lifted transforms (``nn.jit``, ``nn.scan``, ``nn.vmap``, ``nn.remat``) work
    on it as on any module.

  Args:
    fn: the function; the module's call arguments are passed to it (arrays traced,
      other values static, as in ``vs.transform``).
    name: the linen module name (default: linen's, ``ToLinen_0``).
    state_collection: the linen collection of the non-trainable variables.
    rng_stream: the linen rng stream that feeds ``vs.next_rng_key()``.

  Returns:
    A ``ToLinen`` module.

  >>> import jax, jax.numpy as jnp, flax.linen as nn
  >>> import varscope_jax as vs
  >>> def block(x):
  ...   with vs.variable_scope("head"):
  ...     return x @ vs.get_variable("w", [x.shape[-1], 2])
  >>> class Model(nn.Module):
  ...   @nn.compact
  ...   def __call__(self, x):
  ...     return vs.to_linen(block, name="tf")(nn.Dense(3)(x))
  >>> variables = Model().init(jax.random.PRNGKey(0), jnp.ones((1, 4)))
  >>> jax.tree_util.tree_map(jnp.shape, variables["params"]["tf"])
  {'head': {'w': (3, 2)}}
  >>> Model().apply(variables, jnp.ones((1, 4))).shape
  (1, 2)
  """
  if not callable(fn):
    raise TypeError(f"to_linen expects a function, got {fn!r}.")
  return ToLinen(fn, state_collection=state_collection, rng_stream=rng_stream, name=name)
