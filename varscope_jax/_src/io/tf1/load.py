"""``load_tf1_checkpoint`` / ``list_tf1_checkpoint``: TF1 checkpoints into params trees.

The bundle format is read by ``tensor_bundle.py`` (no TensorFlow, no protobuf); which
tensors are model variables, optimizer slots, EMA shadows or bookkeeping is decided by
``tf1_slots.py`` from TF's own naming rules.
"""

from __future__ import annotations

import logging
import re
from typing import Mapping, NamedTuple

import jax.numpy as jnp

from varscope_jax._src.base import errors
from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.io.host_values import to_device
from varscope_jax._src.io.rename import apply_rename, compile_rename
from varscope_jax._src.io.tf1.bundle_format import DTYPES, TF_DTYPE_NAMES
from varscope_jax._src.io.tf1.reader import Bundle
from varscope_jax._src.io.tf1.slots import EMA, TensorKind, classify, describe_left_out

logger = logging.getLogger("varscope_jax")


class TF1Tensor(NamedTuple):
  """One entry of ``list_tf1_checkpoint``: a tensor's shape, dtype and what it is.

  Attributes:
    shape: the full shape (a partitioned variable's, not a slice's).
    dtype: a numpy dtype (``object`` for TF strings, ``ml_dtypes.bfloat16``), or TF's
      dtype name (a ``str``) for dtypes numpy cannot hold (``qint8``, ``resource`` ...).
    kind: ``"variable"``, ``"slot"`` (optimizer slot or EMA shadow), ``"value
      average"`` (an EMA shadow of a value that is not a variable, e.g. a loss),
      ``"bookkeeping"`` (``beta1_power``, ``beta2_power``, ``global_step`` or
      ``<scope>/global_step``, EMA's ``biased`` / ``local_step``), ``"orphan slot"``
      (named as an optimizer's slot of a variable the checkpoint lacks) or ``"unknown
      slot"`` (stored under a variable's name with a suffix no known optimizer uses).
    variable: the variable a slot belongs to; ``None`` otherwise.
    optimizer: TF's class of the slot's optimizer (``"AdamOptimizer"``,
      ``"ExponentialMovingAverage"``); ``None`` otherwise.
    slot: TF's slot name (``"m"``, ``"v"``, ``"rms"``, ``"momentum"``, ``"average"``
      ...), or the bookkeeping tensor's role (``"beta1_power"``, ``"global_step"``).

  >>> import numpy as np
  >>> t = TF1Tensor((3, 4), np.dtype("float32"), "slot", "model/w", "AdamOptimizer", "m")
  >>> t.shape, t.kind, t.slot
  ((3, 4), 'slot', 'm')
  """

  shape: tuple[int, ...]
  dtype: object
  kind: str
  variable: str | None = None
  optimizer: str | None = None
  slot: str | None = None


def _kinds(bundle: Bundle, optimizer_names) -> dict[str, TensorKind]:
  return classify({name: (entry.shape,) for name, entry in bundle.entries.items()}, optimizer_names)


def list_tf1_checkpoint(
  path, *, optimizer_names: Mapping[str, str | None] | None = None
) -> dict[str, TF1Tensor]:
  """Lists a TF1 checkpoint's tensors and what each is, reading only its ``.index`` file.

  Args:
    path: the checkpoint prefix (``.../model.ckpt``) or a folder with a ``checkpoint``
      file, as ``tf.train.latest_checkpoint`` would read.
    optimizer_names: ``{name: TF default name}`` for optimizers created with another
      ``name=`` (``{"MyAdam": "Adam"}``), so their slots are recognised; ``None`` as a
      value makes tensors ending in ``/<name>`` ordinary variables.

  Returns:
    ``{name: TF1Tensor(shape, dtype, kind, variable, optimizer, slot)}``, sorted by name.
    A partitioned variable (and its slots) is listed once, with its full shape.

  Raises:
    ValueError: if no checkpoint is found or the index is corrupt.

  >>> import os
  >>> listing = list_tf1_checkpoint(os.path.join("tests", "tf1_train", "data", "adam"))
  >>> listing["model/fc1/w"]
  TF1Tensor(shape=(3, 4), dtype=dtype('float32'), kind='variable', variable=None, optimizer=None, slot=None)
  >>> listing["model/fc1/w/Adam_1"][2:]
  ('slot', 'model/fc1/w', 'AdamOptimizer', 'v')
  >>> listing["beta1_power"].kind, listing["global_step"].kind
  ('bookkeeping', 'bookkeeping')
  """
  bundle = Bundle(path)
  kinds = _kinds(bundle, optimizer_names)
  return {
    name: TF1Tensor(
      entry.shape,
      DTYPES.get(entry.dtype) or TF_DTYPE_NAMES.get(entry.dtype, f"enum {entry.dtype}"),
      kinds[name].kind,
      kinds[name].variable,
      kinds[name].optimizer,
      kinds[name].slot,
    )
    for name, entry in sorted(bundle.entries.items())
  }


