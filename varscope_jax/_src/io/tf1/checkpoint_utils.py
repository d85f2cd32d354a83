"""``tf.train``'s checkpoint utilities on params trees: ``init_from_checkpoint``,
``list_variables``, ``load_variable``.

``init_from_checkpoint`` follows ``tf.compat.v1.train.init_from_checkpoint``'s
assignment-map rules (TF's ``checkpoint_utils._init_from_checkpoint``): entries are taken
in the order of their checkpoint names (later ones win); a value that names a variable maps
it one to one; any other value is a scope (``'scope/'``, or ``'/'`` for the root), whose
variables map to the checkpoint names under the key (which must end in ``/``). TF's error
texts are kept. Where TF defers a check to the session run (a scope-mapped variable of the
wrong shape, a dtype that differs), it is made here before anything is read, with the text
TF gives for the one-to-one case and the restore op's text. Unlike TF, a scope that holds
no variable is an error (TF initializes nothing, silently).
"""

from __future__ import annotations

import logging
import os
from typing import Any, Iterable, Mapping

import jax
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.io.host_values import to_device
from varscope_jax._src.io.tf1.bundle_format import DTYPES
from varscope_jax._src.io.tf1.reader import Bundle

logger = logging.getLogger("varscope_jax")

# TF's DataTypeString names (the restore op's dtype error), by numpy dtype name.
_TF_NAMES = {
  "float32": "float",
  "float64": "double",
  "float16": "half",
  "bfloat16": "bfloat16",
  "int8": "int8",
  "int16": "int16",
  "int32": "int32",
  "int64": "int64",
  "uint8": "uint8",
  "uint16": "uint16",
  "uint32": "uint32",
  "uint64": "uint64",
  "bool": "bool",
  "complex64": "complex64",
  "complex128": "complex128",
  "object": "string",
}


def _tf_dtype_name(dtype) -> str:
  name = np.dtype(dtype).name
  return _TF_NAMES.get(name, name)


def _shape_text(shape) -> str:
  """``str(tf.TensorShape(shape))``: ``(3, 4)``, ``(3,)``, ``()``."""
  return str(tuple(int(d) for d in shape))


def _pairs(assignment_map) -> list[tuple[str, str]]:
  if isinstance(assignment_map, Mapping):
    items = list(assignment_map.items())
  elif isinstance(assignment_map, (str, bytes)) or not isinstance(assignment_map, Iterable):
    raise TypeError(
      "assignment_map must be a dict {checkpoint name or 'scope/': variable "
      "name or 'scope/'} or a list of such pairs, got "
      f"{assignment_map!r}."
    )
  else:
    items = []
    for pair in assignment_map:
      if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(
          "assignment_map as a list must hold (checkpoint name, variable name) "
          f"pairs, got {pair!r}."
        )
      items.append(tuple(pair))
  out = []
  for key, value in items:
    if not isinstance(key, str):
      raise TypeError(
        f"assignment_map key {key!r} must be a checkpoint tensor name or a 'scope/' (a str)."
      )
    name = getattr(value, "name", None)
    if not isinstance(value, str) and isinstance(name, str) and name.endswith(":0"):
      value = name[:-2]  # a variable (vs.Variable, as get_variables_to_restore lists)
    if not isinstance(value, str):
      raise TypeError(
        f"assignment_map[{key!r}] must be a variable's name in params, a 'scope/' (a "
        f"str) or a variable, got {type(value).__name__}."
      )
    out.append((key, value))
  return out


