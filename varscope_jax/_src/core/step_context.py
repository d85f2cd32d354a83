"""The time step an RNN driver is running, for randomness drawn inside a cell.

``dynamic_rnn`` traces the cell once for step 0 and once for the body of a
``jax.lax.scan``; a key drawn inside the body would otherwise be the same at every
step. The drivers enter :func:`rnn_step` around each cell call, and
``next_rng_key`` folds the (traced) step index into every key it returns, so every
step gets its own dropout mask (in ``DropoutWrapper`` and in user-written cells alike),
as TF draws a new one at each iteration of its while loop.
"""

from __future__ import annotations

import contextlib
import threading

import jax


class _StepStack(threading.local):
  def __init__(self):
    self.steps = []


_STACK = _StepStack()


@contextlib.contextmanager
def rnn_step(step):
  """Marks the cell calls inside as time step ``step`` (an int or a traced int32)."""
  _STACK.steps.append(step)
  try:
    yield
  finally:
    popped = _STACK.steps.pop()
    assert popped is step, "rnn_step contexts exited out of order"


def fold_in_step(key):
  """``key`` folded with every enclosing driver's step index (nested drivers fold in each)."""
  for step in _STACK.steps:
    key = jax.random.fold_in(key, step)
  return key
