"""Renaming variables by regex rules (``{"^old/(.*)": r"new/\\1"}``) for warm starts.

Used by ``restore_checkpoint`` and ``load_tf1_checkpoint``.
"""

from __future__ import annotations

import re
from typing import Mapping


def compile_rename(rename: Mapping[str, str | None] | None):
  """``[(compiled regex, replacement or None)]`` from a ``rename`` dict (in order)."""
  if rename is None:
    return []
  if not isinstance(rename, Mapping):
    raise TypeError(
      f"rename must be a dict of regex -> new name (or None), got {type(rename).__name__}."
    )
  rules = []
  for pattern, replacement in rename.items():
    try:
      rules.append((re.compile(pattern), replacement))
    except re.error as e:
      raise ValueError(f"rename pattern {pattern!r} is not a valid regex: {e}") from None
  return rules


def apply_rename(name: str, rules) -> str | None:
  """The new name of ``name`` under the first matching rule; ``None`` means dropped.

  The first rule whose regex ``re.search`` es the full name wins; its match is replaced
  (``re.sub`` with ``count=1``, so ``\\1`` refers to the groups). Unmatched names stay.

  >>> apply_rename("old/fc1/w", compile_rename({"^old/(.*)": r"new/\\1"}))
  'new/fc1/w'
  """
  for pattern, replacement in rules:
    if pattern.search(name):
      if replacement is None:
        return None
      return pattern.sub(replacement, name, count=1)
  return name
