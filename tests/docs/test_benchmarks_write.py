"""Benchmark scripts print their figures; only ``--write`` changes ``benchmarks/results/``."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"


def test_every_script_that_writes_results_takes_write():
  writers = []
  for path in sorted(BENCH.glob("*.py")):
    text = path.read_text()
    if re.search(r""",\s*["']w["']\)|savefig\(""", text):
      writers.append(path.name)
      assert '"--write"' in text, f"{path.name} writes files but has no --write flag"
  assert {"run_all.py", "run_layers_bench.py", "rnn.py", "import_time.py"} <= set(writers)


def test_import_time_prints_without_writing():
  committed = BENCH / "results" / "import_time.md"
  before = committed.read_bytes()
  env = dict(os.environ, PYTHONPATH=str(ROOT), JAX_PLATFORMS="cpu")
  out = subprocess.run(
    [sys.executable, str(BENCH / "import_time.py"), "--runs", "1"],
    capture_output=True,
    text=True,
    timeout=300,
    env=env,
    check=True,
  )
  assert "| seconds |" in out.stdout and "wrote" not in out.stdout
  assert committed.read_bytes() == before
