"""Per-variable random keys: the rng folded in with the name's 64-bit hash.

``variable_key(rng, name) = fold_in(fold_in(rng, hi), lo)`` where ``(hi, lo)`` are the
two 32-bit halves of the 64-bit BLAKE2b hash of ``name`` (two ``fold_in``s, since one
takes 32 bits: with a 32-bit hash, two of 65,000 variables would already share their
initial values by the birthday bound; with 64 bits that takes billions).

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
  """A 64-bit hash of ``name`` that is the same in every process (BLAKE2b).

  >>> from varscope_jax._src.base.keys import stable_hash
  >>> stable_hash("model/fc1/w") < 2**64
  True
  """
  return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def hash_words(name: str) -> tuple[int, int]:
  """``(hi, lo)``: the two uint32 halves of ``stable_hash(name)``, folded in that order."""
  h = stable_hash(name)
  return h >> 32, h & 0xFFFFFFFF


def hash_words_array(names) -> np.ndarray:
  """``uint32[len(names), 2]`` of ``hash_words`` (for the vmapped and host paths)."""
  return np.asarray([hash_words(n) for n in names], np.uint32).reshape(-1, 2)


def fold_in_words(rng, words):
  """``fold_in(fold_in(rng, words[0]), words[1])``, traceable (``words``: uint32[2])."""
  return jax.random.fold_in(jax.random.fold_in(rng, words[0]), words[1])


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
    key_data: the raw ``uint32[2]`` threefry key, or ``uint32[n, 2]``: one per hash.
    hashes: uint32 values.

  Returns:
    ``uint32[len(hashes), 2]`` raw keys.
  """
  k = np.asarray(key_data, np.uint32)
  h = np.asarray(hashes, np.uint32)
  with np.errstate(over="ignore"):
    y0, y1 = _threefry2x32(k[..., 0], k[..., 1], np.zeros_like(h), h)
  return np.stack([y0, y1], axis=-1)


def host_variable_keys(key_data, names) -> np.ndarray:
  """``variable_key(key, name)`` for every name, on the host: ``uint32[len(names), 2]``.

  Bit-identical to JAX (two threefry ``fold_in``s; tested).
  """
  words = hash_words_array(names)
  first = host_fold_in(key_data, words[:, 0])  # one key, many hashes
  return host_fold_in(first, words[:, 1])  # a key per row


def as_key(rng):
  """Accepts an int seed, a raw uint32[2] key or a typed key; returns a key."""
  if isinstance(rng, (int, np.integer)):
    seed = int(rng)
    if not -(2**63) <= seed < 2**64:
      raise ValueError(f"seed {seed} does not fit in 64 bits; use a seed in [-2**63, 2**64).")
    if seed >= 2**63:
      seed -= 2**64  # the same 64 bits, as the signed int64 PRNGKey takes
    return jax.random.PRNGKey(seed)
  return rng


def variable_key(rng, name: str):
  """The key for variable ``name``: ``rng`` folded in with the name's 64-bit hash."""
  hi, lo = hash_words(name)
  return jax.random.fold_in(jax.random.fold_in(as_key(rng), hi), lo)
