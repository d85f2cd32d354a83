"""A ``rich`` table of a params tree: one row per variable, then totals."""

from __future__ import annotations

from typing import Mapping

import numpy as np
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from varscope_jax._src.params import tree as params_lib


def _trainable_names(trainable) -> set[str] | None:
  if trainable is None:
    return None
  if isinstance(trainable, Mapping):
    return {name for name, _ in params_lib.flatten(trainable)}
  if isinstance(trainable, str):
    raise TypeError("trainable must be a params tree or a collection of names, not one str.")
  try:
    return {getattr(v, "name", v).split(":")[0] if not isinstance(v, str) else v for v in trainable}
  except (TypeError, AttributeError):
    raise TypeError(
      f"trainable must be a params tree or a collection of names (or variables), got {trainable!r}."
    ) from None


def _sharding(leaf) -> str:
  sharding = getattr(leaf, "sharding", None)
  if sharding is None or getattr(sharding, "is_fully_replicated", True):
    return ""
  spec = getattr(sharding, "spec", None)
  return str(spec) if spec is not None else type(sharding).__name__


def _human_bytes(count: int) -> str:
  size = float(count)
  for unit in ("B", "KiB", "MiB", "GiB"):
    if size < 1024 or unit == "GiB":
      return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
    size /= 1024
  raise AssertionError


def summary_table(params: Mapping, *, trainable=None) -> Table:
  """A ``rich`` table of every variable: shape, dtype, size, bytes, trainable, sharding.

  ``vs.summary`` prints it; this returns it without printing (to embed or export it).

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> vs.summary_table({"w": jnp.ones((3, 4))}).row_count   # one row, then the total
  2
  """
  return _build(params, trainable)


def summary(params: Mapping, *, trainable=None, console: Console | None = None) -> None:
  """Prints a table of every variable: shape, dtype, size, bytes, sharding.

  Args:
    params: a nested dict of arrays (or ``jax.ShapeDtypeStruct``, e.g. from
      ``jax.eval_shape``, to size a model without allocating it).
    trainable: which variables are trainable: a params tree (its leaf names count) or a
      collection of names (``"model/fc1/w"``; ``Variable`` objects are read by ``.name``).
      ``None`` shows ``?``.
    console: the ``rich.console.Console`` to print to (default: a new one on stdout).

  Returns nothing (so a notebook cell ending in ``vs.summary(params)`` shows the table
  once); ``vs.summary_table`` returns the table instead. The sharding column shows the
  ``PartitionSpec`` of arrays that are not fully replicated (blank for single-device or
  replicated ones). Names are never cut: when the output is not a terminal (a log, a
  pipe), the table is as wide as it needs to be.

  >>> import jax.numpy as jnp
  >>> from rich.console import Console
  >>> params = {"fc1": {"w": jnp.ones((3, 4)), "b": jnp.zeros(4)}}
  >>> summary(params, trainable={"fc1/w"}, console=Console(width=100, color_system=None))
  ┏━━━━━━━┳━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━┓
  ┃ name  ┃ shape  ┃ dtype   ┃ size ┃ bytes ┃ trainable ┃ sharding ┃
  ┡━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━┩
  │ fc1/w │ (3, 4) │ float32 │   12 │  48 B │ yes       │          │
  │ fc1/b │ (4,)   │ float32 │    4 │  16 B │ no        │          │
  ├───────┼────────┼─────────┼──────┼───────┼───────────┼──────────┤
  │ total │        │         │   16 │  64 B │ 12        │          │
  └───────┴────────┴─────────┴──────┴───────┴───────────┴──────────┘
  """
  table = _build(params, trainable)
  if console is None:
    console = Console()
    if not console.is_terminal:
      wide = console.options.update_width(1 << 20)
      console = Console(width=max(console.width, Measurement.get(console, wide, table).maximum))
  console.print(table)


def _build(params, trainable) -> Table:
  if not isinstance(params, Mapping):
    raise TypeError(f"params must be a nested dict of arrays, got {type(params).__name__}.")
  names = _trainable_names(trainable)
  table = Table(title=None)
  table.add_column("name", overflow="fold")
  table.add_column("shape")
  table.add_column("dtype")
  table.add_column("size", justify="right")
  table.add_column("bytes", justify="right")
  table.add_column("trainable")
  table.add_column("sharding")
  total_size = total_bytes = trainable_size = 0
  for name, leaf in params_lib.flatten(params):
    shape = tuple(getattr(leaf, "shape", np.shape(leaf)))
    dtype = np.dtype(getattr(leaf, "dtype", None) or np.asarray(leaf).dtype)
    size = int(np.prod(shape, dtype=np.int64))
    nbytes = size * dtype.itemsize
    total_size += size
    total_bytes += nbytes
    if names is None:
      mark = "?"
    else:
      mark = "yes" if name in names else "no"
      trainable_size += size if name in names else 0
    table.add_row(
      name, str(shape), dtype.name, f"{size:,}", _human_bytes(nbytes), mark, _sharding(leaf)
    )
  table.add_section()
  table.add_row(
    "total",
    "",
    "",
    f"{total_size:,}",
    _human_bytes(total_bytes),
    "?" if names is None else f"{trainable_size:,}",
    "",
  )
  return table
