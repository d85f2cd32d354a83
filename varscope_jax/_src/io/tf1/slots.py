"""Which tensors of a TF1 checkpoint are variables, optimizer slots or bookkeeping.

TF's own naming rules decide, not guesses (``tensorflow/python/training``):

* ``slot_creator.create_slot*`` makes each slot with
  ``variable_scope(None, default_name=<primary>/<optimizer name>)``: the first slot of a
  variable is ``<variable>/<name>``, the next ``<variable>/<name>_1``, ``_2`` ... in the
  order the optimizer's ``_create_slots`` makes them (Adam: ``m``, ``v``; RMSProp: ``rms``,
  ``mg`` if centered, ``momentum``; ...), prefixed by the variable scope the optimizer ran
  in, if any (``second/<variable>/Adam``). ``<name>`` is the optimizer's ``name=``
  (``Adam``, ``Momentum``, ``RMSProp``, ``Adagrad``, ``Adadelta``, ``Ftrl``,
  ``ProximalAdagrad``, ``AdagradDA``; ``ExponentialMovingAverage`` for EMA shadows).
* A partitioned variable's slots are saved, as the variable itself, as slices of one
  full tensor named after the full variable: ``<variable>/Adam``.
* ``AdamOptimizer._create_slots`` also makes the non-slot variables ``beta1_power`` and
  ``beta2_power`` (``VariableV1``: the current name scope, ``_N`` if taken);
  ``get_or_create_global_step`` makes ``global_step`` (``<scope>/global_step`` when
  called inside a variable scope).
* ``ExponentialMovingAverage.apply`` also averages values that are not variables (TF1
  GAN code averages its losses): the shadow of a tensor is ``<op name>/<name>``
  (``discriminator_loss/Mean/ExponentialMovingAverage``), and with ``zero_debias`` TF
  adds ``<shadow>/biased`` and ``<shadow>/local_step``. Such a shadow has no variable to
  belong to: it is a "value average", left out and reported, never an error.

bert-tensorflow's ``AdamWeightDecayOptimizer`` (BERT's ``optimization.py``) names its
slots ``<variable>/adam_m`` and ``<variable>/adam_v`` with ``get_variable``, whatever its
``name=``, and keeps no powers.

An optimizer made with another ``name=`` is recognised once told which optimizer that
name belongs to (``optimizer_names={"MyAdam": "Adam"}``); a tensor stored under a
variable's name with a suffix that is no optimizer's (``<variable>/foo``) is reported
as an unknown slot, never guessed.
"""

from __future__ import annotations

import re
from typing import Mapping, NamedTuple

# TF's default optimizer name= -> (class, slot names in _create_slots order; variants).
OPTIMIZERS: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
  "Adam": ("AdamOptimizer", (("m", "v"),)),
  "Momentum": ("MomentumOptimizer", (("momentum",),)),
  "RMSProp": ("RMSPropOptimizer", (("rms", "momentum"), ("rms", "mg", "momentum"))),
  "Adagrad": ("AdagradOptimizer", (("accumulator",),)),
  "Adadelta": ("AdadeltaOptimizer", (("accum", "accum_update"),)),
  "Ftrl": ("FtrlOptimizer", (("accum", "linear"),)),
  "ProximalAdagrad": ("ProximalAdagradOptimizer", (("accumulator",),)),
  "AdagradDA": ("AdagradDAOptimizer", (("gradient_accumulator", "gradient_squared_accumulator"),)),
  "ExponentialMovingAverage": ("ExponentialMovingAverage", (("average",),)),
}
EMA = "ExponentialMovingAverage"
# bert-tensorflow's optimization.AdamWeightDecayOptimizer (BERT pre-training and
# fine-tuning) makes its slots with get_variable(<variable>/adam_m, <variable>/adam_v),
# whatever its name=; index = the slot's position in the state (m, v).
BERT_ADAM = "AdamWeightDecayOptimizer"
FIXED_SLOTS = {"adam_m": (BERT_ADAM, "m", 0), "adam_v": (BERT_ADAM, "v", 1)}
_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<n>[1-9][0-9]*)$")
_BETA_POWER = re.compile(r"^(?:(?P<scope>.+)/)?(?P<which>beta[12]_power)(?:_[1-9][0-9]*)?$")


