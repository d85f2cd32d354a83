"""Upgrading files and trees: in place (with a backup) or into an output folder.

A tree keeps its layout; files that are not Python are copied. A file that imports
another module of the same tree (``from tf_slim.nets import resnet_utils`` inside
``tf_slim/nets/``) imports the rewritten one, by a relative import.
"""

from __future__ import annotations

import os
import pathlib
import shutil
from typing import Iterable

from varscope_jax._src.upgrade import report as rep
from varscope_jax._src.upgrade.rewriter import Context, rewrite
from varscope_jax._src.upgrade.vs_names import VsNames

BACKUP_SUFFIX = ".tf1.bak"


def module_name(path: pathlib.Path) -> tuple[str | None, bool]:
  """(dotted module name, is a package ``__init__``) of a file, from the ``__init__.py`` above it."""
  path = path.resolve()
  is_package = path.name == "__init__.py"
  parts = [] if is_package else [path.stem]
  folder = path.parent
  while (folder / "__init__.py").exists():
    parts.insert(0, folder.name)
    folder = folder.parent
  return (".".join(parts) or None), is_package


def _sources(src: pathlib.Path) -> list[tuple[pathlib.Path, pathlib.Path]]:
  """(file, path relative to what the output mirrors) for a file or a tree."""
  if src.is_file():
    return [(src, pathlib.Path(src.name))]
  if not src.is_dir():
    raise FileNotFoundError(f"upgrade: {str(src)!r} is neither a file nor a folder")
  out = []
  for root, dirs, names in os.walk(src):
    dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
    for name in sorted(names):
      if name.endswith(BACKUP_SUFFIX):
        continue
      path = pathlib.Path(root) / name
      out.append((path, path.relative_to(src)))
  return out


def upgrade_files(
  sources: Iterable[str | os.PathLike],
  vs_names: VsNames,
  output: str | os.PathLike | None = None,
  backup: bool = True,
) -> rep.Report:
  """Upgrades files or trees; returns the report of all of them."""
  sources = [pathlib.Path(s) for s in sources]
  if not sources:
    raise ValueError("upgrade: give at least one file or folder to upgrade")
  plan = []
  for src in sources:
    plan.extend((path, rel, src) for path, rel in _sources(src))
  local = frozenset(m for m, _ in (module_name(p) for p, _, _ in plan if p.suffix == ".py") if m)
  total = rep.Report()
  out_root = pathlib.Path(output) if output is not None else None
  one_file = len(plan) == 1 and sources[0].is_file()
  for path, rel, _ in plan:
    if out_root is None:
      target = path
    elif one_file and out_root.suffix == ".py" and not out_root.is_dir():
      target = out_root
    else:
      target = out_root / rel
    if path.suffix != ".py":
      if out_root is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
      continue
    text = path.read_text(encoding="utf-8")
    name, is_package = module_name(path)
    ctx = Context(vs_names, module_name=name, is_package=is_package, local_modules=local)
    new, report = rewrite(text, str(path), ctx)
    total.extend(report)
    if out_root is None:
      if new != text:
        if backup:
          shutil.copyfile(path, str(path) + BACKUP_SUFFIX)
        path.write_text(new, encoding="utf-8")
    else:
      target.parent.mkdir(parents=True, exist_ok=True)
      target.write_text(new, encoding="utf-8")
  return total
