"""Making initial values: grouped, jitted initializers.

All variables that share (initializer, shape, dtype) are made by ONE compiled function,
vmapped over their per-name keys. Compiled functions are cached for the process, so a
model with 300 identical layers compiles a handful of small programs, not 300 (and never
the forward pass). Values are bitwise identical to making each variable alone with its
own key (``tests/test_materialize.py``), so grouping is invisible.

The group key is ``(initializer, shape, dtype, sharding)``; ``sharding`` is kept open
for params born sharded (``out_shardings``).
"""
from __future__ import annotations

import functools
import threading
from typing import Any, Iterable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src import rng as rng_lib
from varscope_jax._src import sharding as sharding_lib

_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _group_fn(initializer, shape: tuple, dtype: np.dtype, count: int, sharding=None):
  """One jitted function making ``count`` values of one signature from (rng, hashes)."""

  def make(rng, hashes):
    keys = jax.vmap(lambda h: jax.random.fold_in(rng, h))(hashes)
    values = jax.vmap(lambda k: initializer(k, shape, dtype))(keys)
    values = values.astype(dtype)
    if sharding is not None:
      # Shard the stacked values like each member, so every device makes only its
      # own shard of every member.
      stacked = jax.sharding.NamedSharding(
          sharding.mesh, jax.sharding.PartitionSpec(None, *sharding.spec))
      values = sharding_lib.constrain(values, stacked)
    return tuple(values[i] for i in range(count))

  if sharding is None:
    return jax.jit(make)
  return jax.jit(make, out_shardings=(sharding,) * count)


@functools.lru_cache(maxsize=None)
def _single_fn(initializer, shape: tuple, dtype: np.dtype):

  def make(key):
    return initializer(key, shape, dtype).astype(dtype)

  return jax.jit(make)


def _hashable(obj) -> bool:
  try:
    hash(obj)
  except TypeError:
    return False
  return True


def make_one(initializer, shape, dtype, key):
  """One value with its own key (the reference grouping must match)."""
  shape = tuple(shape)
  dtype = np.dtype(dtype)
  if _hashable(initializer):
    return _single_fn(initializer, shape, dtype)(key)
  return jnp.asarray(initializer(key, shape, dtype), dtype)


def make_grouped(requests: Sequence[tuple], rng) -> list:
  """Values for ``[(initializer, shape, dtype, name[, sharding]), ...]``, in order.

  Each value is ``initializer(fold_in(rng, stable_hash(name)), shape, dtype)``, placed
  with ``sharding`` when one is given.
  """
  rng = rng_lib.as_key(rng)
  out: list = [None] * len(requests)
  groups: dict[tuple, list[int]] = {}
  for i, request in enumerate(requests):
    init, shape, dtype, name = request[:4]
    sharding = request[4] if len(request) > 4 else None
    if _hashable(init):
      groups.setdefault((init, tuple(shape), np.dtype(dtype), sharding), []).append(i)
    else:
      value = make_one(init, shape, dtype, rng_lib.variable_key(rng, name))
      out[i] = value if sharding is None else jax.device_put(value, sharding)
  for (init, shape, dtype, sharding), idx in groups.items():
    hashes = np.asarray([rng_lib.stable_hash(requests[i][3]) for i in idx], np.uint32)
    values = _group_fn(init, shape, dtype, len(idx), sharding)(rng, hashes)
    for i, v in zip(idx, values):
      out[i] = v
  return out


def cache_info():
  """Sizes of the compiled-function caches (for tests and benchmarks)."""
  return {"grouped": _group_fn.cache_info().currsize, "single": _single_fn.cache_info().currsize}
