"""``load_tf1_optimizer_state``: a TF1 checkpoint's optimizer slots as an optax state.

The state of every ``vs.tf1_optimizers`` transform inside ``tx`` (alone, in a chain, or
masked) is filled from the checkpoint: each slot field (``m``, ``v``, ``rms`` ...) for
each variable from ``<variable>/<name>[_N]`` (``N`` from TF's slot order, see
``tf1_slots.py``), Adam's ``beta1_power`` / ``beta2_power``, and the step ``count`` from
``global_step``.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Sequence

import jax
import numpy as np
import optax

from varscope_jax._src.io.tf1.bundle_format import DTYPES
from varscope_jax._src.io.tf1.reader import Bundle
from varscope_jax._src.io.tf1.slots import TensorKind, classify
from varscope_jax._src.optim.tf1_states import AdamState, TF1OptimizerState

logger = logging.getLogger("varscope_jax")


def leaf_names(tree) -> list[tuple[str, object]]:
  """``[(scoped name, leaf)]`` of a slot tree (a params-shaped dict; masked leaves skipped)."""
  out = []
  for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
    keys = []
    for key in path:
      if isinstance(key, jax.tree_util.DictKey):
        keys.append(str(key.key))
      elif isinstance(key, jax.tree_util.GetAttrKey):
        keys.append(key.name)
      else:
        keys.append(str(getattr(key, "idx", key)))
    out.append(("/".join(keys), leaf))
  return out


def _global_step_name(bundle: Bundle, name: str | None) -> str | None:
  """The run's step tensor, by ``tf.train.get_global_step``'s rules on a checkpoint.

  TF finds the variable ``get_or_create_global_step`` made (``global_step``, or
  ``<scope>/global_step`` when made inside a variable scope); a checkpoint has no
  collections, so: ``name`` if given, else ``global_step``, else the one integer scalar
  named ``<scope>/global_step``; several are an error naming them."""
  entries = bundle.entries
  if name is not None:
    if name not in entries:
      raise ValueError(f"load_tf1_optimizer_state: global_step={name!r} is not in {bundle.prefix}.")
    return name
  if "global_step" in entries:
    return "global_step"
  found = sorted(
    n
    for n, e in entries.items()
    if n.endswith("/global_step")
    and e.shape == ()
    and np.issubdtype(DTYPES.get(e.dtype, np.float32), np.integer)
  )
  if len(found) > 1:
    raise ValueError(
      f"load_tf1_optimizer_state: {bundle.prefix} holds several global steps "
      f"({', '.join(found)}); pass the run's one, e.g. global_step={found[0]!r}."
    )
  return found[0] if found else None


class _Loader:
  """Reads one checkpoint's slots for the TF1 states found in a state tree."""

  def __init__(self, path, params, strict: bool, beta_powers, global_step):
    self.bundle = Bundle(path)
    self.entries = self.bundle.entries
    self.strict = strict
    self.beta_powers = beta_powers
    self.param_names = {name for name, _ in leaf_names(params)}
    self.step_name = _global_step_name(self.bundle, global_step)
    self.count = None
    if self.step_name is not None:
      self.count = int(self.bundle.read(self.step_name))
    else:
      logger.warning(
        "load_tf1_optimizer_state(%s): the checkpoint has no global step (no "
        "'global_step' or '<scope>/global_step' integer scalar); the step count starts "
        "at 0. If the run kept its step under another name, pass global_step='<name>'.",
        self.bundle.prefix,
      )

  def kinds(self, state: TF1OptimizerState) -> dict[str, TensorKind]:
    names = {state.name: state.DEFAULT_NAME} if state.name != state.DEFAULT_NAME else {}
    return classify({n: (e.shape,) for n, e in self.entries.items()}, names)

  def fill(self, state: TF1OptimizerState) -> TF1OptimizerState:
    prefix, name = self.bundle.prefix, state.name
    kinds = self.kinds(state)
    by_variable: dict[str, dict[int, str]] = {}
    for tensor, kind in kinds.items():
      if kind.kind == "slot" and kind.name == name:
        by_variable.setdefault(kind.variable, {})[kind.index] = tensor
    slot_fields = state.slot_names()
    updates = {}
    for i, field in enumerate(slot_fields):
      leaves = []
      tree = getattr(state, field)
      for var, leaf in leaf_names(tree):
        tensor = self._slot_tensor(by_variable, var, i, field, slot_fields, state)
        value = self.bundle.read(tensor)
        if (
          value.shape != tuple(leaf.shape)
          or jax.dtypes.canonicalize_dtype(value.dtype) != leaf.dtype
        ):
          raise ValueError(
            f"load_tf1_optimizer_state: slot {tensor} in {prefix} is "
            f"{value.dtype}{list(value.shape)} but variable {var} of params is "
            f"{leaf.dtype}{list(leaf.shape)}. Pass the params this checkpoint was "
            "trained with (vs.load_tf1_checkpoint gives them)."
          )
        leaves.append(jax.device_put(value))
      treedef = jax.tree_util.tree_structure(tree)
      updates[field] = jax.tree_util.tree_unflatten(treedef, leaves)
    extra = sorted(v for v in by_variable if v not in self.param_names)
    if extra and self.strict and slot_fields:
      raise ValueError(
        f"load_tf1_optimizer_state: {prefix} holds {state.OPTIMIZER} (name={name}) "
        f"slots of {len(extra)} variable(s) that params does not have: "
        f"{', '.join(extra[:8])}{' ...' if len(extra) > 8 else ''}. The optimizer "
        "state is for a different params tree; pass the params the checkpoint was "
        "trained with, or strict=False to load the slots of params' variables only."
      )
    if isinstance(state, AdamState):
      powers = self._beta_powers(kinds, by_variable)
      for field, tensor in zip(("beta1_power", "beta2_power"), powers):
        value = self.bundle.read(tensor)
        if value.shape != ():
          raise ValueError(
            f"load_tf1_optimizer_state: {tensor} in {prefix} has shape "
            f"{list(value.shape)}; Adam's beta powers are scalars."
          )
        updates[field] = jax.device_put(value.astype(np.asarray(getattr(state, field)).dtype))
    if self.count is not None:
      updates["count"] = jax.device_put(np.asarray(self.count, np.int32))
    return dataclasses.replace(state, **updates)

  def _slot_tensor(self, by_variable, var, i, field, slot_fields, state) -> str:
    prefix, name = self.bundle.prefix, state.name
    found = by_variable.get(var, {})
    tf_name = f"{var}/{name}" + (f"_{i}" if i else "")
    if len(found) > len(slot_fields):
      raise ValueError(
        f"load_tf1_optimizer_state: variable {var} has {len(found)} {name} slots in "
        f"{prefix} ({', '.join(found[k] for k in sorted(found))}) but "
        f"{state.OPTIMIZER} keeps {len(slot_fields)} ({', '.join(slot_fields)}): the "
        "checkpoint holds several optimizers with this name, or another kind of "
        "optimizer (a centered RMSProp has 3 slots, a plain one 2)."
      )
    if i not in found:
      have = ", ".join(found[k] for k in sorted(found)) or "none"
      if var == self.step_name:
        pop = "".join(f"[{k!r}]" for k in var.split("/")[:-1])
        raise ValueError(
          f"load_tf1_optimizer_state: params holds the global step {var}; "
          f"take it out first (step = params{pop}.pop('global_step'))."
        )
      raise ValueError(
        f"load_tf1_optimizer_state: variable {var} has no slot {field!r} of "
        f"{state.OPTIMIZER} (name={name}) in {prefix}: TF would name it {tf_name} "
        f"(its {name} slots there: {have}). Was the checkpoint written by another "
        "optimizer, or with another name= (pass the same name= to the transform)?"
      )
    return found[i]

  def _beta_powers(self, kinds, by_variable) -> tuple[str, str]:
    prefix = self.bundle.prefix
    if self.beta_powers is not None:
      for tensor in self.beta_powers:
        if tensor not in self.entries:
          raise ValueError(
            f"load_tf1_optimizer_state: beta_powers names {tensor}, which is not in {prefix}."
          )
      return tuple(self.beta_powers)
    found = {
      which: sorted(t for t, k in kinds.items() if k.slot == which)
      for which in ("beta1_power", "beta2_power")
    }
    if not found["beta1_power"] or not found["beta2_power"]:
      raise ValueError(
        f"load_tf1_optimizer_state: {prefix} has no beta1_power / "
        "beta2_power (AdamOptimizer's bias-correction powers). Was it "
        "written by another optimizer?"
      )
    if len(found["beta1_power"]) == 1 and len(found["beta2_power"]) == 1:
      return found["beta1_power"][0], found["beta2_power"][0]
    pairs = [
      (b1, b1.replace("beta1_power", "beta2_power"))
      for b1 in found["beta1_power"]
      if b1.replace("beta1_power", "beta2_power") in found["beta2_power"]
    ]
    raise ValueError(
      f"load_tf1_optimizer_state: {prefix} holds the beta powers of several "
      f"AdamOptimizers ({', '.join(found['beta1_power'] + found['beta2_power'])}); "
      "pass this optimizer's pair, one of: "
      + " or ".join(f"beta_powers={pair!r}" for pair in pairs)
      + " (TF makes them in the name scope where minimize ran, _1, _2 ... in the order "
      "the optimizers were made)."
    )


