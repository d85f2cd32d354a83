"""Re-executes the notebooks and stores them with their outputs, stripped for small diffs.

  python notebooks/execute.py                        # every notebooks/*.ipynb, in place
  python notebooks/execute.py 02_train_eval_shared   # one (name, file name or path)
  python notebooks/execute.py --check                # exit 1 if a stored notebook is not stripped

Each notebook runs top to bottom in a fresh ``python3`` kernel, with ``notebooks/`` as its
working directory, this checkout first on ``PYTHONPATH`` and matplotlib's inline backend
(plots are stored as PNG, rich tables as HTML and text, so GitHub shows both). A cell
that raises stops it with that cell's error and nothing is written.

Stripped (so that re-running changes only what the code prints): execution counts, cell
metadata other than ``tags``, output metadata, widget state, and notebook metadata other
than the kernel spec and the language name; consecutive stream outputs of one cell are
merged. Needs the ``notebooks`` extra (``pip install -e ".[notebooks]"``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import sys
from typing import Iterator

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
TIMEOUT_S = 600  # per cell
_KEEP_CELL_METADATA = ("tags",)
_WIDGET_MIME = "application/vnd.jupyter.widget"


def notebooks(names=()) -> list[pathlib.Path]:
  """The notebooks named (a name without ``.ipynb``, a file name or a path), or all."""
  if not names:
    return sorted(HERE.glob("*.ipynb"))
  out = []
  for name in names:
    path = pathlib.Path(name)
    if not path.suffix:
      path = path.with_suffix(".ipynb")
    if not path.exists():
      path = HERE / path.name
    if not path.exists():
      raise SystemExit(f"no notebook {name!r} (looked for {path})")
    out.append(path.resolve())
  return out


@contextlib.contextmanager
def _kernel_env() -> Iterator[None]:
  """The environment the kernel inherits: this checkout importable, plots inline."""
  saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "MPLBACKEND")}
  path = os.environ.get("PYTHONPATH")
  os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + path if path else "")
  os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
  try:
    yield
  finally:
    for key, value in saved.items():
      if value is None:
        os.environ.pop(key, None)
      else:
        os.environ[key] = value


def execute(path: pathlib.Path, timeout: int = TIMEOUT_S) -> nbformat.NotebookNode:
  """``path`` executed in a fresh kernel and stripped (not written).

  Raises ``nbclient.exceptions.CellExecutionError`` (naming the cell and its traceback)
  if a cell fails.
  """
  import nbclient  # the notebooks extra; imported here so --check works without it

  nb = nbformat.read(path, as_version=4)
  client = nbclient.NotebookClient(
    nb,
    timeout=timeout,
    kernel_name="python3",
    record_timing=False,
    resources={"metadata": {"path": str(path.parent)}},
  )
  with _kernel_env():
    client.execute()
  return strip(nb)


def _strip_output(out) -> dict | None:
  out = dict(out)
  if out["output_type"] == "stream":
    return out
  if out["output_type"] == "error":
    return out
  data = {k: v for k, v in out.get("data", {}).items() if not k.startswith(_WIDGET_MIME)}
  if not data:
    return None
  out["data"] = data
  out["metadata"] = {}
  if out["output_type"] == "execute_result":
    out["execution_count"] = None
  return out


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
  """``nb`` without what changes from run to run (see the module docstring); in place."""
  kernelspec = nb.metadata.get("kernelspec") or {
    "display_name": "Python 3",
    "language": "python",
    "name": "python3",
  }
  nb.metadata = nbformat.from_dict(
    {"kernelspec": dict(kernelspec), "language_info": {"name": "python"}}
  )
  for cell in nb.cells:
    cell.metadata = nbformat.from_dict(
      {k: v for k, v in cell.metadata.items() if k in _KEEP_CELL_METADATA}
    )
    if cell.cell_type != "code":
      cell.pop("outputs", None)
      cell.pop("execution_count", None)
      continue
    cell.execution_count = None
    outputs = []
    for out in cell.outputs:
      out = _strip_output(out)
      if out is None:
        continue
      prev = outputs[-1] if outputs else None
      if (
        out["output_type"] == "stream"
        and prev is not None
        and prev["output_type"] == "stream"
        and prev["name"] == out["name"]
      ):
        prev["text"] = _text(prev["text"]) + _text(out["text"])
        continue
      outputs.append(out)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
  return nb


def _text(text) -> str:
  return "".join(text) if isinstance(text, list) else text


def is_stripped(path: pathlib.Path) -> bool:
  """Whether the stored notebook is exactly what ``strip`` leaves."""
  stored = nbformat.read(path, as_version=4)
  return nbformat.writes(strip(nbformat.read(path, as_version=4))) == nbformat.writes(stored)


def write(nb: nbformat.NotebookNode, path: pathlib.Path) -> None:
  nbformat.validate(nb)
  with open(path, "w", encoding="utf-8") as f:
    f.write(nbformat.writes(nb))


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("names", nargs="*", help="notebooks (default: all in notebooks/)")
  parser.add_argument(
    "--check", action="store_true", help="only check that the stored notebooks are stripped"
  )
  parser.add_argument("--timeout", type=int, default=TIMEOUT_S, help="seconds per cell")
  args = parser.parse_args(argv)
  paths = notebooks(args.names)
  if args.check:
    dirty = [p.name for p in paths if not is_stripped(p)]
    for name in dirty:
      print(f"{name}: not stripped; run python notebooks/execute.py {name}")
    return 1 if dirty else 0
  for path in paths:
    print(f"executing {path.name} ...", flush=True)
    write(execute(path, args.timeout), path)
    print(f"wrote {path.relative_to(ROOT)}", flush=True)
  return 0


if __name__ == "__main__":
  sys.exit(main())
