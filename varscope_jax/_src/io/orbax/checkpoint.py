"""Checkpoints of params trees (and optimizer state) with orbax, checked by scoped name.

``save_checkpoint(dir, params)`` writes one checkpoint into ``dir``;
``save_checkpoint(dir, params, step)`` and :class:`CheckpointManager` write ``dir/<step>/``,
as ``orbax.checkpoint.CheckpointManager`` does (layout and reads: ``store.py``).

Writes are atomic. A new checkpoint or step is written by orbax into
``<name>.orbax-checkpoint-tmp-*`` and renamed when complete. An overwrite (``force=True``)
writes the new checkpoint beside the old one and swaps them by renames (``atomic.py``),
so a writer killed at any moment leaves the old or the new checkpoint whole and
restorable, never neither. ``force=True`` overwrites only a checkpoint: a folder that holds
anything else is refused, never emptied. Names, steps and dtypes that could not be read
back as saved are errors before anything is written. Paths may be relative. Nothing is
pickled: orbax stores arrays with tensorstore and the tree structure as JSON.
"""

from __future__ import annotations

import contextlib
import os
from typing import Mapping

from etils import epath

from varscope_jax._src.io import durable
from varscope_jax._src.io.orbax import atomic
from varscope_jax._src.io.orbax import store as orbax_store
from varscope_jax._src.io.errors import CheckpointError


def save_checkpoint(
  directory, params, step: int | None = None, *, opt_state=None, force: bool = False
) -> str:
  """Saves a params tree (and optionally optimizer state) with orbax, atomically.

  Args:
    directory: where to write (relative or absolute). With ``step=None`` the checkpoint
      is ``directory`` itself; with a step it is ``directory/<step>`` (the
      ``orbax.checkpoint.CheckpointManager`` layout, so :func:`restore_checkpoint` finds
      the latest).
    params: a nested dict of arrays (``jax.Array`` or numpy), keys ``str`` without ``/``.
      Every dtype JAX holds that tensorstore stores: bool, (u)int8-64, int4, int2,
      float16/32/64, bfloat16, the float8 kinds but float8_e4m3, float4_e2m1fn, complex.
    step: an optional training step number (an ``int`` >= 0).
    opt_state: optional optimizer state (any pytree of arrays, e.g. an optax state).
    force: overwrite an existing checkpoint at the same place. The new one is written
      beside the old and swapped in, so a killed writer leaves one of them whole. A
      folder that is not a checkpoint is never overwritten.

  Returns:
    The absolute path written, as a string.

  Raises:
    ValueError: if the checkpoint exists and ``force`` is False, ``directory`` holds
      something other than a checkpoint, params is empty, a key is empty or holds ``/``,
      or ``step`` is negative.
    TypeError: if a leaf is not an array or has a dtype orbax cannot store (naming the
      variable), or ``step`` is not an int.

  >>> import tempfile, jax.numpy as jnp
  >>> d = tempfile.mkdtemp()
  >>> path = save_checkpoint(d, {"model": {"fc1": {"w": jnp.ones((3, 4))}}}, step=10)
  >>> restore_checkpoint(d)["model"]["fc1"]["w"].shape
  (3, 4)
  """
  path = atomic.absolute(directory)
  args = orbax_store.save_args(params, opt_state)
  if step is not None:
    step = orbax_store.check_step(step)
    with CheckpointManager(path) as manager:
      manager._save(step, args, force=force, even_if_skipped=True)
    return str(epath.Path(path) / str(step))
  current = atomic.readable(path)
  if current is not None:
    if not epath.Path(current).is_dir():
      raise ValueError(f"{path} is a file, not a checkpoint folder. Choose another path.")
    foreign = orbax_store.foreign_entries(current)
    if foreign:
      steps = [name for name in foreign if name.rstrip("/").isdigit()]
      hint = (
        f" It holds steps ({', '.join(steps)}): save with step=N to add one."
        if steps
        else " Choose an empty or new folder."
      )
      raise ValueError(
        f"{path} is not a checkpoint folder: it holds {', '.join(foreign)}. "
        f"save_checkpoint never overwrites such a folder, even with "
        f"force=True.{hint}"
      )
    if orbax_store.is_checkpoint(current) and not force:
      raise ValueError(
        f"{path} already exists and is not empty. Pass force=True to "
        "overwrite it, or save with step=N to keep several checkpoints in it."
      )
  orbax_store.replace(path, args)
  return path