def load_tf1_optimizer_state(
  path,
  tx,
  params,
  *,
  strict: bool = True,
  beta_powers: Sequence[str] | None = None,
  global_step: str | None = None,
):
  """``tx``'s optimizer state, read from a TF1 training checkpoint's slots.

  ``tx.init(params)`` gives the state's structure; each TF1 optimizer state in it
  (``vs.tf1_optimizers.adam(...)`` alone, inside ``optax.chain``, ``masked`` or
  ``multi_transform``) is filled from the checkpoint: slot ``field`` of variable ``var``
  from the tensor TF names ``<var>/<name>[_N]`` (``name`` is the transform's ``name=``,
  ``N`` TF's slot order: Adam ``m`` then ``v``), Adam's powers from ``beta1_power`` and
  ``beta2_power``, and ``count`` from the run's global step, so that schedules
  continue: ``global_step``, or, as ``tf.train.get_global_step`` finds a step made by
  ``get_or_create_global_step()`` inside a variable scope, the one integer scalar
  ``<scope>/global_step`` (with none, the count starts at 0 and a warning says so).
  The next steps then equal TF's next steps.

  Args:
    path: the checkpoint prefix or a folder with a ``checkpoint`` file.
    tx: an optax ``GradientTransformation`` built from ``vs.tf1_optimizers`` with the
      hyperparameters the TF1 run used.
    params: the params tree (from ``vs.load_tf1_checkpoint``, or of the same names and
      shapes) the optimizer updates; only its structure, shapes and dtypes are used.
    strict: if ``True`` (default), slots of this optimizer for variables not in
      ``params`` are an error (the state would belong to a different params tree);
      ``False`` loads the slots of ``params``' variables only.
    beta_powers: the names of this Adam's ``beta1_power`` and ``beta2_power`` when the
      checkpoint holds several Adams' (``("second/beta1_power",
      "second/beta2_power")``).
    global_step: the name of the run's step tensor, when it is neither ``global_step``
      nor the checkpoint's one ``<scope>/global_step``.

  Returns:
    ``tx``'s state, with the checkpoint's values.

  Raises:
    ValueError: if a variable of ``params`` lacks a slot, a slot's shape or dtype differs
      from its variable's, the checkpoint has slots of variables ``params`` lacks
      (``strict``), the beta powers are missing or ambiguous, or ``tx`` holds no TF1
      optimizer state. Each names the tensor and the fix.

  >>> import os, optax, varscope_jax as vs
  >>> ckpt = os.path.join("tests", "tf1_train", "data", "adam")
  >>> params = vs.load_tf1_checkpoint(ckpt)
  >>> step = int(params.pop("global_step"))
  >>> tx = vs.tf1_optimizers.adam(learning_rate=0.01)
  >>> state = vs.load_tf1_optimizer_state(ckpt, tx, params)
  >>> step, int(state.count), state.m["model"]["fc1"]["w"].shape
  (3, 3, (3, 4))
  """
  if not isinstance(tx, optax.GradientTransformation):
    raise TypeError(
      f"load_tf1_optimizer_state: tx must be an optax GradientTransformation "
      f"(e.g. vs.tf1_optimizers.adam(0.001)), got {type(tx).__name__}."
    )
  found = []

  def is_state(x):
    return isinstance(x, TF1OptimizerState)

  state = tx.init(params)
  loader = _Loader(path, params, strict, beta_powers, global_step)

  def fill(node):
    if is_state(node):
      found.append(node)
      return loader.fill(node)
    return node

  state = jax.tree_util.tree_map(fill, state, is_leaf=is_state)
  if not found:
    raise ValueError(
      "load_tf1_optimizer_state: tx's state holds no TF1 optimizer state. Build tx "
      "from vs.tf1_optimizers (adam, momentum, rmsprop, adagrad, adadelta, "
      "gradient_descent) with the TF1 run's hyperparameters: optax's own optimizers "
      "keep state TF1 checkpoints do not have."
    )
  return state
