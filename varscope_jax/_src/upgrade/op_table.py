"""The upgrader's op table: TF1's math, array, nn, image and random ops mapped to JAX.

``OPS`` is keyed by TF's dotted name after ``tf.`` (``"matmul"``, ``"nn.relu"``,
``"math.reduce_mean"``); an op's aliases are further keys to the same ``Op``.
``rewrite_call`` turns the source text of one call's arguments into the replacement
expression's source text, which uses only ``jax``, ``jnp`` and ``vs``.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from varscope_jax._src.upgrade.op_spec import Op
from varscope_jax._src.upgrade.op_spec import Unsupported
from varscope_jax._src.upgrade.ops_array import ARRAY
from varscope_jax._src.upgrade.ops_math import MATH
from varscope_jax._src.upgrade.ops_nn import NN
from varscope_jax._src.upgrade.ops_more import MATH as MORE_MATH
from varscope_jax._src.upgrade.ops_more import NN as MORE_NN
from varscope_jax._src.upgrade.ops_nn import RANDOM
from varscope_jax._src.upgrade.ops_assert import ASSERT
from varscope_jax._src.upgrade.ops_special import SPECIAL

__all__ = ["GENERAL_NOTES", "OPS", "Op", "Unsupported", "canonical_ops", "lookup", "rewrite_call"]

# What differs for every op of the table (the per-op differences are in ``Op.note``).
GENERAL_NOTES = (
  "Dtypes: TF refuses mixed dtypes (float32 + int32) and integer inputs to float-only "
  "ops (tf.sqrt of an int32) when the graph is built; JAX promotes them. Code that "
  "ran on TF never hits this.",
  "64 bits: int64/float64 results (TF's argmax, tf.size, integer truediv) are 32-bit "
  "unless jax_enable_x64 is set.",
  "Errors that depend on values (an index out of range, an integer division by zero) "
  "are TF's run-time errors; vs.ops raises TF's message where the values are concrete, "
  "and under jit cannot raise.",
  "name= is dropped: pure ops create no variables, so no name reaches a variable.",
)


def _index(ops: Sequence[Op]) -> dict[str, Op]:
  table: dict[str, Op] = {}
  for o in ops:
    for key in (o.tf_name, *o.aliases):
      if key in table:
        raise AssertionError(f"tf.{key} is in the op table twice")
      table[key] = o
  return table


OPS: Mapping[str, Op] = _index(MATH + MORE_MATH + ARRAY + NN + MORE_NN + RANDOM + SPECIAL + ASSERT)

_PREFIXES = ("compat.v1.", "compat.v2.")


def lookup(tf_name: str) -> Op | None:
  """The ``Op`` for ``tf_name`` (``"nn.relu"``; a ``compat.v1.`` prefix is ignored)."""
  for prefix in _PREFIXES:
    if tf_name.startswith(prefix):
      tf_name = tf_name[len(prefix) :]
  return OPS.get(tf_name)


def canonical_ops() -> list[Op]:
  """Every op once (aliases folded), sorted by TF name."""
  return sorted({id(o): o for o in OPS.values()}.values(), key=lambda o: o.tf_name)


def rewrite_call(tf_name: str, args: Sequence[str], kwargs: Mapping[str, str]) -> str | None:
  """The replacement source for ``tf.<tf_name>(*args, **kwargs)``, or None if not an op here.

  ``args`` and ``kwargs`` hold the source text of the call's arguments (``"x"``,
  ``"[0, 1]"``, ``"True"``); TF's signature binds them (order, names, defaults,
  deprecated aliases), ``name=`` is dropped. Raises ``Unsupported`` when the call cannot
  be rewritten faithfully: an option whose value decides the JAX call is not a literal,
  ``*args``/``**kwargs`` (a positional text starting with ``*``, a keyword key starting
  with ``**``), an argument TF does not have.

  >>> rewrite_call("matmul", ["a", "b"], {"transpose_b": "True"})
  'jnp.matmul(a, jnp.swapaxes(b, -1, -2))'
  >>> rewrite_call("reduce_mean", ["x"], {"axis": "-1", "keep_dims": "True"})
  'jnp.mean(x, axis=-1, keepdims=True)'
  """
  found = lookup(tf_name)
  if found is None:
    return None
  return found.rewrite(list(args), dict(kwargs))