def restore_checkpoint(
  directory,
  target=None,
  *,
  step: int | None = None,
  rename: Mapping[str, str | None] | None = None,
  partial: bool = False,
  opt_state=None,
):
  """Restores a params tree saved by :func:`save_checkpoint` or :class:`CheckpointManager`.

  With a ``target``, names, shapes and dtypes are checked first and every difference is
  reported in one ``ValueError`` by scoped name (``model/fc1/w``). With ``partial=True``:
  names the checkpoint has but the target lacks are not read; names the target has but
  the checkpoint lacks keep the target's own leaf (returned as is; a
  ``jax.ShapeDtypeStruct`` leaf has no value, so it is still an error); shape and dtype
  mismatches are still errors.

  Args:
    directory: a checkpoint folder, or a folder of steps (the latest is read unless
      ``step`` is given).
    target: optional params tree of arrays or ``jax.ShapeDtypeStruct`` (e.g. from
      ``jax.eval_shape``). Each restored array gets its target leaf's ``.sharding`` (a
      ``NamedSharding`` restores sharded); leaves without one go to the default device.
    step: which step to read from a folder of steps.
    rename: ``{regex: new_name}`` applied to each checkpoint name before matching (first
      regex that ``re.search`` es the full name wins; ``re.sub(..., count=1)`` rewrites
      it; ``None`` drops the name), e.g. ``{"^old_scope/(.*)": r"new_scope/\\1"}``.
    partial: allow the checkpoint and target to differ in names, as described above.
    opt_state: a target for the optimizer state (e.g. ``jax.eval_shape(opt.init,
      params)``); orbax needs it to rebuild optax's NamedTuples. When given, returns
      ``(params, opt_state)``. ``rename`` and ``partial`` apply to params only.

  Returns:
    The params tree (``jax.Array`` leaves, in the target's order when given), or
    ``(params, opt_state)`` when ``opt_state`` is given.

  Raises:
    CheckpointError: (a ``ValueError``) if there is no checkpoint, or its files are
      corrupt or incomplete (naming the checkpoint), or a 64-bit value would change
      (without ``jax_enable_x64``: int64 values outside int32, finite float64 values
      beyond float32's range; restore with ``jax_enable_x64`` on to keep them).
    ValueError: if the checkpoint does not match the target.

  >>> import tempfile, jax, jax.numpy as jnp
  >>> d = tempfile.mkdtemp()
  >>> _ = save_checkpoint(d, {"old": {"w": jnp.ones(2)}, "extra": jnp.zeros(1)}, step=1)
  >>> target = {"new": {"w": jax.ShapeDtypeStruct((2,), jnp.float32)}}
  >>> restore_checkpoint(d, target, rename={"^old/(.*)": r"new/\\1"}, partial=True)
  {'new': {'w': Array([1., 1.], dtype=float32)}}
  >>> restore_checkpoint(d, target)
  Traceback (most recent call last):
  ...
  ValueError: Checkpoint ... does not match the target params:
    missing from the checkpoint (1): new/w
    in the checkpoint but not the target (2): extra, old/w
  ...
  """
  try:
    path = orbax_store.step_path(directory, step)
  except FileNotFoundError:  # a step deleted (max_to_keep) while the folder was listed
    raise orbax_store.removed_while_read(atomic.absolute(directory)) from None
  return orbax_store.restore_path(path, target, opt_state, rename, partial)


