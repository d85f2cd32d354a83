"""The TF names varscope_jax provides, read from its own public API.

``public_names(vs)`` walks the package's public modules (``vs``, ``vs.layers``,
``vs.nn``, ``vs.contrib.*``, ...) and lists every public name as the dotted TF name it
answers (``layers.dense``, ``contrib.layers.layer_norm``, ``nn.rnn_cell.LSTMCell``).
There is no hand-written list of renames: a name varscope_jax gains is renamed by the
upgrader from then on.
"""

from __future__ import annotations

import types
from typing import Mapping

from varscope_jax._src.upgrade.tf_modules import canonical

# varscope_jax's own names that are not TF's: never a target of ``tf.X -> vs.X``
# (``tf.split`` splits a tensor, ``vs.split`` a params tree).
OWN_NAMES = frozenset({"split", "select", "summary", "lookup", "ops", "upgrade"})

# TF namespaces that re-export one another: ``tf.contrib.slim.conv2d`` is
# ``tf.contrib.layers.conv2d``, ``slim.arg_scope`` is ``tf.contrib.framework.arg_scope``.
EQUIVALENT = {
  "contrib.slim": ("contrib.slim", "contrib.layers", "contrib.framework"),
  "contrib.slim.layers": ("contrib.slim", "contrib.layers"),
  "contrib.layers": ("contrib.layers", "contrib.slim"),
  "contrib.layers.initializers": ("contrib.layers.initializers", "contrib.layers"),
  "contrib.layers.regularizers": ("contrib.layers.regularizers", "contrib.layers"),
  "contrib.framework": ("contrib.framework", "contrib.slim"),
  "contrib.rnn": ("contrib.rnn", "nn.rnn_cell", "nn"),
  "nn.rnn_cell": ("nn.rnn_cell",),
  "keras.initializers": ("initializers",),
}


def _public(module) -> list[str]:
  names = getattr(module, "__all__", None)
  if names is None:
    names = [n for n in dir(module) if not n.startswith("_")]
  return list(names)


def public_names(root: types.ModuleType) -> dict[str, object]:
  """Every public name of ``root`` and its public submodules, by dotted name.

  >>> import types
  >>> pkg = types.ModuleType("pkg"); pkg.__all__ = ["f", "sub"]; pkg.f = len
  >>> pkg.sub = types.ModuleType("pkg.sub"); pkg.sub.__all__ = ["g"]; pkg.sub.g = abs
  >>> sorted(public_names(pkg))
  ['f', 'sub', 'sub.g']
  """
  out: dict[str, object] = {}
  prefix = root.__name__ + "."

  def walk(module, dotted):
    names = _public(module)
    if not dotted:  # the root's lazy names are public too, though star-import skips them
      names = sorted(set(names) | {n for n in dir(module) if not n.startswith("_")})
    for name in names:
      if not dotted and name in OWN_NAMES:
        continue
      obj = getattr(module, name)
      full = dotted + name
      out[full] = obj
      if isinstance(obj, types.ModuleType) and obj.__name__.startswith(prefix):
        walk(obj, full + ".")

  walk(root, "")
  return out


class VsNames:
  """Which TF names varscope_jax answers, and how to spell them under ``vs.``."""

  def __init__(self, names: Mapping[str, object]):
    self._names = dict(names)

  def __contains__(self, name: str) -> bool:
    return self.resolve(name) is not None

  def is_module(self, name: str) -> bool:
    return isinstance(self._names.get(name), types.ModuleType)

  def resolve(self, tf_name: str) -> str | None:
    """The ``vs`` spelling of a TF name (``"layers.dense"``), or None.

    A name under a class varscope_jax provides is an attribute of it
    (``GraphKeys.UPDATE_OPS``); a namespace TF re-exports under another name is tried
    under each (``contrib.slim.conv2d`` as ``contrib.layers.conv2d``).
    """
    for candidate in self._spellings(canonical(tf_name)):
      if candidate in self._names:
        return candidate
      head, _, _ = candidate.rpartition(".")
      while head:
        obj = self._names.get(head)
        if obj is not None:
          if isinstance(obj, type):
            return candidate
          break
        head, _, _ = head.rpartition(".")
    return None

  def _spellings(self, tf_name: str):
    yield tf_name
    parts = tf_name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
      ns, rest = ".".join(parts[:cut]), ".".join(parts[cut:])
      for alt in EQUIVALENT.get(ns, ()):
        if alt != ns:
          yield f"{alt}.{rest}"
