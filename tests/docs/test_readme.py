"""The README's Python blocks run, in order, as one program (so the README stays true)."""
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_readme_python_blocks_run(monkeypatch, capsys):
  monkeypatch.chdir(ROOT)
  text = open(os.path.join(ROOT, "README.md")).read()
  blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
  assert len(blocks) >= 3
  namespace = {"__name__": "readme"}
  for i, block in enumerate(blocks):
    try:
      exec(compile(block, f"README.md block {i + 1}", "exec"), namespace)
    except Exception as e:  # pragma: no cover - shown by pytest
      pytest.fail(f"README.md python block {i + 1} failed: {type(e).__name__}: {e}")
  assert "Variable model/fc1/w does not exist" in capsys.readouterr().out


def test_no_shared_links_in_user_facing_files():
  import pathlib
  root = pathlib.Path(__file__).resolve().parents[2]
  files = [root / "README.md", *root.glob("examples/**/*.py"), *root.glob("notebooks/*.ipynb"),
           *root.glob("docs/*.md"), *root.glob("varscope_jax/**/*.py")]
  bad = [str(f.relative_to(root)) for f in files if "../shared" in f.read_text()]
  assert bad == []
