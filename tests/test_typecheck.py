"""pyright (basic mode) finds no type errors in the package (``[tool.pyright]`` in
pyproject.toml), nor in what users copy: the README's Python blocks and ``examples/``.

pyright is found next to the running interpreter (the venv's ``bin/``), then on PATH;
skipped only where it cannot start (it needs Node.js)."""

import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _pyright():
  beside = pathlib.Path(sys.executable).parent / "pyright"
  exe = str(beside) if beside.exists() else shutil.which("pyright")
  if exe is None:
    pytest.skip("pyright is not installed (pip install -e '.[test]' installs it)")
  return exe


def _errors(args, cwd):
  try:
    out = subprocess.run(
      [_pyright(), "--outputjson", "--pythonpath", sys.executable, *args],
      cwd=cwd,
      capture_output=True,
      text=True,
      timeout=600,
    )
  except (OSError, subprocess.TimeoutExpired) as e:
    pytest.skip(f"pyright could not run: {e}")
  try:
    report = json.loads(out.stdout)
  except json.JSONDecodeError:
    pytest.skip("pyright could not start: " + (out.stderr or out.stdout)[-500:])
  return [
    f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}"
    for d in report["generalDiagnostics"]
    if d["severity"] == "error"
  ]


@pytest.mark.slow
def test_pyright_reports_no_errors():
  errors = _errors([], ROOT)
  assert errors == [], "\n".join(errors)


@pytest.mark.slow
@pytest.mark.docs
def test_readme_blocks_and_examples_type_check(tmp_path):
  """What a user writes from the docs type-checks: lazy names, scope properties and
  Variable operators are declared, not made at run time."""
  blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
  assert blocks
  for i, block in enumerate(blocks):
    (tmp_path / f"readme_block_{i + 1}.py").write_text(block)
  (tmp_path / "pyrightconfig.json").write_text(
    json.dumps(
      {
        "typeCheckingMode": "basic",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT), str(ROOT / "examples" / "bert")],
      }
    )
  )
  errors = _errors(
    [str(p) for p in sorted(tmp_path.glob("*.py"))] + [str(ROOT / "examples")], tmp_path
  )
  assert errors == [], "\n".join(errors)
