"""Selecting parts of a params tree by scoped name: globs, masks, labels, split, merge.

Patterns are globs on the full name: ``*`` matches within one name part (no ``/``),
``**`` matches across parts, ``?`` one character, ``[ab]`` a set. So ``"model/*/w"``
is every ``w`` one level below ``model``; ``"**/w"`` is every ``w``. A pattern may
also be a compiled regex (``re.compile``), matched with ``fullmatch``.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable, Mapping

from varscope_jax._src.base import errors
from varscope_jax._src.params import tree as params_lib


@functools.lru_cache(maxsize=1024)
def _glob_regex(pattern: str) -> re.Pattern:
  out, i = [], 0
  while i < len(pattern):
    c = pattern[i]
    if pattern.startswith("**", i):
      out.append(".*")
      i += 2
      continue
    if c == "*":
      out.append("[^/]*")
    elif c == "?":
      out.append("[^/]")
    elif c == "[":
      j = pattern.find("]", i + 1)
      if j < 0:
        out.append(re.escape(c))
      else:
        body = pattern[i + 1 : j]
        if body.startswith("!"):
          body = "^" + body[1:]
        out.append("[" + body + "]")
        i = j
    else:
      out.append(re.escape(c))
    i += 1
  return re.compile("".join(out))


def _as_patterns(patterns) -> list:
  flat = []
  for p in patterns:
    if isinstance(p, (list, tuple, set, frozenset)):
      flat.extend(p)
    else:
      flat.append(p)
  for p in flat:
    if not isinstance(p, (str, re.Pattern)):
      raise TypeError(
        f"patterns: each must be a glob string or a compiled regex (or a list of them), got {p!r}."
      )
  return flat


def matches(name: str, *patterns) -> bool:
  """Whether ``name`` matches any of the glob patterns.

  >>> import varscope_jax as vs
  >>> vs.matches("model/fc1/w", "model/*/w"), vs.matches("model/a/b/w", "model/*/w")
  (True, False)
  >>> vs.matches("model/a/b/w", "model/**/w")
  True
  """
  if not isinstance(name, str):
    raise TypeError(
      f"matches: name must be a string (a scoped name such as 'fc1/w'), got {name!r}."
    )
  for p in _as_patterns(patterns):
    regex = p if isinstance(p, re.Pattern) else _glob_regex(p)
    if regex.fullmatch(name):
      return True
  return False


def _map_named(fn: Callable[[str, Any], Any], params: Mapping, prefix: str = "") -> dict:
  out = {}
  for key, value in params.items():
    name = f"{prefix}/{key}" if prefix else str(key)
    if isinstance(value, Mapping):
      out[key] = _map_named(fn, value, name)
    else:
      out[key] = fn(name, value)
  return out


def map_with_name(fn: Callable[[str, Any], Any], params: Mapping) -> dict:
  """A tree of ``fn(name, leaf)`` with the structure of ``params``.

  >>> import varscope_jax as vs
  >>> vs.map_with_name(lambda n, x: n, {"a": {"w": 1}})
  {'a': {'w': 'a/w'}}
  """
  if not callable(fn):
    raise TypeError(f"map_with_name: fn must be callable as fn(name, leaf), got {fn!r}.")
  _check_tree(params, "map_with_name")
  return _map_named(fn, params)


def _check_tree(params, fn_name: str, what: str = "params") -> None:
  if not isinstance(params, Mapping):
    raise TypeError(
      f"{fn_name}: {what} must be a mapping (a nested dict of arrays, as "
      f"transform(...).init returns), got {type(params).__name__}."
    )


def _check_used(params, patterns, what):
  names = [n for n, _ in params_lib.flatten(params)]
  for p in _as_patterns(patterns):
    if not any(matches(n, p) for n in names):
      hint = errors.did_you_mean(p, names) if isinstance(p, str) else ""
      raise ValueError(
        f"{what}: pattern {p!r} matches no variable in params.{hint} "
        "Check the pattern (``*`` does not cross '/': use ``**``)."
      )


def mask(params: Mapping, *patterns, strict: bool = True) -> dict:
  """A tree of bools, True where the name matches a pattern (for ``optax.masked``).

  Args:
    params: the params tree.
    *patterns: glob strings (or compiled regexes).
    strict: raise if a pattern matches nothing (a typo would silently select nothing).

  >>> import varscope_jax as vs
  >>> p = {"model": {"fc1": {"w": 0, "b": 0}, "fc2": {"w": 0, "b": 0}}}
  >>> vs.mask(p, "model/*/w")
  {'model': {'fc1': {'w': True, 'b': False}, 'fc2': {'w': True, 'b': False}}}
  """
  if strict:
    _check_used(params, patterns, "mask")
  return _map_named(lambda name, _: matches(name, *patterns), params)


def labels(
  params: Mapping, rules: Mapping[str, Any], default: str | None = None, strict: bool = True
) -> dict:
  """A tree of labels for ``optax.multi_transform``: the first rule whose patterns
  match a name gives its label; others get ``default``.

  Raises:
    ValueError: if a name matches no rule and there is no default, or (``strict``) a
      rule matches nothing.

  >>> import varscope_jax as vs
  >>> p = {"enc": {"w": 0}, "dec": {"w": 0, "b": 0}}
  >>> vs.labels(p, {"frozen": "enc/**", "decay": "**/w"}, default="plain")
  {'enc': {'w': 'frozen'}, 'dec': {'w': 'decay', 'b': 'plain'}}
  """
  if not isinstance(rules, Mapping):
    raise TypeError(
      "labels: rules must be a dict {label: pattern(s)}, got %s." % type(rules).__name__
    )
  if strict:
    for label, pats in rules.items():
      _check_used(params, [pats], f"labels (rule {label!r})")

  def label_of(name, _):
    for label, pats in rules.items():
      if matches(name, pats):
        return label
    if default is None:
      raise ValueError(
        f"labels: variable {name} matches no rule and no default label "
        "was given. Add a rule for it or pass default=..."
      )
    return default

  return _map_named(label_of, params)


def _filter(params: Mapping, keep: Callable[[str], bool], prefix: str = "") -> dict:
  out = {}
  for key, value in params.items():
    name = f"{prefix}/{key}" if prefix else str(key)
    if isinstance(value, Mapping):
      sub = _filter(value, keep, name)
      if sub:
        out[key] = sub
    elif keep(name):
      out[key] = value
  return out


def select(params: Mapping, *patterns, strict: bool = True) -> dict:
  """The sub-tree of leaves whose names match a pattern (empty scopes dropped).

  >>> import varscope_jax as vs
  >>> p = {"model": {"fc1": {"w": 1, "b": 2}}}
  >>> vs.select(p, "model/*/w")
  {'model': {'fc1': {'w': 1}}}
  """
  if strict:
    _check_used(params, patterns, "select")
  return _filter(params, lambda name: matches(name, *patterns))


def split(params: Mapping, *patterns, strict: bool = True) -> tuple[dict, dict]:
  """``(selected, rest)``: the leaves matching a pattern, and all the others.

  ``merge(selected, rest)`` gives ``params`` back.

  >>> import varscope_jax as vs
  >>> p = {"bn": {"mean": 0, "gamma": 1}}
  >>> vs.split(p, "**/mean")
  ({'bn': {'mean': 0}}, {'bn': {'gamma': 1}})
  """
  if strict:
    _check_used(params, patterns, "split")
  return (
    _filter(params, lambda n: matches(n, *patterns)),
    _filter(params, lambda n: not matches(n, *patterns)),
  )


def split_by_names(params: Mapping, names: Iterable[str]) -> tuple[dict, dict]:
  """``(selected, rest)`` by exact names (e.g. ``t.specs(...)`` filtered by trainable).

  >>> import varscope_jax as vs
  >>> vs.split_by_names({"a": 1, "b": 2}, ["a"])
  ({'a': 1}, {'b': 2})
  """
  if isinstance(names, (str, bytes)):
    raise TypeError(
      f"split_by_names: names must be a collection of scoped names, got one "
      f"string ({names!r}); write [{names!r}]."
    )
  try:
    names = set(names)
  except TypeError:
    raise TypeError(
      f"split_by_names: names must be a collection of scoped names such as "
      f"['fc1/w'], got {names!r}."
    ) from None
  present = {n for n, _ in params_lib.flatten(params)}
  missing = names - present
  if missing:
    raise ValueError(
      f"split_by_names: names not in params: {sorted(missing)}; pass only "
      "names that params holds (vs.flatten_params(params) lists them)."
    )
  return (_filter(params, lambda n: n in names), _filter(params, lambda n: n not in names))


def merge(*trees: Mapping) -> dict:
  """Union of params trees; where two trees have the same name, the later one wins.

  Raises:
    ValueError: if a name is a leaf in one tree and a scope in another.

  >>> import varscope_jax as vs
  >>> vs.merge({"bn": {"mean": 0}}, {"bn": {"gamma": 1}}, {"bn": {"mean": 5}})
  {'bn': {'mean': 5, 'gamma': 1}}
  """
  flat: dict[str, Any] = {}
  for tree in trees:
    if not isinstance(tree, Mapping):
      raise TypeError(f"merge expects params trees (dicts), got {type(tree).__name__}.")
    for name, leaf in params_lib.flatten(tree):
      flat[name] = leaf
  return params_lib.unflatten(flat)


def spec_mask(params: Mapping, specs: Mapping, collection: str | None = None) -> dict:
  """A tree of bools from ``Transformed.specs``: membership of ``collection``, or
  trainable when ``collection`` is None. Names in params but not in specs are False.

  >>> import jax
  >>> import varscope_jax as vs
  >>> def f():
  ...   vs.get_variable("w", [1]); vs.get_variable("n", [1], trainable=False)
  >>> t = vs.transform(f)
  >>> p = t.init(jax.random.PRNGKey(0))
  >>> vs.spec_mask(p, t.specs())
  {'w': True, 'n': False}
  """
  _check_tree(params, "spec_mask")
  if not isinstance(specs, Mapping):
    raise TypeError(
      f"spec_mask: specs must be a mapping {{name: VariableSpec}} (what "
      f"transform(...).specs returns), got {type(specs).__name__}."
    )

  def member(name, _):
    spec = specs.get(name)
    if spec is None:
      return False
    return spec.trainable if collection is None else collection in spec.collections

  return _map_named(member, params)
