"""Runs every benchmark, each measurement in a fresh subprocess, and prints the report;
with ``--write`` it also writes ``benchmarks/results/{results.md, results.json,
cold_init.png}``.

  pip install -e ".[bench]"
  python benchmarks/run_all.py --write        # full run (~15 min on 2 CPU cores)
  python benchmarks/run_all.py --quick        # depths 10/100 only, no 2 GB memory run

See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")

COLD_CONFIGS = [
  ("varscope", "own"),
  ("varscope", "jit"),
  ("jax", "jit"),
  ("jax", "eager"),
  ("haiku", "jit"),
  ("haiku", "eager"),
  ("linen", "jit"),
  ("linen", "eager"),
  ("nnx", "jit"),
  ("nnx", "eager"),
]
LABELS = {
  ("varscope", "own"): "varscope_jax t.init",
  ("varscope", "jit"): "varscope_jax jit(t.init)",
  ("jax", "jit"): "hand-written jit(init)",
  ("jax", "eager"): "hand-written eager init",
  ("haiku", "jit"): "Haiku jit(init)",
  ("haiku", "eager"): "Haiku eager init",
  ("linen", "jit"): "linen jit(init)",
  ("linen", "eager"): "linen eager init",
  ("nnx", "jit"): "NNX jit(init)",
  ("nnx", "eager"): "NNX eager init",
}
LIB_NAMES = {
  "varscope": "varscope_jax",
  "jax": "hand-written JAX",
  "haiku": "Haiku",
  "linen": "Flax linen",
  "nnx": "Flax NNX",
}


def run_json(script, args, timeout, label=None):
  """Runs ``python benchmarks/<script> args`` in a fresh process; (dict | None, error)."""
  cmd = [sys.executable, os.path.join(HERE, script)] + [str(a) for a in args]
  env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
  t0 = time.perf_counter()
  try:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
  except subprocess.TimeoutExpired:
    return None, f">{label or timeout:.0f} s (timeout)"
  wall = time.perf_counter() - t0
  if p.returncode != 0:
    return None, "error: " + (p.stderr.strip().splitlines() or ["?"])[-1][:200]
  for line in reversed(p.stdout.strip().splitlines()):
    if line.startswith("{"):
      d = json.loads(line)
      d["process_wall_s"] = wall
      return d, None
  return None, "error: no JSON output"


def project(hist, depth):
  """Cold time at ``depth`` extrapolated on the log-log line of the last two depths
  (at least linear in depth); None if fewer than one measured point."""
  import math

  pts = [(d, t) for d, t in hist if t is not None]
  if not pts:
    return None
  d1, t1 = pts[-1]
  slope = 1.0
  if len(pts) >= 2:
    d0, t0 = pts[-2]
    slope = max(1.0, math.log(t1 / t0) / math.log(d1 / d0))
  return t1 * (depth / d1) ** slope


def machine_info():
  import jax
  import psutil

  cpu = platform.processor() or "?"
  try:
    with open("/proc/cpuinfo") as f:
      for line in f:
        if line.startswith("model name"):
          cpu = line.split(":", 1)[1].strip()
          break
  except OSError:
    pass
  versions = {}
  for mod in ("jax", "jaxlib", "flax", "haiku", "optax", "numpy", "varscope_jax"):
    try:
      m = __import__(mod)
      versions[mod] = getattr(m, "__version__", "?")
    except Exception as e:  # noqa: BLE001
      versions[mod] = f"not importable ({type(e).__name__})"
  try:
    from importlib.metadata import version

    if versions["varscope_jax"] in ("?", "") or versions["varscope_jax"].startswith("not"):
      versions["varscope_jax"] = version("varscope_jax")  # the imported code's own first
  except Exception:  # noqa: BLE001
    pass
  return {
    "cpu": cpu,
    "cores": os.cpu_count(),
    "ram_GiB": round(psutil.virtual_memory().total / 2**30, 1),
    "platform": platform.platform(),
    "python": platform.python_version(),
    "jax_backend": jax.default_backend(),
    "versions": versions,
    "date": datetime.datetime.now().isoformat(timespec="seconds"),
    "loadavg_start": os.getloadavg(),
  }


def fmt_s(v):
  if v is None:
    return "-"
  if isinstance(v, str):
    return v
  if v >= 10:
    return f"{v:.1f} s"
  if v >= 1:
    return f"{v:.2f} s"
  if v >= 1e-3:
    return f"{v * 1e3:.1f} ms"
  return f"{v * 1e6:.0f} µs"


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--quick", action="store_true", help="depths 10/100, no 2 GB memory run")
  ap.add_argument("--timeout", type=float, default=150.0, help="per cold-init measurement")
  ap.add_argument("--skip-memory", action="store_true")
  ap.add_argument(
    "--from-json",
    action="store_true",
    help="only remake the report (and, with --write, results.md and "
    "cold_init.png) from results.json",
  )
  ap.add_argument(
    "--write",
    action="store_true",
    help="write benchmarks/results/ (default: print the report only)",
  )
  a = ap.parse_args()
  if a.from_json:
    with open(os.path.join(RESULTS, "results.json")) as f:
      results = json.load(f)
    for r in results["cold"]:  # the subprocess kill comes 30 s after the cap
      if r.get("error", "").endswith("s (timeout)"):
        r["error"] = f">{results['timeout_s']:.0f} s (timeout)"
    show_and_write(results, a.write)
    return
  from tqdm import tqdm

  sys.path.insert(0, ROOT)
  info = machine_info()
  mlp_depths = [10, 100] if a.quick else [10, 100, 300, 1000]
  cold_models = [("mlp", d) for d in mlp_depths] + [("transformer", 12)]
  steady_models = [("mlp", d) for d in mlp_depths if d in (10, 100, 300)] + [("transformer", 12)]
  memory_cases = [] if (a.quick or a.skip_memory) else ["varscope", "jax_jit", "uniform", "normal"]
  results = {"machine": info, "timeout_s": a.timeout, "cold": [], "steady": [], "memory": []}

  jobs = (
    [("cold", c, m) for m in cold_models for c in COLD_CONFIGS]
    + [
      ("steady", lib, m)
      for m in steady_models
      for lib in ("varscope", "haiku", "linen", "nnx", "jax")
    ]
    + [("apply", None, None)]
    + [("memory", c, None) for c in memory_cases]
  )
  last_cold = {}  # (lib, mode) -> [(depth, seconds or None)] for the MLP series
  t_start = time.perf_counter()
  for kind, cfg, mdl in tqdm(jobs, desc="benchmarks", unit="run"):
    if kind == "cold":
      (lib, mode), (model, depth) = cfg, mdl
      rec = {"lib": lib, "mode": mode, "model": model, "depth": depth}
      hist = last_cold.get((lib, mode), []) if model == "mlp" else []
      proj = project(hist, depth)
      if hist and hist[-1][1] is None:
        rec["error"] = f">{a.timeout:.0f} s (not run: depth {hist[-1][0]} already timed out)"
      elif proj is not None and proj > a.timeout:
        rec["error"] = (
          f">{a.timeout:.0f} s (not run: projected {proj:.0f} s from the "
          f"log-log slope of the smaller depths)"
        )
      else:
        d, err = run_json(
          "cold_init.py",
          ["--lib", lib, "--mode", mode, "--model", model, "--depth", depth],
          a.timeout + 30,
          a.timeout,
        )
        if d is not None and d["cold_s"] > a.timeout:
          d, err = None, f">{a.timeout:.0f} s (timeout)"
        if d is not None:
          rec.update(d)
        else:
          rec["error"] = err
      if model == "mlp":
        last_cold.setdefault((lib, mode), []).append((depth, rec.get("cold_s")))
      results["cold"].append(rec)
    elif kind == "apply":
      d, err = run_json("apply_speed.py", ["--json"], 600)
      results["apply"] = d["models"] if d is not None else [{"error": err}]
    elif kind == "steady":
      model, depth = mdl
      d, err = run_json("steady.py", ["--lib", cfg, "--model", model, "--depth", depth], 300)
      results["steady"].append(
        d if d is not None else {"lib": cfg, "model": model, "depth": depth, "error": err}
      )
    else:
      d, err = run_json("memory.py", ["--case", cfg], 400)
      results["memory"].append(d if d is not None else {"case": cfg, "error": err})
  info["loadavg_end"] = os.getloadavg()
  info["total_wall_s"] = time.perf_counter() - t_start
  show_and_write(results, a.write)


def show_and_write(results, write):
  """Prints the report; with ``write``, writes it, the raw numbers and the plot."""
  md = report(results)
  try:
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(md))
  except Exception:  # noqa: BLE001
    print(md)
  if not write:
    print("(not written: pass --write to update benchmarks/results/)")
    return
  os.makedirs(RESULTS, exist_ok=True)
  with open(os.path.join(RESULTS, "results.json"), "w") as f:
    json.dump(results, f, indent=1)
  plot(results, os.path.join(RESULTS, "cold_init.png"))
  with open(os.path.join(RESULTS, "results.md"), "w") as f:
    f.write(md)
  print("wrote", RESULTS)


# ---------------------------------------------------------------- figure


def plot(results, path):
  import matplotlib

  matplotlib.use("Agg")
  import matplotlib.pyplot as plt

  fig, ax = plt.subplots(figsize=(10.5, 5.5))
  timeout = results["timeout_s"]
  for lib, mode in COLD_CONFIGS:
    pts = [
      r for r in results["cold"] if r["lib"] == lib and r["mode"] == mode and r["model"] == "mlp"
    ]
    ok = [(r["depth"], r["cold_s"]) for r in pts if "cold_s" in r]
    to = [
      r["depth"]
      for r in pts
      if "cold_s" not in r and "timeout" in r.get("error", "") or "not run" in r.get("error", "")
    ]
    style = "-" if mode in ("own", "jit") else "--"
    lw = 2.8 if lib == "varscope" else 1.4
    (line,) = ax.plot(
      [d for d, _ in ok], [s for _, s in ok], style, marker="o", lw=lw, label=LABELS[(lib, mode)]
    )
    if to:
      ax.plot(to, [timeout] * len(to), ls="none", marker="^", ms=9, color=line.get_color())
  ax.axhline(timeout, color="grey", lw=0.8, ls=":")
  ax.text(
    10,
    timeout * 1.05,
    f"timeout {timeout:.0f} s (▲ = timed out / not run)",
    fontsize=8,
    color="grey",
  )
  ax.set_xscale("log")
  ax.set_yscale("log")
  ax.set_xlabel("MLP depth (layers of 64x64 + bias)")
  ax.set_ylabel("cold init: trace + compile + run, fresh process (s)")
  ax.set_title("Cold init time vs depth")
  ax.grid(True, which="both", alpha=0.3)
  ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
  fig.tight_layout()
  fig.savefig(path, dpi=120)


# ---------------------------------------------------------------- markdown


def _cold(results, lib, mode, model, depth, key="cold_s"):
  for r in results["cold"]:
    if (r["lib"], r["mode"], r["model"], r["depth"]) == (lib, mode, model, depth):
      return r.get(key, r.get("error"))
  return None


def _steady(results, lib, model, depth):
  for r in results["steady"]:
    if (r["lib"], r["model"], r["depth"]) == (lib, model, depth):
      return r
  return None


def _num(v):
  return v if isinstance(v, (int, float)) else None


def targets(results):
  """Rows (metric, target, measured, ratio, ok)."""
  rows = []

  def cold(lib, mode, d):
    return _num(_cold(results, lib, mode, "mlp", d))

  to = results["timeout_s"]
  for depth, factor, aim in ((100, 25, 0.15), (300, 50, 0.3)):
    own = cold("varscope", "own", depth)
    if own is None:
      continue
    for lib in ("haiku", "linen"):
      other = _cold(results, lib, "jit", "mlp", depth)
      if isinstance(other, (int, float)):
        ratio = other / own
        rows.append(
          (
            f"cold init d={depth}: {LIB_NAMES[lib]} jit(init) / varscope t.init",
            f">= {factor}x",
            f"{fmt_s(other)} / {fmt_s(own)}",
            f"{ratio:.1f}x",
            ratio >= factor,
          )
        )
      elif isinstance(other, str):
        rows.append(
          (
            f"cold init d={depth}: {LIB_NAMES[lib]} jit(init) / varscope t.init",
            f">= {factor}x",
            f"{other} / {fmt_s(own)}",
            f">{to / own:.1f}x",
            None,
          )
        )
    eager = {lib: cold(lib, "eager", depth) for lib in ("jax", "haiku", "linen", "nnx")}
    eager = {k: v for k, v in eager.items() if v is not None}
    if eager:
      best = min(eager, key=eager.get)
      ratio = own / eager[best]
      rows.append(
        (
          f"cold init d={depth}: varscope t.init / fastest eager init ({LIB_NAMES[best]})",
          "< 1x",
          f"{fmt_s(own)} / {fmt_s(eager[best])}",
          f"{ratio:.2f}x",
          ratio < 1,
        )
      )
    rows.append(
      (
        f"cold init d={depth}: varscope t.init absolute",
        f"<= {aim} s",
        fmt_s(own),
        f"{own / aim:.1f}x the aim",
        own <= aim,
      )
    )
  for r in results.get("apply", []):
    if "error" in r:
      continue
    tag = f"{r['model']} d={r['depth']}"
    rows.append(
      (
        f"un-jitted apply {tag}: varscope / hand-written (apply_speed.py, paired)",
        "<= 1.5x",
        f"{fmt_s(r['wall_s']['varscope'])} / {fmt_s(r['wall_s']['hand'])}",
        f"{r['ratio']:.2f}x",
        r["ratio"] <= 1.5,
      )
    )
  for model, depth in (("mlp", 100), ("mlp", 300), ("transformer", 12)):
    r = _steady(results, "varscope", model, depth)
    if r is None or "error" in r:
      continue
    tag = f"{model} d={depth}"
    rows.append(
      (
        f"jitted step {tag}: jaxpr identical to hand-written",
        "identical",
        f"{r['step_eqns']} vs {r['hand_step_eqns']} eqns",
        "equal" if r["jaxpr_equal"] else "DIFFERENT",
        bool(r["jaxpr_equal"]),
      )
    )
    ratio = r["step_s"] / r["hand_step_s"]
    rows.append(
      (
        f"jitted step {tag}: varscope / hand-written time",
        "<= 1.03x",
        f"{fmt_s(r['step_s'])} / {fmt_s(r['hand_step_s'])}",
        f"{ratio:.3f}x",
        ratio <= 1.03,
      )
    )
    for what in ("init", "apply"):
      ratio = r[f"trace_{what}_s"] / r[f"hand_trace_{what}_s"]
      rows.append(
        (
          f"trace time (eval_shape {what}) {tag}: varscope / hand-written",
          "<= 1.5x",
          f"{fmt_s(r[f'trace_{what}_s'])} / {fmt_s(r[f'hand_trace_{what}_s'])}",
          f"{ratio:.2f}x",
          ratio <= 1.5,
        )
      )
  mem = {m["case"]: m for m in results["memory"] if "error" not in m}
  if "varscope" in mem:
    v = mem["varscope"]
    rows.append(
      (
        f"init peak RSS increase / params' bytes ({v['bytes'] / 1e9:.2f} GB)",
        "<= 1.25x",
        f"{(v['peak'] - v['rss_before']) / 1e9:.2f} GB / {v['bytes'] / 1e9:.2f} GB",
        f"{v['peak_over_params']:.2f}x",
        v["peak_over_params"] <= 1.25,
      )
    )
    for bare in ("normal", "uniform"):
      if bare in mem:
        for phase in ("warm", "cold"):
          ratio = v[f"{phase}_GBps"] / mem[bare][f"{phase}_GBps"]
          rows.append(
            (
              f"init throughput ({phase}): varscope / bare jax.random.{bare}",
              ">= 0.9x",
              f"{v[f'{phase}_GBps']:.3f} / {mem[bare][f'{phase}_GBps']:.3f} GB/s",
              f"{ratio:.2f}x",
              ratio >= 0.9,
            )
          )
  return rows


def report(results):
  info = results["machine"]
  out = ["# varscope_jax benchmarks", ""]
  out += [
    f"Date: {info['date']}  ",
    f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_GiB']} GiB RAM, "
    f"{info['platform']}, Python {info['python']}, JAX backend `{info['jax_backend']}`  ",
    "Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + "  ",
    f"Load average (1/5/15 min) at start {tuple(round(x, 2) for x in info['loadavg_start'])}, "
    f"at end {tuple(round(x, 2) for x in info.get('loadavg_end', ()))}; "
    f"whole run {info.get('total_wall_s', 0) / 60:.1f} min. A load above the core count means "
    "other processes shared the CPUs and times are inflated.",
    "",
  ]

  out += ["## Targets", "", "| metric | target | measured | ratio | met |", "|---|---|---|---|---|"]
  for metric, target, measured, ratio, ok in targets(results):
    mark = "yes" if ok else ("?" if ok is None else "**no**")
    out.append(f"| {metric} | {target} | {measured} | {ratio} | {mark} |")

  cold_models = sorted(
    {(r["model"], r["depth"]) for r in results["cold"]}, key=lambda md: (md[0] != "mlp", md[1])
  )
  head = (
    "| library / mode | "
    + " | ".join(f"MLP d={d}" if m == "mlp" else f"transformer {d} blocks" for m, d in cold_models)
    + " |"
  )
  sep = "|---" * (len(cold_models) + 1) + "|"
  for key, title, text in (
    (
      "cold_s",
      "Cold init (fresh process: trace + compile + run)",
      "Each cell is its own subprocess (`benchmarks/cold_init.py`); imports, model "
      "definition and the backend start are excluded. Capped at the timeout.",
    ),
    ("warm_s", "Warm init (second call in the same process)", ""),
  ):
    out += ["", f"## {title}", ""] + ([text, ""] if text else []) + [head, sep]
    for lib, mode in COLD_CONFIGS:
      cells = [fmt_s(_cold(results, lib, mode, m, d, key)) for m, d in cold_models]
      out.append(f"| {LABELS[(lib, mode)]} | " + " | ".join(cells) + " |")
  out += ["", "![cold init](cold_init.png)", ""]

  steady_models = sorted(
    {(r["model"], r["depth"]) for r in results["steady"]}, key=lambda md: (md[0] != "mlp", md[1])
  )
  out += [
    "## Steady state (one process per library and model)",
    "",
    "trace = `jax.eval_shape` of init / apply; apply = un-jitted call, median; step = "
    "`jax.jit`(forward + grad + SGD), median after warm-up; eqns = equations of "
    "`jax.make_jaxpr(step)` counted through sub-jaxprs. The hand-written row of each "
    "model is measured in varscope_jax's process on the same params, interleaved call "
    "by call with it.",
    "",
  ]
  for model, depth in steady_models:
    tag = f"MLP depth {depth}" if model == "mlp" else f"transformer, {depth} blocks"
    out += [
      f"### {tag}",
      "",
      "| library | trace init | trace apply | un-jitted apply | jit step | step compile | step eqns |",
      "|---|---|---|---|---|---|---|",
    ]
    for lib in ("varscope", "jax", "haiku", "linen", "nnx"):
      if lib == "jax":
        r, p = _steady(results, "varscope", model, depth), "hand_"
      else:
        r, p = _steady(results, lib, model, depth), ""
      if r is None:
        continue
      if "error" in r:
        out.append(f"| {LIB_NAMES[lib]} | {r['error']} | | | | | |")
        continue
      out.append(
        f"| {LIB_NAMES[lib]} | {fmt_s(r[p + 'trace_init_s'])} | {fmt_s(r[p + 'trace_apply_s'])} | "
        f"{fmt_s(r[p + 'apply_eager_s'])} | {fmt_s(r[p + 'step_s'])} | "
        f"{fmt_s(r[p + 'step_compile_s'])} | {r[p + 'step_eqns']} |"
      )
    out.append("")

  if results.get("apply"):
    out += [
      "## Un-jitted apply, paired with hand-written JAX (`benchmarks/apply_speed.py`)",
      "",
      "Both on the same params in one process, alternating call by call; medians of "
      "wall time (and of process CPU time).",
      "",
      "| model | varscope_jax | hand-written | ratio | CPU ratio | jitted step jaxpr |",
      "|---|---|---|---|---|---|",
    ]
    for r in results["apply"]:
      if "error" in r:
        out.append(f"| {r['error']} | | | | | |")
        continue
      out.append(
        f"| {r['model']} depth {r['depth']} | {fmt_s(r['wall_s']['varscope'])} | "
        f"{fmt_s(r['wall_s']['hand'])} | {r['ratio']:.2f}x | {r['cpu_ratio']:.2f}x | "
        f"{'identical' if r['jaxpr_equal'] else 'DIFFERENT'} |"
      )
    out.append("")

  if results["memory"]:
    out += [
      "## Init of ~2 GB of float32 params (32 layers of [4096, 4096] + bias)",
      "",
      "Fresh process per row (`benchmarks/memory.py`). Peak = max(ru_maxrss, 1 ms psutil "
      "sampler) during the first call; increase = peak - RSS just before it. `normal` / "
      "`uniform` are one `jax.jit(jax.random.*)` array of the same element count.",
      "",
      "| case | params | peak RSS increase | / params' bytes | cold | warm | warm throughput |",
      "|---|---|---|---|---|---|---|",
    ]
    names = {
      "varscope": "varscope_jax t.init",
      "jax_jit": "hand-written jit(init)",
      "normal": "bare jax.random.normal",
      "uniform": "bare jax.random.uniform",
    }
    for m in results["memory"]:
      if "error" in m:
        out.append(f"| {names[m['case']]} | {m['error']} | | | | | |")
        continue
      out.append(
        f"| {names[m['case']]} | {m['bytes'] / 1e9:.2f} GB | "
        f"{(m['peak'] - m['rss_before']) / 1e9:.2f} GB | {m['peak_over_params']:.2f}x | "
        f"{fmt_s(m['cold_s'])} | {fmt_s(m['warm_s'])} | {m['warm_GBps']:.3f} GB/s |"
      )
    out.append("")
  return "\n".join(out) + "\n"


if __name__ == "__main__":
  main()
