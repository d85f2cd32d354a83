"""Writes the generated tables of ``docs/porting.md`` from the code (run from the repo root).

  python docs/make_porting.py            # rewrite the tables in place
  python docs/make_porting.py --check    # exit 1 if the file is out of date

The "What needs a person" table comes from ``varscope_jax/_src/upgrade/manual.py``.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from varscope_jax._src.upgrade import manual  # noqa: E402

DOC = ROOT / "docs" / "porting.md"
BEGIN = "<!-- BEGIN manual table"
END = "<!-- END manual table -->"


def render(text: str) -> str:
  """``text`` with the section between the markers replaced by the generated table."""
  pattern = re.compile(re.escape(BEGIN) + r"[^\n]*\n.*?" + re.escape(END), re.S)
  head = text[text.index(BEGIN) :].split("\n", 1)[0]
  return pattern.sub(lambda _: f"{head}\n{manual.markdown_table()}\n{END}", text, count=1)


def main(argv):
  text = DOC.read_text()
  new = render(text)
  if "--check" in argv:
    return 0 if new == text else 1
  DOC.write_text(new)
  return 0


if __name__ == "__main__":
  sys.exit(main(sys.argv[1:]))
