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

  >>> from varscope_jax._src.rng import stable_hash
  >>> stable_hash("model/fc1/w")
  1906431040
  """
  return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(),
                        "little")


def as_key(rng):
  """Accepts an int seed, a raw uint32[2] key or a typed key; returns a key."""
  if isinstance(rng, (int, np.integer)):
    return jax.random.PRNGKey(int(rng))
  return rng


def variable_key(rng, name: str):
  """The key for variable ``name`` (``fold_in(rng, stable_hash(name))``)."""
  return jax.random.fold_in(as_key(rng), stable_hash(name))
