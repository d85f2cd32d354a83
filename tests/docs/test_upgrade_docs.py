"""The porting guide and the README's before/after stay what the code does."""

import importlib.util
import pathlib
import re

from varscope_jax import upgrade

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_porting_guide_tables_are_generated_from_the_code():
  spec = importlib.util.spec_from_file_location("make_porting", ROOT / "docs" / "make_porting.py")
  make = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(make)
  text = (ROOT / "docs" / "porting.md").read_text()
  assert make.render(text) == text, "run: python docs/make_porting.py"


def test_readme_before_and_after_is_the_commands_output():
  readme = (ROOT / "README.md").read_text()
  section = readme[readme.index("## Porting TF1 code") :]
  section = section[: section.index("\n## ", 3)]
  assert "python -m varscope_jax.upgrade model.py -o model_jax.py --report report.md" in section
  before, after = re.findall(r"```py\n(.*?)```", section, flags=re.S)
  assert "import tensorflow" in before
  assert upgrade.upgrade_source(before, "model.py")[0] == after


def test_porting_guide_is_linked_from_the_first_screen():
  first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
  assert "docs/porting.md" in first_screen
