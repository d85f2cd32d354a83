"""Files written so that a kill, a power cut, a full disk or a second writer loses nothing.

* :class:`Temporary`: a new file beside its target, under a name only this writer uses,
  locked (``flock``) while the writer lives, fsynced, then renamed into place. A killed
  writer's lock dies with it, so :func:`remove_stale` (run by the next writer) removes
  exactly the temporaries no living writer holds.
* :func:`fsync_dir`: after a rename, the folder's entry is made durable too, so a power
  cut after a save returns the new file and a power cut before it the old one.
* :class:`WriterLock`: one writer per target at a time. A second writer fails at once
  with a ``CheckpointError`` instead of mixing its files with the first's. The lock file
  is removed on release (locked, checked against the path's inode, then unlinked, so no
  two writers can ever hold locks on two different files of one name).
* :func:`disk_error`: an ``OSError`` (a full disk, a quota, a file too large) as a
  ``CheckpointError`` naming the file.
"""

from __future__ import annotations

import errno
import fcntl
import os
import uuid

from varscope_jax._src.io.errors import CheckpointError

TMP_MARK = ".varscope-tmp-"
LOCK_SUFFIX = ".varscope-lock"
# False skips every fsync (benchmarks/fsync_cost.py turns it off to measure what it costs).
FSYNC = True


def fsync_fd(fd: int) -> None:
  if FSYNC:
    os.fsync(fd)


def fsync_dir(path: str) -> None:
  """Makes the entries of folder ``path`` (renames, new files) durable."""
  if not FSYNC:
    return
  fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
  try:
    os.fsync(fd)
  except OSError as e:  # some filesystems cannot fsync a folder; the data is synced
    if e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
      raise
  finally:
    os.close(fd)


def fsync_tree(path: str) -> None:
  """fsyncs every file and folder under ``path`` (a folder orbax wrote), deepest first."""
  if not FSYNC:
    return
  for root, _, files in os.walk(path, topdown=False):
    for name in files:
      fd = os.open(os.path.join(root, name), os.O_RDONLY)
      try:
        os.fsync(fd)
      finally:
        os.close(fd)
    fsync_dir(root)


def disk_error(path: str, error: OSError, what: str = "write") -> CheckpointError:
  """``error`` as a ``CheckpointError`` naming ``path`` (and saying the disk may be full)."""
  reason = error.strerror or str(error)
  hint = ""
  if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
    hint = " Free disk space (or raise the quota / file-size limit) and save again."
  return CheckpointError(
    f"Could not {what} {path}: {reason} (errno {error.errno}).{hint} "
    "The previous checkpoint there, if any, is intact.",
    path=path,
  )


def temporary_name(target: str) -> str:
  """A name beside ``target`` that only this writer uses: ``.<name>.varscope-tmp-<hex>``."""
  folder, base = os.path.split(os.path.abspath(target))
  return os.path.join(folder, f".{base}{TMP_MARK}{uuid.uuid4().hex[:12]}")


def _try_lock(fd: int) -> bool:
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return True
  except BlockingIOError:
    return False


class Temporary:
  """A locked temporary file for ``target``: write ``.path``, then :meth:`commit`.

  ``with Temporary(target) as tmp: <write tmp.path>; tmp.commit()`` — if the block raises
  (or :meth:`commit` is never called), the temporary is removed. :meth:`commit` fsyncs the
  file, renames it over ``target`` and fsyncs the folder.
  """

  def __init__(self, target: str):
    self.target = target
    self.path = temporary_name(target)
    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    fcntl.flock(self._fd, fcntl.LOCK_EX)  # a new file: no one else can hold it
    self.committed = False

  def write_at(self, data, offset: int) -> None:
    """Writes ``data`` (bytes-like) at ``offset`` of the file."""
    view = memoryview(data).cast("B")
    done = 0
    while done < len(view):
      done += os.pwrite(self._fd, view[done : done + (1 << 30)], offset + done)

  def commit(self) -> None:
    fd = os.open(self.path, os.O_RDONLY)  # the file may have been rewritten by path
    try:
      fsync_fd(fd)
    finally:
      os.close(fd)
    os.replace(self.path, self.target)
    self.committed = True
    fsync_dir(os.path.dirname(os.path.abspath(self.target)))

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    if not self.committed:
      try:
        os.remove(self.path)
      except FileNotFoundError:
        pass
    os.close(self._fd)  # releases the lock


def remove_stale(target: str) -> None:
  """Removes the temporaries of every name starting with ``target`` (``model.ckpt``:
  those of ``model.ckpt.index``, ``model.ckpt.data-...``) that no living writer holds."""
  folder, base = os.path.split(os.path.abspath(target))
  try:
    names = os.listdir(folder)
  except FileNotFoundError:
    return
  for name in names:
    if not (name.startswith(f".{base}") and TMP_MARK in name):
      continue
    path = os.path.join(folder, name)
    try:
      fd = os.open(path, os.O_RDONLY)
    except OSError:
      continue
    try:
      if _try_lock(fd):  # its writer is gone
        try:
          os.remove(path)
        except FileNotFoundError:
          pass
    finally:
      os.close(fd)


class WriterLock:
  """Holds ``<target>.varscope-lock`` exclusively, or raises ``CheckpointError`` at once."""

  def __init__(self, target: str, *, what: str = "checkpoint"):
    self.target = target
    self.what = what
    self.path = target + LOCK_SUFFIX
    self._fd = None

  def __enter__(self):
    while True:
      fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
      if not _try_lock(fd):
        os.close(fd)
        raise CheckpointError(
          f"Another process is writing the {self.what} {self.target} now (it holds "
          f"{self.path}). Two writers of one {self.what} would mix their files: wait for "
          "it to finish, or write somewhere else.",
          path=self.target,
        )
      try:
        same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
      except FileNotFoundError:
        same = False
      if same:  # not a lock file its previous holder has just unlinked
        self._fd = fd
        return self
      os.close(fd)

  def __exit__(self, *exc):
    try:
      os.remove(self.path)
    except FileNotFoundError:
      pass
    os.close(self._fd)
    self._fd = None


def is_locked(target: str) -> bool:
  """Whether a living writer holds ``target``'s :class:`WriterLock` (a dead writer's lock
  file is removed). For writers only: the look takes the lock for a moment."""
  try:
    fd = os.open(target + LOCK_SUFFIX, os.O_RDONLY)
  except OSError:
    return False
  try:
    if not _try_lock(fd):
      return True
    try:
      if os.stat(target + LOCK_SUFFIX).st_ino == os.fstat(fd).st_ino:
        os.remove(target + LOCK_SUFFIX)
    except FileNotFoundError:
      pass
    return False
  finally:
    os.close(fd)
