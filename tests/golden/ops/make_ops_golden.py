"""Records TF's results for the op-table golden cases (``op_cases.py``) and TF's signatures.

Run in a TF venv (TF is not a dependency of the package or the tests)::

  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/ops/make_ops_golden.py

Writes ``ops_golden.npz`` (each case's inputs and TF's outputs) and ``ops_golden.json``
(per case: the call, TF's output dtypes or error type and message; per table key: TF's
parameter names and whether it is the same function as the op's canonical name). TF1
graph mode, as the model code the table is for: static shape errors are raised while the
graph is built (ValueError/TypeError), value errors when it runs (InvalidArgumentError).
Random ops record statistics of a large sample, not values.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import os
import pathlib
import sys
import types

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
import op_cases  # noqa: E402


def _load_table():
  """The op table's modules, loaded without ``varscope_jax/__init__`` (which needs jax)."""
  for name in ("varscope_jax", "varscope_jax._src", "varscope_jax._src.upgrade"):
    pkg = types.ModuleType(name)
    pkg.__path__ = [str(ROOT / name.replace(".", "/"))]
    sys.modules[name] = pkg
  spec = importlib.util.spec_from_file_location(
      "varscope_jax._src.upgrade.op_table",
      ROOT / "varscope_jax/_src/upgrade/op_table.py")
  module = importlib.util.module_from_spec(spec)
  sys.modules[spec.name] = module
  spec.loader.exec_module(module)
  return module


def _tf_attr(name):
  obj = tf
  for part in name.split("."):
    obj = getattr(obj, part)
  return obj


def _signatures(table):
  out = {}
  for key, o in sorted(table.OPS.items()):
    try:
      fn = _tf_attr(key)
    except AttributeError:
      out[key] = {"missing": True}
      continue
    canonical = _tf_attr(o.tf_name)
    try:
      params = [p.name for p in inspect.signature(fn).parameters.values()
                if p.kind not in (p.VAR_KEYWORD,)]
      kinds = [str(p.kind) for p in inspect.signature(fn).parameters.values()]
    except (TypeError, ValueError):
      params, kinds = None, None
    out[key] = {"params": params, "kinds": kinds, "same_as_canonical": _same(fn, canonical)}
  return out


def _first_line(e):
  """The line of TF's message that says what went wrong (run-time errors start with
  "Graph execution error:" and a stack)."""
  lines = [s.strip() for s in str(getattr(e, "message", e)).split("\n") if s.strip()]
  for k, s in enumerate(lines):
    if s.startswith("[[") and k:
      return lines[k - 1][:300]
    if "{{node" in s:
      return s.split(" for '{{node")[0].strip()[:300]
  return lines[0][:300] if lines else ""


def _same(fn, other):
  """Whether two TF API names are one function (TF's dispatch wrappers differ per name)."""
  unwrap = lambda f: inspect.unwrap(getattr(f, "_tf_decorator", f) and f)  # noqa: E731
  return fn is other or unwrap(fn) is unwrap(other) or (
      getattr(fn, "__name__", 1) == getattr(other, "__name__", 2)
      and getattr(fn, "__module__", 1) == getattr(other, "__module__", 2))


def _stats(v):
  v = np.asarray(v)
  f = v.astype(np.float64)
  return {"shape": list(v.shape), "dtype": v.dtype.name, "mean": float(f.mean()),
          "std": float(f.std()), "min": float(f.min()), "max": float(f.max())}


def main():
  tf.disable_eager_execution()
  table = _load_table()
  cases = op_cases.cases()
  arrays, records = {}, []
  for i, case in enumerate(cases):
    rng = np.random.default_rng(1000 + i)
    inputs = {k: op_cases.draw(spec, rng) for k, spec in case.inputs.items()}
    for k, v in inputs.items():
      arrays[f"{i}/in/{k}"] = v
    text = ", ".join(list(case.args) + [f"{k}={v}" for k, v in case.kwargs.items()])
    expr = f"tf.{case.op}({text})"
    rec = {"i": i, "op": case.op, "args": case.args, "kwargs": case.kwargs,
           "inputs": sorted(inputs), "rtol": case.rtol, "random": case.random,
           "known": case.known,
           "expr": expr}
    graph = tf.Graph()
    with graph.as_default():
      ns = {"tf": tf, **{k: tf.constant(v) for k, v in inputs.items()}}
      try:
        out = eval(expr, ns)  # noqa: S307 (the cases' own source text)
        flat = tf.nest.flatten(out)
        with tf.Session(graph=graph) as sess:
          values = sess.run(flat)
      except Exception as e:  # noqa: BLE001 (the error type is the record)
        rec["error"] = type(e).__name__
        rec["message"] = _first_line(e)
        records.append(rec)
        continue
    values = [np.asarray(v) for v in values]
    if case.random:
      rec["stats"] = [_stats(v) for v in values]
    else:
      for j, v in enumerate(values):
        arrays[f"{i}/out/{j}"] = v
    rec["dtypes"] = [v.dtype.name for v in values]
    rec["n_out"] = len(values)
    records.append(rec)
  np.savez_compressed(HERE / "ops_golden.npz", **arrays)
  meta = {"tf_version": tf.__version__, "cases": records, "signatures": _signatures(table)}
  (HERE / "ops_golden.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
  errors = sum("error" in r for r in records)
  print(f"{len(records)} cases ({errors} TF errors) -> ops_golden.npz, ops_golden.json")


if __name__ == "__main__":
  main()
