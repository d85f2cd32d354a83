"""Per-variable random keys: ``fold_in(rng, stable_hash(name))``.

A variable's key depends only on the rng given to ``init`` (or the graph seed in eager
mode) and its name -- the key in the params tree, i.e. the name TF shows without
``:0``. It does not depend on the order variables are created in, on other variables,
or on the process (the hash is BLAKE2b, not Python's salted ``hash``). Adding a layer
does not change the initial values of the others.
"""
from __future__ import annotations

import hashlib

import jax
import numpy as np


def stable_hash(name: str) -> int:
  """A 32-bit hash of ``name`` that is the same in every process.

  >>> from varscope_jax._src.base.keys import stable_hash
  >>> stable_hash("model/fc1/w")
  2495956683
  """
  return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(),
                        "little")


_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


def _rotl(x, r):
  return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _threefry2x32(k0, k1, x0, x1):
  """Threefry-2x32 (20 rounds), as JAX's ``threefry2x32_p``, on numpy uint32 arrays."""
  ks = (k0, k1, k0 ^ k1 ^ np.uint32(0x1BD11BDA))
  x0 = x0 + ks[0]
  x1 = x1 + ks[1]
  for i in range(5):
    for r in _ROTATIONS[i % 2]:
      x0 = x0 + x1
      x1 = _rotl(x1, r) ^ x0
    x0 = x0 + ks[(i + 1) % 3]
    x1 = x1 + ks[(i + 2) % 3] + np.uint32(i + 1)
  return x0, x1


def host_fold_in(key_data, hashes):
  """``jax.random.fold_in(key, h)`` for every ``h`` in ``hashes``, computed on the host.

  Bit-identical to JAX's threefry ``fold_in`` (``threefry_2x32(key, [0, h])``; tested),
  so the eager init compiles one RNG computation per signature instead of two.

  Args:
    key_data: the raw ``uint32[2]`` threefry key.
    hashes: uint32 values.

  Returns:
    ``uint32[len(hashes), 2]`` raw keys.
  """
  k = np.asarray(key_data, np.uint32)
  h = np.asarray(hashes, np.uint32)
  with np.errstate(over="ignore"):
    y0, y1 = _threefry2x32(k[0], k[1], np.zeros_like(h), h)
  return np.stack([y0, y1], axis=-1)


def as_key(rng):
  """Accepts an int seed, a raw uint32[2] key or a typed key; returns a key."""
  if isinstance(rng, (int, np.integer)):
    return jax.random.PRNGKey(int(rng))
  return rng


def variable_key(rng, name: str):
  """The key for variable ``name`` (``fold_in(rng, stable_hash(name))``)."""
  return jax.random.fold_in(as_key(rng), stable_hash(name))
