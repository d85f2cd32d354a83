"""What to use instead of a TF name that varscope_jax does not have (``vs.matmul``).

``missing_attribute`` builds the ``AttributeError`` that ``vs``, ``vs.nn`` and
``vs.train`` raise: for an op of the table, the JAX function (from ``OPS``); for TF1's
graph machinery (placeholders, sessions, optimizers, savers), the varscope_jax way;
both mention the upgrader. The texts come from the upgrader's own tables
(``op_table.OPS`` and ``manual.ADVICE``).
"""

from __future__ import annotations

from varscope_jax._src.upgrade import manual
from varscope_jax._src.upgrade.op_table import lookup

UPGRADER = (
  "`python -m varscope_jax.upgrade SRC` rewrites TF1 source to varscope_jax and "
  "JAX (docs/porting.md has the op table)"
)

_PREFIX = {"varscope_jax": "", "varscope_jax.nn": "nn.", "varscope_jax.train": "train."}


def hint(module: str, name: str) -> str | None:
  """What to use for ``tf.<...>.name`` that ``module`` lacks, or None if not a TF name."""
  key = _PREFIX.get(module, "") + name
  found = lookup(key)
  if found is not None:
    where = " (import jax.numpy as jnp)" if "jnp." in found.jax else ""
    return f"tf.{key} is {found.jax} in JAX{where}"
  advice = manual.find(key)
  if advice is not None:
    return f"tf.{key}: {advice.text}"
  return None


def missing_attribute(module: str, name: str) -> AttributeError:
  """The AttributeError for ``module.name``, saying what to use where ``name`` is TF's.

  >>> print(missing_attribute("varscope_jax", "matmul"))  # doctest: +ELLIPSIS
  module 'varscope_jax' has no attribute 'matmul': tf.matmul is jnp.matmul in JAX ...
  """
  text = f"module {module!r} has no attribute {name!r}"
  found = None if name.startswith("_") else hint(module, name)
  if found is not None:
    text = f"{text}: {found}. {UPGRADER}."
  return AttributeError(text)
