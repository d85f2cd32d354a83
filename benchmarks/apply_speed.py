"""Un-jitted ``apply`` against hand-written JAX, side by side in one process.

  python benchmarks/apply_speed.py                # MLP depth 100 and 300, transformer
  python benchmarks/apply_speed.py --write        # also writes benchmarks/results/apply.{md,json}
  python benchmarks/apply_speed.py --json         # one JSON line (what run_all.py reads)

For each model of ``models.py`` the varscope_jax ``t.apply`` and the hand-written
``apply`` run on the same params dict, op by op (no ``jax.jit``), alternating call by call
(ABBA order, so drift in the machine's load falls on both alike) after a warm-up that
compiles each primitive. Figures: the median wall time per call of each, their ratio,
and the median of the per-pair ratios; the same on process CPU time, which other
processes on a shared machine disturb less. ``jaxpr_equal`` says whether the jitted
training steps (forward, ``jax.grad``, SGD) of the two have identical jaxprs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
sys.path.insert(0, HERE)

import jax  # noqa: E402

import models  # noqa: E402
from steady import make_step, normalised_jaxpr  # noqa: E402

MODELS = (("mlp", 100), ("mlp", 300), ("transformer", 12))


def _one(fn, params, x):
  w0, c0 = time.perf_counter(), time.process_time()
  jax.block_until_ready(fn(params, x))
  return time.perf_counter() - w0, time.process_time() - c0


def measure(model: str, depth: int, pairs: int, budget_s: float) -> dict:
  ours, hand = models.build("varscope", model, depth), models.build("jax", model, depth)
  x = models.example_input(model)
  params = jax.block_until_ready(ours.init(jax.random.PRNGKey(0), x))
  for _ in range(2):  # warm-up: every primitive compiled once, caches filled
    _one(ours.eager_apply, params, x)
    _one(hand.eager_apply, params, x)
  walls = {"varscope": [], "hand": []}
  cpus = {"varscope": [], "hand": []}
  start = time.perf_counter()
  for i in range(pairs):
    order = (
      (("varscope", ours), ("hand", hand)) if i % 2 == 0 else (("hand", hand), ("varscope", ours))
    )
    for name, m in order:
      wall, cpu = _one(m.eager_apply, params, x)
      walls[name].append(wall)
      cpus[name].append(cpu)
    if i >= 9 and time.perf_counter() - start > budget_s:
      break
  steps = [jax.make_jaxpr(make_step(m.apply))(params, x) for m in (ours, hand)]
  med = {k: statistics.median(v) for k, v in walls.items()}
  cpu_med = {k: statistics.median(v) for k, v in cpus.items()}
  return {
    "model": model,
    "depth": depth,
    "pairs": len(walls["hand"]),
    "wall_s": med,
    "cpu_s": cpu_med,
    "ratio": med["varscope"] / med["hand"],
    "ratio_pairs": statistics.median(a / b for a, b in zip(walls["varscope"], walls["hand"])),
    "cpu_ratio": cpu_med["varscope"] / cpu_med["hand"],
    "jaxpr_equal": normalised_jaxpr(steps[0]) == normalised_jaxpr(steps[1]),
  }


def machine() -> dict:
  cpu = platform.processor() or platform.machine()
  try:
    with open("/proc/cpuinfo") as f:
      cpu = next(
        (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu
      )
  except OSError:
    pass
  return {
    "date": datetime.datetime.now().isoformat(timespec="seconds"),
    "cpu": cpu,
    "cores": os.cpu_count(),
    "jax": jax.__version__,
    "backend": jax.default_backend(),
    "python": platform.python_version(),
    "loadavg_start": os.getloadavg(),
  }


def report(res: dict) -> str:
  m = res["machine"]
  lines = [
    "# Un-jitted apply: varscope_jax against hand-written JAX",
    "",
    f"`python benchmarks/apply_speed.py`, {m['date']}, {m['cpu']}, {m['cores']} cores, "
    f"JAX {m['jax']} ({m['backend']}), Python {m['python']}. Load average (1 min) "
    f"{m['loadavg_start'][0]:.1f} at the start, {m['loadavg_end'][0]:.1f} at the end"
    + (
      ": above the core count, other processes shared the CPUs and wall times are inflated "
      "(the CPU-time columns are disturbed less)."
      if max(m["loadavg_start"][0], m["loadavg_end"][0]) > m["cores"]
      else ": below the core count, the machine was otherwise idle."
    ),
    "",
    "Each model's `t.apply(params, x)` and the hand-written `apply(params, x)` on the same "
    "params, op by op, alternating call by call; medians.",
    "",
    "| model | pairs | varscope_jax | hand-written | ratio | median pair ratio | CPU time: "
    "varscope_jax / hand-written | CPU ratio | jitted step jaxpr |",
    "|---|---|---|---|---|---|---|---|---|",
  ]
  for r in res["models"]:
    tag = f"MLP depth {r['depth']}" if r["model"] == "mlp" else f"transformer, {r['depth']} blocks"
    lines.append(
      f"| {tag} | {r['pairs']} | {r['wall_s']['varscope'] * 1e3:.2f} ms | "
      f"{r['wall_s']['hand'] * 1e3:.2f} ms | **{r['ratio']:.2f}×** | {r['ratio_pairs']:.2f}× | "
      f"{r['cpu_s']['varscope'] * 1e3:.2f} ms / {r['cpu_s']['hand'] * 1e3:.2f} ms | "
      f"{r['cpu_ratio']:.2f}× | {'identical' if r['jaxpr_equal'] else 'DIFFERENT'} |"
    )
  return "\n".join(lines) + "\n"


def main(argv=None):
  ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  ap.add_argument("--pairs", type=int, default=60, help="interleaved pairs per model (most)")
  ap.add_argument(
    "--budget", type=float, default=20.0, help="seconds per model (at least 10 pairs)"
  )
  ap.add_argument("--json", action="store_true", help="print one JSON line only")
  ap.add_argument(
    "--write",
    action="store_true",
    help="write benchmarks/results/apply.{md,json} (default: print only)",
  )
  a = ap.parse_args(argv)
  res = {"machine": machine(), "models": []}
  for model, depth in MODELS:
    res["models"].append(measure(model, depth, a.pairs, a.budget))
  res["machine"]["loadavg_end"] = os.getloadavg()
  if a.json:
    print(json.dumps(res))
    return
  md = report(res)
  print(md)
  if a.write:
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "apply.json"), "w") as f:
      json.dump(res, f, indent=1)
    with open(os.path.join(RESULTS, "apply.md"), "w") as f:
      f.write(md)
    print("wrote", os.path.join(RESULTS, "apply.md"), "and apply.json")


if __name__ == "__main__":
  main()
