"""``save_tf1_checkpoint``: a params tree as a TF1 checkpoint that TF's ``Saver`` restores."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import jax
import numpy as np

from varscope_jax._src.io import durable
from varscope_jax._src.io.tf1.optimizer_state import leaf_names
from varscope_jax._src.io.tf1.writer import write_bundle
from varscope_jax._src.params.checks import checked_leaves
from varscope_jax._src.optim.tf1_states import (
  AdamState,
  AdamWeightDecayState,
  TF1OptimizerState,
)


def _slot_tensors(opt_state) -> dict[str, object]:
  """``{TF name: value}`` of the slots (and Adam's powers) of the TF1 states in ``opt_state``."""
  states: list[TF1OptimizerState] = []

  def collect(node):
    if isinstance(node, TF1OptimizerState):
      states.append(node)
    return node

  jax.tree_util.tree_map(collect, opt_state, is_leaf=lambda x: isinstance(x, TF1OptimizerState))
  if not states:
    raise ValueError(
      "save_tf1_checkpoint: opt_state holds no TF1 optimizer state (make "
      "it with a vs.tf1_optimizers transform): nothing TF1 could restore."
    )
  if sum(isinstance(s, AdamState) for s in states) > 1:
    raise ValueError(
      "save_tf1_checkpoint: opt_state holds several AdamStates; TF1 would "
      "name all their powers beta1_power / beta2_power. Save one at a time."
    )
  out: dict[str, object] = {}
  for state in states:
    for i, field in enumerate(state.slot_names()):
      for var, leaf in leaf_names(getattr(state, field)):
        if isinstance(state, AdamWeightDecayState):
          tensor = f"{var}/adam_{field}"
        else:
          tensor = f"{var}/{state.name}" + (f"_{i}" if i else "")
        if tensor in out:
          raise ValueError(
            f"save_tf1_checkpoint: two optimizer states write {tensor}; "
            "give them different name= (as TF1 would need too)."
          )
        out[tensor] = leaf
    if isinstance(state, AdamState):
      out["beta1_power"], out["beta2_power"] = state.beta1_power, state.beta2_power
  return out


def _reserved(name: str) -> str | None:
  if name.startswith("\x00"):
    return (
      "TF1 bundles keep names starting with '\\x00' for the slices of partitioned "
      "variables, so TF and varscope_jax would not read it back as a variable."
    )
  return None


def _remove_leftovers(prefix: str) -> None:
  """Removes what killed writers of ``prefix`` or ``prefix-<step>`` left: temporaries,
  lock files and data files without their index, of prefixes no living writer holds."""
  durable.remove_stale(prefix)
  folder, base = os.path.split(os.path.abspath(prefix))
  pattern = re.compile(
    re.escape(base) + r"(-\d+)?(\.data-\d{5}-of-\d{5}|" + re.escape(durable.LOCK_SUFFIX) + ")"
  )
  for name in os.listdir(folder):
    match = pattern.fullmatch(name)
    if match is None:
      continue
    owner = os.path.join(folder, base + (match.group(1) or ""))
    if durable.is_locked(owner):
      continue
    if match.group(2).startswith(".data") and not os.path.exists(owner + ".index"):
      try:
        os.remove(os.path.join(folder, name))
      except FileNotFoundError:
        pass


def _state_lines(folder: str, new: str) -> str:
  """The ``checkpoint`` file: ``new`` first, older entries whose files still exist kept."""
  old: list[str] = []
  state = os.path.join(folder, "checkpoint")
  if os.path.exists(state):
    with open(state) as f:
      for match in re.finditer(r'^all_model_checkpoint_paths:\s*"(.*)"\s*$', f.read(), re.M):
        path = match.group(1).encode("latin-1").decode("unicode_escape")
        full = path if os.path.isabs(path) else os.path.join(folder, path)
        if path != new and path not in old and os.path.exists(full + ".index"):
          old.append(path)

  def quote(path):
    return path.replace("\\", "\\\\").replace('"', '\\"')

  lines = [f'model_checkpoint_path: "{quote(new)}"']
  lines += [f'all_model_checkpoint_paths: "{quote(p)}"' for p in old + [new]]
  return "\n".join(lines) + "\n"


def save_tf1_checkpoint(prefix, params, step: int | None = None, *, opt_state=None) -> str:
  """Writes ``params`` as a TF1 (V2) checkpoint, without TensorFlow.

  Writes ``<prefix>.index`` and ``<prefix>.data-00000-of-00001`` (a tensor bundle, as
  ``tf.compat.v1.train.Saver`` writes) and updates the folder's ``checkpoint`` file, so
  ``Saver.restore(sess, prefix)``, ``tf.train.load_checkpoint`` and
  ``tf.train.latest_checkpoint(folder)`` read it: a TF1 graph built with the same scoped
  names restores a model trained in JAX. Each leaf is saved under its scoped name
  (``params["model"]["fc1"]["w"]`` as ``model/fc1/w``), in its own dtype.

  Args:
    prefix: the checkpoint prefix, ``.../model.ckpt``; its folder is created if needed.
    params: a nested dict of arrays (``jax.Array``, numpy, Python numbers; numpy
      ``object`` arrays of ``bytes``/``str`` are saved as TF strings).
    step: if given, the files are ``<prefix>-<step>.*`` (as ``Saver.save(...,
      global_step=step)`` names them) and an int64 ``global_step`` tensor is saved, which
      ``tf.compat.v1.train.get_or_create_global_step()`` restores.
    opt_state: an optax state holding ``vs.tf1_optimizers`` states (alone or in a
      chain): their slots are saved under TF's names (``<variable>/Adam``,
      ``<variable>/Adam_1``, ...; BERT's ``<variable>/adam_m``), with Adam's
      ``beta1_power`` / ``beta2_power``, so that TF1's optimizer resumes from them.

  Overwriting an existing prefix is atomic: the new data files are written under names
  the old index does not use (one or two shards, alternately), fsynced, and the new index
  is renamed over the old one as the single commit point; a writer killed (or a machine
  losing power) at any moment leaves the old or the new checkpoint loadable, by TF too.

  Returns:
    The prefix written (``prefix`` or ``prefix-<step>``), as ``Saver.save`` returns.

  Raises:
    TypeError: if a leaf's dtype has no TF equivalent (the error names the variable).
    ValueError: if ``params`` holds a ``global_step`` that differs from ``step``, or a
      slot name of ``opt_state`` is taken (by a variable or another state), or two
      leaves get one name (``{"a/b": x, "a": {"b": y}}``), a name has an empty part or
      starts with ``"\\x00"`` (TF's slice keys) -- all checked before anything is written.
    CheckpointError: if a file cannot be written (a full disk) or another process is
      writing the same prefix, naming the file; the previous checkpoint is intact.

  >>> import os, tempfile, jax.numpy as jnp, varscope_jax as vs
  >>> folder = tempfile.mkdtemp()
  >>> params = {"model": {"fc1": {"w": jnp.ones((3, 4)), "b": jnp.zeros(4)}}}
  >>> path = vs.save_tf1_checkpoint(os.path.join(folder, "model.ckpt"), params, step=100)
  >>> os.path.basename(path)
  'model.ckpt-100'
  >>> back = vs.load_tf1_checkpoint(folder)       # the folder's `checkpoint` file
  >>> back["model"]["fc1"]["w"].shape, int(back["global_step"])
  ((3, 4), 100)
  >>> tx = vs.tf1_optimizers.momentum(0.1, momentum=0.9)
  >>> path = vs.save_tf1_checkpoint(os.path.join(folder, "model.ckpt"), params, step=101,
  ...                               opt_state=tx.init(params))
  >>> vs.list_tf1_checkpoint(path)["model/fc1/w/Momentum"].slot
  'momentum'
  """
  if not isinstance(params, Mapping):
    raise TypeError(
      f"save_tf1_checkpoint: params must be a mapping (a nested dict of arrays, "
      f"as transform(...).init returns), got {type(params).__name__}."
    )
  if step is not None and (
    isinstance(step, (bool, np.bool_)) or not isinstance(step, (int, np.integer))
  ):
    raise TypeError(
      f"save_tf1_checkpoint: step must be an int (the global step) or None, got {step!r}."
    )
  prefix = os.fspath(prefix)
  tensors: dict[str, np.ndarray] = {}
  leaves = checked_leaves(
    params,
    "save_tf1_checkpoint: params",
    allow_empty=True,
    flat_names=True,
    numbers=True,
    strings=True,
    reserved=_reserved,
  )
  for name, leaf in leaves.items():
    tensors[name] = np.asarray(jax.device_get(leaf))
  if opt_state is not None:
    for name, leaf in _slot_tensors(opt_state).items():
      if name in tensors:
        raise ValueError(
          f"save_tf1_checkpoint: the optimizer slot {name} has the name of "
          "a variable in params; rename that variable."
        )
      tensors[name] = np.asarray(jax.device_get(leaf))
  if step is not None:
    step = int(step)
    if "global_step" in tensors and int(tensors["global_step"]) != step:
      raise ValueError(
        f"save_tf1_checkpoint: params['global_step'] is "
        f"{int(tensors['global_step'])} but step={step}; pass one of them."
      )
    tensors["global_step"] = np.asarray(step, np.int64)
  base_prefix = prefix
  if step is not None:
    prefix = f"{prefix}-{step}"
  folder = os.path.dirname(os.path.abspath(prefix))
  try:
    os.makedirs(folder, exist_ok=True)
  except OSError as e:
    raise durable.disk_error(folder, e, "create the folder") from None
  with durable.WriterLock(prefix, what="TF1 checkpoint"):
    _remove_leftovers(base_prefix)
    write_bundle(prefix, tensors)
    state = os.path.join(folder, "checkpoint")
    durable.remove_stale(state)
    try:
      with durable.Temporary(state) as tmp:
        tmp.write_at(_state_lines(folder, os.path.basename(prefix)).encode(), 0)
        tmp.commit()
    except OSError as e:
      raise durable.disk_error(state, e) from None
  return prefix
