"""Replacing a checkpoint folder so that a writer killed at any moment leaves a whole one.

POSIX can rename a folder atomically but cannot swap two, so an overwrite of ``ckpt`` is
four steps, each leaving a state that :func:`readable` resolves to a complete checkpoint:

1. write the new checkpoint into ``ckpt.varscope-tmp`` (killed here: ``ckpt`` is the old
   one, untouched; the partial ``tmp`` is never read);
2. rename ``ckpt.varscope-tmp`` -> ``ckpt.varscope-new`` (so ``new`` exists only complete);
3. rename ``ckpt`` -> ``ckpt.varscope-old`` (killed here: no ``ckpt``; ``new`` is read);
4. rename ``ckpt.varscope-new`` -> ``ckpt``, then delete ``ckpt.varscope-old`` (killed
   while deleting: ``ckpt`` is the new one; the partial ``old`` is never read).

Readers never change the folder (:func:`readable` only looks). The next writer finishes an
interrupted swap (:func:`recover`) before it starts. One writer at a time per checkpoint:
a writer holds ``ckpt.varscope-lock`` (``durable.WriterLock``) from recovery to the last
rename, and a second writer fails at once with a ``CheckpointError`` instead of mixing its
files with the first's. Before the swap the new folder's files and folders are fsynced,
and after each rename the parent folder, so a power cut loses neither checkpoint (on a
local filesystem, where rename is atomic).
Object stores (``gs://`` URLs) have no atomic rename: there an overwrite is orbax's own
(delete, then write), and only new checkpoints are atomic (orbax's commit).
"""

from __future__ import annotations

import os
import shutil
from typing import Callable

from etils import epath

from varscope_jax._src.io import durable

TMP, NEW, OLD = ".varscope-tmp", ".varscope-new", ".varscope-old"
DELETING = ".varscope-deleting"  # a step ``max_to_keep`` is removing: never read
SUFFIXES = (TMP, NEW, OLD, DELETING)
ORBAX_TMP = ".orbax-checkpoint-tmp"


def is_remote(path: str) -> bool:
  """Whether ``path`` is a URL (``gs://...``): no atomic rename there."""
  return "://" in path


def absolute(path) -> str:
  """``path`` as an absolute local path (orbax refuses relative ones); URLs as they are."""
  path = os.fspath(path)
  return path if is_remote(path) else os.path.abspath(path)


def sibling(path: str, suffix: str) -> str:
  return path + suffix


def readable(path: str) -> str | None:
  """The complete folder that stands for ``path`` now: itself, or an interrupted
  overwrite's ``.varscope-new`` (then ``.varscope-old``) when ``path`` is missing."""
  if is_remote(path):
    return path if epath.Path(path).exists() else None
  if os.path.exists(path):
    return path
  for suffix in (NEW, OLD):
    if os.path.isdir(sibling(path, suffix)):
      return sibling(path, suffix)
  return None


def _remove(path: str) -> None:
  if os.path.isdir(path) and not os.path.islink(path):
    shutil.rmtree(path)
  elif os.path.lexists(path):
    os.remove(path)


def remove_orbax_tmp(parent: str, name: str) -> None:
  """Removes orbax's half-written ``<name>.orbax-checkpoint-tmp*`` folders in ``parent``."""
  if not os.path.isdir(parent):
    return
  for entry in os.listdir(parent):
    if entry.startswith(name + ORBAX_TMP):
      _remove(os.path.join(parent, entry))


def remove_atomically(path: str) -> None:
  """Removes a checkpoint folder so that no reader or listing ever sees it half deleted:
  renamed to ``<path>.varscope-deleting`` (one atomic step), then deleted. A symlink is
  unlinked (what it points to is left alone)."""
  if os.path.islink(path):
    os.remove(path)
    return
  gone = sibling(path, DELETING)
  _remove(gone)
  os.rename(path, gone)
  durable.fsync_dir(os.path.dirname(path))
  _remove(gone)


def recover(path: str) -> None:
  """Finishes an interrupted overwrite of ``path`` and removes its leftovers."""
  if not os.path.exists(path):
    for suffix in (NEW, OLD):  # ``new`` is complete if it exists; ``old`` too then
      if os.path.isdir(sibling(path, suffix)):
        os.rename(sibling(path, suffix), path)
        break
  for suffix in SUFFIXES:
    _remove(sibling(path, suffix))
  remove_orbax_tmp(os.path.dirname(path), os.path.basename(path) + TMP)


def replace_folder(
  path: str,
  write: Callable[[str], None],
  *,
  primary: bool = True,
  barrier: Callable[[str], None] = lambda name: None,
  locked: bool = False,
) -> None:
  """Writes a folder with ``write(tmp_path)`` and swaps it in for ``path`` (see above).

  If ``write`` raises, its partial output is removed and ``path`` is untouched. With
  several processes (multi-host), every process calls this; ``write`` is collective, only
  the ``primary`` process touches the folders (and holds the lock), and ``barrier(name)``
  keeps the others from running ahead of it. ``locked``: the caller holds the lock.

  Raises:
    CheckpointError: if another writer holds ``path``, or a file cannot be written (a
      full disk), naming ``path``; the previous checkpoint is then intact.
  """
  lock = durable.WriterLock(path) if primary and not locked else None
  if lock is not None:
    lock.__enter__()
  try:
    if primary:
      recover(path)
    barrier("varscope_jax:replace_folder:recovered")
    tmp, new, old = (sibling(path, suffix) for suffix in SUFFIXES[:3])
    try:
      write(tmp)
      if primary:
        durable.fsync_tree(tmp)
    except BaseException as e:
      if primary:
        _remove(tmp)
        remove_orbax_tmp(os.path.dirname(path), os.path.basename(tmp))
      if isinstance(e, OSError):
        raise durable.disk_error(path, e) from None
      raise
    if primary:
      parent = os.path.dirname(path)
      try:
        os.rename(tmp, new)
        if os.path.lexists(path):
          os.rename(path, old)
        os.rename(new, path)
        durable.fsync_dir(parent)
        _remove(old)
      except OSError as e:
        raise durable.disk_error(path, e, "swap in the new checkpoint at") from None
    barrier("varscope_jax:replace_folder:swapped")
  finally:
    if lock is not None:
      lock.__exit__(None, None, None)
