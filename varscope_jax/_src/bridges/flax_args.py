"""The shape of a call's arguments, hashable: arrays by shape and dtype, the rest by value.

The Flax bridges key their caches and initializers by it, and rebuild arguments from it
(zeros for the arrays) to run a module's ``init`` where only shapes matter.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.core import variables as var_lib


def _is_array(x) -> bool:
  return isinstance(x, (jax.Array, np.ndarray, np.generic, jax.ShapeDtypeStruct))


def unwrap_variables(tree):
  """Eager ``vs.Variable`` leaves replaced by their arrays."""
  return jax.tree_util.tree_map(
    lambda x: x.value() if isinstance(x, var_lib.Variable) else x,
    tree,
    is_leaf=lambda x: isinstance(x, var_lib.Variable),
  )


@dataclasses.dataclass(frozen=True)
class ArgSpec:
  """``(args, kwargs)`` with every array leaf replaced by its ``ShapeDtypeStruct``."""

  treedef: Any
  leaves: tuple  # ShapeDtypeStruct for arrays, the value itself otherwise
  dynamic: tuple  # indices of the array leaves

  @classmethod
  def of(cls, args, kwargs) -> "ArgSpec":
    leaves, treedef = jax.tree_util.tree_flatten((tuple(args), dict(kwargs)))
    out, dynamic = [], []
    for i, leaf in enumerate(leaves):
      if _is_array(leaf):
        out.append(jax.ShapeDtypeStruct(np.shape(leaf), jnp.result_type(leaf)))
        dynamic.append(i)
      else:
        out.append(leaf)
    return cls(treedef, tuple(out), tuple(dynamic))

  @property
  def avals(self) -> tuple:
    return tuple(self.leaves[i] for i in self.dynamic)

  def rebuild(self, dyn_values):
    full = list(self.leaves)
    for i, v in zip(self.dynamic, dyn_values):
      full[i] = v
    return jax.tree_util.tree_unflatten(self.treedef, full)

  def zeros(self):
    return self.rebuild([jnp.zeros(a.shape, a.dtype) for a in self.avals])