class TensorKind(NamedTuple):
  """What one checkpoint tensor is, by TF's naming rules.

  Attributes:
    kind: ``"variable"`` (a model variable), ``"slot"`` (an optimizer slot or EMA
      shadow), ``"value average"`` (an EMA shadow of a value that is not a variable,
      such as a loss), ``"bookkeeping"`` (``beta1_power``, ``beta2_power``,
      ``global_step``, EMA's zero-debias ``biased`` / ``local_step``), ``"orphan slot"``
      (named as an optimizer's slot of a variable the checkpoint lacks) or ``"unknown
      slot"`` (stored under a variable, with no known optimizer's suffix).
    variable: for slots, the variable it belongs to (for an orphan, the name TF's rule
      gives, absent from the checkpoint); else ``None``.
    optimizer: TF's class (``"AdamOptimizer"``, ``"ExponentialMovingAverage"``) for
      slots and beta powers; else ``None``.
    name: the optimizer's ``name=`` (the slot suffix: ``"Adam"``, ``"MyAdam"``).
    slot: TF's slot name (``"m"``, ``"v"``, ``"rms"``, ``"average"``,
      ``"beta1_power"``); ``"slot <n>"`` where TF's order does not say.
    index: the slot's ``_N`` suffix (0 for none).

  >>> TensorKind("slot", "model/w", "AdamOptimizer", "Adam", "v", 1).slot
  'v'
  """

  kind: str
  variable: str | None = None
  optimizer: str | None = None
  name: str | None = None
  slot: str | None = None
  index: int = 0


def resolve_names(optimizer_names: Mapping[str, str | None] | None) -> dict[str, str | None]:
  """``{slot suffix: TF default optimizer name or None}`` (known names plus the user's).

  >>> resolve_names({"MyAdam": "Adam", "Momentum": None})["MyAdam"]
  'Adam'
  """
  if optimizer_names is not None and not isinstance(optimizer_names, Mapping):
    raise TypeError(
      "optimizer_names must be a dict {slot suffix: TF1 optimizer name or None}, e.g. "
      f"{{'MyAdam': 'Adam'}}; got {optimizer_names!r}."
    )
  names: dict[str, str | None] = {name: name for name in OPTIMIZERS}
  for custom, default in (optimizer_names or {}).items():
    if default is not None and default not in OPTIMIZERS:
      raise ValueError(
        f"optimizer_names[{custom!r}] = {default!r} is not a TF1 optimizer's default "
        f"name; use one of {sorted(OPTIMIZERS)} (or None to treat tensors ending in "
        f"/{custom} as ordinary variables)."
      )
    names[custom] = default
  return names


def _parse_last(last: str, names: Mapping[str, str | None]) -> tuple[str, int] | None:
  """``(optimizer name=, _N index)`` if ``last`` is a slot suffix of a known name."""
  if names.get(last):
    return last, 0
  match = _SUFFIX.match(last)
  if match and names.get(match.group("base")):
    return match.group("base"), int(match.group("n"))
  return None


_DEBIAS = ("biased", "local_step")  # assign_moving_average(zero_debias=True)'s variables


def _is_ema_shadow(name: str, names: Mapping[str, str | None]) -> bool:
  head, _, last = name.rpartition("/")
  parsed = _parse_last(last, names) if head else None
  return parsed is not None and names[parsed[0]] == EMA


def _primary(prefix: str, tensors) -> str | None:
  """The variable of a slot stored under ``prefix``: itself, or its longest tail that is
  a tensor (a slot made inside ``variable_scope('s')`` is ``s/<variable>/<name>``)."""
  if prefix in tensors:
    return prefix
  parts = prefix.split("/")
  for i in range(1, len(parts)):
    tail = "/".join(parts[i:])
    if tail in tensors:
      return tail
  return None


