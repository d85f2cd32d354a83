"""Whether JAX is staging a program: the one place varscope_jax asks JAX's trace state.

The eager default graph holds concrete values. Reading one while JAX *stages* a program
(``jax.jit``, ``lax.scan``/``cond`` bodies, ``jax.checkpoint``, ``eval_shape``) bakes the
value into the program as a constant, and a compiled program keeps it after an
``assign``; making a value there is impossible (the initial value would be a tracer).
``jax.grad`` and ``jax.vmap`` on their own run at once and re-read every call.

JAX's extension API gives the trace current in this thread
(``jax.extend.core.take_current_trace``); the traces above it are its ``parent_trace``
chain, and a staging one is told by its type name (``DynamicJaxprTrace``): JAX has no
public query for either. If they change in a later JAX, ``staging()`` answers False: the
checks it feeds become silent, nothing breaks (``tests/core/test_eager_jax_values.py``
checks the answer under the installed JAX).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

try:
  from jax.extend.core import take_current_trace as _take_current_trace
except ImportError:  # pragma: no cover - a JAX without take_current_trace
  _take_current_trace = None

_STAGING_TRACES = frozenset({"DynamicJaxprTrace"})


class _Fresh(threading.local):
  def __init__(self):
    super().__init__()
    self.bases: list = []


_fresh = _Fresh()


def current_trace():
  """JAX's current trace in this thread (``None`` if it cannot be read)."""
  if _take_current_trace is None:
    return None
  with _take_current_trace() as trace:  # leaves the current trace as it was
    return trace


def staging() -> bool:
  """True while JAX stages a program in this thread (``jax.jit``, a ``lax.scan`` body,
  ...) above any ``fresh_trace`` block's starting point.

  >>> import jax
  >>> staging()
  False
  >>> jax.jit(lambda x: x + staging())(1)
  Array(2, dtype=int32, weak_type=True)
  """
  trace = current_trace()
  # Traces opened inside the outermost fresh_trace block do not count; its starting
  # trace and those outside it do.
  base = _fresh.bases[0] if _fresh.bases else None
  counted = base is None
  while trace is not None:
    if trace is base:
      counted = True
    if counted and type(trace).__name__ in _STAGING_TRACES:
      return True
    trace = getattr(trace, "parent_trace", None)
  return False


@contextlib.contextmanager
def fresh_trace() -> Iterator[None]:
  """Reads inside this block are not counted as staged by traces JAX opens inside it:
  for a loop body traced anew on every call (the RNN drivers' ``lax.scan``), whose
  constants are never reused. A trace already open outside the block still counts.
  """
  bases = _fresh.bases
  bases.append(current_trace())
  try:
    yield
  finally:
    bases.pop()
