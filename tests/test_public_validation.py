"""Every public name refuses a bad argument with a clear error.

``TABLE`` (every public name of ``vs``: ``__all__`` and the lazy names), ``INIT_TABLE`` (``vs.initializers.__all__``) and
``OPS_TABLE`` (``vs.ops.__all__``) give every
public name at least one bad call and what it must raise: a ``TypeError`` or
``ValueError`` (never an ``AttributeError``, ``KeyError``, a bare JAX/numpy/orbax error
or a silent success) whose message names the offending argument or variable and says
how to fix it. Constants, enums, dtypes and exception classes are ``DATA``; a public
submodule's row is a bad call of one of its functions. Where TF raises for the same
call, the message starts with TF's text. A new public name fails
``test_every_public_name_has_an_entry`` until it gets a row.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax import initializers as I

TF1_CKPT = str(pathlib.Path(__file__).parent / "tf1_ckpt" / "data" / "model.ckpt")


@dataclasses.dataclass(frozen=True)
class Bad:
  """One bad call: ``call(tmp_path)`` must raise ``exc`` matching ``match``."""

  call: Callable[[pathlib.Path], Any]
  exc: type
  match: str
  xfail: str | None = None


DATA = "not callable: data"  # constants, enums, dtypes, exception classes


def P():
  return {"a": {"w": jnp.ones(2)}}


def _var():
  return vs.get_variable("v", [2], initializer=vs.zeros_initializer())


def _enter(cm):
  with cm:
    pass


FN_MSG = r"must be callable"
DTYPE_MSG = r"dtype 'nope' is not a dtype JAX can hold.*Use one of vs\.float32"
FLOAT_DTYPE_TF = r"^Expected floating point type, got <dtype: 'int32'>\."
SCOPE_MSG = r"^scope must be a string \(a regular expression.*or None, got 3\."
NO_ARGS = r"takes 0 positional arguments but 1 was given"
ASSIGN_MSG = r"the first argument must be a variable \(the value get_variable or vs\.Variable"
SCALAR_MSG = r"`%s` must be a real Python/NumPy scalar"
SEED_MSG = r"`seed` must be an int or None"
SEED_RANGE_MSG = r"`seed` \d+ does not fit in 64 bits; use a seed in \[-2\*\*63, 2\*\*64\)"
SHAPE_MSG = r"shape must be a sequence of ints, such as \(3, 4\)"
KEY = jax.random.PRNGKey(0)

TABLE: dict[str, list[Bad] | str] = {
  # ---- constants, enums, dtypes
  "AUTO_REUSE": DATA,
  "GraphKeys": DATA,
  "VariableAggregation": DATA,
  "VariableSynchronization": DATA,
  "CheckpointError": DATA,  # an exception class
  **{
    d: DATA
    for d in [
      "bfloat16",
      "bool",
      "complex64",
      "complex128",
      "double",
      "float16",
      "float32",
      "float64",
      "half",
      "int8",
      "int16",
      "int32",
      "int64",
      "uint8",
      "uint16",
      "uint32",
      "uint64",
    ]
  },
  "DType": [
    Bad(
      lambda t: vs.DType("string"),
      TypeError,
      r"^Cannot convert the argument `type_value`: 'string' to a TensorFlow DType",
    )
  ],
  "TensorShape": [
    Bad(lambda t: vs.TensorShape(3), TypeError, r"TensorShape takes a list of dims"),
    Bad(
      lambda t: vs.TensorShape([2, -1]),
      TypeError,
      r"dims must be non-negative ints or None, got -1",
    ),
  ],
  "as_dtype": [
    Bad(
      lambda t: vs.as_dtype("floatx"),
      TypeError,
      r"^Cannot convert the argument `type_value`: 'floatx' to a TensorFlow DType",
    )
  ],
  # ---- submodules: a bad call of one of their functions
  "initializers": [Bad(lambda t: I.zeros(dtype="nope"), TypeError, DTYPE_MSG)],
  "tf1_optimizers": [
    Bad(
      lambda t: vs.tf1_optimizers.adam(name=""),
      ValueError,
      r"adam: name must be a non-empty string",
    ),
    Bad(
      lambda t: vs.tf1_optimizers.momentum("fast", 0.9),
      TypeError,
      r"momentum: learning_rate must be a number or a schedule",
    ),
    Bad(
      lambda t: vs.tf1_optimizers.rmsprop(0.1, decay=None),
      TypeError,
      r"rmsprop: decay must be a number, got None",
    ),
    Bad(
      lambda t: vs.tf1_optimizers.adam_weight_decay(0.1, exclude_from_weight_decay="bias"),
      TypeError,
      r"exclude_from_weight_decay must be a list of regexes.*\['bias'\]",
    ),
  ],
  "ops": [
    Bad(
      lambda t: vs.ops.gather(jnp.ones(3), jnp.array([5])),
      ValueError,
      r"^gather: indices\[0\] = 5 is not in \[0, 3\)",
    )
  ],
  "layers": [
    Bad(
      lambda t: vs.layers.dense(jnp.ones((2, 3)), -1),
      ValueError,
      r"^Received an invalid value for `units`, expected a positive integer\. "
      r"Received: units=-1\n\(layer 'dense_1'",
    )
  ],
  "nn": [
    Bad(
      lambda t: vs.nn.dropout(jnp.ones(2), rate=1.5),
      ValueError,
      r"^`rate` must be a scalar tensor or a float in the range \[0, 1\)\. Received: rate=1\.5",
    ),
    Bad(
      lambda t: vs.nn.dynamic_rnn(3, jnp.ones((2, 3, 4)), dtype=jnp.float32),
      TypeError,
      r"^The argument 'cell' \(3\) is not an RNNCell",
    ),
  ],
  "train": [
    Bad(
      lambda t: vs.train.init_from_checkpoint(
        {"w": jnp.ones(2)}, "tests/tf1_ckpt/data", {"model/fc1/w": "w"}
      ),
      ValueError,
      r"^Shape of variable w:0 \(\(2,\)\) doesn't match with shape of tensor model/fc1/w "
      r"\(\[3, 4\]\) from checkpoint reader\.",
    ),
    Bad(
      lambda t: vs.train.init_from_checkpoint(
        {"w": jnp.ones(2)}, "tests/tf1_ckpt/data", {"model/": "w"}
      ),
      ValueError,
      r"^Tensor model/ is not found in tests/tf1_ckpt/data checkpoint \{'global_step': \[\]",
    ),
    Bad(
      lambda t: vs.train.load_variable("tests/tf1_ckpt/data", None),
      TypeError,
      r"name must be a tensor name \(a str\), got None",
    ),
  ],
  "upgrade": [
    Bad(
      lambda t: vs.upgrade.upgrade_source(b"import tensorflow"),
      TypeError,
      r"`source` must be the module's text \(a str\), got bytes",
    ),
    Bad(
      lambda t: vs.upgrade.upgrade_files("m.py"),
      TypeError,
      r"`sources` must be a list of paths, got one path; pass \[path\]",
    ),
    Bad(
      lambda t: vs.upgrade.upgrade_files([]),
      ValueError,
      r"give at least one file or folder to upgrade",
    ),
  ],
  "contrib": [
    Bad(
      lambda t: vs.contrib.layers.layer_norm(jnp.ones((2, 3)), begin_norm_axis=5),
      ValueError,
      r"begin_norm_axis \(5\) must be < rank\(inputs\) \(2\)",
    )
  ],
  # ---- graph, scopes, variables
  "Graph": [
    Bad(
      lambda t: vs.Graph(backend=42), TypeError, r"backend must be a backend object.*backend=None"
    )
  ],
  "get_default_graph": [Bad(lambda t: vs.get_default_graph(1), TypeError, NO_ARGS)],
  "reset_default_graph": [Bad(lambda t: vs.reset_default_graph(1), TypeError, NO_ARGS)],
  "get_variable_scope": [Bad(lambda t: vs.get_variable_scope(1), TypeError, NO_ARGS)],
  "variable_scope": [
    Bad(
      lambda t: _enter(vs.variable_scope(3)),
      TypeError,
      r"^VariableScope: name_or_scope must be a string or VariableScope\.",
    )
  ],
  "VariableScope": [
    Bad(lambda t: vs.VariableScope(False, name=3), TypeError, r"name must be a string")
  ],
  "name_scope": [
    Bad(
      lambda t: _enter(vs.name_scope("bad name!")),
      ValueError,
      r"^'bad name!' is not a valid root scope name",
    )
  ],
  "get_variable": [
    Bad(lambda t: vs.get_variable("v", [2.5]), TypeError, r"v.*shape.*2\.5"),
    Bad(lambda t: vs.get_variable(3, [2]), TypeError, r"name.*must be a string"),
    Bad(lambda t: vs.get_variable("v", [2], dtype="nope"), TypeError, r"Variable v: dtype"),
  ],
  "get_local_variable": [Bad(lambda t: vs.get_local_variable("v", [-2]), ValueError, r"v.*shape")],
  "Variable": [Bad(lambda t: vs.Variable(), ValueError, r"^initial_value must be specified\.")],
  "variable_creator_scope": [
    Bad(
      lambda t: _enter(vs.variable_creator_scope(42)),
      TypeError,
      r"variable_creator must be a callable",
    )
  ],
  "make_template": [Bad(lambda t: vs.make_template("t", 42), TypeError, r"func_ " + FN_MSG)],
  "Template": [Bad(lambda t: vs.Template("t", 42), TypeError, r"func " + FN_MSG)],
  "no_regularizer": [
    Bad(lambda t: vs.no_regularizer(), TypeError, r"missing 1 required positional argument")
  ],
  "set_random_seed": [
    Bad(lambda t: vs.set_random_seed(2**70), ValueError, r"seed.*2\*\*63|seed.*64-bit"),
    Bad(lambda t: vs.set_random_seed("x"), TypeError, r"seed.*int"),
  ],
  "next_rng_key": [Bad(lambda t: vs.next_rng_key(1), TypeError, NO_ARGS)],
  # ---- collections
  "add_to_collection": [
    Bad(
      lambda t: vs.add_to_collection([], 1), TypeError, r"collection name \(key\) must be hashable"
    )
  ],
  "get_collection": [
    Bad(lambda t: vs.get_collection([]), TypeError, r"collection name \(key\) must be hashable")
  ],
  "get_collection_ref": [
    Bad(lambda t: vs.get_collection_ref([]), TypeError, r"collection name \(key\) must be hashable")
  ],
  "global_variables": [Bad(lambda t: vs.global_variables(scope=3), TypeError, SCOPE_MSG)],
  "local_variables": [Bad(lambda t: vs.local_variables(scope=3), TypeError, SCOPE_MSG)],
  "trainable_variables": [Bad(lambda t: vs.trainable_variables(scope=3), TypeError, SCOPE_MSG)],
  "get_regularization_loss": [
    Bad(lambda t: vs.get_regularization_loss(scope=3), TypeError, SCOPE_MSG)
  ],
  "get_regularization_losses": [
    Bad(lambda t: vs.get_regularization_losses(scope=3), TypeError, SCOPE_MSG)
  ],
  "regularization_losses": [Bad(lambda t: vs.regularization_losses(scope=3), TypeError, SCOPE_MSG)],
  # ---- regularizers, getters
  "l1_regularizer": [
    Bad(
      lambda t: vs.l1_regularizer(-1.0),
      ValueError,
      r"^Setting a scale less than 0 on a regularizer: -1",
    )
  ],
  "l2_regularizer": [
    Bad(lambda t: vs.l2_regularizer("0.1"), TypeError, r"scale must be a real number")
  ],
  "cast_getter": [
    Bad(lambda t: vs.cast_getter("nope"), TypeError, DTYPE_MSG),
    Bad(
      lambda t: vs.cast_getter(jnp.float16, only_floating="x"),
      TypeError,
      r"only_floating must be True or False",
    ),
  ],
  "ema_getter": [
    Bad(lambda t: vs.ema_getter(3), TypeError, r"averages must be a mapping"),
    Bad(lambda t: vs.ema_getter({}, strict="no"), TypeError, r"strict must be True or False"),
  ],
  # ---- state
  "assign": [Bad(lambda t: vs.assign(3, 1.0), TypeError, ASSIGN_MSG)],
  "assign_add": [
    Bad(
      lambda t: vs.assign_add("v", 1.0),
      ValueError,
      r"no variable named v .*Call get_variable for it first",
    )
  ],
  "assign_sub": [Bad(lambda t: vs.assign_sub(None, 1.0), TypeError, ASSIGN_MSG)],
  "assign_moving_average": [
    Bad(lambda t: vs.assign_moving_average(3, 1.0, 0.9), TypeError, ASSIGN_MSG),
    Bad(
      lambda t: vs.assign_moving_average(_var(), 1.0, "x"),
      TypeError,
      r"decay must be a real number",
    ),
  ],
  # ---- transform
  "transform": [Bad(lambda t: vs.transform(42), TypeError, r"transform expects a function")],
  "Transformed": [  # transform's result: bad calls of its init and apply
    Bad(
      lambda t: vs.transform(_var).init("x"),
      TypeError,
      r"init expects a PRNG key \(jax\.random\.PRNGKey\(0\).*got 'x'",
    ),
    Bad(lambda t: vs.transform(_var).apply(None), TypeError, r"apply expects the params tree"),
    Bad(
      lambda t: vs.transform(_var).init(2**70),
      ValueError,
      r"init: the seed \d+ does not fit in 64 bits",
    ),
  ],
  # A record that specs() returns (a NamedTuple): Python's own error names the fields.
  "VariableSpec": [
    Bad(
      lambda t: vs.VariableSpec("v", (2,)),
      TypeError,
      r"missing 4 required positional arguments: 'dtype'",
    )
  ],
  "enable_compilation_cache": [
    Bad(
      lambda t: vs.enable_compilation_cache(t, min_compile_time_secs=-1),
      ValueError,
      r"min_compile_time_secs.*>= 0",
    )
  ],
  "disable_compilation_cache": [Bad(lambda t: vs.disable_compilation_cache(1), TypeError, NO_ARGS)],
  # ---- params trees, selection, summaries
  "flatten_params": [
    Bad(
      lambda t: vs.flatten_params([1, 2]),
      TypeError,
      r"flatten_params expects a nested dict of arrays",
    )
  ],
  "unflatten_params": [
    Bad(
      lambda t: vs.unflatten_params(3),
      TypeError,
      r"items must be a \{name: leaf\} dict or an iterable of \(name, value\) pairs",
    )
  ],
  "lookup": [Bad(lambda t: vs.lookup(P(), 3), TypeError, r"name must be a string")],
  "map_with_name": [Bad(lambda t: vs.map_with_name(3, P()), TypeError, r"fn must be callable")],
  "select": [Bad(lambda t: vs.select(P(), 3), TypeError, r"pattern.*string")],
  "mask": [Bad(lambda t: vs.mask(P(), 3), TypeError, r"pattern.*string")],
  "split": [Bad(lambda t: vs.split(P(), 3), TypeError, r"pattern.*string")],
  "matches": [Bad(lambda t: vs.matches(3, "a"), TypeError, r"name must be a string")],
  "merge": [Bad(lambda t: vs.merge(P(), 3), TypeError, r"merge expects params trees \(dicts\)")],
  "labels": [Bad(lambda t: vs.labels(P(), 3), TypeError, r"rules must be a dict \{label: pattern")],
  "spec_mask": [Bad(lambda t: vs.spec_mask(P(), 3), TypeError, r"specs must be a mapping")],
  "split_by_names": [
    Bad(
      lambda t: vs.split_by_names(P(), "a/w"),
      TypeError,
      r"names must be a collection of scoped names, got one string",
    ),
    Bad(
      lambda t: vs.split_by_names(P(), 3),
      TypeError,
      r"names must be a collection of scoped names such as \['fc1/w'\]",
    ),
  ],
  "summary": [Bad(lambda t: vs.summary(3), TypeError, r"params must be a nested dict")],
  "summary_table": [
    Bad(lambda t: vs.summary_table([1]), TypeError, r"params must be a nested dict"),
    Bad(
      lambda t: vs.summary_table(P(), trainable=3),
      TypeError,
      r"trainable must be a params tree or a collection of names",
    ),
  ],
  # ---- initializers re-exported at the top level
  "constant_initializer": [
    Bad(
      lambda t: vs.constant_initializer(object()),
      TypeError,
      r"^Invalid type for initial value: <class 'object'>",
    )
  ],
  "zeros_initializer": [Bad(lambda t: vs.zeros_initializer("nope"), TypeError, DTYPE_MSG)],
  "ones_initializer": [Bad(lambda t: vs.ones_initializer(dtype="nope"), TypeError, DTYPE_MSG)],
  "random_normal_initializer": [
    Bad(lambda t: vs.random_normal_initializer(dtype=jnp.int32), ValueError, FLOAT_DTYPE_TF)
  ],
  "truncated_normal_initializer": [
    Bad(lambda t: vs.truncated_normal_initializer(dtype=jnp.int32), ValueError, FLOAT_DTYPE_TF)
  ],
  "random_uniform_initializer": [
    Bad(lambda t: vs.random_uniform_initializer("5", 1), TypeError, SCALAR_MSG % "minval")
  ],
  "glorot_uniform_initializer": [
    Bad(lambda t: vs.glorot_uniform_initializer(seed="x"), TypeError, SEED_MSG)
  ],
  "glorot_normal_initializer": [
    Bad(lambda t: vs.glorot_normal_initializer(seed=1.5), TypeError, SEED_MSG)
  ],
  "variance_scaling_initializer": [
    Bad(
      lambda t: vs.variance_scaling_initializer(mode="fan"),
      ValueError,
      r"Invalid `mode` argument:.*fan",
    )
  ],
  "orthogonal_initializer": [
    Bad(lambda t: vs.orthogonal_initializer(gain="x"), TypeError, SCALAR_MSG % "gain")
  ],
  # ---- I/O (orbax, safetensors, TF1)
  "save_checkpoint": [
    Bad(
      lambda t: vs.save_checkpoint(t / "c", P(), step=-1), ValueError, r"step must be >= 0, got -1"
    )
  ],
  "restore_checkpoint": [
    Bad(
      lambda t: vs.restore_checkpoint(t / "c"),
      ValueError,
      r"No checkpoint at .*c: the folder does not exist",
    )
  ],
  "CheckpointManager": [
    Bad(
      lambda t: vs.CheckpointManager(t / "m", max_to_keep=-1),
      ValueError,
      r"max_to_keep must be None \(keep every step\) or "
      r"an int >= 1, got -1",
    )
  ],
  "checkpoints_iterator": [
    Bad(
      lambda t: vs.checkpoints_iterator(t, timeout=-1),
      ValueError,
      r"timeout must be a number of seconds >= 0 or None, got -1",
    )
  ],
  "save_safetensors": [
    Bad(
      lambda t: vs.save_safetensors(t / "x.safetensors", 3),
      TypeError,
      r"params must be a nested dict",
    )
  ],
  "load_safetensors": [Bad(lambda t: vs.load_safetensors(3), TypeError, r"path")],
  "list_tf1_checkpoint": [
    Bad(
      lambda t: vs.list_tf1_checkpoint(TF1_CKPT, optimizer_names=3), TypeError, r"optimizer_names"
    )
  ],
  "load_tf1_checkpoint": [
    Bad(
      lambda t: vs.load_tf1_checkpoint(TF1_CKPT, rename=3),
      TypeError,
      r"rename must be a dict of regex -> new name",
    )
  ],
  "load_tf1_optimizer_state": [
    Bad(
      lambda t: vs.load_tf1_optimizer_state(TF1_CKPT, 3, P()),
      TypeError,
      r"tx must be an optax GradientTransformation",
    )
  ],
  "save_tf1_checkpoint": [
    Bad(
      lambda t: vs.save_tf1_checkpoint(str(t / "m.ckpt"), 3), TypeError, r"params must be a mapping"
    ),
    Bad(
      lambda t: vs.save_tf1_checkpoint(str(t / "m.ckpt"), P(), 1.5),
      TypeError,
      r"step must be an int",
    ),
  ],
  # A record that list_tf1_checkpoint returns: Python's own error names the fields.
  "TF1Tensor": [
    Bad(
      lambda t: vs.TF1Tensor((2,)),
      TypeError,
      r"missing 2 required positional arguments: 'dtype' and 'kind'",
    )
  ],
  # ---- Flax bridges
  "flax_module": [
    Bad(
      lambda t: vs.flax_module(42),
      TypeError,
      r"flax_module expects a flax\.linen Module, an nnx\.Module",
    )
  ],
  "to_linen": [Bad(lambda t: vs.to_linen(42), TypeError, r"to_linen expects a function")],
  "ToLinen": [Bad(lambda t: vs.ToLinen(42), TypeError, r"ToLinen: fn " + FN_MSG)],
  "to_nnx": [Bad(lambda t: vs.to_nnx(42, rngs=None), TypeError, r"to_nnx expects a function")],
  "ToNNX": [Bad(lambda t: vs.ToNNX(42, rngs=None), TypeError, r"to_nnx expects a function")],
}

INIT_TABLE: dict[str, list[Bad] | str] = {
  "constant": [
    Bad(
      lambda t: I.constant([[1], [2, 3]]),
      ValueError,
      r"^setting an array element.*\nconstant_initializer: value must be rectangular",
    )
  ],
  "zeros": [Bad(lambda t: I.zeros(dtype="nope"), TypeError, DTYPE_MSG)],
  "ones": [Bad(lambda t: I.ones()(KEY, None), TypeError, SHAPE_MSG)],
  "random_normal": [Bad(lambda t: I.random_normal(seed="x"), TypeError, SEED_MSG)],
  "truncated_normal": [
    Bad(lambda t: I.truncated_normal(dtype="int32"), ValueError, FLOAT_DTYPE_TF)
  ],
  "random_uniform": [
    Bad(lambda t: I.random_uniform(maxval=[1, 2]), TypeError, SCALAR_MSG % "maxval")
  ],
  "glorot_uniform": [Bad(lambda t: I.glorot_uniform(dtype=jnp.int32), ValueError, FLOAT_DTYPE_TF)],
  "glorot_normal": [
    Bad(
      lambda t: I.glorot_normal()(KEY, [2, -3]),
      ValueError,
      r"^shape must have non-negative dimensions, got \(2, -3\)",
    )
  ],
  "variance_scaling": [
    Bad(lambda t: I.variance_scaling(scale=0.0), ValueError, r"^`scale` must be positive float\.")
  ],
  "orthogonal": [
    Bad(
      lambda t: I.orthogonal()(KEY, [3]),
      ValueError,
      r"^The tensor to initialize must be at least two-dimensional",
    )
  ],
  "constant_initializer": [
    Bad(lambda t: I.constant_initializer(object()), TypeError, r"^Invalid type for initial value")
  ],
  "zeros_initializer": [Bad(lambda t: I.zeros_initializer()(KEY, [2.5]), TypeError, SHAPE_MSG)],
  "ones_initializer": [Bad(lambda t: I.ones_initializer(dtype="nope"), TypeError, DTYPE_MSG)],
  "random_normal_initializer": [
    Bad(lambda t: I.random_normal_initializer(dtype="int32"), ValueError, FLOAT_DTYPE_TF)
  ],
  "truncated_normal_initializer": [
    Bad(lambda t: I.truncated_normal_initializer(seed=2**70), ValueError, SEED_RANGE_MSG)
  ],
  "random_uniform_initializer": [
    Bad(lambda t: I.random_uniform_initializer(seed=True), TypeError, SEED_MSG)
  ],
  "glorot_uniform_initializer": [
    Bad(lambda t: I.glorot_uniform_initializer(seed="x"), TypeError, SEED_MSG)
  ],
  "glorot_normal_initializer": [
    Bad(lambda t: I.glorot_normal_initializer(dtype="int32"), ValueError, FLOAT_DTYPE_TF)
  ],
  "variance_scaling_initializer": [
    Bad(
      lambda t: I.variance_scaling_initializer(distribution="gauss"),
      ValueError,
      r"Invalid `distribution` argument:.*gauss",
    )
  ],
  "orthogonal_initializer": [
    Bad(lambda t: I.orthogonal_initializer(dtype="int32"), ValueError, FLOAT_DTYPE_TF)
  ],
  # The abstract base: no arguments (Python's error names the unexpected one).
  "Initializer": [
    Bad(
      lambda t: I.Initializer.from_config({"scale": 2.0}),
      TypeError,
      r"unexpected keyword argument 'scale'",
    )
  ],
  "Constant": [Bad(lambda t: I.Constant(object()), TypeError, r"^Invalid type for initial value")],
  "Zeros": [Bad(lambda t: I.Zeros(dtype="nope"), TypeError, DTYPE_MSG)],
  "Ones": [Bad(lambda t: I.Ones(dtype="nope"), TypeError, DTYPE_MSG)],
  "RandomNormal": [Bad(lambda t: I.RandomNormal(dtype="int32"), ValueError, FLOAT_DTYPE_TF)],
  "TruncatedNormal": [
    Bad(lambda t: I.TruncatedNormal(stddev="x"), TypeError, SCALAR_MSG % "stddev")
  ],
  "RandomUniform": [Bad(lambda t: I.RandomUniform(minval="x"), TypeError, SCALAR_MSG % "minval")],
  "VarianceScaling": [
    Bad(lambda t: I.VarianceScaling(mode="fan"), ValueError, r"Invalid `mode` argument:.*fan")
  ],
  "GlorotUniform": [Bad(lambda t: I.GlorotUniform(seed="x"), TypeError, SEED_MSG)],
  "GlorotNormal": [Bad(lambda t: I.GlorotNormal(seed=1.5), TypeError, SEED_MSG)],
  "Orthogonal": [Bad(lambda t: I.Orthogonal(seed=2**64), ValueError, SEED_RANGE_MSG)],
  "compute_fans": [Bad(lambda t: I.compute_fans("ab"), TypeError, SHAPE_MSG)],
  "default_initializer": [
    Bad(lambda t: I.default_initializer("v", dtype="nope"), TypeError, DTYPE_MSG)
  ],
  "is_initializer": [
    Bad(lambda t: I.is_initializer(), TypeError, r"missing 1 required positional argument: 'obj'")
  ],
}

# What a bad call may raise; anything else (AttributeError, KeyError, a library error) fails.
_ALLOWED = (TypeError, ValueError)


# vs.ops: TF's semantics, TF's error text where TF has one.
X = jnp.ones((2, 3))
OPS_TABLE: dict[str, list[Bad] | str] = {
  "assert_equal": [
    Bad(
      lambda t: vs.ops.assert_equal([1, 2], 1, message="ids"),
      ValueError,
      r"^ids\nCondition x == y did not hold element-wise:",
    )
  ],
  "assert_none_equal": [
    Bad(
      lambda t: vs.ops.assert_none_equal("a", 1),
      TypeError,
      r"assert_none_equal: x must be an array or a number, got str",
    )
  ],
  "assert_less": [
    Bad(
      lambda t: vs.ops.assert_less(1, 2, message=3),
      TypeError,
      r"assert_less: message must be a str or None, got int",
    )
  ],
  "assert_less_equal": [
    Bad(
      lambda t: vs.ops.assert_less_equal(600, 512),
      ValueError,
      r"^Condition x <= y did not hold element-wise:",
    )
  ],
  "assert_greater": [
    Bad(
      lambda t: vs.ops.assert_greater(jnp.ones(3), jnp.ones(2)),
      ValueError,
      r"^Dimensions must be equal, but are 3 and 2",
    )
  ],
  "assert_greater_equal": [
    Bad(
      lambda t: vs.ops.assert_greater_equal(None, 1),
      TypeError,
      r"assert_greater_equal: x must be an array or a number",
    )
  ],
  "floordiv": [
    Bad(
      lambda t: vs.ops.floordiv("a", 2),
      TypeError,
      r"floordiv: x must be an array or a number, got str",
    )
  ],
  "floormod": [
    Bad(lambda t: vs.ops.floormod(1, None), TypeError, r"floormod: y must be an array or a number")
  ],
  "truncatediv": [
    Bad(
      lambda t: vs.ops.truncatediv(1, "b"),
      TypeError,
      r"truncatediv: y must be an array or a number",
    )
  ],
  "truncatemod": [
    Bad(
      lambda t: vs.ops.truncatemod(None, 1),
      TypeError,
      r"truncatemod: x must be an array or a number",
    )
  ],
  "cast": [
    Bad(
      lambda t: vs.ops.cast(X, "nope"), TypeError, r"cast: dtype 'nope' is not a dtype JAX can hold"
    )
  ],
  "cumsum": [
    Bad(
      lambda t: vs.ops.cumsum(X, axis=2),
      ValueError,
      r"cumsum: axis=2 is out of range for a rank-2 input",
    )
  ],
  "cumprod": [
    Bad(lambda t: vs.ops.cumprod(X, axis=1.5), TypeError, r"cumprod: axis must be an integer")
  ],
  "gather": [
    Bad(
      lambda t: vs.ops.gather(X, jnp.array([-1])),
      ValueError,
      r"^gather: indices\[0\] = -1 is not in \[0, 2\)",
    )
  ],
  "gather_nd": [
    Bad(
      lambda t: vs.ops.gather_nd(X, jnp.array([[0, 3]])),
      ValueError,
      r"^gather_nd: indices\[0\] = 3 is not in \[0, 3\)",
    )
  ],
  "one_hot": [
    Bad(
      lambda t: vs.ops.one_hot(jnp.array([1]), 3, axis=4),
      ValueError,
      r"one_hot: Expected axis to be -1 or between \[0, 1\)",
    )
  ],
  "split": [
    Bad(
      lambda t: vs.ops.split(X, 4, axis=1),
      ValueError,
      r"split: Dimension size must be evenly divisible by 4 but is 3",
    )
  ],
  "pad": [
    Bad(
      lambda t: vs.ops.pad(X, [[2, 0], [0, 0]], mode="REFLECT"),
      ValueError,
      r"pad: paddings must be less than the dimension size: 2, 0 not less than 2",
    )
  ],
  "slice": [
    Bad(
      lambda t: vs.ops.slice(X, [1, 0], [2, 1]),
      ValueError,
      r"slice: Expected size\[0\] in \[0, 1\], but got 2",
    )
  ],
  "where": [
    Bad(
      lambda t: vs.ops.where(jnp.ones(3, bool), X, X),
      ValueError,
      r"where: condition must have the shape of x \(2, 3\)",
    )
  ],
  "constant": [
    Bad(
      lambda t: vs.ops.constant([1, 2, 3], shape=[2]),
      TypeError,
      r"constant: Too many elements provided. Needed at most 2, but received 3",
    )
  ],
  "matrix_band_part": [
    Bad(
      lambda t: vs.ops.matrix_band_part(jnp.ones((4, 4)), 5, 0),
      ValueError,
      r"num_lower must be negative or less or equal to "
      r"number of rows \(4\) got: 5",
    )
  ],
  "sequence_mask": [
    Bad(
      lambda t: vs.ops.sequence_mask(jnp.array([1]), maxlen="4"),
      TypeError,
      r"sequence_mask: maxlen must be an integer",
    )
  ],
  "sparse_softmax_cross_entropy_with_logits": [
    Bad(
      lambda t: vs.ops.sparse_softmax_cross_entropy_with_logits(jnp.array([3]), X[:1]),
      ValueError,
      r"Received a label value of 3 which is outside the valid range of "
      r"\[0, 3\)",
    )
  ],
  "softmax_cross_entropy_with_logits": [
    Bad(
      lambda t: vs.ops.softmax_cross_entropy_with_logits(jnp.ones(4), X),
      ValueError,
      r"softmax_cross_entropy_with_logits: labels \(4,\) must broadcast to the shape "
      r"of logits \(2, 3\)",
    )
  ],
  "sigmoid_cross_entropy_with_logits": [
    Bad(
      lambda t: vs.ops.sigmoid_cross_entropy_with_logits(jnp.ones(3), X),
      ValueError,
      r"logits and labels must have the same shape \(\(2, 3\) vs \(3,\)\)",
    )
  ],
  "moments": [
    Bad(
      lambda t: vs.ops.moments(X, axes=[3]),
      ValueError,
      r"moments: axis=3 is out of range for a rank-2 input",
    )
  ],
  "l2_normalize": [
    Bad(
      lambda t: vs.ops.l2_normalize("x"), TypeError, r"l2_normalize: x must be an array or a number"
    )
  ],
  "avg_pool": [
    Bad(lambda t: vs.ops.avg_pool(X, 2, 2, "SAME"), ValueError, r"avg_pool: value must be 4-D")
  ],
  "batch_normalization": [
    Bad(
      lambda t: vs.ops.batch_normalization(X, "m", 1.0, None, None, 1e-3),
      TypeError,
      r"batch_normalization: mean must be an array",
    )
  ],
  "depthwise_conv2d": [
    Bad(
      lambda t: vs.ops.depthwise_conv2d(
        jnp.ones((1, 3, 3, 2)), jnp.ones((2, 2, 3, 1)), [1, 1, 1, 1], "SAME"
      ),
      ValueError,
      r"depthwise_conv2d: filter's in_channels \(3\) must equal the input's channels "
      r"\(2\)",
    )
  ],
  "bias_add": [
    Bad(
      lambda t: vs.ops.bias_add(X, jnp.ones(4)),
      ValueError,
      r"bias_add: Dimensions must be equal, but are 3 and 4",
    )
  ],
  "global_norm": [
    Bad(
      lambda t: vs.ops.global_norm(X),
      TypeError,
      r"global_norm: t_list must be a sequence of arrays",
    )
  ],
  "clip_by_global_norm": [
    Bad(
      lambda t: vs.ops.clip_by_global_norm(X, 1.0),
      TypeError,
      r"clip_by_global_norm: t_list must be a sequence of arrays",
    )
  ],
  "clip_by_norm": [
    Bad(
      lambda t: vs.ops.clip_by_norm(X, "big"),
      TypeError,
      r"clip_by_norm: clip_norm must be an array or a number",
    )
  ],
  "resize_images": [
    Bad(
      lambda t: vs.ops.resize_images(jnp.ones((1, 2, 2, 1)), [2, 2], method=2),
      ValueError,
      r"resize_images: method BICUBIC is not provided",
    )
  ],
  "resize_bilinear": [
    Bad(
      lambda t: vs.ops.resize_bilinear(X, [2, 2]),
      ValueError,
      r"resize_bilinear: 'images' must have either 3 or 4 dimensions",
    )
  ],
  "resize_nearest_neighbor": [
    Bad(
      lambda t: vs.ops.resize_nearest_neighbor(jnp.ones((1, 2, 2, 1)), [2]),
      ValueError,
      r"'size' must be a 1-D list of 2 elements",
    )
  ],
}


def _rows():
  for prefix, table in (("vs", TABLE), ("initializers", INIT_TABLE), ("ops", OPS_TABLE)):
    for name, entry in table.items():
      if entry == DATA:
        continue
      for i, bad in enumerate(entry):
        marks = [pytest.mark.xfail(strict=False, reason=bad.xfail)] if bad.xfail else []
        yield pytest.param(bad, id=f"{prefix}.{name}[{i}]", marks=marks)


def test_every_public_name_has_an_entry():
  public = {n for n in dir(vs) if not n.startswith("_")}
  missing = sorted(public - set(TABLE))
  missing += ["initializers." + n for n in sorted(set(I.__all__) - set(INIT_TABLE))]
  missing += ["ops." + n for n in sorted(set(vs.ops.__all__) - set(OPS_TABLE))]
  stale = sorted(set(TABLE) - public) + sorted(set(INIT_TABLE) - set(I.__all__))
  stale += sorted(set(OPS_TABLE) - set(vs.ops.__all__))
  assert missing == [], f"public names without a bad-input row in TABLE: {missing}"
  assert stale == [], f"rows for names that are no longer public: {stale}"


def test_data_entries_are_data():
  """``DATA`` only for constants, enums and dtypes; never for a function or class of ours."""
  import enum

  for name, entry in TABLE.items():
    if entry != DATA:
      continue
    obj = getattr(vs, name)
    ours = getattr(obj, "__module__", "").startswith("varscope_jax")
    is_enum_or_data = (
      isinstance(obj, type) and issubclass(obj, (enum.Enum, Exception)) or not callable(obj)
    )
    assert not ours or is_enum_or_data or name == "GraphKeys", name
    if not ours:  # a dtype
      assert np.dtype(obj) is not None


@pytest.mark.parametrize("bad", list(_rows()))
def test_bad_input_is_a_clear_error(bad: Bad, tmp_path):
  try:
    bad.call(tmp_path)
  except _ALLOWED as e:
    assert isinstance(e, bad.exc), f"{type(e).__name__} (expected {bad.exc.__name__}): {e}"
    assert re.search(bad.match, str(e), re.S), f"{str(e)!r} does not match {bad.match!r}"
  except Exception as e:  # noqa: BLE001 (the point: anything else is a defect)
    pytest.fail(f"{type(e).__module__}.{type(e).__name__} instead of {bad.exc.__name__}: {e}")
  else:
    pytest.fail(f"no error (expected {bad.exc.__name__} matching {bad.match!r})")


@pytest.mark.parametrize("seed", [-(2**63), 2**63 - 1, 2**63, 2**64 - 1])
def test_every_accepted_seed_is_usable(seed):
  """set_random_seed and init take [-2**63, 2**64); seeds >= 2**63 are the same 64 bits
  as their signed value (once an OverflowError at the first get_variable)."""
  vs.set_random_seed(seed)
  eager = np.asarray(_var_random())
  vs.reset_default_graph()
  vs.set_random_seed(seed - 2**64 if seed >= 2**63 else seed)
  np.testing.assert_array_equal(np.asarray(_var_random()), eager)
  params = vs.transform(_var_random).init(seed)
  np.testing.assert_array_equal(params["r"], eager)


def _var_random():
  return vs.get_variable("r", [2])
