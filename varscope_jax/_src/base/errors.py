"""Error helpers: TF1's exact wording, plus a hint line where it helps a JAX user.

TF1 raises plain ``ValueError`` / ``TypeError`` / ``RuntimeError``; so do we, so that
ported ``except ValueError`` blocks keep working. The first line of every message is
TensorFlow's own text (checked against real TF by the golden suite); a second line,
where present, is varscope_jax's advice.
"""
from __future__ import annotations

import difflib
from typing import Iterable

import numpy as np


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
  """Names among ``candidates`` that look like ``name`` (for "did you mean")."""
  return difflib.get_close_matches(name, list(candidates), n=n, cutoff=0.6)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
  matches = close_matches(name, candidates)
  if not matches:
    return ""
  return " Did you mean: " + ", ".join(repr(m) for m in matches) + "?"


def tf_dtype_repr(dtype) -> str:
  """TF's ``repr`` of a dtype: ``<dtype: 'float32'>``."""
  return "<dtype: '%s'>" % dtype_name(dtype)


def dtype_name(dtype) -> str:
  return np.dtype(dtype).name
