"""Benchmarks of ``vs.layers`` models: a CNN with batch norm and BERT-Base, each
measurement in a fresh subprocess; writes ``benchmarks/results/layers.{md,json}``.

  python benchmarks/run_layers_bench.py                 # CNN + BERT-Base (12 layers, 109.5M params)
  python benchmarks/run_layers_bench.py --size base4    # BERT with 4 layers (when time is short)
  python benchmarks/run_layers_bench.py --size tiny     # a smoke run (2 layers, hidden 32)
  python benchmarks/run_layers_bench.py --from-json     # only rewrite layers.md

What is measured (``layers_bench.py`` says how), for each model: cold ``init`` of the
varscope_jax model, of Flax linen's (jitted and eager) and of hand-written JAX; for
BERT also one bare jitted ``jax.random.normal`` / ``truncated_normal`` of as many values
and the peak RSS of the init against the params' bytes; and, in one process on the same
params, un-jitted apply and the jitted train step against the hand-written model (with the
jaxpr comparison).
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

COLD = [
  ("varscope", "own"),
  ("varscope", "jit"),
  ("linen", "jit"),
  ("linen", "eager"),
  ("jax", "jit"),
  ("jax", "eager"),
]
LABELS = {
  ("varscope", "own"): "varscope_jax `t.init`",
  ("varscope", "jit"): "varscope_jax `jax.jit(t.init)`",
  ("linen", "jit"): "Flax linen `jax.jit(init)`",
  ("linen", "eager"): "Flax linen eager `init`",
  ("jax", "jit"): "hand-written `jax.jit(init)`",
  ("jax", "eager"): "hand-written eager init",
}
SIZES = {
  "base": "BERT-Base (12 layers, hidden 768, 12 heads, intermediate 3072, vocab 30522)",
  "base4": "BERT-Base with 4 layers (hidden 768, vocab 30522)",
  "tiny": "tiny BERT (2 layers, hidden 32)",
}


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--size", default="base", choices=tuple(SIZES))
  ap.add_argument("--timeout", type=float, default=300.0, help="per measurement")
  ap.add_argument("--from-json", action="store_true")
  ap.add_argument("--skip-cnn", action="store_true")
  ap.add_argument(
    "--write",
    action="store_true",
    help="write benchmarks/results/layers.{md,json} (default: print only)",
  )
  a = ap.parse_args()
  json_path = os.path.join(RESULTS, "layers.json")
  if a.from_json:
    with open(json_path) as f:
      results = json.load(f)
  else:
    results = {"machine": machine_info(), "size": a.size, "bert": _empty(), "cnn": _empty()}
    t_start = time.perf_counter()
    jobs = []
    for model in ("bert",) if a.skip_cnn else ("cnn", "bert"):
      jobs += [(model, "cold", ["--lib", lib, "--mode", mode]) for lib, mode in COLD]
      if model == "bert":
        jobs += [(model, "bare", ["--dist", d]) for d in ("normal", "truncated_normal")]
      jobs.append((model, "steady", []))
    for i, (model, what, args) in enumerate(jobs):
      print("[%d/%d] %s %s %s" % (i + 1, len(jobs), model, what, " ".join(args)), flush=True)
      d, err = run_json(
        "layers_bench.py", [what] + args + ["--model", model, "--size", a.size], a.timeout
      )
      rec = d if d is not None else {"error": err, "args": args}
      if what == "cold":
        rec.setdefault("lib", args[1])
        rec.setdefault("mode", args[3])
      if what == "bare":
        rec.setdefault("dist", args[1])
      if what == "steady":
        results[model]["steady"] = rec
      else:
        results[model][what].append(rec)
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["machine"]["total_wall_s"] = time.perf_counter() - t_start
  md = report(results)
  print(md)
  if a.write:
    os.makedirs(RESULTS, exist_ok=True)
    if not a.from_json:
      with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(RESULTS, "layers.md"), "w") as f:
      f.write(md)
    print("wrote", os.path.join(RESULTS, "layers.md"), "and layers.json")


def _empty():
  return {"cold": [], "bare": [], "steady": None}


def _cold(results, lib, mode):
  for r in results["cold"]:
    if (r["lib"], r["mode"]) == (lib, mode):
      return r
  return {}


def _bare(results, dist):
  for r in results["bare"]:
    if r["dist"] == dist:
      return r
  return {}


def targets(res, model):
  """Rows (metric, target, measured, ratio, ok) for one model's results."""
  rows = []
  own = _cold(res, "varscope", "own")
  if "cold_s" in own:
    for dist, aim in (("normal", 1.3), ("truncated_normal", None)):
      b = _bare(res, dist)
      if "cold_s" in b:
        ratio = own["cold_s"] / b["cold_s"]
        rows.append(
          (
            "cold `t.init` / one bare jitted `jax.random.%s` of %.1fM values"
            % (dist, b["n"] / 1e6),
            "<= %.1fx" % aim if aim else "(reference)",
            "%s / %s" % (fmt_s(own["cold_s"]), fmt_s(b["cold_s"])),
            "%.2fx" % ratio,
            (ratio <= aim) if aim else None,
          )
        )
    for mode in ("jit", "eager"):
      other = _cold(res, "linen", mode)
      if "cold_s" in other:
        ratio = own["cold_s"] / other["cold_s"]
        rows.append(
          (
            "cold `t.init` / Flax linen %s init" % mode,
            "< 1x",
            "%s / %s" % (fmt_s(own["cold_s"]), fmt_s(other["cold_s"])),
            "%.2fx" % ratio,
            ratio < 1,
          )
        )
    if model == "bert":
      rows.append(
        (
          "peak RSS increase of cold `t.init` / params' bytes",
          "<= 1.3x",
          "%.2f GB / %.2f GB" % (own["peak_rss_increase"] / 1e9, own["bytes"] / 1e9),
          "%.2fx" % own["peak_over_params"],
          own["peak_over_params"] <= 1.3,
        )
      )
  s = res.get("steady") or {}
  if "step_s" in s:
    rows.append(
      (
        "jitted train step: jaxpr identical to hand-written",
        "identical",
        "%d vs %d eqns" % (s["step_eqns"], s["hand_step_eqns"]),
        "equal" if s["jaxpr_equal"] else "DIFFERENT",
        bool(s["jaxpr_equal"]),
      )
    )
    ratio = s["step_s"] / s["hand_step_s"]
    rows.append(
      (
        "jitted train step time / hand-written",
        "<= 1.03x",
        "%s / %s" % (fmt_s(s["step_s"]), fmt_s(s["hand_step_s"])),
        "%.3fx" % ratio,
        ratio <= 1.03,
      )
    )
    ratio = s["apply_eager_s"] / s["hand_apply_eager_s"]
    rows.append(
      (
        "un-jitted apply / hand-written",
        "<= 1.5x",
        "%s / %s" % (fmt_s(s["apply_eager_s"]), fmt_s(s["hand_apply_eager_s"])),
        "%.2fx" % ratio,
        ratio <= 1.5,
      )
    )
  return rows


