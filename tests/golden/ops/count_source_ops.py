"""Counts the TF names that TF1 model sources use (AST scan) and what the op table covers.

  /work/venv/bin/python tests/golden/ops/count_source_ops.py \
      --source albert=PATH/albert/modeling.py --source resnet=PATH/resnet_model.py ... [--write]

BERT's ``modeling.py`` (bert-tensorflow) and the ``tf_slim/nets`` (tf-slim) are read from
their installed packages; other sources are given as ``name=path`` (read, never copied).
Every maximal attribute chain rooted at a TF module alias (``tf.nn.relu``, also TF's
internal modules ``math_ops.reduce_mean`` as tf-slim imports them) is one use, named as
after ``tf.``. Each name is classed: ``op`` (in the op table), ``vs`` (varscope_jax has
it: scopes, variables, layers, initializers, dtypes), ``graph`` (TF1 machinery the
upgrader flags, with a hint: placeholders, sessions, optimizers, logging) or ``other``.
``--write`` records the names and counts (no source text) in ``source_ops.json``.
"""
from __future__ import annotations

import argparse
import ast
import collections
import importlib.util
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

import varscope_jax as vs  # noqa: E402
from varscope_jax._src.upgrade.manual import ADVICE  # noqa: E402
from varscope_jax._src.upgrade.op_table import lookup  # noqa: E402

# TF's internal modules (as tf-slim imports them) -> the public prefix of their names.
INTERNAL = {"math_ops": "", "array_ops": "", "nn_ops": "nn.", "nn": "nn.", "nn_impl": "nn.",
            "init_ops": "", "variable_scope": "", "random_ops": "random.",
            "control_flow_ops": "", "image_ops": "image.", "state_ops": "", "clip_ops": "",
            "embedding_ops": "nn.", "variables": "", "dtypes": "", "standard_ops": ""}
PREFIXES = ("compat.v1.", "compat.v2.")


def _aliases(tree):
  """Local names bound to TF modules: {alias: prefix after 'tf.'}."""
  out = {}
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      for a in node.names:
        if a.name in ("tensorflow", "tensorflow.compat.v1") and a.asname:
          out[a.asname] = ""
        elif a.name == "tensorflow" and not a.asname:
          out["tensorflow"] = ""
    elif isinstance(node, ast.ImportFrom) and node.module:
      for a in node.names:
        local = a.asname or a.name
        if node.module.startswith("tensorflow.python.") and a.name in INTERNAL:
          out[local] = INTERNAL[a.name]
        elif node.module == "tensorflow.compat" and a.name == "v1":
          out[local] = ""
        elif node.module == "tensorflow.contrib":
          out[local] = f"contrib.{a.name}."
  return out


def uses(path: pathlib.Path) -> collections.Counter:
  """Each maximal ``tf.a.b`` chain in the file, as ``a.b`` (``compat.v1.`` dropped)."""
  tree = ast.parse(path.read_text())
  aliases = _aliases(tree)
  counts: collections.Counter = collections.Counter()
  inner = set()
  for node in ast.walk(tree):
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
      inner.add(id(node.value))
  for node in ast.walk(tree):
    if not isinstance(node, ast.Attribute) or id(node) in inner:
      continue
    parts = []
    cur = node
    while isinstance(cur, ast.Attribute):
      parts.append(cur.attr)
      cur = cur.value
    if not isinstance(cur, ast.Name) or cur.id not in aliases:
      continue
    name = aliases[cur.id] + ".".join(reversed(parts))
    for p in PREFIXES:
      if name.startswith(p):
        name = name[len(p):]
    counts[name] += 1
  return counts


def _on_vs(name: str) -> bool:
  obj = vs
  for part in name.split("."):
    try:
      obj = getattr(obj, part)
    except AttributeError:
      return False
  return True


# TF names that varscope_jax has under another path (the upgrader renames them).
MOVED = {"contrib.rnn.": "nn.rnn_cell."}


def classify(name: str) -> str:
  if lookup(name) is not None:
    return "op"
  for old, new in MOVED.items():
    if name.startswith(old) and _on_vs(new + name[len(old):]):
      return "vs"
  if _on_vs(name):
    return "vs"
  parts = name.split(".")
  if any(".".join(parts[:k]) in ADVICE for k in range(len(parts), 0, -1)):
    return "graph"
  return "other"


def default_sources() -> dict[str, list[pathlib.Path]]:
  out = {}
  bert = importlib.util.find_spec("bert")
  if bert is not None:
    out["bert"] = [pathlib.Path(bert.submodule_search_locations[0]) / "modeling.py"]
  slim = importlib.util.find_spec("tf_slim")
  if slim is not None:
    nets = pathlib.Path(slim.submodule_search_locations[0]) / "nets"
    out["tf_slim.nets"] = sorted(p for p in nets.glob("*.py")
                                 if not p.name.endswith("_test.py"))
  return out


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--source", action="append", default=[],
                      help="name=path of a TF1 source file (repeatable)")
  parser.add_argument("--write", action="store_true", help="write source_ops.json")
  args = parser.parse_args(argv)
  sources = default_sources()
  for item in args.source:
    name, _, path = item.partition("=")
    sources.setdefault(name, []).append(pathlib.Path(path))
  report = {}
  all_ops: set = set()
  all_other: set = set()
  for name, paths in sources.items():
    counts: collections.Counter = collections.Counter()
    for p in paths:
      counts.update(uses(p))
    classes = {n: classify(n) for n in counts}
    report[name] = {"files": [p.name for p in paths],
                    "uses": dict(sorted(counts.items())),
                    "class": dict(sorted(classes.items()))}
    ops = sorted(n for n, c in classes.items() if c == "op")
    other = sorted(n for n, c in classes.items() if c == "other")
    all_ops |= set(ops)
    all_other |= set(other)
    print(f"{name}: {len(counts)} TF names: {len(ops)} ops in the table; "
          f"{sum(c == 'vs' for c in classes.values())} provided by vs; "
          f"{sum(c == 'graph' for c in classes.values())} graph machinery (flagged); "
          f"not covered: {other}")
  print(f"all sources: {len(all_ops)} distinct ops in the table; not covered: "
        f"{sorted(all_other)}")
  if args.write:
    (HERE / "source_ops.json").write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
  main()
