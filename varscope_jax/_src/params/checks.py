"""Checks that a params tree can be written to a file and read back as the same tree.

A file stores each leaf under its scoped name, the keys on its path joined with ``/``
(``{"a": {"b": w}}`` is ``a/b``). A key that is not a non-empty ``str``, or that holds a
``/`` itself, could not come back as the same tree: ``{"a/b": x}`` would be read as
``{"a": {"b": x}}``, and ``{"a/b": x, "a": {"b": y}}`` would keep only one of the two. Such
names are refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jax
import numpy as np


def _where(prefix: str) -> str:
  return f"under {prefix}" if prefix else "at the top level"


def checked_leaves(
  params,
  what: str = "params",
  *,
  allow_empty: bool = False,
  flat_names: bool = False,
  numbers: bool = False,
  strings: bool = False,
  reserved: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
  """``{scoped name: leaf}`` of a params tree whose every name survives a round trip.

  ``flat_names`` accepts keys holding ``/`` (a format of flat names, where ``w`` and
  ``w/Adam`` both exist), as long as no two leaves get one name and no part is empty.
  ``numbers`` also accepts Python numbers as leaves, ``strings`` numpy ``object`` arrays
  (TF strings); ``reserved(name)`` says why a format cannot hold ``name`` (or ``None``).

  Raises:
    TypeError: if ``params`` is not a Mapping, a key is not a ``str``, or a leaf is not a
      numeric array (naming the variable).
    ValueError: if a key is empty or holds ``/``, or ``params`` has no leaves (unless
      ``allow_empty``).
  """
  if not isinstance(params, Mapping):
    raise TypeError(
      f"{what} must be a nested dict of arrays (a params tree), got {type(params).__name__}."
    )
  out: dict[str, Any] = {}

  def walk(node: Mapping, prefix: str) -> None:
    for key, value in node.items():
      if not isinstance(key, str):
        raise TypeError(
          f"{what} key {key!r} {_where(prefix)} is a {type(key).__name__}; "
          "keys of a params tree are str (the parts of a scoped name)."
        )
      if flat_names and key and "" not in key.split("/"):
        pass
      elif not key or "/" in key:
        fix = "/".join(part for part in key.split("/") if part)
        raise ValueError(
          f"{what} key {key!r} {_where(prefix)} "
          + ("is empty" if not key else "contains '/'")
          + ": it would be written as the scoped name "
          f"{(prefix + '/' if prefix else '') + key!r} and read back as "
          + ("a different tree" if not key else "nested scopes")
          + ", so it cannot round-trip. Nest it as dicts instead (e.g. "
          f"{{{fix.split('/')[0]!r}: {{...}}}}), or rename it."
        )
      name = f"{prefix}/{key}" if prefix else key
      if isinstance(value, Mapping):
        walk(value, name)
        continue
      if name in out:
        raise ValueError(
          f"{what} holds two variables named {name} (a key holding '/' and "
          "the same path as nested dicts): a file keeps one of them. Keep "
          "one, or rename the other."
        )
      if reserved is not None and (why := reserved(name)) is not None:
        raise ValueError(f"{what} name {name!r} cannot be saved: {why} Rename it.")
      if numbers and isinstance(value, (bool, int, float, complex)):
        out[name] = value
        continue
      if not isinstance(value, (jax.Array, np.ndarray, np.generic)):
        raise TypeError(
          f"Variable {name} is a {type(value).__name__}, not an array. Files "
          "hold arrays only: convert it with jnp.asarray, or leave it out."
        )
      if np.dtype(value.dtype) == object and not strings:
        raise TypeError(
          f"Variable {name} holds Python objects (dtype=object, e.g. TF "
          "strings). Files hold numeric arrays only: leave it out of params."
        )
      out[name] = value

  walk(params, "")
  if not out and not allow_empty:
    raise ValueError(f"{what} is empty: there is nothing to save.")
  return out
