"""The orbax side of ``checkpoint.py``: what is written, where steps are, how reads are planned.

Layout: a checkpoint is an orbax *composite* checkpoint with an item ``params`` (the
nested params dict, so orbax's own tools read it) and, if saved, an item ``opt_state``
(any pytree), plus orbax's own metadata files. A folder of steps holds ``<step>/``
checkpoints, as ``orbax.checkpoint.CheckpointManager`` writes them.

Restoring compares the names, shapes and dtypes first (from orbax's metadata, reading no
array data), reports every difference in one ``ValueError``, then reads only the arrays it
needs, each placed with the target leaf's ``.sharding``. Anything orbax or tensorstore
raises while reading is a ``CheckpointError`` naming the checkpoint.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from typing import Any, Mapping

import jax
import numpy as np
import orbax.checkpoint as ocp
import tensorstore
from etils import epath

from varscope_jax._src.base import errors
from varscope_jax._src.io import durable
from varscope_jax._src.io.orbax import atomic
from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.io.errors import CheckpointError
from varscope_jax._src.io.host_values import to_device
from varscope_jax._src.io.rename import apply_rename, compile_rename
from varscope_jax._src.params.checks import checked_leaves

PARAMS = "params"
_BARRIERS = itertools.count()
OPT_STATE = "opt_state"
_ORBAX_FILES = ("_CHECKPOINT_METADATA", "_METADATA", "commit_success.txt")
_64_BIT = {np.dtype(np.int64), np.dtype(np.uint64), np.dtype(np.float64), np.dtype(np.complex128)}


# ---------------------------------------------------------------------------
# Writing.


def check_params(params) -> dict[str, Any]:
  """``{name: leaf}``, refusing what orbax would store ambiguously or cannot store."""
  flat = checked_leaves(params)
  dotted: dict[str, str] = {}
  for name, leaf in flat.items():
    dtype = np.dtype(leaf.dtype)
    try:
      tensorstore.dtype(dtype.name)
    except ValueError:
      raise TypeError(
        f"Variable {name} has dtype {dtype.name}, which orbax (tensorstore) "
        "cannot store. Cast it (e.g. uint4 -> uint8, float8_e4m3 -> "
        "float8_e4m3fn) or leave it out."
      ) from None
    # orbax names leaves by their path joined with '.': 'a.b/c' and 'a/b.c' would collide.
    key = name.replace("/", ".")
    if key in dotted:
      raise ValueError(
        f"Variables {dotted[key]} and {name} are both stored by orbax as "
        f"{key!r}. Rename one of them (avoid '.' in scope names)."
      )
    dotted[key] = name
  return flat


def check_step(step) -> int:
  if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
    raise TypeError(
      f"step must be an int, got {step!r} ({type(step).__name__}): orbax names "
      "step folders by integers, so any other step would be saved where no "
      "restore finds it."
    )
  if step < 0:
    raise ValueError(
      f"step must be >= 0, got {step}: orbax lists only non-negative steps, "
      "so it would be saved where no restore finds it."
    )
  return int(step)


def save_args(params, opt_state) -> ocp.args.Composite:
  check_params(params)
  items = {PARAMS: ocp.args.PyTreeSave(params)}
  if opt_state is not None:
    items[OPT_STATE] = ocp.args.PyTreeSave(opt_state)
  return ocp.args.Composite(**items)


def write(path: str, args: ocp.args.Composite, shown: str | None = None) -> None:
  """One composite checkpoint into the new folder ``path`` (orbax's own tmp + rename);
  errors name ``shown`` (the checkpoint ``path`` stands for), default ``path``."""
  if is_primary() and not atomic.is_remote(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
  try:
    ocp.Checkpointer(ocp.CompositeCheckpointHandler()).save(epath.Path(path), args=args)
  except Exception as e:  # tensorstore's bare ValueError on a full disk, among others
    raise unwritable(shown or path, e) from None


def unwritable(path: str, error: BaseException) -> CheckpointError:
  """What orbax or tensorstore raised while writing ``path``, naming it."""
  if isinstance(error, CheckpointError):
    return error
  if isinstance(error, OSError):
    return durable.disk_error(path, error)
  first = (str(error).strip().splitlines() or [""])[0][:500]
  return CheckpointError(
    f"Could not write checkpoint {path} ({type(error).__name__}: "
    f"{first}). If the disk is full, free space and save again; the "
    "previous checkpoint there, if any, is intact.",
    path=path,
  )


def is_primary() -> bool:
  """Whether this process is the one that renames and deletes folders (multi-host)."""
  return jax.process_index() == 0


def barrier(name: str) -> None:
  """Waits for every process (multi-host); each call gets its own key, in call order."""
  if jax.process_count() > 1:
    ocp.multihost.sync_global_processes(f"{name}:{next(_BARRIERS)}")


def replace(path: str, args: ocp.args.Composite, *, locked: bool = False) -> None:
  """Writes the checkpoint ``args`` and swaps it in for ``path`` (``atomic.py``)."""
  if atomic.is_remote(path):  # no atomic rename on object stores: orbax's overwrite
    ocp.Checkpointer(ocp.CompositeCheckpointHandler()).save(epath.Path(path), args=args, force=True)
    return
  atomic.replace_folder(
    path, lambda tmp: write(tmp, args, path), primary=is_primary(), barrier=barrier, locked=locked
  )


# ---------------------------------------------------------------------------
# Paths.


def is_checkpoint(path: str) -> bool:
  return (epath.Path(path) / PARAMS).is_dir()


def foreign_entries(path: str) -> list[str]:
  """What a folder holds besides a checkpoint's own items and orbax's metadata files."""
  return sorted(
    p.name + ("/" if p.is_dir() else "")
    for p in epath.Path(path).iterdir()
    if not (p.name in (PARAMS, OPT_STATE) and p.is_dir() or p.name in _ORBAX_FILES and p.is_file())
  )


# orbax logs (through absl, at WARNING) that a manager opened read_only is read only. It
# is opened so to list and read steps, so that one notice is dropped while it is made;
# every other message passes.
_READ_ONLY_NOTICE = "Given directory is read only=%s"


class _DropReadOnlyNotice(logging.Filter):
  def filter(self, record: logging.LogRecord) -> bool:
    return record.msg != _READ_ONLY_NOTICE


@contextlib.contextmanager
def _quiet_read_only_notice():
  logger, notice = logging.getLogger("absl"), _DropReadOnlyNotice()
  logger.addFilter(notice)
  try:
    yield
  finally:
    logger.removeFilter(notice)


def manager(
  directory: str, *, read_only=False, save_interval_steps: int = 1, **options
) -> ocp.CheckpointManager:
  """orbax's manager of ``directory``. It never deletes anything itself: half-written
  steps are removed by :func:`recover_steps` (skipping steps a living writer holds), and
  ``max_to_keep`` by ``CheckpointManager`` (``atomic.remove_atomically``)."""
  manager_options = ocp.CheckpointManagerOptions(
    max_to_keep=None,
    create=not read_only,
    read_only=read_only,
    save_interval_steps=0 if read_only else save_interval_steps,  # orbax warns otherwise
    cleanup_tmp_directories=False,
    enable_async_checkpointing=False,
    **options,
  )
  with contextlib.ExitStack() as stack:
    if read_only:
      stack.enter_context(_quiet_read_only_notice())
    return ocp.CheckpointManager(
      epath.Path(directory), options=manager_options, item_names=(PARAMS, OPT_STATE)
    )


def interrupted_steps(directory: str) -> dict[int, str]:
  """``{step: folder}`` of steps whose overwrite was interrupted (``<step>`` missing)."""
  out: dict[int, str] = {}
  if atomic.is_remote(directory) or not os.path.isdir(directory):
    return out
  for name in os.listdir(directory):
    base, dot, suffix = name.partition(".")
    if base.isdigit() and dot and "." + suffix in (atomic.NEW, atomic.OLD):
      found = atomic.readable(os.path.join(directory, base))
      if found is not None and found != os.path.join(directory, base):
        out[int(base)] = found
  return out


def recover_steps(directory: str) -> None:
  """Finishes every interrupted overwrite of a step in ``directory``, and removes orbax's
  half-written steps (writers only; the primary process, then a barrier)."""
  if atomic.is_remote(directory) or not os.path.isdir(directory) or not is_primary():
    barrier("varscope_jax:recover_steps")
    return
  for name in os.listdir(directory):
    base, dot, _ = name.partition(".")
    if base.isdigit() and dot and not durable.is_locked(os.path.join(directory, base)):
      atomic.recover(os.path.join(directory, base))  # our swap's leftovers
      atomic.remove_orbax_tmp(directory, base)  # a new step orbax never finished
  barrier("varscope_jax:recover_steps")


def all_steps(directory: str, reader: ocp.CheckpointManager | None = None) -> dict[int, str]:
  """``{step: folder}`` of the finished steps, an interrupted overwrite's included
  (``reader``: a read-only manager of ``directory`` to reload, instead of a new one)."""
  for attempt in range(5):
    try:
      if reader is None:
        reader = manager(directory, read_only=True)
      else:
        reader.reload()
      listed = reader.all_steps()
      break
    except Exception as e:  # a step deleted (max_to_keep) while orbax read its metadata
      if attempt == 4:
        raise CheckpointError(
          f"Cannot list the steps of {directory}: they kept changing "
          f"while being read ({type(e).__name__}: {e}).",
          path=directory,
        ) from None
  steps = {s: str(epath.Path(directory) / str(s)) for s in listed}
  steps.update(interrupted_steps(directory))
  return steps


def step_path(directory, step: int | None) -> str:
  """The folder of one checkpoint: ``directory`` itself, or ``directory/<step>``."""
  directory = atomic.absolute(directory)
  if step is None:
    found = atomic.readable(directory)
    if found is not None and is_checkpoint(found):
      return found
  if not epath.Path(directory).is_dir():
    raise CheckpointError(
      f"No checkpoint at {directory}: the folder does not exist. Check "
      "the path (save_checkpoint makes the folder).",
      path=directory,
    )
  steps = all_steps(directory)
  if step is None:
    if not steps:
      raise CheckpointError(
        f"No checkpoint in {directory}: it holds neither a checkpoint nor finished steps "
        "(half-written '*.orbax-checkpoint-tmp-*' folders are not checkpoints).",
        path=directory,
      )
    step = max(steps)
  elif check_step(step) not in steps:
    raise CheckpointError(
      f"No step {step} in {directory}. Steps there: {sorted(steps)}.", path=directory
    )
  return steps[step]


# ---------------------------------------------------------------------------
# Reading.


def removed_while_read(path: str) -> CheckpointError:
  return CheckpointError(
    f"Checkpoint {path} was removed while it was being read (a writer's max_to_keep "
    "deletes old steps, or it was overwritten): read the latest step again.",
    path=path,
  )


def _describe(shape, dtype) -> str:
  return f"{np.dtype(dtype).name}{list(shape)}"


def _leaf_sharding(leaf):
  sharding = getattr(leaf, "sharding", None)
  return sharding if isinstance(sharding, jax.sharding.Sharding) else None


def _restore_args(shape, dtype, sharding):
  dtype = np.dtype(dtype)
  if dtype in _64_BIT and jax.dtypes.canonicalize_dtype(dtype) != dtype:
    return ocp.RestoreArgs(restore_type=np.ndarray)  # checked by to_device, not cast
  if sharding is None:
    sharding = jax.sharding.SingleDeviceSharding(jax.devices()[0])
  return ocp.ArrayRestoreArgs(sharding=sharding, global_shape=tuple(shape), dtype=dtype)


def _unreadable(path: str, error: BaseException) -> CheckpointError:
  if not os.path.exists(path) and not atomic.is_remote(path):
    return removed_while_read(path)
  first = (str(error).strip().splitlines() or [""])[0][:500]
  return CheckpointError(
    f"Checkpoint {path} cannot be read (corrupt or incomplete): {type(error).__name__}: {first}",
    path=path,
  )


def _plan(path: str, target, rename, partial):
  """Matches checkpoint names to target names: ``(item, restore_args, keep, renamed)``."""
  try:
    stored = ocp.PyTreeCheckpointHandler().metadata(epath.Path(path) / PARAMS).tree
    stored_flat = list(params_lib.flatten(stored))
    for _, meta in stored_flat:  # metadata a corrupt file may lack
      tuple(meta.shape), np.dtype(meta.dtype)
  except Exception as e:  # anything orbax or tensorstore raises on a bad file
    raise _unreadable(path, e) from None
  rules = compile_rename(rename)
  by_new_name: dict[str, tuple[str, Any]] = {}  # new name -> (checkpoint name, metadata)
  for name, meta in stored_flat:
    new_name = apply_rename(name, rules)
    if new_name is None:
      continue
    if new_name in by_new_name:
      raise ValueError(errors.rename_collision(by_new_name[new_name][0], name, new_name))
    by_new_name[new_name] = (name, meta)
  if target is None:
    wanted = {
      n: (n2, m, _restore_args(m.shape, m.dtype, None)) for n, (n2, m) in by_new_name.items()
    }
    return wanted, {}
  if not isinstance(target, Mapping):
    raise TypeError(
      f"target must be a params tree (nested dict of arrays or "
      f"jax.ShapeDtypeStruct), got {type(target).__name__}."
    )
  target_flat = dict(params_lib.flatten(target))
  missing, mismatched, no_value = [], [], []
  wanted: dict[str, tuple[str, Any, Any]] = {}
  keep: dict[str, Any] = {}
  for name, leaf in target_flat.items():
    if name not in by_new_name:
      if partial and not isinstance(leaf, jax.ShapeDtypeStruct):
        keep[name] = leaf
      elif partial:
        no_value.append(name)
      else:
        missing.append(name)
      continue
    stored_name, meta = by_new_name[name]
    shape, dtype = tuple(leaf.shape), np.dtype(leaf.dtype)
    if tuple(meta.shape) != shape or np.dtype(meta.dtype) != dtype:
      source = "" if stored_name == name else f" (checkpoint name {stored_name})"
      mismatched.append(
        f"{name}{source}: checkpoint {_describe(meta.shape, meta.dtype)}, "
        f"target {_describe(shape, dtype)}"
      )
      continue
    wanted[name] = (stored_name, meta, _restore_args(shape, dtype, _leaf_sharding(leaf)))
  extra = (
    []
    if partial
    else sorted(
      f"{stored}" + ("" if stored == new else f" (renamed {new})")
      for new, (stored, _) in by_new_name.items()
      if new not in target_flat
    )
  )
  if missing or mismatched or no_value or extra:
    lines = [f"Checkpoint {path} does not match the target params:"]
    if missing:
      lines.append(f"  missing from the checkpoint ({len(missing)}): " + ", ".join(missing))
    if no_value:
      lines.append(
        f"  missing from the checkpoint, and the target is a ShapeDtypeStruct with "
        f"no value to keep ({len(no_value)}): " + ", ".join(no_value)
      )
    if extra:
      lines.append(f"  in the checkpoint but not the target ({len(extra)}): " + ", ".join(extra))
    if mismatched:
      lines.append(f"  shape or dtype differs ({len(mismatched)}):")
      lines.extend("    " + m for m in mismatched)
    lines.append(
      "Fix: restore with partial=True to skip checkpoint extras and keep the target's "
      "own values for missing names; map old names with rename={'^old/(.*)': "
      "r'new/\\1'}; cast or reshape mismatched variables yourself after a "
      "target=None restore."
    )
    raise ValueError("\n".join(lines))
  return wanted, keep


def _opt_state_args(opt_state_target):
  def one(leaf):
    if not hasattr(leaf, "shape") or not hasattr(leaf, "dtype"):
      return ocp.RestoreArgs()
    return _restore_args(leaf.shape, leaf.dtype, _leaf_sharding(leaf))

  abstract = jax.tree.map(
    lambda x: (
      jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=_leaf_sharding(x))
      if hasattr(x, "shape") and hasattr(x, "dtype")
      else x
    ),
    opt_state_target,
  )
  return ocp.args.PyTreeRestore(item=abstract, restore_args=jax.tree.map(one, opt_state_target))


def restore_path(path: str, target, opt_state, rename, partial):
  try:
    return _restore_path(path, target, opt_state, rename, partial)
  except FileNotFoundError:
    raise removed_while_read(path) from None


def _restore_path(path: str, target, opt_state, rename, partial):
  wanted, keep = _plan(path, target, rename, partial)
  item, args = {}, {}
  for stored_name, meta, restore_args in wanted.values():
    item[stored_name] = jax.ShapeDtypeStruct(
      tuple(meta.shape), np.dtype(meta.dtype), sharding=getattr(restore_args, "sharding", None)
    )
    args[stored_name] = restore_args
  composite = {}
  if item:
    composite[PARAMS] = ocp.args.PyTreeRestore(
      item=params_lib.unflatten(item), restore_args=params_lib.unflatten(args), partial_restore=True
    )
  if opt_state is not None:
    if not (epath.Path(path) / OPT_STATE).is_dir():
      raise CheckpointError(
        f"Checkpoint {path} has no optimizer state: it was saved without opt_state=. "
        "Restore without opt_state= and call optimizer.init(params).",
        path=path,
      )
    composite[OPT_STATE] = _opt_state_args(opt_state)
  try:
    restored = (
      ocp.Checkpointer(ocp.CompositeCheckpointHandler()).restore(
        epath.Path(path), args=ocp.args.Composite(**composite)
      )
      if composite
      else {}
    )
  except Exception as e:  # anything orbax or tensorstore raises on a bad file
    raise _unreadable(path, e) from None
  out = dict(keep)
  if item:
    stored_flat = dict(params_lib.flatten(restored[PARAMS]))
    for name, (stored_name, meta, _) in wanted.items():
      if stored_name not in stored_flat:
        raise CheckpointError(
          f"Checkpoint {path}: {stored_name} is in its metadata but was "
          "not restored (corrupt or incomplete).",
          path=path,
          tensor=stored_name,
        )
      value = stored_flat[stored_name]
      if isinstance(value, np.ndarray):  # 64-bit values restored to the host first
        value = to_device(value, stored_name, path)
      if tuple(value.shape) != tuple(meta.shape):
        raise CheckpointError(
          f"Checkpoint {path}: {stored_name} was read with shape "
          f"{value.shape}, but its metadata says {tuple(meta.shape)}.",
          path=path,
          tensor=stored_name,
        )
      out[name] = value
  if target is not None:  # keep the target's order
    out = {name: out[name] for name, _ in params_lib.flatten(target)}
  params = params_lib.unflatten(out)
  if opt_state is not None:
    return params, restored[OPT_STATE]
  return params
