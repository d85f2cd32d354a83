"""``save_tf1_checkpoint``: a params tree as a TF1 checkpoint that TF's ``Saver`` restores."""
from __future__ import annotations

import os
import re

import jax
import numpy as np

from varscope_jax._src.base import params as params_lib
from varscope_jax._src.io.tensor_bundle_writer import write_bundle


def _state_lines(folder: str, new: str) -> str:
  """The ``checkpoint`` file: ``new`` first, older entries whose files still exist kept."""
  old: list[str] = []
  state = os.path.join(folder, "checkpoint")
  if os.path.exists(state):
    with open(state) as f:
      for match in re.finditer(r'^all_model_checkpoint_paths:\s*"(.*)"\s*$', f.read(), re.M):
        path = match.group(1).encode("latin-1").decode("unicode_escape")
        full = path if os.path.isabs(path) else os.path.join(folder, path)
        if path != new and path not in old and os.path.exists(full + ".index"):
          old.append(path)

  def quote(path):
    return path.replace("\\", "\\\\").replace('"', '\\"')
  lines = [f'model_checkpoint_path: "{quote(new)}"']
  lines += [f'all_model_checkpoint_paths: "{quote(p)}"' for p in old + [new]]
  return "\n".join(lines) + "\n"


def save_tf1_checkpoint(prefix, params, step: int | None = None) -> str:
  """Writes ``params`` as a TF1 (V2) checkpoint, without TensorFlow.

  Writes ``<prefix>.index`` and ``<prefix>.data-00000-of-00001`` (a tensor bundle, as
  ``tf.compat.v1.train.Saver`` writes) and updates the folder's ``checkpoint`` file, so
  ``Saver.restore(sess, prefix)``, ``tf.train.load_checkpoint`` and
  ``tf.train.latest_checkpoint(folder)`` read it: a TF1 graph built with the same scoped
  names restores a model trained in JAX. Each leaf is saved under its scoped name
  (``params["model"]["fc1"]["w"]`` as ``model/fc1/w``), in its own dtype.

  Args:
    prefix: the checkpoint prefix, ``.../model.ckpt``; its folder is created if needed.
    params: a nested dict of arrays (``jax.Array``, numpy, Python numbers; numpy
      ``object`` arrays of ``bytes``/``str`` are saved as TF strings).
    step: if given, the files are ``<prefix>-<step>.*`` (as ``Saver.save(...,
      global_step=step)`` names them) and an int64 ``global_step`` tensor is saved, which
      ``tf.compat.v1.train.get_or_create_global_step()`` restores.

  Returns:
    The prefix written (``prefix`` or ``prefix-<step>``), as ``Saver.save`` returns.

  Raises:
    TypeError: if a leaf's dtype has no TF equivalent (the error names the variable).
    ValueError: if ``params`` holds a ``global_step`` that differs from ``step``.

  >>> import os, tempfile, jax.numpy as jnp, varscope_jax as vs
  >>> folder = tempfile.mkdtemp()
  >>> params = {"model": {"fc1": {"w": jnp.ones((3, 4)), "b": jnp.zeros(4)}}}
  >>> path = vs.save_tf1_checkpoint(os.path.join(folder, "model.ckpt"), params, step=100)
  >>> os.path.basename(path)
  'model.ckpt-100'
  >>> back = vs.load_tf1_checkpoint(folder)       # the folder's `checkpoint` file
  >>> back["model"]["fc1"]["w"].shape, int(back["global_step"])
  ((3, 4), 100)
  """
  prefix = os.fspath(prefix)
  tensors: dict[str, np.ndarray] = {}
  for name, leaf in params_lib.flatten(params):
    value = np.asarray(jax.device_get(leaf))
    tensors[name] = value
  if step is not None:
    step = int(step)
    if "global_step" in tensors and int(tensors["global_step"]) != step:
      raise ValueError(f"save_tf1_checkpoint: params['global_step'] is "
                       f"{int(tensors['global_step'])} but step={step}; pass one of them.")
    tensors["global_step"] = np.asarray(step, np.int64)
    prefix = f"{prefix}-{step}"
  folder = os.path.dirname(os.path.abspath(prefix))
  os.makedirs(folder, exist_ok=True)
  write_bundle(prefix, tensors)
  with open(os.path.join(folder, "checkpoint.tmp"), "w") as f:
    f.write(_state_lines(folder, os.path.basename(prefix)))
  os.replace(os.path.join(folder, "checkpoint.tmp"), os.path.join(folder, "checkpoint"))
  return prefix