def _check_recognised(kinds: Mapping[str, TensorKind], prefix: str) -> None:
  for name, kind in kinds.items():
    if kind.kind == "orphan slot":
      last = name.rpartition("/")[2]
      fixed = kind.name == "AdamWeightDecayOptimizer"  # bert: <variable>/adam_m, adam_v
      key = last if fixed else kind.name
      rule = f"<variable>/{last}" if fixed else f"<variable>/{kind.name}[_N]"
      raise ValueError(
        f"Tensor {name} in {prefix} is named as a slot of {kind.optimizer} (TF names "
        f"slots {rule}) of variable {kind.variable}, which is not in the checkpoint. "
        f"Drop it with rename={{'^{re.escape(name)}$': None}}; if {key!r} is part of a model "
        f"variable's name, not an optimizer's, pass optimizer_names={{{key!r}: None}}."
      )
    if kind.kind == "unknown slot":
      raise ValueError(
        f"Tensor {name} in {prefix} is stored under variable {kind.variable}, as TF1 "
        f"stores optimizer slots (<variable>/<optimizer name>[_N]), but {kind.name!r} "
        f"is not a TF1 optimizer's name. If an optimizer was created with "
        f"name={kind.name!r}, pass optimizer_names={{{kind.name!r}: 'Adam'}} (its "
        f"default name); to drop the tensor, rename={{'^{re.escape(name)}$': None}}."
      )


def _is_float(bundle: Bundle, name: str) -> bool:
  """TF's moving averages take half, bfloat16, float and double variables only."""
  dtype = DTYPES.get(bundle.entries[name].dtype)
  return dtype is not None and jnp.issubdtype(dtype, jnp.floating)


def _ema_sources(kinds, selected: list[str], ema, bundle: Bundle, strict: bool) -> dict:
  """``{variable: its shadow tensor}`` for ``ema=True`` / ``ema="<name>"``."""
  names = {k.name for k in kinds.values() if k.kind == "slot" and k.optimizer == EMA}
  if isinstance(ema, str):
    wanted = ema
  elif len(names) > 1:
    raise ValueError(
      f"ema=True: {bundle.prefix} holds shadows of several moving averages "
      f"({', '.join(sorted(names))}); pick one: "
      + " or ".join(f"ema={n!r}" for n in sorted(names))
      + "."
    )
  else:
    wanted = next(iter(names), EMA)
  shadows = {
    k.variable: name
    for name, k in kinds.items()
    if k.kind == "slot" and k.optimizer == EMA and k.name == wanted and k.index == 0
  }
  missing = [
    name
    for name in selected
    if name not in shadows and kinds[name].kind == "variable" and _is_float(bundle, name)
  ]
  if missing and strict:
    raise ValueError(
      f"ema=True: {len(missing)} variable(s) have no {wanted} shadow "
      f"(<variable>/{wanted}) in {bundle.prefix}: {', '.join(missing)}. TF1's "
      "ema.variables_to_restore() restores variables without a moving average "
      "(batch-norm statistics, counters) under their own names: pass "
      "ema_strict=False to keep their own values."
    )
  return shadows