def resolve_assignment_map(
  variables: Mapping[str, tuple[int, ...]],
  tensors: Mapping[str, tuple[int, ...]],
  assignment_map,
  ckpt_label: str,
) -> dict[str, str]:
  """``{variable name: checkpoint tensor name}`` by TF's assignment-map rules.

  ``variables`` and ``tensors`` map names to shapes; ``ckpt_label`` is the checkpoint as
  the caller passed it (TF's messages show it).
  """
  plan: dict[str, str] = {}
  tensor_map = {name: [int(d) for d in shape] for name, shape in sorted(tensors.items())}

  def check_shape(var_name: str, tensor_name: str) -> None:
    if tuple(variables[var_name]) != tuple(tensors[tensor_name]):
      raise ValueError(
        tf_errors.CKPT_SHAPE_MISMATCH
        % (var_name + ":0", _shape_text(variables[var_name]), tensor_name, tensor_map[tensor_name])
      )

  for tensor_name, current in sorted(_pairs(assignment_map), key=lambda pair: pair[0]):
    if current in variables:
      if tensor_name not in tensors:
        raise ValueError(tf_errors.CKPT_TENSOR_NOT_FOUND % (tensor_name, ckpt_label, tensor_map))
      check_shape(current, tensor_name)
      plan[current] = tensor_name
      continue
    scopes = current[: current.rindex("/")] if "/" in current else ""
    if not tensor_name.endswith("/"):
      raise ValueError(tf_errors.CKPT_SCOPE_ONLY % (scopes, tensor_name))
    in_scope = sorted(name for name in variables if not scopes or name.startswith(scopes + "/"))
    if not in_scope:
      raise ValueError(
        f"Assignment map {{{tensor_name!r}: {current!r}}}: params hold no variable under "
        f"{current!r} (TF would initialize nothing). The variables' top-level scopes are "
        f"{sorted({n.split('/')[0] for n in variables})}."
      )
    for var_name in in_scope:
      full_name = var_name[len(scopes) :]
      if current != "/":
        full_name = full_name[1:]
      if tensor_name != "/":
        full_name = tensor_name + full_name
      if full_name.endswith("/"):
        full_name = full_name[:-1]
      if full_name not in tensors:
        raise ValueError(
          tf_errors.CKPT_SCOPED_TENSOR_NOT_FOUND
          % (full_name, var_name[len(scopes) + 1 :], tensor_name, ckpt_label)
        )
      check_shape(var_name, full_name)
      plan[var_name] = full_name
  return plan


def _leaf_dtype(leaf) -> np.dtype | None:
  dtype = getattr(leaf, "dtype", None)
  return None if dtype is None else np.dtype(dtype)


def _label(ckpt_dir_or_file) -> str:
  return os.fspath(ckpt_dir_or_file)


