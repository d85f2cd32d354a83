"""tf_slim's nets, their installed source ported by ``vs.upgrade`` (no hand edits).

``load(name)`` reads ``tf_slim/nets/`` from the installed tf-slim package (pure Python;
TensorFlow is not imported), rewrites the folder once per process with
``vs.upgrade.upgrade_files`` into a temporary folder (tf_slim's imports become
``vs.contrib.slim``'s modules, TF's ops ``jnp`` / ``jax.nn`` / ``vs.ops``,
``get_shape()`` static shapes) and imports the rewritten module ``name`` from it as a
package, so ``from . import resnet_utils`` inside it works.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import tempfile
import types

from varscope_jax import upgrade

PACKAGE = "ported_slim_nets"
NETS = ("resnet_v2", "inception_v3", "alexnet", "overfeat")
_STATE: dict = {}


def nets_folder() -> str:
  spec = importlib.util.find_spec("tf_slim")  # finds the package without importing it
  if spec is None or not spec.submodule_search_locations:
    raise ImportError("the tf-slim package (its source) is needed: pip install tf-slim")
  return os.path.join(list(spec.submodule_search_locations)[0], "nets")


def report():
  """The upgrader's report on the nets folder (what it changed and what it flagged)."""
  _rewrite()
  return _STATE["report"]


def _rewrite():
  if "out" not in _STATE:
    out = os.path.join(tempfile.mkdtemp(prefix="slim_nets_"), PACKAGE)
    _STATE["report"] = upgrade.upgrade_files([nets_folder()], output=out)
    package = types.ModuleType(PACKAGE)  # the folder as a package (its __init__ not run)
    package.__path__ = [out]
    sys.modules[PACKAGE] = package
    _STATE["out"] = out
  return _STATE["out"]


def load(name: str) -> types.ModuleType:
  """The rewritten module ``tf_slim.nets.<name>``."""
  _rewrite()
  return importlib.import_module(f"{PACKAGE}.{name}")


def load_all() -> dict:
  return {name: load(name) for name in NETS}
