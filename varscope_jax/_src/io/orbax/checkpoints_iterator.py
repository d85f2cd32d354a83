"""``checkpoints_iterator``: follow a training run's steps from another process, read-only.

TF1's evaluator loops over ``tf.train.checkpoints_iterator(dir)`` beside a trainer. This
is that loop for a folder of steps (``CheckpointManager`` / ``save_checkpoint(dir, p,
step)``): it lists steps exactly as a ``read_only`` manager does (orbax renames a step
into place only when it is complete, so a half-written one is never yielded) and never
writes, recovers or deletes anything, so the trainer's saves are never disturbed.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator

from varscope_jax._src.io.orbax import atomic
from varscope_jax._src.io.orbax import store as orbax_store


def _positive_or_none(name: str, value) -> float | None:
  if value is None:
    return None
  if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
    raise ValueError(
      f"checkpoints_iterator: {name} must be a number of seconds >= 0 or None, got {value!r}."
    )
  return float(value)


def checkpoints_iterator(
  directory,
  min_interval_secs: float = 0,
  timeout: float | None = None,
  timeout_fn: Callable[[], bool] | None = None,
  *,
  poll_secs: float = 1.0,
) -> Iterator[int]:
  """Yields each new finished step of a folder of steps, as TF1's ``checkpoints_iterator``.

  Waits for a step newer than the last one yielded and yields the newest (steps saved in
  between are skipped, as TF does). Only complete steps are listed; nothing in the folder
  is changed, so it can run beside a writing ``CheckpointManager``. A step yielded may
  still be deleted by the trainer's ``max_to_keep`` before it is read: restoring it then
  raises a ``CheckpointError`` saying so.

  Args:
    directory: the folder of steps (it may not exist yet).
    min_interval_secs: at least this many seconds between two yields.
    timeout: stop after this many seconds without a new step (``None``: wait forever).
    timeout_fn: called on a timeout; if it returns ``True`` the iterator stops, else it
      waits again.
    poll_secs: seconds between two looks at the folder.

  Yields:
    Step numbers (``int``), increasing; restore one with
    ``restore_checkpoint(directory, step=step)``.

  >>> import tempfile, jax.numpy as jnp, varscope_jax as vs
  >>> d = tempfile.mkdtemp()
  >>> _ = vs.save_checkpoint(d, {"w": jnp.ones(2)}, step=5)
  >>> [step for step in vs.checkpoints_iterator(d, timeout=0)]
  [5]
  """
  min_interval = _positive_or_none("min_interval_secs", min_interval_secs) or 0.0
  timeout = _positive_or_none("timeout", timeout)
  poll = _positive_or_none("poll_secs", poll_secs)
  if timeout_fn is not None and not callable(timeout_fn):
    raise TypeError(
      f"checkpoints_iterator: timeout_fn must be callable or None, got {timeout_fn!r}."
    )
  directory = atomic.absolute(directory)
  return _follow(directory, min_interval, timeout, timeout_fn, poll or 0.0)


def _newest(directory: str, reader) -> int | None:
  try:
    steps = orbax_store.all_steps(directory, reader)
  except FileNotFoundError:  # a step deleted while listed: look again next time
    return None
  return max(steps) if steps else None


def _follow(directory, min_interval, timeout, timeout_fn, poll) -> Iterator[int]:
  last = None
  reader = orbax_store.manager(directory, read_only=True)
  while True:
    start = time.monotonic()
    while True:
      step = _newest(directory, reader)
      if step is not None and (last is None or step > last):
        break
      if timeout is not None and time.monotonic() - start >= timeout:
        if timeout_fn is None or timeout_fn():
          return
        start = time.monotonic()
      time.sleep(
        poll if timeout is None else max(0.0, min(poll, timeout - (time.monotonic() - start)))
      )
    yielded_at = time.monotonic()
    last = step
    yield step
    wait = min_interval - (time.monotonic() - yielded_at)
    if wait > 0:
      time.sleep(wait)
