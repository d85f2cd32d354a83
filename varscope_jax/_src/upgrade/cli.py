"""``python -m varscope_jax.upgrade SRC... [-o OUT] [--report report.md]``."""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from typing import Sequence

from varscope_jax._src.upgrade.files import BACKUP_SUFFIX, upgrade_files
from varscope_jax._src.upgrade.vs_names import VsNames


def parser() -> argparse.ArgumentParser:
  p = argparse.ArgumentParser(
    prog="python -m varscope_jax.upgrade",
    description="Rewrite TF1 model code (tf.compat.v1, tf.contrib, tf_slim) to "
    "varscope_jax and JAX, keeping comments and layout. Constructs with no "
    "meaning in JAX are left in place, marked with a comment and listed.",
  )
  p.add_argument("src", nargs="+", help="Python files or folders (upgraded recursively)")
  p.add_argument(
    "-o",
    "--output",
    help="write here (a folder, or a .py file for one file) "
    f"instead of in place (in place keeps each original as *{BACKUP_SUFFIX})",
  )
  p.add_argument("--report", help="write the full report (markdown) to this file")
  p.add_argument("--no-backup", action="store_true", help="in place, keep no backup")
  return p


def main(argv: Sequence[str] | None, vs_names: VsNames) -> int:
  """Runs the command line; 0 when every file was read and written, 2 on a bad path."""
  args = parser().parse_args(argv)
  try:
    report = upgrade_files(args.src, vs_names, output=args.output, backup=not args.no_backup)
  except (FileNotFoundError, ValueError) as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  if args.report:
    pathlib.Path(args.report).write_text(report.markdown(), encoding="utf-8")
  print(report.summary())
  for e in report.flagged():
    print(f"{e.path}:{e.line}:{e.column}: {e.kind}: {e.old}: {e.note}")
  if args.report:
    print(f"report: {args.report}")
  return 0


def run_module(argv: Sequence[str] | None, vs_names: VsNames) -> int:
  """``main`` as the process's entry point: output to a pipe closed early
  (``... | head -1``) ends the process quietly with status 1, no traceback.

  Python ignores SIGPIPE, so a write to a closed pipe raises ``BrokenPipeError``; stdout
  is then pointed at ``os.devnull`` so the interpreter's last flush at exit cannot
  raise it again (the recipe of Python's "Note on SIGPIPE").
  """
  try:
    status = main(argv, vs_names)
    sys.stdout.flush()
  except BrokenPipeError:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1
  return status