def _section(res, model, title):
  out = [
    "## " + title,
    "",
    "### Targets",
    "",
    "| metric | target | measured | ratio | met |",
    "|---|---|---|---|---|",
  ]
  for metric, target, measured, ratio, ok in targets(res, model):
    mark = "yes" if ok else ("-" if ok is None else "**no**")
    out.append("| %s | %s | %s | %s | %s |" % (metric, target, measured, ratio, mark))
  out += [
    "",
    "### Init (fresh process each)",
    "",
    "cold = first call: trace + compile + run; warm = a second call; RSS = peak increase "
    "over the first call.",
    "",
    "| library / mode | params | cold | warm | peak RSS increase | / params' bytes |",
    "|---|---|---|---|---|---|",
  ]
  for lib, mode in COLD:
    r = _cold(res, lib, mode)
    if "error" in r or not r:
      out.append("| %s | %s | | | | |" % (LABELS[(lib, mode)], r.get("error", "not run")))
      continue
    out.append(
      "| %s | %.3gM | %s | %s | %.3f GB | %.2fx |"
      % (
        LABELS[(lib, mode)],
        r["n_params"] / 1e6,
        fmt_s(r["cold_s"]),
        fmt_s(r["warm_s"]),
        r["peak_rss_increase"] / 1e9,
        r["peak_over_params"],
      )
    )
  for dist in ("normal", "truncated_normal") if model == "bert" else ():
    r = _bare(res, dist)
    if "error" in r or not r:
      out.append("| bare jitted `jax.random.%s` | %s | | | | |" % (dist, r.get("error", "not run")))
      continue
    out.append(
      "| bare jitted `jax.random.%s` | %.3gM values | %s | %s | %.3f GB | %.2fx |"
      % (
        dist,
        r["n"] / 1e6,
        fmt_s(r["cold_s"]),
        fmt_s(r["warm_s"]),
        r["peak_rss_increase"] / 1e9,
        r["peak_over_params"],
      )
    )
  s = res.get("steady") or {}
  out += ["", "### Apply and train step (one process, same params, interleaved)", ""]
  if "step_s" in s:
    out += [
      "| | un-jitted apply | jit step compile | jit step | step eqns |",
      "|---|---|---|---|---|",
      "| varscope_jax | %s | %s | %s | %d |"
      % (fmt_s(s["apply_eager_s"]), fmt_s(s["step_compile_s"]), fmt_s(s["step_s"]), s["step_eqns"]),
      "| hand-written JAX | %s | %s | %s | %d |"
      % (
        fmt_s(s["hand_apply_eager_s"]),
        fmt_s(s["hand_step_compile_s"]),
        fmt_s(s["hand_step_s"]),
        s["hand_step_eqns"],
      ),
      "",
      "Medians of %d apply and %d step calls per library; the step jaxprs are %s."
      % (s["n_apply"], s["n_step"], "identical" if s["jaxpr_equal"] else "DIFFERENT"),
    ]
  else:
    out.append("steady: %s" % s.get("error", "not run"))
  return out + [""]


