"""tf_slim's nets, their installed source ported by renaming (test-side).

``load(name)`` reads ``tf_slim/nets/<name>.py`` from the installed tf-slim package (pure
Python; TensorFlow is not imported), changes only its imports and the two static-shape
reads, and executes it as a module:

* ``tf_slim`` module paths are renamed to varscope_jax's (``MODULES``: tf_slim's
  ``layers``, ``layers.layers``, ``layers.initializers``, ``layers.regularizers`` ->
  ``vs.contrib.layers`` and its submodules; ``ops.arg_scope`` -> ``vs.contrib.framework``;
  ``tf_slim`` -> ``vs.contrib.slim``);
* ``from tensorflow.python.ops import math_ops`` (and ``nn_ops``, ``array_ops``,
  ``init_ops``, ``variable_scope``, ``framework.ops``) take the namespace of the same
  name from ``slim_tf_ops.py``;
* ``from tf_slim.nets import resnet_utils`` takes the ported ``resnet_utils``;
* ``x.get_shape().as_list()`` -> ``list(x.shape)`` and ``x.get_shape()`` -> ``x.shape``
  (JAX shapes are static tuples).

Every other line runs as tf_slim wrote it.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import re
import sys
import types

import slim_tf_ops as tf_ops

MODULES = {
    "tf_slim": "varscope_jax.contrib.slim",
    "tf_slim.layers": "varscope_jax.contrib.layers",
    "tf_slim.layers.layers": "varscope_jax.contrib.layers",
    "tf_slim.layers.initializers": "varscope_jax.contrib.layers.initializers",
    "tf_slim.layers.regularizers": "varscope_jax.contrib.layers.regularizers",
    "tf_slim.layers.utils": "varscope_jax.contrib.layers.utils",
    "tf_slim.ops.arg_scope": "varscope_jax.contrib.framework",
    "tf_slim.ops.variables": "varscope_jax.contrib.framework",
}
TF_MODULES = ("tensorflow.python.ops", "tensorflow.python.framework")
PACKAGE = "ported_slim_nets"


def source_path(name: str) -> str:
  spec = importlib.util.find_spec("tf_slim")   # finds the package without importing it
  if spec is None or not spec.submodule_search_locations:
    raise ImportError("the tf-slim package (its source) is needed: pip install tf-slim")
  return os.path.join(list(spec.submodule_search_locations)[0], "nets", name + ".py")


def _import_line(node: ast.ImportFrom) -> str:
  names = node.names
  module = node.module or ""
  if module in TF_MODULES:
    return "; ".join(f"{a.asname or a.name} = _tf_ops.{a.name}" for a in names)
  if module == "tf_slim.nets":
    return "; ".join(f"{a.asname or a.name} = _load({a.name!r})" for a in names)
  parts = []
  for a in names:
    full = f"{module}.{a.name}"
    if full in MODULES:     # a module: import the mapped module under the same name
      parts.append(f"import {MODULES[full]} as {a.asname or a.name}")
    elif module in MODULES:
      parts.append(f"from {MODULES[module]} import {a.name}" +
                   (f" as {a.asname}" if a.asname else ""))
    else:
      raise ImportError(f"no varscope_jax module for {full}")
  return "; ".join(parts)


def rewrite(text: str) -> str:
  """The source with its tf_slim/TF imports and shape reads renamed (see the module doc)."""
  lines = text.splitlines()
  for node in sorted(ast.parse(text).body, key=lambda n: -n.lineno):
    if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
        "tf_slim", "tensorflow"):
      if node.module in ("__future__",):
        continue
      lines[node.lineno - 1:node.end_lineno] = [_import_line(node)]
  text = "\n".join(lines) + "\n"
  text = re.sub(r"(\w+)\.get_shape\(\)\.as_list\(\)", r"list(\1.shape)", text)
  return re.sub(r"(\w+)\.get_shape\(\)", r"\1.shape", text)


def load(name: str) -> types.ModuleType:
  """The ported module ``tf_slim.nets.<name>`` (loaded once per process)."""
  full = f"{PACKAGE}.{name}"
  if full in sys.modules:
    return sys.modules[full]
  path = source_path(name)
  with open(path) as f:
    text = rewrite(f.read())
  module = types.ModuleType(full)
  module.__file__ = path
  module.__dict__.update(_tf_ops=tf_ops, _load=load)
  sys.modules[full] = module
  try:
    exec(compile(text, path, "exec"), module.__dict__)
  except BaseException:
    del sys.modules[full]
    raise
  return module


def load_all() -> dict:
  return {"resnet_v2": load("resnet_v2"), "inception_v3": load("inception_v3"),
          "alexnet": load("alexnet"), "overfeat": load("overfeat")}
