"""How long ``import varscope_jax`` takes on top of ``import jax`` (fresh processes).

    python benchmarks/import_time.py [--runs 7] [--write]

Each run is a new interpreter that imports jax (and jax.numpy) first, then times
``import varscope_jax`` alone, and lists which heavy optional dependencies that import
loaded (none should: they load on first use). Prints the table; ``--write`` also
writes it to ``benchmarks/results/import_time.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("orbax", "tensorstore", "safetensors", "rich", "flax", "optax")
CODE = f"""
import json, sys, time
import jax, jax.numpy
t0 = time.perf_counter()
import varscope_jax
t1 = time.perf_counter()
print(json.dumps({{"seconds": t1 - t0, "file": varscope_jax.__file__,
                   "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--runs", type=int, default=7)
  parser.add_argument(
    "--write",
    action="store_true",
    help="write benchmarks/results/import_time.md (default: print only)",
  )
  args = parser.parse_args(argv)
  runs = []
  for _ in range(args.runs):
    # From an empty folder, so the package imported is the installed one (or the one
    # on PYTHONPATH), not a checkout that happens to be the working directory.
    with tempfile.TemporaryDirectory() as empty:
      out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=empty
      ).stdout
    runs.append(json.loads(out.strip().splitlines()[-1]))
  seconds = [r["seconds"] for r in runs]
  heavy = sorted({m for r in runs for m in r["heavy"]})
  load = os.getloadavg()
  text = (
    "# Import time\n\n`python benchmarks/import_time.py`, "
    f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average "
    f"{load[0]:.2f} at the end.\n\n"
    "| `import varscope_jax` after `import jax` | median | min | max | runs |\n"
    "|---|---|---|---|---|\n"
    f"| seconds | {statistics.median(seconds):.3f} | {min(seconds):.3f} | "
    f"{max(seconds):.3f} | {len(seconds)} |\n\n"
    f"Heavy optional dependencies loaded by the import: {heavy or 'none'} "
    f"(checked: {', '.join(HEAVY)}).\n"
    f"\nPackage measured: `{runs[0]['file']}`.\n"
  )
  path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "import_time.md")
  print(text)
  if args.write:
    with open(path, "w") as f:
      f.write(text)
    print("wrote", path)


if __name__ == "__main__":
  main()
