"""Params trees: plain nested dicts keyed by the parts of scoped names.

Variable ``s1/s2/w`` is ``params["s1"]["s2"]["w"]``. The name is the one TF shows
(``v.op.name``), which is also the key TF1 writes in a checkpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator


def split(name: str) -> list[str]:
  return name.split("/")


def index_str(name: str) -> str:
  """``a/b/w`` -> ``["a"]["b"]["w"]`` (for messages)."""
  return "".join("[%r]" % part for part in split(name))


class NameTree:
  """Which names are leaves and which are scopes, to refuse ``a`` next to ``a/b``.

  ``add`` only records the leaf; the scopes of the leaves added since the last check
  are indexed when a check or ``remove`` needs them (in the order the leaves came), so a
  run of ``add`` calls whose names are known to fit (``ApplyBackend``: leaves found in
  params) costs one dict entry each.
  """

  def __init__(self):
    self._leaves: dict[str, None] = {}
    self._prefixes: dict[str, str] = {}  # scope prefix -> one leaf under it
    self._unindexed: list[str] = []  # leaves added whose scopes are not indexed yet

  def _index(self) -> None:
    leaves, prefixes = self._leaves, self._prefixes
    for name in self._unindexed:
      if name in leaves:
        i = name.find("/")
        while i >= 0:
          prefixes.setdefault(name[:i], name)
          i = name.find("/", i + 1)
    self._unindexed.clear()

  def check_can_add(self, name: str) -> None:
    if self._unindexed:
      self._index()
    if name in self._prefixes:
      raise ValueError(
        f"Variable {name} cannot be stored in the params tree: {name} is already a "
        f"scope holding variable {self._prefixes[name]}, so params"
        f"{index_str(name)} cannot also be a leaf. Rename one of them."
      )
    leaves = self._leaves
    i = name.find("/")
    while i >= 0:  # each enclosing scope, outermost first
      prefix = name[:i]
      i = name.find("/", i + 1)
      if prefix in leaves:
        raise ValueError(
          f"Variable {name} cannot be stored in the params tree: {prefix} is already "
          f"a variable, so params{index_str(prefix)} cannot also be a scope. "
          "Rename one of them."
        )

  def check_and_add(self, name: str) -> None:
    """``check_can_add(name)``, then ``add(name)``."""
    self.check_can_add(name)
    self.add(name)

  def has(self, name: str) -> bool:
    return name in self._leaves

  def add(self, name: str) -> None:
    self._leaves[name] = None
    self._unindexed.append(name)

  def remove(self, name: str) -> None:
    """Takes back ``add(name)`` (after a failed variable creation)."""
    if self._unindexed:
      self._index()
    self._leaves.pop(name, None)
    for prefix, leaf in list(self._prefixes.items()):
      if leaf == name:
        other = next((n for n in self._leaves if n.startswith(prefix + "/")), None)
        if other is None:
          del self._prefixes[prefix]
        else:
          self._prefixes[prefix] = other


def lookup(params: Mapping, name: str):
  """The leaf at scoped name ``name`` (``KeyError`` if absent).

  >>> import varscope_jax as vs
  >>> vs.lookup({"a": {"b": {"w": 1}}}, "a/b/w")
  1
  """
  if not isinstance(name, str):
    raise TypeError(f"lookup: name must be a string (a scoped name such as 'fc1/w'), got {name!r}.")
  node: Any = params
  for part in name.split("/"):
    if type(node) is not dict and not isinstance(node, Mapping):
      raise KeyError(name)
    try:
      node = node[part]
    except KeyError:
      raise KeyError(name) from None
  kind = type(node)
  if kind is dict or (kind not in _NOT_MAPPINGS and isinstance(node, Mapping)):
    raise KeyError(name)
  if kind not in _NOT_MAPPINGS and len(_NOT_MAPPINGS) < 64:
    _NOT_MAPPINGS.add(kind)
  return node


# Leaf types seen that are not Mappings (array types: ``lookup`` runs for every
# variable of an un-jitted apply; an abstract isinstance check costs more than the rest).
_NOT_MAPPINGS: set = set()


def flatten(params: Mapping, prefix: str = "") -> Iterator[tuple[str, Any]]:
  """Yields ``(name, leaf)`` for every leaf, names joined with ``/``.

  >>> from varscope_jax._src.params.tree import flatten
  >>> list(flatten({"a": {"b": 1, "c": 2}, "d": 3}))
  [('a/b', 1), ('a/c', 2), ('d', 3)]
  """
  for key, value in params.items():
    name = f"{prefix}/{key}" if prefix else str(key)
    if isinstance(value, Mapping):
      yield from flatten(value, name)
    else:
      yield name, value


def unflatten(items) -> dict:
  """Builds a nested dict from ``(name, leaf)`` pairs (or a ``{name: leaf}`` dict).

  Raises:
    ValueError: if a name is both a leaf and a scope (``a`` and ``a/b``).

  >>> from varscope_jax._src.params.tree import unflatten
  >>> unflatten({"a/b": 1, "a/c": 2})
  {'a': {'b': 1, 'c': 2}}
  """
  if isinstance(items, Mapping):
    items = items.items()
  tree = NameTree()
  out: dict = {}
  for name, value in items:
    tree.check_can_add(name)
    tree.add(name)
    node = out
    parts = split(name)
    for part in parts[:-1]:
      node = node.setdefault(part, {})
    node[parts[-1]] = value
  return out


def replace_leaves(params: Mapping, updates: Mapping[str, Any]) -> dict:
  """A copy of ``params`` (dicts copied, leaves shared) with ``{name: leaf}`` replaced."""
  if not updates:
    return _copy_dicts(params)
  out = _copy_dicts(params)
  for name, value in updates.items():
    node = out
    parts = split(name)
    for part in parts[:-1]:
      node = node[part]
    node[parts[-1]] = value
  return out


def _copy_dicts(tree):
  if isinstance(tree, Mapping):
    return {k: _copy_dicts(v) for k, v in tree.items()}
  return tree


def flatten_params(params: Mapping) -> list[tuple[str, Any]]:
  """The ``(name, leaf)`` pairs of a params tree, names as TF shows them (``a/b/w``).

  Args:
    params: a nested dict of arrays (``transform(...).init``'s result).

  Returns:
    A list of ``(scoped name, leaf)``, in the tree's order.

  >>> import varscope_jax as vs
  >>> vs.flatten_params({"fc1": {"w": 1, "b": 2}, "step": 3})
  [('fc1/w', 1), ('fc1/b', 2), ('step', 3)]
  """
  if not isinstance(params, Mapping):
    raise TypeError(f"flatten_params expects a nested dict of arrays, got {type(params).__name__}.")
  return list(flatten(params))


def unflatten_params(items) -> dict:
  """A nested params dict from ``(scoped name, leaf)`` pairs or a ``{name: leaf}`` dict.

  Raises:
    ValueError: if a name is both a leaf and a scope (``a`` and ``a/b``).

  >>> import varscope_jax as vs
  >>> vs.unflatten_params({"fc1/w": 1, "fc1/b": 2})
  {'fc1': {'w': 1, 'b': 2}}
  """
  if not isinstance(items, Mapping):
    try:
      items = [tuple(item) for item in items]
    except TypeError:
      raise TypeError(
        f"unflatten_params: items must be a {{name: leaf}} dict or an iterable "
        f"of (name, value) pairs, got {items!r}."
      ) from None
    bad = next((item for item in items if len(item) != 2 or not isinstance(item[0], str)), None)
    if bad is not None:
      raise TypeError(
        f"unflatten_params: items must be (name, value) pairs with a string "
        f"name such as 'fc1/w', got {bad!r}."
      )
  else:
    bad = next((k for k in items if not isinstance(k, str)), None)
    if bad is not None:
      raise TypeError(f"unflatten_params: names must be strings such as 'fc1/w', got {bad!r}.")
  return unflatten(items)
