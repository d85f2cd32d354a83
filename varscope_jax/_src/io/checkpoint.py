"""Checkpoints of params trees (and optimizer state) with orbax, checked by scoped name.

Layout: a checkpoint is an orbax *composite* checkpoint with an item ``params`` (the
nested params dict, so orbax's own tools read it) and, if saved, an item ``opt_state``
(any pytree). ``save_checkpoint(dir, params)`` writes one checkpoint into ``dir``;
``save_checkpoint(dir, params, step)`` and :class:`CheckpointManager` write
``dir/<step>/``, as ``orbax.checkpoint.CheckpointManager`` does.

Writes are atomic: orbax writes into ``<name>.orbax-checkpoint-tmp-<time>`` and renames it
when complete, so a writer killed half way leaves an unlisted temporary folder and the
previous steps untouched. Nothing is pickled: orbax stores arrays with tensorstore and the
tree structure as JSON.

Restoring with a ``target`` compares the names, shapes and dtypes first (from orbax's
metadata, reading no array data), reports every difference in one ``ValueError``, then
reads only the arrays it needs, each placed with the target leaf's ``.sharding``.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

import jax
import numpy as np
import orbax.checkpoint as ocp
from etils import epath

from varscope_jax._src.base import params as params_lib
from varscope_jax._src.io.rename import apply_rename, compile_rename

PARAMS = "params"
OPT_STATE = "opt_state"


# ---------------------------------------------------------------------------
# Checks.

def _check_params(params) -> dict[str, Any]:
  """``{name: leaf}``, refusing what orbax would store ambiguously or pickle-free can't."""
  if not isinstance(params, Mapping):
    raise TypeError(f"params must be a nested dict of arrays (a params tree), got "
                    f"{type(params).__name__}.")
  flat = dict(params_lib.flatten(params))
  if not flat:
    raise ValueError("params is empty: there is nothing to save.")
  dotted: dict[str, str] = {}
  for name, leaf in flat.items():
    if not isinstance(leaf, (jax.Array, np.ndarray, np.generic)):
      raise TypeError(f"Variable {name} is a {type(leaf).__name__}, not an array. Checkpoints "
                      "hold arrays only: convert it with jnp.asarray, or leave it out.")
    if np.dtype(leaf.dtype) == object:
      raise TypeError(f"Variable {name} holds Python objects (dtype=object, e.g. TF strings). "
                      "Checkpoints hold numeric arrays only: leave it out of params.")
    # orbax names leaves by their path joined with '.': 'a.b/c' and 'a/b.c' would collide.
    key = name.replace("/", ".")
    if key in dotted:
      raise ValueError(f"Variables {dotted[key]} and {name} are both stored by orbax as "
                       f"{key!r}. Rename one of them (avoid '.' in scope names).")
    dotted[key] = name
  return flat


def _describe(shape, dtype) -> str:
  return f"{np.dtype(dtype).name}{list(shape)}"


def _restore_args(shape, dtype, sharding) -> ocp.ArrayRestoreArgs:
  if sharding is None:
    sharding = jax.sharding.SingleDeviceSharding(jax.devices()[0])
  return ocp.ArrayRestoreArgs(sharding=sharding, global_shape=tuple(shape), dtype=dtype)


def _leaf_sharding(leaf):
  sharding = getattr(leaf, "sharding", None)
  return sharding if isinstance(sharding, jax.sharding.Sharding) else None


# ---------------------------------------------------------------------------
# Paths.

def _is_checkpoint(path: epath.Path) -> bool:
  return (path / PARAMS).is_dir()


def _manager(directory, *, max_to_keep=None, read_only=False, **options) -> ocp.CheckpointManager:
  return ocp.CheckpointManager(
      epath.Path(directory),
      options=ocp.CheckpointManagerOptions(
          max_to_keep=max_to_keep, create=not read_only,
          enable_async_checkpointing=False, **options),
      item_names=(PARAMS, OPT_STATE))


def _step_path(directory, step: int | None) -> epath.Path:
  """The folder of one checkpoint: ``directory`` itself, or ``directory/<step>``."""
  directory = epath.Path(directory)
  if step is None and _is_checkpoint(directory):
    return directory
  if not directory.is_dir():
    raise ValueError(f"No checkpoint at {directory}: the folder does not exist.")
  steps = _manager(directory, read_only=True).all_steps()
  if step is None:
    if not steps:
      raise ValueError(f"No checkpoint in {directory}: it holds neither a checkpoint nor "
                       "finished steps (half-written '*.orbax-checkpoint-tmp-*' folders are "
                       "not checkpoints).")
    step = max(steps)
  elif step not in steps:
    raise ValueError(f"No step {step} in {directory}. Steps there: {sorted(steps)}.")
  return directory / str(step)


# ---------------------------------------------------------------------------
# Restore.

