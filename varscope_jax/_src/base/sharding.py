"""Sharding rules: which ``PartitionSpec`` each variable gets, checked against the mesh.

Rules are ``[(regex, PartitionSpec), ...]``; the first whose regex ``re.search``es a
variable's full name wins. A scope's rules (``variable_scope(partition_rules=...)``) are
tried before ``transform(..., partition_rules=...)``'s. A variable no rule matches is
replicated. Without a mesh, rules are not used (one device). ``init`` makes every variable already sharded: the grouped initializers are
compiled with ``out_shardings``, so no device or host holds a whole sharded variable.
"""

from __future__ import annotations

import math
import re

import jax

from jax.sharding import Mesh, NamedSharding, PartitionSpec

from varscope_jax._src.base.shapes import shape_str


def _axes(entry):
  if entry is None:
    return ()
  if isinstance(entry, (tuple, list)):
    return tuple(entry)
  return (entry,)


def spec_for(name: str, shape, scope_rules, rules):
  """The ``(rule, PartitionSpec)`` for ``name``, or ``(None, PartitionSpec())``."""
  for rule_list in (scope_rules or (), rules or ()):
    for pattern, spec in rule_list:
      if re.search(pattern, name):
        return (pattern, spec), spec
  return None, PartitionSpec()


def check_divides(name: str, shape, spec: PartitionSpec, mesh: Mesh, rule) -> None:
  """Raises a ValueError naming the variable if ``spec`` cannot shard ``shape``."""
  if len(spec) > len(shape):
    raise ValueError(
      f"Variable {name} has shape {shape_str(shape)} (rank {len(shape)}), but "
      f"partition rule {rule[0]!r} gives {spec}, which has {len(spec)} entries. Give "
      "at most one entry per dimension."
    )
  for dim, (size, entry) in enumerate(zip(shape, spec)):
    axes = _axes(entry)
    for axis in axes:
      if axis not in mesh.shape:
        raise ValueError(
          f"Variable {name}: partition rule {rule[0]!r} names mesh axis {axis!r}, but "
          f"the mesh has axes {tuple(mesh.shape)}."
        )
    n = math.prod(mesh.shape[a] for a in axes)
    if n > 1 and size % n:
      raise ValueError(
        f"Variable {name} has shape {shape_str(shape)}; partition rule "
        f"{rule[0]!r} shards dimension {dim} (size {size}) over mesh axes {axes} "
        f"({n} devices), which does not divide it. Change the rule or the shape."
      )


def sharding_for(rec, mesh: Mesh | None, rules) -> NamedSharding | None:
  """The ``NamedSharding`` for a variable record (None when there is no mesh)."""
  if mesh is None:
    # Rules say how to shard *when* there is a mesh; model code that declares them
    # still runs on one device.
    return None
  rule, spec = spec_for(rec.op_name, rec.shape, rec.partition_rules, rules)
  if rule is not None:
    check_divides(rec.op_name, rec.shape, spec, mesh, rule)
  return NamedSharding(mesh, spec)


def constrain(value, sharding: NamedSharding):
  """Inside jit: lay ``value`` out as ``sharding`` (Auto or Explicit mesh axes)."""
  axis_types = getattr(sharding.mesh, "axis_types", ())
  explicit = [t for t in axis_types if "Explicit" in str(t)]
  if explicit and hasattr(jax.sharding, "reshard"):
    return jax.sharding.reshard(value, sharding)
  return jax.lax.with_sharding_constraint(value, sharding)


def check_rules(rules):
  """Validates ``[(regex, PartitionSpec), ...]``; returns it as a tuple (or None)."""
  if rules is None:
    return None
  out = []
  try:
    items = list(rules)
  except TypeError:
    raise TypeError(
      f"partition_rules must be a list of (regex, PartitionSpec) pairs, got {rules!r}."
    ) from None
  for item in items:
    if not (isinstance(item, tuple) and len(item) == 2):
      raise TypeError(
        f"partition_rules must be a list of (regex, PartitionSpec) pairs; got the entry {item!r}."
      )
    pattern, spec = item
    if isinstance(pattern, str):
      try:
        re.compile(pattern)
      except re.error as e:
        raise ValueError(f"partition_rules: {pattern!r} is not a valid regex: {e}") from None
    elif not isinstance(pattern, re.Pattern):
      raise TypeError(f"partition_rules: {pattern!r} must be a regex string.")
    if not isinstance(spec, PartitionSpec):
      raise TypeError(
        f"partition_rules: the rule for {pattern!r} must give a "
        f"jax.sharding.PartitionSpec, got {spec!r}."
      )
    out.append((pattern, spec))
  return tuple(out)
