"""Error helpers: "did you mean" hints and TF's spelling of dtypes in messages.

TF1 raises plain ``ValueError`` / ``TypeError`` / ``RuntimeError``; so do we, so that
ported ``except ValueError`` blocks keep working. Where TF has an error, its first line
is TensorFlow's own text (``tf_errors.py``, checked against real TF by the golden suite);
a second line, where present, is varscope_jax's advice. Errors TF does not have say what
is wrong, name the variable or argument, and say how to fix it.
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
