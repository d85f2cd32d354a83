"""One indentation: every block of the package, tests, benchmarks and examples is indented
by 2 spaces (``[tool.ruff] indent-width``). The golden programs keep theirs: their source
is hashed into the golden data they recorded. Comments and docs describe the code, not how
it was made: no tracker numbers or development-process words."""

import pathlib
import re
import subprocess
import sys
import tokenize

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
KEPT = ("tests/golden/", "tests/tf1_lstm/make_tf1_lstm.py")  # hashed into golden data
FILES = sorted(
  p
  for d in ("varscope_jax", "tests", "benchmarks", "examples", "notebooks")
  for p in (ROOT / d).rglob("*.py")
  if not str(p.relative_to(ROOT)).startswith(KEPT)
)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_blocks_are_indented_by_two_spaces(path):
  stack, bad = [0], []
  with open(path, "rb") as f:
    for tok in tokenize.tokenize(f.readline):
      if tok.type == tokenize.INDENT:
        if len(tok.string) - stack[-1] != 2:
          bad.append(tok.start[0])
        stack.append(len(tok.string))
      elif tok.type == tokenize.DEDENT:
        stack.pop()
  assert not bad, f"{path.relative_to(ROOT)}: lines {bad[:5]} are not indented by 2 spaces"


STATE_FILES = sorted(p for d in ("tests", "examples") for p in (ROOT / d).rglob("checkpoint"))


@pytest.mark.parametrize("path", STATE_FILES, ids=[str(p.relative_to(ROOT)) for p in STATE_FILES])
def test_committed_checkpoint_state_files_hold_relative_paths(path):
  """A TF ``checkpoint`` state file names its checkpoints relative to its folder (as TF's
  ``Saver(save_relative_paths=True)`` writes them), so a clone anywhere reads them."""
  lines = path.read_text().splitlines()
  paths = [line.split(":", 1)[1].strip().strip('"') for line in lines if ":" in line]
  assert paths and not [p for p in paths if p.startswith("/")], (
    f"{path.relative_to(ROOT)}: absolute paths {paths}; write it with "
    "Saver(save_relative_paths=True)"
  )


# Words about the development process, not the code. A third-party tracker link
# (``github.com/google/jax/issues/123``) does not match; TF's ``Session`` does not either.
PROCESS_WORDS = re.compile(
  "|".join(
    [
      r"\b[Ii]ssues? #?\d",
      r"\b[Tt]his session\b",
      r"\bhelper sessions?\b",
      r"\b(?:last|next|previous) stop\b",
      r"\bstop \d\b",
      r"\b[Tt]his change\b",
      r"\bTODO\b",
      r"\bFIXME\b",
      r"\b[Dd]raft\b",
      r"\bnot written yet\b",
      r"\bshared/tf1\b",
    ]
  )
)
TEXT_FILES = sorted(
  [
    p
    for d in ("varscope_jax", "tests", "benchmarks", "examples", "notebooks", "docs")
    for p in (ROOT / d).rglob("*")
    if p.suffix in (".py", ".md", ".ipynb", ".toml")
  ]
  + [p for p in ROOT.glob("*") if p.suffix in (".md", ".toml")]
)
TEXT_FILES = [p for p in TEXT_FILES if p != pathlib.Path(__file__).resolve()]


def test_no_process_words_in_code_docs_notebooks_and_tests():
  found = []
  for path in TEXT_FILES:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
      match = PROCESS_WORDS.search(line)
      if match:
        found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}")
  assert not found, "words about the process, not the code:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]])
def test_ruff_finds_nothing(command):
  """The one formatter and linter, as configured in pyproject.toml: ``ruff format`` leaves
  every file as it is and ``ruff check`` reports nothing (run them to fix what this finds)."""
  pytest.importorskip("ruff")
  done = subprocess.run(
    [sys.executable, "-m", "ruff", *command, str(ROOT)], cwd=ROOT, capture_output=True, text=True
  )
  assert done.returncode == 0, done.stdout + done.stderr
