"""varscope_jax: TensorFlow 1's variable scopes on plain JAX parameter trees.

``import varscope_jax as vs`` and write TF1 code with ``vs.`` for ``tf.``: names like
``model/fc1/w``, ``get_variable`` with TF's reuse rules and errors, and params that are
a plain nested dict of ``jax.Array`` for jit, grad, optax and orbax.
"""

import importlib as _importlib
import typing as _typing

from varscope_jax import initializers as initializers
from varscope_jax._src.core.collection import add_to_collection as add_to_collection
from varscope_jax._src.core.collection import get_collection as get_collection
from varscope_jax._src.core.collection import get_collection_ref as get_collection_ref
from varscope_jax._src.core.collection import global_variables as global_variables
from varscope_jax._src.core.collection import local_variables as local_variables
from varscope_jax._src.core.rng import set_random_seed as set_random_seed
from varscope_jax._src.core.collection import trainable_variables as trainable_variables
from varscope_jax._src.transform.compilation_cache import (
  disable_compilation_cache as disable_compilation_cache,
)
from varscope_jax._src.transform.compilation_cache import (
  enable_compilation_cache as enable_compilation_cache,
)
from varscope_jax._src.base.dtypes import DType as DType
from varscope_jax._src.base.tensor_shape import TensorShape as TensorShape
from varscope_jax._src.base.dtypes import as_tf_dtype as as_dtype
from varscope_jax._src.base.dtypes import bfloat16 as bfloat16
from varscope_jax._src.base.dtypes import bool_ as bool  # noqa: A001 (TF's name)
from varscope_jax._src.base.dtypes import complex64 as complex64
from varscope_jax._src.base.dtypes import complex128 as complex128
from varscope_jax._src.base.dtypes import float16 as float16
from varscope_jax._src.base.dtypes import float32 as float32
from varscope_jax._src.base.dtypes import float64 as float64
from varscope_jax._src.base.dtypes import int8 as int8
from varscope_jax._src.base.dtypes import int16 as int16
from varscope_jax._src.base.dtypes import int32 as int32
from varscope_jax._src.base.dtypes import int64 as int64
from varscope_jax._src.base.dtypes import uint8 as uint8
from varscope_jax._src.core.getters import cast_getter as cast_getter
from varscope_jax._src.core.getters import ema_getter as ema_getter
from varscope_jax._src.core.graph import Graph as Graph
from varscope_jax._src.core.graph import GraphKeys as GraphKeys
from varscope_jax._src.core.graph import get_default_graph as get_default_graph
from varscope_jax._src.core.graph import reset_default_graph as reset_default_graph
from varscope_jax._src.initializers import constant_initializer as constant_initializer
from varscope_jax._src.initializers import glorot_normal_initializer as glorot_normal_initializer
from varscope_jax._src.initializers import glorot_uniform_initializer as glorot_uniform_initializer
from varscope_jax._src.initializers import ones_initializer as ones_initializer
from varscope_jax._src.initializers import orthogonal_initializer as orthogonal_initializer
from varscope_jax._src.initializers import random_normal_initializer as random_normal_initializer
from varscope_jax._src.initializers import random_uniform_initializer as random_uniform_initializer
from varscope_jax._src.initializers import (
  truncated_normal_initializer as truncated_normal_initializer,
)
from varscope_jax._src.initializers import (
  variance_scaling_initializer as variance_scaling_initializer,
)
from varscope_jax._src.initializers import zeros_initializer as zeros_initializer
from varscope_jax._src.core.name_scope import name_scope as name_scope
from varscope_jax._src.params.tree import flatten_params as flatten_params
from varscope_jax._src.params.tree import lookup as lookup
from varscope_jax._src.params.tree import unflatten_params as unflatten_params
from varscope_jax._src.core.regularizers import get_regularization_loss as get_regularization_loss
from varscope_jax._src.core.regularizers import (
  get_regularization_losses as get_regularization_losses,
)
from varscope_jax._src.core.regularizers import l1_regularizer as l1_regularizer
from varscope_jax._src.core.regularizers import l2_regularizer as l2_regularizer
from varscope_jax._src.core.rng import next_rng_key as next_rng_key
from varscope_jax._src.params.select import map_with_name as map_with_name
from varscope_jax._src.params.select import mask as mask
from varscope_jax._src.params.select import labels as labels
from varscope_jax._src.params.select import matches as matches
from varscope_jax._src.params.select import merge as merge
from varscope_jax._src.params.select import select as select
from varscope_jax._src.params.select import spec_mask as spec_mask
from varscope_jax._src.params.select import split as split
from varscope_jax._src.params.select import split_by_names as split_by_names
from varscope_jax._src.core.state import assign as assign
from varscope_jax._src.core.state import assign_add as assign_add
from varscope_jax._src.core.state import assign_moving_average as assign_moving_average
from varscope_jax._src.core.state import assign_sub as assign_sub
from varscope_jax._src.core.store import get_local_variable as get_local_variable
from varscope_jax._src.core.store import get_variable as get_variable
from varscope_jax._src.core.template import Template as Template
from varscope_jax._src.core.template import make_template as make_template
from varscope_jax._src.transform.transform import Transformed as Transformed
from varscope_jax._src.transform.transform import VariableSpec as VariableSpec
from varscope_jax._src.transform.transform import transform as transform
from varscope_jax._src.core.variable_scope import AUTO_REUSE as AUTO_REUSE
from varscope_jax._src.core.variable_scope import VariableScope as VariableScope
from varscope_jax._src.core.variable_scope import get_variable_scope as get_variable_scope
from varscope_jax._src.core.variable_scope import no_regularizer as no_regularizer
from varscope_jax._src.core.variable_scope import variable_scope as variable_scope
from varscope_jax._src.core.variables import Variable as Variable
from varscope_jax._src.core.variables import VariableAggregation as VariableAggregation
from varscope_jax._src.core.variables import VariableSynchronization as VariableSynchronization

