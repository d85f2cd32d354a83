"""One version: pyproject, ``vs.__version__`` and the newest CHANGELOG entry agree."""

import pathlib
import re

import varscope_jax as vs

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_one_version_everywhere():
  pyproject = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(
    1
  )
  newest = re.search(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text(), re.M)
  assert newest is not None, "CHANGELOG.md has no '## X.Y.Z' entry"
  assert pyproject == vs.__version__ == newest.group(1)
  assert pyproject.startswith("0."), "0.x: see CHANGELOG.md's stability section"