def _plan(path: epath.Path, target, rename, partial):
  """Matches checkpoint names to target names: ``(item, restore_args, keep, renamed)``."""
  stored = ocp.PyTreeCheckpointHandler().metadata(path / PARAMS).tree
  rules = compile_rename(rename)
  by_new_name: dict[str, tuple[str, Any]] = {}  # new name -> (checkpoint name, metadata)
  for name, meta in params_lib.flatten(stored):
    new_name = apply_rename(name, rules)
    if new_name is None:
      continue
    if new_name in by_new_name:
      raise ValueError(f"rename maps both {by_new_name[new_name][0]} and {name} to "
                       f"{new_name}. Make the rename patterns more specific.")
    by_new_name[new_name] = (name, meta)
  if target is None:
    wanted = {n: (n2, m, _restore_args(m.shape, m.dtype, None))
              for n, (n2, m) in by_new_name.items()}
    return wanted, {}
  if not isinstance(target, Mapping):
    raise TypeError(f"target must be a params tree (nested dict of arrays or "
                    f"jax.ShapeDtypeStruct), got {type(target).__name__}.")
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
      mismatched.append(f"{name}{source}: checkpoint {_describe(meta.shape, meta.dtype)}, "
                        f"target {_describe(shape, dtype)}")
      continue
    wanted[name] = (stored_name, meta, _restore_args(shape, dtype, _leaf_sharding(leaf)))
  extra = [] if partial else sorted(
      f"{stored}" + ("" if stored == new else f" (renamed {new})")
      for new, (stored, _) in by_new_name.items() if new not in target_flat)
  if missing or mismatched or no_value or extra:
    lines = [f"Checkpoint {path} does not match the target params:"]
    if missing:
      lines.append(f"  missing from the checkpoint ({len(missing)}): " + ", ".join(missing))
    if no_value:
      lines.append(f"  missing from the checkpoint, and the target is a ShapeDtypeStruct with "
                   f"no value to keep ({len(no_value)}): " + ", ".join(no_value))
    if extra:
      lines.append(f"  in the checkpoint but not the target ({len(extra)}): " + ", ".join(extra))
    if mismatched:
      lines.append(f"  shape or dtype differs ({len(mismatched)}):")
      lines.extend("    " + m for m in mismatched)
    lines.append("Fix: restore with partial=True to skip checkpoint extras and keep the target's "
                 "own values for missing names; map old names with rename={'^old/(.*)': "
                 "r'new/\\1'}; cast or reshape mismatched variables yourself after a "
                 "target=None restore.")
    raise ValueError("\n".join(lines))
  return wanted, keep


def _opt_state_args(opt_state_target):
  def one(leaf):
    if not hasattr(leaf, "shape") or not hasattr(leaf, "dtype"):
      return ocp.RestoreArgs()
    return _restore_args(leaf.shape, leaf.dtype, _leaf_sharding(leaf))
  abstract = jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=_leaf_sharding(x))
      if hasattr(x, "shape") and hasattr(x, "dtype") else x, opt_state_target)
  return ocp.args.PyTreeRestore(item=abstract, restore_args=jax.tree.map(one, opt_state_target))


def _restore_path(path: epath.Path, target, opt_state, rename, partial):
  wanted, keep = _plan(path, target, rename, partial)
  item, args = {}, {}
  for stored_name, _, restore_args in wanted.values():
    item[stored_name] = jax.ShapeDtypeStruct(restore_args.global_shape, restore_args.dtype,
                                             sharding=restore_args.sharding)
    args[stored_name] = restore_args
  composite = {}
  if item:
    composite[PARAMS] = ocp.args.PyTreeRestore(
        item=params_lib.unflatten(item), restore_args=params_lib.unflatten(args),
        partial_restore=True)
  if opt_state is not None:
    if not (path / OPT_STATE).is_dir():
      raise ValueError(f"Checkpoint {path} has no optimizer state: it was saved without "
                       "opt_state=. Restore without opt_state= and call optimizer.init(params).")
    composite[OPT_STATE] = _opt_state_args(opt_state)
  restored = ocp.Checkpointer(ocp.CompositeCheckpointHandler()).restore(
      path, args=ocp.args.Composite(**composite)) if composite else {}
  out = dict(keep)
  if item:
    stored_flat = dict(params_lib.flatten(restored[PARAMS]))
    for name, (stored_name, _, _) in wanted.items():
      out[name] = stored_flat[stored_name]
  if target is not None:  # keep the target's order
    out = {name: out[name] for name, _ in params_lib.flatten(target)}
  params = params_lib.unflatten(out)
  if opt_state is not None:
    return params, restored[OPT_STATE]
  return params


# ---------------------------------------------------------------------------
# Public API.

def _save_args(params, opt_state) -> ocp.args.Composite:
  _check_params(params)
  items = {PARAMS: ocp.args.PyTreeSave(params)}
  if opt_state is not None:
    items[OPT_STATE] = ocp.args.PyTreeSave(opt_state)
  return ocp.args.Composite(**items)


