"""Making initial values: one compiled initializer per signature, never per variable.

``init`` only needs each variable's (initializer, shape, dtype, sharding) and its key
``variable_key(rng, name)`` (the rng folded in with the name's 64-bit hash). So varscope_jax compiles one small function per
distinct signature -- ``(rng, name_hash) -> value``, cached for the process and shared
by all transformed functions -- and never compiles the forward pass. A model with 300
identical layers compiles two programs (kernel and bias), whatever its depth.

* Eager ``init`` (a concrete rng): each variable is one call of its signature's compiled
  function. Peak memory stays near the params' own bytes (one variable's temporaries at
  a time), and with a sharding the function has ``out_shardings``, so every device makes
  only its own shard.
* Traced ``init`` (under ``jax.jit(t.init)``): the variables of a group are made by ONE
  vmapped call over their keys, so the outer program has one RNG computation per
  signature, not per variable, and compiles in time independent of depth.
* Deterministic initializers (zeros, ones, constants) without a sharding are made on
  the host with numpy and transferred in eager init: no compilation at all.

The two paths give bitwise identical values (``tests/initializers/test_materialize.py``): JAX's
threefry random bits do not depend on batching.
"""

from __future__ import annotations

import atexit
import collections
import concurrent.futures
import os
import threading
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src import initializers as init_lib
from varscope_jax._src.base import keys as keys_lib
from varscope_jax._src.base import sharding as sharding_lib


def _raw(initializer):
  """``(key, shape, dtype) -> value`` without the initializer's own inner ``jax.jit``
  (our caller is already jitted; the extra level costs about 30 ms of XLA compile)."""
  if isinstance(initializer, init_lib.Initializer):
    return initializer._init
  return initializer


def _compile_member(initializer, shape: tuple, dtype: np.dtype, sharding, key_aval, derive: bool):
  """Compiles the function for one signature (eager path).

  ``derive=False``: ``key -> value`` for keys already derived on the host
  (``keys.host_variable_keys``); ``derive=True``: ``(rng, name_words) -> value``.
  """
  init = _raw(initializer)

  def make_derived(rng, name_words):
    return init(keys_lib.fold_in_words(rng, name_words), shape, dtype).astype(dtype)

  def make_from_key(key):
    return init(key, shape, dtype).astype(dtype)

  if derive:
    make = make_derived
    avals = (jax.ShapeDtypeStruct(*key_aval), jax.ShapeDtypeStruct((2,), np.uint32))
  else:
    make = make_from_key
    avals = (jax.ShapeDtypeStruct(*key_aval),)
  fn = jax.jit(make) if sharding is None else jax.jit(make, out_shardings=sharding)
  # Compiled with XLA's default options only: lower optimisation levels compile faster
  # but change floating-point bits (FMA contraction), and the eager and traced paths
  # must agree bit for bit.
  return fn.lower(*avals).compile()


# signature -> Future of the compiled function. Compiling is started as soon as init's
# trace meets a new signature (``prefetch``), in background threads (XLA releases the
# GIL), so compilation overlaps the rest of the trace and the other compilations.
# The cache is bounded (least recently used signatures are dropped beyond
# ``MAX_COMPILED``; a dropped one is compiled again if it comes back) and can be emptied
# with ``clear_cache()``; the pool's threads are shut down at interpreter exit.
MAX_COMPILED = 256  # about 0.8 MiB each: ~200 MiB at most
_compiled: "collections.OrderedDict[tuple, concurrent.futures.Future]" = collections.OrderedDict()
_compiled_lock = threading.Lock()
_pool: concurrent.futures.ThreadPoolExecutor | None = None


def clear_cache() -> None:
  """Drops every compiled initializer (and the meshes their shardings hold).

  >>> from varscope_jax._src.initializers import make
  >>> make.clear_cache(); make.cache_info()["compiled_signatures"]
  0
  """
  with _compiled_lock:
    _compiled.clear()


def _shutdown_pool() -> None:
  global _pool
  with _compiled_lock:
    pool, _pool = _pool, None
  if pool is not None:
    pool.shutdown(wait=False, cancel_futures=True)


atexit.register(_shutdown_pool)


def _fill(future, signature):
  try:
    future.set_result(_compile_member(*signature))
  except BaseException as e:  # noqa: BLE001 - handed to whoever waits for it
    with _compiled_lock:
      _compiled.pop(signature, None)
    future.set_exception(e)


def _member_future(signature, background: bool) -> concurrent.futures.Future:
  global _pool
  with _compiled_lock:
    future = _compiled.get(signature)
    if future is not None:
      _compiled.move_to_end(signature)
      return future
    future = _compiled[signature] = concurrent.futures.Future()
    while len(_compiled) > MAX_COMPILED:
      _compiled.popitem(last=False)
    if background and _pool is None:
      _pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="varscope_jax-compile"
      )
  if background:
    _pool.submit(_fill, future, signature)
  else:
    _fill(future, signature)
  return future


def _member_fn(initializer, shape, dtype, sharding, key_aval, derive):
  """The compiled function for a signature (compiled once per process)."""
  return _member_future(
    (initializer, shape, dtype, sharding, key_aval, derive), background=False
  ).result()


RAW_KEY_AVAL = ((2,), np.dtype(np.uint32))


def prefetch(initializer, shape, dtype) -> None:
  """Starts compiling the initializer of a signature in the background (raw keys)."""
  if _hashable(initializer) and _host_value(initializer, tuple(shape), np.dtype(dtype)) is None:
    _member_future(
      (initializer, tuple(shape), np.dtype(dtype), None, RAW_KEY_AVAL, False), background=True
    )


