"""What fsync costs the writers: 1 GiB overwrites with and without it.

  python benchmarks/fsync_cost.py                 # prints one JSON line per run
  python benchmarks/fsync_cost.py --write         # also writes benchmarks/results/fsync.md

Every writer fsyncs each file it wrote, and the folder after each rename, before the swap
or commit (``varscope_jax/_src/io/durable.py``), so a power cut keeps the old or the new
checkpoint. This times ``save_tf1_checkpoint`` and ``save_checkpoint(force=True)``
overwriting an existing 1 GiB checkpoint (64 float32 tensors of 16 MiB, random, so
orbax's compression cannot shrink them) with the fsyncs done and with them skipped
(``durable.FSYNC = False``: everything else identical), alternating, best of
``--repeat``. The folder is on the disk of ``--dir`` (default: beside this repository, not
a tmpfs, where fsync would cost nothing). The machine's load average is recorded: on a
shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import varscope_jax as vs  # noqa: E402
from varscope_jax._src.io import durable  # noqa: E402


def params(mb: int, seed: int) -> dict:
  rng = np.random.default_rng(seed)
  block = rng.standard_normal(16 * 2**20 // 4, dtype=np.float32)
  return {f"layer_{i:04d}": {"w": np.roll(block, i + seed)} for i in range(mb // 16)}


def timed(fn) -> float:
  t0 = time.perf_counter()
  fn()
  return time.perf_counter() - t0


def main() -> None:
  parser = argparse.ArgumentParser()
  parser.add_argument("--mb", type=int, default=1024)
  parser.add_argument("--repeat", type=int, default=2)
  parser.add_argument("--dir", default=os.path.join(ROOT, ".bench-fsync"))
  parser.add_argument("--write", action="store_true", help="write benchmarks/results/fsync.md")
  args = parser.parse_args()
  os.makedirs(args.dir, exist_ok=True)
  folder = tempfile.mkdtemp(dir=args.dir)
  rows = []
  try:
    trees = [params(args.mb, 0), params(args.mb, 1)]
    writers = {
      "save_tf1_checkpoint": lambda tree: vs.save_tf1_checkpoint(
        os.path.join(folder, "tf1", "model.ckpt"), tree
      ),
      "save_checkpoint(force=True)": lambda tree: vs.save_checkpoint(
        os.path.join(folder, "orbax"), tree, force=True
      ),
    }
    for name, write in writers.items():
      write(trees[0])  # the checkpoint every timed save overwrites
      best = {True: float("inf"), False: float("inf")}
      for i in range(args.repeat):
        for fsync in (False, True) if i % 2 == 0 else (True, False):
          durable.FSYNC = fsync
          best[fsync] = min(best[fsync], timed(lambda: write(trees[(i + fsync) % 2])))
      durable.FSYNC = True
      row = {
        "writer": name,
        "mb": args.mb,
        "without_fsync_s": round(best[False], 2),
        "with_fsync_s": round(best[True], 2),
        "cost_s": round(best[True] - best[False], 2),
        "load_average": [round(x, 1) for x in os.getloadavg()],
      }
      print(json.dumps(row), flush=True)
      rows.append(row)
  finally:
    shutil.rmtree(folder, ignore_errors=True)
  if args.write:
    cores = os.cpu_count()
    lines = [
      "# What fsync costs the writers (1 GiB overwrites)",
      "",
      f"`python benchmarks/fsync_cost.py --mb {args.mb} --repeat {args.repeat} --write`, "
      f"on a shared {cores}-core machine (ext4 on a virtual disk); best of "
      f"{args.repeat} each. The load average (1, 5, 15 min) at the end of each row: "
      "other jobs shared the machine, so the figures move with it. A negative cost "
      "means the runs with fsync were the faster ones: the fsyncs cost less than this "
      "machine's noise (and a write without fsync leaves its dirty pages for the "
      "kernel to flush during the next one).",
      "",
      "| writer | MiB | without fsync (s) | with fsync (s) | fsync cost (s) | load |",
      "|---|---|---|---|---|---|",
    ]
    for r in rows:
      lines.append(
        f"| `{r['writer']}` | {r['mb']} | {r['without_fsync_s']} | "
        f"{r['with_fsync_s']} | {r['cost_s']} | {r['load_average']} |"
      )
    with open(os.path.join(ROOT, "benchmarks", "results", "fsync.md"), "w") as f:
      f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
  main()