def classify(tensors: Mapping[str, tuple], optimizer_names=None) -> dict[str, TensorKind]:
  """``{name: TensorKind}`` for every tensor of a checkpoint (``{name: (shape, ...)}``).

  >>> kinds = classify({"w": ((2,),), "w/Adam": ((2,),), "w/Adam_1": ((2,),),
  ...                   "beta1_power": ((),), "global_step": ((),)})
  >>> kinds["w/Adam_1"].slot, kinds["beta1_power"].kind, kinds["w"].kind
  ('v', 'bookkeeping', 'variable')
  """
  names = resolve_names(optimizer_names)
  out: dict[str, TensorKind] = {}
  slots: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
  for tensor, info in tensors.items():
    shape = info[0]
    if (tensor == "global_step" or tensor.endswith("/global_step")) and shape == ():
      out[tensor] = TensorKind("bookkeeping", slot="global_step")
      continue
    beta = _BETA_POWER.match(tensor)
    if beta and shape == () and "Adam" in names.values():
      out[tensor] = TensorKind("bookkeeping", optimizer="AdamOptimizer", slot=beta.group("which"))
      continue
    prefix, _, last = tensor.rpartition("/")
    if last in _DEBIAS and _is_ema_shadow(prefix, names):
      out[tensor] = TensorKind(
        "bookkeeping", variable=prefix, optimizer=EMA, name=prefix.rpartition("/")[2], slot=last
      )
      continue
    if prefix and last in FIXED_SLOTS and names.get(last, "") is not None:
      cls, slot, index = FIXED_SLOTS[last]
      primary = _primary(prefix, tensors)
      kind = "slot" if primary else "orphan slot"
      out[tensor] = TensorKind(kind, primary or prefix, cls, cls, slot, index)
      continue
    parsed = _parse_last(last, names) if prefix else None
    if parsed is None:
      if prefix in tensors and names.get(last, "") is not None:
        out[tensor] = TensorKind("unknown slot", variable=prefix, name=last)
      continue
    name, index = parsed
    primary = _primary(prefix, tensors)
    if primary is None and names[name] == EMA:
      out[tensor] = TensorKind(
        "value average", variable=prefix, optimizer=EMA, name=name, slot="average", index=index
      )
      continue
    if primary is None:
      out[tensor] = TensorKind(
        "orphan slot", variable=prefix, optimizer=OPTIMIZERS[names[name]][0], name=name, index=index
      )
      continue
    scope = prefix[: len(prefix) - len(primary)]
    slots.setdefault((primary, name, scope), []).append((index, tensor))
  for (primary, name, _), found in slots.items():
    default = names[name]
    cls, variants = OPTIMIZERS[default]
    count = len(found)
    fits = [v for v in variants if count % len(v) == 0]
    roles = fits[0] if len(fits) == 1 else None
    for index, tensor in sorted(found):
      slot = roles[index % len(roles)] if roles and index < count else f"slot {index}"
      out[tensor] = TensorKind("slot", primary, cls, name, slot, index)
  for tensor in tensors:
    out.setdefault(tensor, TensorKind("variable"))
  return {tensor: out[tensor] for tensor in sorted(tensors)}


def describe_left_out(kinds: Mapping[str, TensorKind], left_out) -> str:
  """One line: what ``load_tf1_checkpoint`` left out, grouped by optimizer and slot.

  >>> kinds = classify({"w": ((2,),), "w/Adam": ((2,),), "w/Adam_1": ((2,),),
  ...                   "beta1_power": ((),), "beta2_power": ((),)})
  >>> describe_left_out(kinds, ["w/Adam", "w/Adam_1", "beta1_power", "beta2_power"])
  '2 slots of AdamOptimizer (name=Adam: m, v) for 1 variable; bookkeeping: beta1_power, beta2_power'
  """
  groups: dict[tuple[str, str], tuple[set, list, list]] = {}
  bookkeeping, averaged = [], []
  for tensor in left_out:
    kind = kinds[tensor]
    if kind.kind == "value average":
      averaged.append(kind.variable)
      continue
    if kind.kind == "slot":
      variables, slot_names, count = groups.setdefault(
        (kind.optimizer, kind.name), (set(), [], [0])
      )
      variables.add(kind.variable)
      count[0] += 1
      if kind.slot not in slot_names:
        slot_names.append(kind.slot)
    else:
      bookkeeping.append(tensor)
  parts = []
  for (cls, name), (variables, slot_names, count) in groups.items():
    what = "shadows" if cls == EMA else "slots"
    plural = "variable" if len(variables) == 1 else "variables"
    parts.append(
      f"{count[0]} {what} of {cls} (name={name}: {', '.join(slot_names)}) "
      f"for {len(variables)} {plural}"
    )
  if averaged:
    parts.append(
      f"{len(averaged)} moving average(s) of values that are not variables ({', '.join(averaged)})"
    )
  if bookkeeping:
    parts.append("bookkeeping: " + ", ".join(bookkeeping))
  return "; ".join(parts)