def is_raw_threefry_key(rng) -> bool:
  return (
    not isinstance(rng, jax.core.Tracer)
    and getattr(rng, "shape", None) == (2,)
    and np.dtype(rng.dtype) == np.uint32
  )


def _eager_values(requests, rng):
  """``[(init, shape, dtype, name, sharding)] -> values`` with a concrete rng."""
  if is_raw_threefry_key(rng):
    keys = keys_lib.host_variable_keys(np.asarray(rng), [r[3] for r in requests])
    return [
      _member_fn(init, shape, dtype, sharding, RAW_KEY_AVAL, False)(key)
      for (init, shape, dtype, _, sharding), key in zip(requests, keys)
    ]
  aval = (rng.shape, rng.dtype)
  return [
    _member_fn(init, shape, dtype, sharding, aval, True)(
      rng, np.asarray(keys_lib.hash_words(name), np.uint32)
    )
    for init, shape, dtype, name, sharding in requests
  ]


def _group_values(initializer, shape, dtype, sharding, rng, hashes):
  """All members of a group in one vmapped computation (traced path)."""
  keys = jax.vmap(lambda words: keys_lib.fold_in_words(rng, words))(hashes)
  init = _raw(initializer)
  values = jax.vmap(lambda k: init(k, shape, dtype))(keys).astype(dtype)
  if sharding is not None:
    # Lay the stack out like each member, so every device makes only its own shards.
    stacked = jax.sharding.NamedSharding(
      sharding.mesh, jax.sharding.PartitionSpec(None, *sharding.spec)
    )
    values = sharding_lib.constrain(values, stacked)
  out = [values[i] for i in range(len(hashes))]
  if sharding is not None:
    out = [sharding_lib.constrain(v, sharding) for v in out]
  return out


def _host_value(initializer, shape, dtype):
  """numpy value of a deterministic initializer, or None."""
  if isinstance(initializer, init_lib.Zeros):
    return np.zeros(shape, dtype)
  if isinstance(initializer, init_lib.Ones):
    return np.ones(shape, dtype)
  if isinstance(initializer, init_lib.Constant):
    return np.asarray(initializer.numpy_value(shape, dtype), dtype)
  return None


def _host_value_of(initializer, shape, dtype, name):
  """:func:`_host_value`, with numpy's MemoryError as a ValueError naming the variable."""
  try:
    return _host_value(initializer, shape, dtype)
  except MemoryError:
    size = int(np.prod(shape, dtype=object)) * dtype.itemsize
    raise ValueError(
      f"Variable {name}: shape {list(shape)} of {dtype.name} takes "
      f"{size:,} bytes, which cannot be allocated on the host. Check the "
      "shape, or make it inside transform(...).init with a sharding."
    ) from None


def _hashable(obj) -> bool:
  try:
    hash(obj)
  except TypeError:
    return False
  return True


def make_one(initializer, shape, dtype, key):
  """One value from its own key (what both paths must equal)."""
  shape = tuple(shape)
  dtype = np.dtype(dtype)
  return jnp.asarray(initializer(key, shape, dtype), dtype)


def make_eager_one(initializer, shape, dtype, rng, name):
  """The value of variable ``name`` in the eager default graph."""
  shape, dtype = tuple(shape), np.dtype(dtype)
  host = _host_value_of(initializer, shape, dtype, name)
  if host is not None:
    return jax.device_put(host)
  rng = keys_lib.as_key(rng)
  if _hashable(initializer):
    return _eager_values([(initializer, shape, dtype, name, None)], rng)[0]
  return make_one(initializer, shape, dtype, keys_lib.variable_key(rng, name))


def make_grouped(requests: Sequence[tuple], rng) -> list:
  """Values for ``[(initializer, shape, dtype, name[, sharding]), ...]``, in order.

  Each value is ``initializer(fold_in(rng, stable_hash(name)), shape, dtype)``, placed
  with ``sharding`` when one is given.
  """
  rng = keys_lib.as_key(rng)
  traced = isinstance(rng, jax.core.Tracer)
  # Normalised once: (init, shape tuple, numpy dtype, name, sharding or None).
  requests = [
    (r[0], tuple(r[1]), np.dtype(r[2]), r[3], r[4] if len(r) > 4 else None) for r in requests
  ]
  out: list = [None] * len(requests)
  groups: dict[tuple, list[int]] = {}
  eager: list[int] = []
  for i, (init, shape, dtype, name, sharding) in enumerate(requests):
    if sharding is None and not traced:
      host = _host_value_of(init, shape, dtype, name)
      if host is not None:
        out[i] = jax.device_put(host)
        continue
    if not _hashable(init):
      value = make_one(init, shape, dtype, keys_lib.variable_key(rng, name))
      out[i] = value if sharding is None else _place(value, sharding, traced)
    elif traced:
      groups.setdefault((init, shape, dtype, sharding), []).append(i)
    else:
      eager.append(i)
  if eager:
    for i, v in zip(eager, _eager_values([requests[i] for i in eager], rng)):
      out[i] = v
  for (init, shape, dtype, sharding), idx in groups.items():
    hashes = keys_lib.hash_words_array([requests[i][3] for i in idx])
    for i, v in zip(idx, _group_values(init, shape, dtype, sharding, rng, hashes)):
      out[i] = v
  return out


def _place(value, sharding, traced):
  if traced:
    return sharding_lib.constrain(value, sharding)
  return jax.device_put(value, sharding)


def cache_info():
  """How many compiled initializer functions this process holds (one per signature)."""
  with _compiled_lock:
    return {"compiled_signatures": len(_compiled)}