def save_checkpoint(directory, params, step: int | None = None, *, opt_state=None,
                    force: bool = False) -> str:
  """Saves a params tree (and optionally optimizer state) with orbax, atomically.

  Args:
    directory: where to write. With ``step=None`` the checkpoint is ``directory`` itself;
      with a step it is ``directory/<step>`` (the ``orbax.checkpoint.CheckpointManager``
      layout, so :func:`restore_checkpoint` finds the latest).
    params: a nested dict of arrays (``jax.Array`` or numpy).
    step: an optional training step number.
    opt_state: optional optimizer state (any pytree of arrays, e.g. an optax state).
    force: overwrite an existing checkpoint at the same place.

  Returns:
    The path written, as a string.

  Raises:
    ValueError: if the checkpoint exists and ``force`` is False, or params is empty.
    TypeError: if a leaf is not an array (naming the variable).

  >>> import tempfile, jax.numpy as jnp
  >>> d = tempfile.mkdtemp()
  >>> path = save_checkpoint(d, {"model": {"fc1": {"w": jnp.ones((3, 4))}}}, step=10)
  >>> restore_checkpoint(d)["model"]["fc1"]["w"].shape
  (3, 4)
  """
  args = _save_args(params, opt_state)
  if step is None:
    path = epath.Path(directory)
    if path.exists() and any(path.iterdir()) and not force:
      raise ValueError(f"{path} already exists and is not empty. Pass force=True to overwrite "
                       "it, or save with step=N to keep several checkpoints in it.")
    ocp.Checkpointer(ocp.CompositeCheckpointHandler()).save(path, args=args, force=True)
    return os.fspath(path)
  manager = CheckpointManager(directory)
  manager.save(step, params, opt_state, force=force, _even_if_skipped=True)
  manager.close()
  return os.fspath(epath.Path(directory) / str(step))


def restore_checkpoint(directory, target=None, *, step: int | None = None,
                       rename: Mapping[str, str | None] | None = None, partial: bool = False,
                       opt_state=None):
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
    ValueError: if there is no checkpoint, or the checkpoint does not match the target.

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
  path = _step_path(directory, step)
  return _restore_path(path, target, opt_state, rename, partial)


class CheckpointManager:
  """Keeps numbered checkpoints of params (and optimizer state) in one folder.

  A thin wrapper over ``orbax.checkpoint.CheckpointManager`` (synchronous saves) whose
  :meth:`restore` does the same name checks as :func:`restore_checkpoint`.

  Args:
    directory: the folder of steps (created if needed).
    max_to_keep: how many of the newest steps to keep (``None``: all).
    save_interval_steps: save only steps that are a multiple of this (unless forced).

  >>> import tempfile, jax.numpy as jnp
  >>> manager = CheckpointManager(tempfile.mkdtemp(), max_to_keep=2)
  >>> for step in range(3):
  ...   _ = manager.save(step, {"w": jnp.full(2, step)})
  >>> manager.all_steps(), manager.latest_step()
  ([1, 2], 2)
  >>> manager.restore()["w"]
  Array([2, 2], dtype=int32)
  >>> manager.close()
  """

  def __init__(self, directory, max_to_keep: int | None = None, *,
               save_interval_steps: int = 1):
    self.directory = epath.Path(directory)
    self._manager = _manager(directory, max_to_keep=max_to_keep,
                             save_interval_steps=save_interval_steps)

  def save(self, step: int, params, opt_state=None, *, force: bool = False,
           _even_if_skipped: bool = False) -> bool:
    """Saves step ``step``; returns whether it was saved.

    Like orbax, steps that are not a multiple of ``save_interval_steps`` or are older than
    the latest step are skipped (``False``) unless ``force=True``, which also overwrites
    an existing step.

    Raises:
      ValueError: if the step exists and ``force`` is False.
    """
    if step in self._manager.all_steps():
      if not force:
        raise ValueError(f"Step {step} already exists in {self.directory}. Pass force=True "
                         "to overwrite it, or save a new step.")
      self._manager.delete(step)
    return self._manager.save(step, args=_save_args(params, opt_state),
                              force=force or _even_if_skipped)

  def latest_step(self) -> int | None:
    """The newest finished step, or ``None``."""
    return self._manager.latest_step()

  def all_steps(self) -> list[int]:
    """The finished steps, oldest first (half-written ones are never listed)."""
    return sorted(self._manager.all_steps())

  def restore(self, step: int | None = None, target=None, *, rename=None,
              partial: bool = False, opt_state=None):
    """Restores ``step`` (default: the latest); arguments as :func:`restore_checkpoint`."""
    if step is None:
      step = self.latest_step()
      if step is None:
        raise ValueError(f"No checkpoint in {self.directory} yet: save a step first.")
    elif step not in self._manager.all_steps():
      raise ValueError(f"No step {step} in {self.directory}. Steps there: {self.all_steps()}.")
    return _restore_path(self.directory / str(step), target, opt_state, rename, partial)

  def wait_until_finished(self) -> None:
    self._manager.wait_until_finished()

  def close(self) -> None:
    self._manager.close()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.close()

