"""``vs.upgrade``: rewrite TF1 model source to varscope_jax and JAX.

``python -m varscope_jax.upgrade SRC [-o OUT] [--report report.md]`` on the command
line, or from Python:

>>> import varscope_jax as vs
>>> text, report = vs.upgrade.upgrade_source(
...     "import tensorflow as tf\\n"
...     "def net(x):\\n"
...     "  with tf.variable_scope('net'):\\n"
...     "    return tf.layers.dense(x, 3)\\n")
>>> print(text)
import varscope_jax as vs
def net(x):
  with vs.variable_scope('net'):
    return vs.layers.dense(x, 3)
<BLANKLINE>

Names varscope_jax provides become ``vs.`` names (read from its public API), TF's ops
go through the op table to ``jnp`` / ``jax.nn`` / ``jax.lax`` / ``vs.ops``, static
shapes replace ``get_shape().as_list()`` and ``tf.shape``; what has no meaning in JAX
(placeholders, sessions, ``Optimizer.minimize``, summaries, ``Saver``) is left in
place with a comment line saying what to do, and listed in the report. See
``docs/porting.md``.
"""

from __future__ import annotations

import functools
import os
from typing import Iterable, Sequence

import varscope_jax as _vs
from varscope_jax._src.upgrade import cli as _cli
from varscope_jax._src.upgrade import files as _files
from varscope_jax._src.upgrade.report import Entry as Entry
from varscope_jax._src.upgrade.report import Report as Report
from varscope_jax._src.upgrade.rewriter import Context as _Context
from varscope_jax._src.upgrade.rewriter import rewrite as _rewrite
from varscope_jax._src.upgrade.vs_names import VsNames as _VsNames
from varscope_jax._src.upgrade.vs_names import public_names as _public_names

__all__ = ["Entry", "Report", "main", "names", "upgrade_files", "upgrade_source"]


@functools.lru_cache(maxsize=None)
def names() -> _VsNames:
  """The TF names varscope_jax provides (from its public API), as the upgrader reads them.

  >>> import varscope_jax as vs
  >>> vs.upgrade.names().resolve("contrib.layers.layer_norm")
  'contrib.layers.layer_norm'
  >>> vs.upgrade.names().resolve("compat.v1.placeholder") is None
  True
  """
  return _VsNames(_public_names(_vs))


def upgrade_source(source: str, path: str = "<string>") -> tuple[str, Report]:
  """Upgrades one module's source text; returns the new text and its report.

  Args:
    source: the module's Python source.
    path: the name the report gives the file.

  >>> import varscope_jax as vs
  >>> text, report = vs.upgrade.upgrade_source(
  ...     "import tensorflow.compat.v1 as tf\\n"
  ...     "x = tf.placeholder(tf.float32, [None, 3])\\n")
  >>> print(text)
  # varscope_jax.upgrade: tf.placeholder: make it an argument of the function given to vs.transform (values are passed to init/apply)
  x = tf.placeholder(tf.float32, [None, 3])
  <BLANKLINE>
  >>> [(e.line, e.kind) for e in report.flagged()]
  [(2, 'needs a person')]
  """
  if not isinstance(source, str):
    raise TypeError(
      f"upgrade_source: `source` must be the module's text (a str), got "
      f"{type(source).__name__}; read the file first (open(path).read())."
    )
  if not isinstance(path, str):
    raise TypeError(f"upgrade_source: `path` must be a str, got {type(path).__name__}.")
  return _rewrite(source, path, _Context(names()))


def upgrade_files(
  sources: Iterable[str | os.PathLike], output: str | os.PathLike | None = None, backup: bool = True
) -> Report:
  """Upgrades files or folders, in place (keeping ``*.tf1.bak``) or into ``output``.

  Args:
    sources: Python files or folders (folders recursively; other files are copied to
      ``output``).
    output: a folder to write to (the sources' layout kept), or a ``.py`` path for one
      file; None rewrites in place.
    backup: in place, keep each changed original as ``<file>.tf1.bak``.

  >>> import pathlib, tempfile, varscope_jax as vs
  >>> d = pathlib.Path(tempfile.mkdtemp())
  >>> _ = (d / "m.py").write_text("import tensorflow as tf\\ny = tf.get_variable('w', [2])\\n")
  >>> report = vs.upgrade.upgrade_files([d / "m.py"], output=d / "out")
  >>> print((d / "out" / "m.py").read_text())
  import varscope_jax as vs
  y = vs.get_variable('w', [2])
  <BLANKLINE>
  """
  if isinstance(sources, (str, os.PathLike)):
    raise TypeError("upgrade_files: `sources` must be a list of paths, got one path; pass [path].")
  return _files.upgrade_files(sources, names(), output=output, backup=backup)


def main(argv: Sequence[str] | None = None) -> int:
  """The command line: ``python -m varscope_jax.upgrade SRC... [-o OUT] [--report FILE]``.

  >>> import varscope_jax as vs
  >>> vs.upgrade.main(["--help"])   # doctest: +SKIP
  """
  return _cli.main(argv, names())
