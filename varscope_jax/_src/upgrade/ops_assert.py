"""The op table's assertions: ``tf.assert_less_equal`` and the other comparisons.

They map to ``vs.ops.assert_*``: checked at once where the values are known (TF1 checks
constants while building the graph), when the compiled function runs where they are
traced.
"""

from __future__ import annotations

from varscope_jax._src.upgrade.op_spec import Args
from varscope_jax._src.upgrade.op_spec import call
from varscope_jax._src.upgrade.op_spec import op

_SIGNATURE = "x, y, data=None, summarize=None, message=None, name=None"
_NOTE = (
  "returns None (JAX orders operations by data flow, nothing depends on it); "
  "values known when the function runs are checked at once (a ValueError with TF's "
  "message), traced values when the compiled function runs"
)


def _build(fn: str):
  def build(a: Args) -> str:
    return call(
      f"vs.ops.{fn}",
      a["x"],
      a["y"],
      **{k: a[k] for k in ("data", "summarize", "message") if a.given(k)},
    )

  return build


ASSERT = [
  op(
    name,
    f"vs.ops.{name}",
    _SIGNATURE,
    _build(name),
    note=_NOTE,
    kind="math",
    aliases=(f"debugging.{name}",),
  )
  for name in (
    "assert_equal",
    "assert_none_equal",
    "assert_less",
    "assert_less_equal",
    "assert_greater",
    "assert_greater_equal",
  )
]
