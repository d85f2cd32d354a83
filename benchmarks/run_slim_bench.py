"""The TF-Slim benchmarks, side by side in one run, each measurement in a fresh process.

  python benchmarks/run_slim_bench.py            # prints the tables
  python benchmarks/run_slim_bench.py --write    # also writes benchmarks/results/slim.{md,json}
  python benchmarks/run_slim_bench.py --from-json --write   # only rewrite slim.md
  python benchmarks/run_slim_bench.py --only load --write   # rerun one part (cold, load, jaxpr)

What is measured (``slim_bench.py`` says how): cold init of tf_slim's own ``resnet_v2_50``
(25.6M parameters, its installed source on ``vs.contrib.slim``) with varscope_jax's
``t.init`` and ``jax.jit(t.init)``, against Flax linen's ``jax.jit(init)`` and eager init
of the same architecture; loading a ResNet-50-size TF1 checkpoint (102 MB) against
``np.fromfile`` of the same bytes from the page cache; the jitted training step's jaxpr
against a hand-written one (``slim_hand.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_all import RESULTS, fmt_s, machine_info, run_json  # noqa: E402

COLD = [("varscope", "own"), ("varscope", "jit"), ("linen", "jit"), ("linen", "eager")]
LABELS = {
  ("varscope", "own"): "varscope_jax `t.init` (tf_slim's resnet_v2_50)",
  ("varscope", "jit"): "varscope_jax `jax.jit(t.init)`",
  ("linen", "jit"): "Flax linen `jax.jit(init)`",
  ("linen", "eager"): "Flax linen eager `init`",
}


def measure(timeout, only=None, results=None):
  """Runs every measurement, or only the part ``only`` (keeping the others of ``results``)."""
  if results is None or only is None:
    results = {"machine": machine_info(), "cold": [], "load": None, "jaxpr": None}
  else:
    results["machine"] = machine_info()
    if only == "cold":
      results["cold"] = []
  t_start = time.perf_counter()
  jobs = [("cold", ["--lib", lib, "--mode", mode]) for lib, mode in COLD]
  jobs += [("load", ["--repeat", "10"]), ("jaxpr", [])]
  jobs = [job for job in jobs if only is None or job[0] == only]
  for i, (what, args) in enumerate(jobs):
    print("[%d/%d] %s %s" % (i + 1, len(jobs), what, " ".join(args)), flush=True)
    load_before = os.getloadavg()
    d, err = run_json("slim_bench.py", [what] + args, timeout)
    rec = d if d is not None else {"error": err, "args": args}
    rec["loadavg"] = [load_before, os.getloadavg()]  # this measurement's machine load
    if what == "cold":
      rec.setdefault("lib", args[1])
      rec.setdefault("mode", args[3])
      results["cold"].append(rec)
    else:
      results[what] = rec
  results["machine"]["loadavg_end"] = os.getloadavg()
  results["machine"]["total_wall_s"] = time.perf_counter() - t_start
  return results


def _span(rec):
  avg = rec.get("loadavg")
  return "%.1f / %.1f" % (avg[0][0], avg[1][0]) if avg else "-"


def _cold(results, lib, mode):
  for r in results["cold"]:
    if (r["lib"], r["mode"]) == (lib, mode):
      return r
  return {}


def report(results):
  m = results["machine"]
  lines = [
    "# TF-Slim benchmarks",
    "",
    "Machine: %s, %s cores, jax %s, %s. Shared machine: a load average above the core "
    "count inflates every time; each measurement's load average is given beside it."
    % (
      m.get("cpu", "?"),
      m.get("cores", "?"),
      m.get("versions", {}).get("jax", "?"),
      m.get("date", "?"),
    ),
    "",
    "## Cold init, ResNet-50 v2 (25.6M parameters, 272 variables, input [2, 224, 224, 3])",
    "",
    "| | cold (first call) | second call | load average (1 min) before/after |",
    "|---|---|---|---|",
  ]
  for lib, mode in COLD:
    r = _cold(results, lib, mode)
    lines.append(
      "| %s | %s | %s | %s |"
      % (
        LABELS[(lib, mode)],
        fmt_s(r.get("cold_s", r.get("error"))),
        fmt_s(r.get("warm_s")),
        _span(r),
      )
    )
  own = _cold(results, "varscope", "own").get("cold_s")
  for mode in ("jit", "eager"):
    other = _cold(results, "linen", mode).get("cold_s")
    if own and other:
      lines.append("")
      lines.append("`t.init` / linen %s init: %.2fx (target < 1x)." % (mode, own / other))
  load = results.get("load") or {}
  lines += [
    "",
    "## Loading a ResNet-50-size TF1 checkpoint (%.1f MB, %s tensors; best of %s, alternating)"
    % (load.get("bytes", 0) / 1e6, load.get("n_tensors", "?"), load.get("repeat", "?")),
    "",
    "| | time | / baseline |",
    "|---|---|---|",
  ]
  if "load_numpy_s" in load:
    base, base_jax = load["numpy_fromfile_s"], load["numpy_fromfile_device_put_s"]
    lines += [
      "| `np.fromfile` of the data file (page cache) | %s | 1x |" % fmt_s(base),
      "| `vs.load_tf1_checkpoint(as_numpy=True)` (index, reads, crc32c) | %s | %.2fx (target <= 1.5x) |"
      % (fmt_s(load["load_numpy_s"]), load["ratio_numpy"]),
      "| `jax.device_put(np.fromfile(...))` | %s | 1x |" % fmt_s(base_jax),
      "| `vs.load_tf1_checkpoint` (to `jax.Array`) | %s | %.2fx of the line above |"
      % (fmt_s(load["load_jax_s"]), load["ratio_jax"]),
      "",
      "Load average (1 min) before/after: %s." % _span(load),
    ]
  else:
    lines.append("| error | %s | |" % load.get("error"))
  j = results.get("jaxpr") or {}
  lines += ["", "## Jitted training step: tf_slim's resnet_v2_50 against a hand-written one", ""]
  if "jaxpr_equal" in j:
    lines += [
      "Forward in training mode, cross-entropy + `vs.get_regularization_loss()`, "
      "`jax.grad`, SGD, batch-norm updates; input [%d, %d, %d, 3]."
      % (j["batch"], j["size"], j["size"]),
      "",
      "| | |",
      "|---|---|",
      "| jaxprs equal (primitives, parameters, shapes, dataflow) | %s (%d equations) |"
      % ("yes" if j["jaxpr_equal"] else "NO", j["n_eqns"]),
      "| max abs difference of the params after one step | %g |"
      % j["max_abs_diff_params_after_step"],
      "| step, tf_slim / hand-written (best of 5, interleaved) | %s / %s |"
      % (fmt_s(j["slim_step_s"]), fmt_s(j["hand_step_s"])),
      "| load average (1 min) before/after | %s |" % _span(j),
    ]
    if not j["jaxpr_equal"]:
      lines.append("| first difference | `%s` |" % j.get("first_difference"))
  else:
    lines.append("error: %s" % j.get("error"))
  return "\n".join(lines) + "\n"


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--timeout", type=float, default=600.0, help="per measurement")
  ap.add_argument("--write", action="store_true", help="write benchmarks/results/slim.{md,json}")
  ap.add_argument("--from-json", action="store_true", help="report from results/slim.json")
  ap.add_argument(
    "--only",
    choices=("cold", "load", "jaxpr"),
    help="rerun one part, the others taken from results/slim.json",
  )
  a = ap.parse_args()
  json_path = os.path.join(RESULTS, "slim.json")
  results = None
  if a.from_json or a.only:
    with open(json_path) as f:
      results = json.load(f)
  if not a.from_json:
    results = measure(a.timeout, a.only, results)
  md = report(results)
  print(md)
  if a.write:
    os.makedirs(RESULTS, exist_ok=True)
    if not a.from_json:
      with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(RESULTS, "slim.md"), "w") as f:
      f.write(md)
    print("wrote", json_path, "and slim.md")


if __name__ == "__main__":
  main()