def init_from_checkpoint(params: Mapping, ckpt_dir_or_file, assignment_map) -> dict:
  """``tf.compat.v1.train.init_from_checkpoint`` on a params tree: a copy with values read.

  TF's call replaces the initializers of the graph's variables; here the variables are the
  leaves of ``params`` (``params["bert"]["pooler"]["kernel"]`` is ``bert/pooler/kernel``)
  and the result is a copy of ``params`` whose mapped leaves hold the checkpoint's values
  (on each leaf's sharding); every other leaf is kept as it is (a new head keeps its
  initial values). The assignment map follows TF's rules:

  * ``{'ckpt/name': 'var/name'}``: one variable from one tensor.
  * ``{'ckpt_scope/': 'scope/'}``: every variable under ``scope/`` from the same name under
    ``ckpt_scope/`` (``'/'`` as either side is the root).
  * entries are applied in sorted order of their checkpoint names, later ones winning.

  Args:
    params: the params tree to start from (``t.init(...)``'s result); ``jax.Array``,
      numpy or ``jax.ShapeDtypeStruct`` leaves.
    ckpt_dir_or_file: a TF1 checkpoint prefix (``.../model.ckpt``) or a folder with a
      ``checkpoint`` file.
    assignment_map: a dict ``{checkpoint name or scope: variable name or scope}`` or a
      list of such pairs (BERT's ``get_assignment_map_from_checkpoint`` builds one). A
      value may also be a variable (``vs.Variable``, e.g. from
      ``slim.get_variables_to_restore()``): it stands for its name.

  Returns:
    A new params dict (inner dicts copied; unmapped leaves shared with ``params``).

  Raises:
    ValueError: TF's errors (a tensor not in the checkpoint, a shape that differs, a
      scope mapped to a name, a dtype that differs), or a scope holding no variable;
      nothing is read then. ``CheckpointError``: the checkpoint is missing or corrupt.
    TypeError: ``params`` is not a mapping or the map holds a non-string.

  >>> import os, jax, jax.numpy as jnp
  >>> ckpt = os.path.join("tests", "tf1_ckpt", "data", "model.ckpt")
  >>> params = {"net": {"fc1": {"w": jnp.zeros((3, 4)), "b": jnp.zeros(4)},
  ...                   "head": {"w": jnp.zeros((4, 2))}}}
  >>> new = init_from_checkpoint(params, ckpt, {"model/fc1/": "net/fc1/"})
  >>> float(new["net"]["fc1"]["b"][0]), new["net"]["head"]["w"] is params["net"]["head"]["w"]
  (-1.0, True)
  >>> init_from_checkpoint(params, ckpt, {"model/fc3/": "net/fc1/"})
  Traceback (most recent call last):
  ...
  ValueError: Tensor model/fc3/b (b in model/fc3/) is not found in tests/tf1_ckpt/data/model.ckpt checkpoint
  """
  if not isinstance(params, Mapping):
    raise TypeError(f"params must be a params tree (a nested dict), got {type(params).__name__}.")
  label = _label(ckpt_dir_or_file)
  bundle = Bundle(ckpt_dir_or_file)
  leaves = dict(params_lib.flatten(params))
  shapes = {name: tuple(np.shape(leaf)) for name, leaf in leaves.items()}
  plan = resolve_assignment_map(
    shapes, {n: e.shape for n, e in bundle.entries.items()}, assignment_map, label
  )
  for var_name, tensor_name in plan.items():
    want = _leaf_dtype(leaves[var_name])
    have = DTYPES.get(bundle.entries[tensor_name].dtype)
    if want is not None and (
      have is None or (have != want and jax.dtypes.canonicalize_dtype(have) != want)
    ):
      have_name = _tf_dtype_name(have) if have is not None else "unsupported"
      raise ValueError(tf_errors.CKPT_DTYPE % (tensor_name, _tf_dtype_name(want), have_name))
  updates: dict[str, Any] = {}
  values: dict[str, np.ndarray] = {}
  for var_name, tensor_name in sorted(plan.items()):
    if tensor_name not in values:
      values[tensor_name] = bundle.read(tensor_name)
    leaf = leaves[var_name]
    value = values[tensor_name]
    if isinstance(leaf, np.ndarray):
      updates[var_name] = value.astype(leaf.dtype, copy=True)
    else:
      array = to_device(value, tensor_name, bundle.prefix)
      sharding = getattr(leaf, "sharding", None)
      updates[var_name] = array if sharding is None else jax.device_put(array, sharding)
    logger.debug("Initialize variable %s from checkpoint %s with %s", var_name, label, tensor_name)
  return params_lib.replace_leaves(params, updates)


def list_variables(ckpt_dir_or_file) -> list[tuple[str, list[int]]]:
  """``tf.train.list_variables``: ``[(name, shape)]`` of every tensor, sorted by name.

  >>> import os
  >>> list_variables(os.path.join("tests", "tf1_ckpt", "data"))[:2]
  [('global_step', []), ('model/bf16/v', [2, 3])]
  """
  bundle = Bundle(ckpt_dir_or_file)
  return [(name, [int(d) for d in bundle.entries[name].shape]) for name in sorted(bundle.entries)]


def load_variable(ckpt_dir_or_file, name: str) -> np.ndarray:
  """``tf.train.load_variable``: one tensor's value as numpy (a ``:0`` suffix is dropped).

  Raises:
    KeyError: TF's text (TF raises ``NotFoundError``), if the checkpoint has no ``name``.

  >>> import os
  >>> load_variable(os.path.join("tests", "tf1_ckpt", "data"), "model/fc1/b:0")
  array([-1.        , -0.33333334,  0.33333334,  1.        ], dtype=float32)
  """
  if not isinstance(name, str):
    raise TypeError(f"name must be a tensor name (a str), got {name!r}.")
  if name.endswith(":0"):
    name = name[:-2]
  bundle = Bundle(ckpt_dir_or_file)
  if name not in bundle.entries:
    raise KeyError(tf_errors.KEY_NOT_IN_CHECKPOINT % name)
  return bundle.read(name)