def load_tf1_checkpoint(
  path,
  rename: Mapping[str, str | None] | None = None,
  *,
  as_numpy: bool = False,
  ema: bool | str = False,
  ema_strict: bool = True,
  include_slots: bool = False,
  optimizer_names: Mapping[str, str | None] | None = None,
) -> dict:
  """Loads a TF1 checkpoint's model variables into a params tree, without TensorFlow.

  A training checkpoint holds more than the model: TF1 optimizers' slots
  (``<variable>/Adam``, ``<variable>/Adam_1``, ``<variable>/Momentum``, ...), Adam's
  ``beta1_power`` / ``beta2_power`` and ``ExponentialMovingAverage`` shadows. These are
  recognised by TF's own naming rules (see ``list_tf1_checkpoint``) and left out, and
  one line on the ``varscope_jax`` logger (level WARNING) says what was left out
  (``vs.load_tf1_optimizer_state`` reads the slots). ``global_step`` is kept, as a
  ``params["global_step"]`` leaf (``params.pop("global_step")`` takes it out).
  Moving averages of values that are not variables (TF1 GAN code averages its losses:
  ``discriminator_loss/Mean/ExponentialMovingAverage``) and EMA's zero-debias
  ``biased`` / ``local_step`` are left out and reported on that line too.
  Partitioned variables are reassembled from their slices into one full tensor. All
  data is checked against the crc32c stored in the index.

  Args:
    path: the checkpoint prefix (``.../model.ckpt``, the name before ``.index``) or a
      folder holding a ``checkpoint`` file, whose ``model_checkpoint_path:`` line names
      the prefix (relative to that folder unless absolute).
    rename: optional ``{regex: new_name}``, tried in order on each full checkpoint name
      that is kept; the first regex that matches (``re.search``) rewrites it with
      ``re.sub(regex, new_name, name, count=1)``. A ``None`` new name drops the tensor
      before anything else looks at it (it is not read, and not checked as a slot).
      Unmatched names are kept.
    as_numpy: return numpy arrays instead of ``jax.Array`` (keeps 64-bit values exact
      when ``jax_enable_x64`` is off).
    ema: ``True`` (or the moving average's ``name=``) loads each variable's
      ``ExponentialMovingAverage`` shadow under the variable's own name, as TF1
      evaluation code restores with ``ema.variables_to_restore()``.
    ema_strict: with ``ema``, a float variable without a shadow is an error (the
      default) or, if ``False``, keeps its own value (as TF does for variables outside
      the moving averages: batch-norm statistics). Integer variables (``global_step``)
      keep their own values either way.
    include_slots: keep the slots and bookkeeping tensors too (every tensor, as TF
      stores them; rename them so they fit in one tree, e.g.
      ``{"^(.*)/Adam$": r"adam_m/\\1"}``).
    optimizer_names: ``{name: TF default name}`` for optimizers made with another
      ``name=`` (``{"MyAdam": "Adam"}``); ``None`` as a value makes tensors ending in
      ``/<name>`` ordinary variables.

  Returns:
    A nested params dict: ``model/fc1/w`` is ``params["model"]["fc1"]["w"]``. Numeric
    tensors are ``jax.Array`` (or numpy with ``as_numpy=True``); ``DT_STRING`` tensors are
    always numpy ``object`` arrays of ``bytes``.

  Raises:
    ValueError: if the checkpoint is missing or corrupt (bad magic, block or data
      crc32c), holds a dtype with no numpy equivalent (drop it with ``rename``), a tensor
      named as a slot of a variable it does not hold, a tensor under a variable's name
      with no optimizer's suffix, a variable with no shadow under ``ema=True``, two names
      are renamed to one, or one name is both a variable and a scope.

  >>> import os
  >>> params = load_tf1_checkpoint(os.path.join("tests", "tf1_ckpt", "data"),
  ...                              rename={"^model/(.*)": r"net/\\1", "vocab": None})
  >>> params["net"]["fc1"]["w"].shape, int(params["global_step"])
  ((3, 4), 1234)
  >>> ckpt = os.path.join("tests", "tf1_train", "data", "ema", "model.ckpt")
  >>> sorted(load_tf1_checkpoint(ckpt)["model"]["fc1"])    # no Adam slots, no shadows
  ['b', 'w']
  >>> averaged = load_tf1_checkpoint(ckpt, ema=True)       # the shadows, as variables
  """
  if not isinstance(ema, (bool, str)) or ema == "":
    raise TypeError(
      f"ema must be True, False or the moving average's name= (a non-empty str), got {ema!r}."
    )
  if isinstance(ema, str):
    optimizer_names = {ema: EMA, **(optimizer_names or {})}
  rules = compile_rename(rename)
  bundle = Bundle(path)
  kinds = _kinds(bundle, optimizer_names)
  # A name the rename drops is never read, checked or reported as left out.
  dropped = {name for name in kinds if apply_rename(name, rules) is None}
  kinds = {name: kind for name, kind in kinds.items() if name not in dropped}
  if include_slots:
    selected = sorted(kinds)
  else:
    _check_recognised(kinds, bundle.prefix)
    selected = [
      name for name, kind in kinds.items() if kind.kind == "variable" or kind.slot == "global_step"
    ]
  sources = {name: name for name in selected}
  notes = []
  if ema:
    shadows = _ema_sources(kinds, selected, ema, bundle, ema_strict)
    kept = [
      name
      for name in selected
      if name not in shadows and _is_float(bundle, name) and kinds[name].kind == "variable"
    ]
    sources.update({name: shadows[name] for name in selected if name in shadows})
    if kept:
      notes.append(
        f"{len(kept)} variable(s) without a shadow keep their own values: " + ", ".join(kept)
      )
  used = set(sources.values())
  left_out = [name for name in kinds if name not in used and name not in sources]
  if left_out and not include_slots:
    notes.insert(
      0,
      "left out "
      + describe_left_out(kinds, left_out)
      + " (vs.load_tf1_optimizer_state reads optimizer slots, ema=True the "
      "moving averages)",
    )
  if dropped:
    notes.append(f"{len(dropped)} tensor(s) dropped by rename")
  if notes:
    logger.warning("load_tf1_checkpoint(%s): %s.", bundle.prefix, "; ".join(notes))
  out: dict[str, object] = {}
  source: dict[str, str] = {}
  for name in selected:
    new_name = apply_rename(name, rules)
    if new_name is None:
      continue
    if new_name in source:
      raise ValueError(errors.rename_collision(source[new_name], name, new_name))
    source[new_name] = name
    value = bundle.read(sources[name])
    if not as_numpy and value.dtype != object:
      value = to_device(value, name, bundle.prefix)  # 64-bit values: never wrapped
    out[new_name] = value
  return params_lib.unflatten(out)