# TF1's remaining dtype names, and variable_creator_scope.
from varscope_jax._src.base.dtypes import double as double
from varscope_jax._src.base.dtypes import half as half
from varscope_jax._src.base.dtypes import uint16 as uint16
from varscope_jax._src.base.dtypes import uint32 as uint32
from varscope_jax._src.base.dtypes import uint64 as uint64
from varscope_jax._src.core.creator import variable_creator_scope as variable_creator_scope

# The error every checkpoint and weights reader raises for a bad file.
from varscope_jax._src.io.errors import CheckpointError as CheckpointError

regularization_losses = get_regularization_losses

# Heavy dependencies (orbax, tensorstore, safetensors, rich) load on first use: these
# names are imported from their modules when first looked up (PEP 562).
_LAZY = {
  # TF1's layer namespaces, loaded on first use: vs.layers, vs.contrib.
  "layers": ("varscope_jax.layers", None),
  "contrib": ("varscope_jax.contrib", None),
  # tf.nn's RNN cells and drivers (vs.nn.rnn_cell, vs.nn.dynamic_rnn, ...)
  "nn": ("varscope_jax.nn", None),
  "ops": ("varscope_jax.ops", None),
  "CheckpointManager": ("varscope_jax._src.io.orbax.checkpoint", "CheckpointManager"),
  "checkpoints_iterator": (
    "varscope_jax._src.io.orbax.checkpoints_iterator",
    "checkpoints_iterator",
  ),
  "restore_checkpoint": ("varscope_jax._src.io.orbax.checkpoint", "restore_checkpoint"),
  "save_checkpoint": ("varscope_jax._src.io.orbax.checkpoint", "save_checkpoint"),
  "load_safetensors": ("varscope_jax._src.io.safetensors", "load_safetensors"),
  "save_safetensors": ("varscope_jax._src.io.safetensors", "save_safetensors"),
  "summary": ("varscope_jax._src.params.summary", "summary"),
  "summary_table": ("varscope_jax._src.params.summary", "summary_table"),
  "list_tf1_checkpoint": ("varscope_jax._src.io.tf1.load", "list_tf1_checkpoint"),
  "load_tf1_checkpoint": ("varscope_jax._src.io.tf1.load", "load_tf1_checkpoint"),
  # Flax bridges (flax loads on first use)
  "flax_module": ("varscope_jax._src.bridges.flax_module", "flax_module"),
  "to_linen": ("varscope_jax._src.bridges.flax_to_linen", "to_linen"),
  "to_nnx": ("varscope_jax._src.bridges.flax_to_nnx", "to_nnx"),
  "ToLinen": ("varscope_jax._src.bridges.flax_to_linen", "ToLinen"),
  "ToNNX": ("varscope_jax._src.bridges.flax_to_nnx", "ToNNX"),
  # TF1 training checkpoints (slots, EMA, TF1 optimizers, writing back).
  "TF1Tensor": ("varscope_jax._src.io.tf1.load", "TF1Tensor"),
  "load_tf1_optimizer_state": (
    "varscope_jax._src.io.tf1.optimizer_state",
    "load_tf1_optimizer_state",
  ),
  "save_tf1_checkpoint": ("varscope_jax._src.io.tf1.save", "save_tf1_checkpoint"),
  "tf1_optimizers": ("varscope_jax.tf1_optimizers", None),  # a module (optax)
  # tf.train's checkpoint utilities (init_from_checkpoint, list_variables, load_variable).
  "train": ("varscope_jax.train", None),
  # python -m varscope_jax.upgrade: TF1 source to varscope_jax (libcst loads on first use).
  "upgrade": ("varscope_jax.upgrade", None),
}