class CheckpointManager:
  """Keeps numbered checkpoints of params (and optimizer state) in one folder.

  A thin wrapper over ``orbax.checkpoint.CheckpointManager`` (synchronous saves) whose
  :meth:`restore` does the same name checks as :func:`restore_checkpoint`, and whose
  ``save(..., force=True)`` overwrites a step atomically (the new one is written beside
  the old and swapped in). Opening a manager for writing finishes any overwrite a killed
  writer left half done, and removes half-written folders no living writer holds. One
  writer per step at a time: a second one fails with a ``CheckpointError``.
  ``max_to_keep`` removes each old step by one rename before deleting it, so a step is
  listed whole or not at all. Opened with ``read_only=True`` (an evaluator beside a
  trainer), a manager never writes, recovers or deletes anything, and sees the steps
  other processes save.

  Args:
    directory: the folder of steps (created if needed, unless ``read_only``; relative or
      absolute).
    max_to_keep: how many of the newest steps to keep (``None``: all).
    save_interval_steps: save only steps that are a multiple of this (unless forced).
    read_only: only list and restore steps.

  >>> import tempfile, jax.numpy as jnp
  >>> d = tempfile.mkdtemp()
  >>> manager = CheckpointManager(d, max_to_keep=2)
  >>> for step in range(3):
  ...   _ = manager.save(step, {"w": jnp.full(2, step)})
  >>> manager.all_steps(), manager.latest_step()
  ([1, 2], 2)
  >>> manager.restore()["w"]
  Array([2, 2], dtype=int32)
  >>> manager.close()
  >>> with CheckpointManager(d, read_only=True) as reader:
  ...   reader.latest_step()
  2
  """

  def __init__(
    self,
    directory,
    max_to_keep: int | None = None,
    *,
    save_interval_steps: int = 1,
    read_only: bool = False,
  ):
    if max_to_keep is not None and (
      isinstance(max_to_keep, bool) or not isinstance(max_to_keep, int) or max_to_keep < 1
    ):
      raise ValueError(
        f"max_to_keep must be None (keep every step) or an int >= 1, got {max_to_keep!r}."
      )
    if not isinstance(read_only, bool):
      raise TypeError(f"read_only must be a bool, got {read_only!r}.")
    self.directory = atomic.absolute(directory)
    self.read_only = read_only
    self.max_to_keep = None if read_only else max_to_keep
    if not read_only:
      orbax_store.recover_steps(self.directory)
    self._manager = orbax_store.manager(
      self.directory, read_only=read_only, save_interval_steps=save_interval_steps
    )

  def save(self, step: int, params, opt_state=None, *, force: bool = False) -> bool:
    """Saves step ``step``; returns whether it was saved.

    Like orbax, steps that are not a multiple of ``save_interval_steps`` or are older than
    the latest step are skipped (``False``) unless ``force=True``, which also overwrites
    an existing step: the new step is written beside the old one and swapped in, so a
    writer killed at any moment leaves the old or the new step whole.

    Raises:
      ValueError: if the step exists and ``force`` is False, ``step`` is negative, or the
        manager is read-only.
      TypeError: if ``step`` is not an int, or a leaf cannot be stored (naming it).
      CheckpointError: if another process is writing this step, or the write fails (a
        full disk), naming the step's folder; the previous steps are intact.
    """
    if self.read_only:
      raise ValueError(
        f"This CheckpointManager of {self.directory} was opened with "
        "read_only=True: it never writes. Open another without it to save."
      )
    return self._save(
      orbax_store.check_step(step),
      orbax_store.save_args(params, opt_state),
      force=force,
      even_if_skipped=False,
    )

  def _save(self, step: int, args, *, force: bool, even_if_skipped: bool) -> bool:
    step_dir = str(epath.Path(self.directory) / str(step))
    primary = orbax_store.is_primary() and not atomic.is_remote(step_dir)
    if primary:
      os.makedirs(self.directory, exist_ok=True)
    with durable.WriterLock(step_dir, what="step") if primary else contextlib.nullcontext():
      self._manager.reload()
      if step in self._manager.all_steps():
        if not force:
          raise ValueError(
            f"Step {step} already exists in {self.directory}. Pass force=True "
            "to overwrite it, or save a new step."
          )
        orbax_store.replace(step_dir, args, locked=True)
        self._manager.reload()
        return True
      try:
        saved = self._manager.save(step, args=args, force=force or even_if_skipped)
      except BaseException as e:
        if orbax_store.is_primary():
          atomic.remove_orbax_tmp(self.directory, str(step))
        if isinstance(e, Exception):  # the arguments are checked: a failed write
          raise orbax_store.unwritable(step_dir, e) from None
        raise
      if saved and primary:
        durable.fsync_dir(self.directory)
    if saved:
      self._prune()
    return saved

  def _prune(self) -> None:
    """Removes the oldest steps beyond ``max_to_keep`` (each by one rename, then deleted)."""
    if self.max_to_keep is None:
      return
    steps = sorted(self._manager.all_steps())
    if len(steps) > self.max_to_keep and orbax_store.is_primary():
      for step in steps[: -self.max_to_keep]:
        if atomic.is_remote(self.directory):  # no rename on object stores: delete
          (epath.Path(self.directory) / str(step)).rmtree()
          continue
        path = os.path.join(self.directory, str(step))
        if not durable.is_locked(path):
          atomic.remove_atomically(path)
    orbax_store.barrier("varscope_jax:prune")
    self._manager.reload()

  def latest_step(self) -> int | None:
    """The newest finished step, or ``None``."""
    steps = self.all_steps()
    return steps[-1] if steps else None

  def all_steps(self) -> list[int]:
    """The finished steps, oldest first (half-written ones are never listed)."""
    if self.read_only:  # steps other processes saved (or deleted) since
      return sorted(orbax_store.all_steps(self.directory, self._manager))
    return sorted(self._manager.all_steps())

  def restore(
    self,
    step: int | None = None,
    target=None,
    *,
    rename=None,
    partial: bool = False,
    opt_state=None,
  ):
    """Restores ``step`` (default: the latest); arguments as :func:`restore_checkpoint`."""
    if step is None:
      step = self.latest_step()
      if step is None:
        raise CheckpointError(
          f"No checkpoint in {self.directory} yet: save a step first.", path=self.directory
        )
    elif orbax_store.check_step(step) not in self.all_steps():
      raise CheckpointError(
        f"No step {step} in {self.directory}. Steps there: {self.all_steps()}.", path=self.directory
      )
    return orbax_store.restore_path(
      str(epath.Path(self.directory) / str(step)), target, opt_state, rename, partial
    )

  def wait_until_finished(self) -> None:
    """Waits for pending saves (saves are synchronous: returns at once).

    >>> import tempfile
    >>> CheckpointManager(tempfile.mkdtemp()).wait_until_finished()
    """
    self._manager.wait_until_finished()

  def close(self) -> None:
    """Releases orbax's manager."""
    self._manager.close()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()