def report(results):
  info = results["machine"]
  cmd = "python benchmarks/run_layers_bench.py" + (
    "" if results["size"] == "base" else " --size " + results["size"]
  )
  out = [
    "# Benchmarks of `vs.layers` models",
    "",
    "`%s`; `benchmarks/layers_bench.py` says how each figure is measured." % cmd,
    "",
    "Date: %s  " % info["date"],
    "Machine: %s, %s cores, %s GiB RAM, JAX backend `%s`; versions: %s  "
    % (
      info["cpu"],
      info["cores"],
      info["ram_GiB"],
      info["jax_backend"],
      ", ".join("%s %s" % kv for kv in info["versions"].items()),
    ),
    "Load average (1/5/15 min) at start %s, at end %s; whole run %.1f min. A load above the "
    "core count means other processes shared the CPUs: every figure is then inflated and "
    "noisy (single runs, ±30%% or worse)."
    % (
      tuple(round(x, 2) for x in info["loadavg_start"]),
      tuple(round(x, 2) for x in info.get("loadavg_end", ())),
      info.get("total_wall_s", 0) / 60,
    ),
    "",
  ]
  if results["cnn"]["cold"] or results["cnn"]["steady"]:
    out += _section(
      results["cnn"],
      "cnn",
      "CNN with batch norm (`vs.layers`: 3 x conv 3x3 + batch norm + relu + "
      "max-pool, dense 10; input [16, 32, 32, 3]; 114k params)",
    )
  out += _section(
    results["bert"], "bert", "%s; inputs batch 2, sequence 32" % SIZES[results["size"]]
  )
  return "\n".join(out) + "\n"


if __name__ == "__main__":
  main()