if _typing.TYPE_CHECKING:  # what the lazy names are, for type checkers
  from varscope_jax import layers as layers
  from varscope_jax import contrib as contrib
  from varscope_jax import nn as nn
  from varscope_jax import ops as ops
  from varscope_jax._src.io.orbax.checkpoint import CheckpointManager as CheckpointManager
  from varscope_jax._src.io.orbax.checkpoints_iterator import (
    checkpoints_iterator as checkpoints_iterator,
  )
  from varscope_jax._src.io.orbax.checkpoint import restore_checkpoint as restore_checkpoint
  from varscope_jax._src.io.orbax.checkpoint import save_checkpoint as save_checkpoint
  from varscope_jax._src.io.safetensors import load_safetensors as load_safetensors
  from varscope_jax._src.io.safetensors import save_safetensors as save_safetensors
  from varscope_jax._src.params.summary import summary as summary
  from varscope_jax._src.params.summary import summary_table as summary_table
  from varscope_jax._src.io.tf1.load import list_tf1_checkpoint as list_tf1_checkpoint
  from varscope_jax._src.io.tf1.load import load_tf1_checkpoint as load_tf1_checkpoint
  from varscope_jax._src.bridges.flax_module import flax_module as flax_module
  from varscope_jax._src.bridges.flax_to_linen import to_linen as to_linen
  from varscope_jax._src.bridges.flax_to_nnx import to_nnx as to_nnx
  from varscope_jax._src.bridges.flax_to_linen import ToLinen as ToLinen
  from varscope_jax._src.bridges.flax_to_nnx import ToNNX as ToNNX
  from varscope_jax._src.io.tf1.load import TF1Tensor as TF1Tensor
  from varscope_jax._src.io.tf1.optimizer_state import (
    load_tf1_optimizer_state as load_tf1_optimizer_state,
  )
  from varscope_jax._src.io.tf1.save import save_tf1_checkpoint as save_tf1_checkpoint
  from varscope_jax import tf1_optimizers as tf1_optimizers
  from varscope_jax import train as train
  from varscope_jax import upgrade as upgrade


def __getattr__(name):
  target = _LAZY.get(name)
  if target is None:  # a TF name we lack says what to use instead (the op table's hint)
    raise _importlib.import_module("varscope_jax._src.upgrade.hints").missing_attribute(
      __name__, name
    )
  module_name, attr = target
  module = _importlib.import_module(module_name)
  value = module if attr is None else getattr(module, attr)
  globals()[name] = value
  return value


def __dir__():
  return sorted(set(globals()) | set(_LAZY))


# Star-import brings the eager names: not TF's ``bool`` (vs.bool is reachable; star-import
# must not rebind the builtin), nor the lazy names, which would load the heavy dependencies.
__all__ = [
  "AUTO_REUSE",
  "CheckpointError",
  "DType",
  "Graph",
  "GraphKeys",
  "Template",
  "TensorShape",
  "Transformed",
  "Variable",
  "VariableAggregation",
  "VariableScope",
  "VariableSpec",
  "VariableSynchronization",
  "add_to_collection",
  "as_dtype",
  "assign",
  "assign_add",
  "assign_moving_average",
  "assign_sub",
  "bfloat16",
  "cast_getter",
  "complex128",
  "complex64",
  "constant_initializer",
  "disable_compilation_cache",
  "double",
  "ema_getter",
  "enable_compilation_cache",
  "flatten_params",
  "float16",
  "float32",
  "float64",
  "get_collection",
  "get_collection_ref",
  "get_default_graph",
  "get_local_variable",
  "get_regularization_loss",
  "get_regularization_losses",
  "get_variable",
  "get_variable_scope",
  "global_variables",
  "glorot_normal_initializer",
  "glorot_uniform_initializer",
  "half",
  "initializers",
  "int16",
  "int32",
  "int64",
  "int8",
  "l1_regularizer",
  "l2_regularizer",
  "labels",
  "local_variables",
  "lookup",
  "make_template",
  "map_with_name",
  "mask",
  "matches",
  "merge",
  "name_scope",
  "next_rng_key",
  "no_regularizer",
  "ones_initializer",
  "orthogonal_initializer",
  "random_normal_initializer",
  "random_uniform_initializer",
  "regularization_losses",
  "reset_default_graph",
  "select",
  "set_random_seed",
  "spec_mask",
  "split",
  "split_by_names",
  "trainable_variables",
  "transform",
  "truncated_normal_initializer",
  "uint16",
  "uint32",
  "uint64",
  "uint8",
  "unflatten_params",
  "variable_creator_scope",
  "variable_scope",
  "variance_scaling_initializer",
  "zeros_initializer",
]

__version__ = "0.2.0"
