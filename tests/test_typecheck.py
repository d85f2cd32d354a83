"""pyright (basic mode, ``[tool.pyright]`` in pyproject.toml) finds no type errors in the
package. Skipped only where pyright itself cannot start (it needs Node.js)."""
import json
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_pyright_reports_no_errors():
  exe = shutil.which("pyright")
  if exe is None:
    pytest.skip("pyright is not installed (pip install -e '.[test]' installs it)")
  try:
    out = subprocess.run([exe, "--outputjson"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
  except (OSError, subprocess.TimeoutExpired) as e:
    pytest.skip(f"pyright could not run: {e}")
  try:
    report = json.loads(out.stdout)
  except json.JSONDecodeError:
    pytest.skip("pyright could not start: " + (out.stderr or out.stdout)[-500:])
  errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
  assert errors == [], "\n".join(
      f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}" for d in errors)
