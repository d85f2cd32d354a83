"""``load_tf1_checkpoint`` / ``list_tf1_checkpoint``: TF1 checkpoints into params trees.

The bundle format is read by ``tensor_bundle.py`` (no TensorFlow, no protobuf).
"""
from __future__ import annotations

from typing import Mapping

import jax
import numpy as np

from varscope_jax._src.base import params as params_lib
from varscope_jax._src.io.rename import apply_rename, compile_rename
from varscope_jax._src.io.tensor_bundle import _DTYPES, _TF_DTYPE_NAMES, _Bundle


def list_tf1_checkpoint(path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
  """Lists a TF1 checkpoint's tensors, reading only its ``.index`` file.

  Args:
    path: the checkpoint prefix (``.../model.ckpt``) or a folder with a ``checkpoint``
      file, as ``tf.train.latest_checkpoint`` would read.

  Returns:
    ``{name: (shape, dtype)}``, sorted by name, with numpy dtypes (``object`` for TF
    strings; ``ml_dtypes.bfloat16`` for bfloat16). A dtype numpy cannot hold (``qint8``,
    ``resource`` ...) is given as TF's name, a ``str``. A partitioned variable is listed
    once, with its full shape.

  Raises:
    ValueError: if no checkpoint is found or the index is corrupt.

  >>> import os
  >>> ckpt = os.path.join("tests", "tf1_ckpt", "data", "model.ckpt")
  >>> list_tf1_checkpoint(ckpt)["model/fc1/w"]
  ((3, 4), dtype('float32'))
  """
  bundle = _Bundle(path)
  return {name: (entry.shape, _DTYPES.get(entry.dtype) or
                 _TF_DTYPE_NAMES.get(entry.dtype, f"enum {entry.dtype}"))
          for name, entry in sorted(bundle.entries.items())}


def load_tf1_checkpoint(path, rename: Mapping[str, str | None] | None = None, *,
                        as_numpy: bool = False) -> dict:
  """Loads every tensor of a TF1 checkpoint into a params tree, without TensorFlow.

  Every tensor in the bundle is returned (``global_step`` included); nothing is skipped
  unless ``rename`` maps it to ``None``. Partitioned variables are reassembled from
  their slices into one full tensor. All data is checked against the crc32c stored in
  the index (pure-Python crc32c, no extra dependency).

  Args:
    path: the checkpoint prefix (``.../model.ckpt``, the name before ``.index``) or a
      folder holding a ``checkpoint`` file, whose ``model_checkpoint_path:`` line names
      the prefix (relative to that folder unless absolute).
    rename: optional ``{regex: new_name}``, tried in order on each full checkpoint name;
      the first regex that matches (``re.search``) rewrites it with ``re.sub(regex,
      new_name, name, count=1)``. A ``None`` new name drops the tensor (and skips
      reading it). Unmatched names are kept.
    as_numpy: return numpy arrays instead of ``jax.Array`` (keeps 64-bit values exact
      when ``jax_enable_x64`` is off).

  Returns:
    A nested params dict: ``model/fc1/w`` is ``params["model"]["fc1"]["w"]``. Numeric
    tensors are ``jax.Array`` (or numpy with ``as_numpy=True``); ``DT_STRING`` tensors are
    always numpy ``object`` arrays of ``bytes``.

  Raises:
    ValueError: if the checkpoint is missing or corrupt (bad magic, block or data
      crc32c), holds a dtype with no numpy equivalent (drop it with ``rename``), two names
      are renamed to one, or one name is both a variable and a scope.

  >>> import os
  >>> params = load_tf1_checkpoint(os.path.join("tests", "tf1_ckpt", "data"),
  ...                              rename={"^model/(.*)": r"net/\\1", "vocab": None})
  >>> params["net"]["fc1"]["w"].shape, int(params["global_step"])
  ((3, 4), 1234)
  """
  bundle = _Bundle(path)
  rules = compile_rename(rename)
  out: dict[str, object] = {}
  source: dict[str, str] = {}
  for name in sorted(bundle.entries):
    new_name = apply_rename(name, rules)
    if new_name is None:
      continue
    if new_name in source:
      raise ValueError(f"rename maps both {source[new_name]} and {name} to {new_name}. "
                       "Make the rename patterns more specific.")
    source[new_name] = name
    value = bundle.read(name)
    if not as_numpy and value.dtype != object:
      value = jax.device_put(value)
    out[new_name] = value
  return params_lib.unflatten(out)
