"""Helpers for varscope_jax's own error messages: "did you mean" hints and TF's spelling
of dtypes.

TF1 raises plain ``ValueError`` / ``TypeError`` / ``RuntimeError``; so does varscope_jax,
so that ported ``except ValueError`` blocks keep working. Two kinds of message:

* Where TF has the error, the message is TF's text, from a constant of ``tf_errors.py``
  (TF's verbatim texts, compared with real TF by the golden suites), optionally after
  ``"<op>: "``; what follows it (a second line, or a clause after it) says where the error
  is or how to fix it.
* Every other message is varscope_jax's own, in one form::

    <function or variable>: <argument> must be <what it takes>, got <value>. <How to fix.>

  It names the function, argument or variable, says what is wrong (``got`` and the value,
  for a ``TypeError``) and how to fix it (often the ``must be`` clause is the fix). The
  ``<function>:`` prefix is left out where one check serves several functions.

``tests/test_error_messages.py`` checks both: no TF text outside ``tf_errors.py``, and the
form of every message that ``tests/test_public_validation.py``'s bad calls raise.
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


# ---------------------------------------------------- messages raised in several places


def not_a_jax_dtype(what: str, dtype) -> str:
  """``<what> 'x' is not a dtype JAX can hold ...`` (``what``: ``dtype``, ``Variable v: dtype``).

  >>> not_a_jax_dtype("dtype", "string")[:40]
  "dtype 'string' is not a dtype JAX can ho"
  """
  return (
    f"{what} {dtype!r} is not a dtype JAX can hold (JAX has no string tensors). "
    "Use one of vs.float32, vs.int32, vs.bool, ... ."
  )


def string_collections(what: str, value: str) -> str:
  """A collections argument given as one string, which TF1 would iterate per character.

  >>> string_collections("collections", "w")
  "collections is the string 'w'; pass a list of collection names, e.g. ['w'] (TF1 would add the variable to one collection per character)."
  """
  return (
    "%s is the string %r; pass a list of collection names, e.g. [%r] (TF1 would add "
    "the variable to one collection per character)." % (what, value, value)
  )


def rename_collision(first: str, second: str, new_name: str) -> str:
  """Two names that a rename maps to one.

  >>> rename_collision("a/w", "b/w", "w")
  'rename maps both a/w and b/w to w. Make the rename patterns more specific.'
  """
  return (
    f"rename maps both {first} and {second} to {new_name}. Make the rename patterns more specific."
  )
