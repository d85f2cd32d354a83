"""Programs that pin down ``tf.contrib.layers.layer_norm`` (tf-slim's), run by both sides.

Each program is ``fn(api, *inputs) -> list of outputs``. ``api`` is an adapter with the
same attribute names on both sides:

* ``api.layer_norm``: ``tf_slim.layers.layer_norm`` (= TF1's ``tf.contrib.layers.layer_norm``)
  or ``vs.contrib.layers.layer_norm``;
* ``api.variable_scope``, ``api.name_scope``, ``api.AUTO_REUSE``, ``api.make_template``,
  ``api.get_variable_scope``, ``api.get_collection``;
* ``api.relu`` (``tf.nn.relu`` / ``jax.nn.relu``), ``api.cast(x, dtype_name)``.

``make_layer_norm_golden.py`` runs every program in a fresh ``tf.Graph`` (graph mode) and
records the variables (name, shape, dtype, trainable, collections), the random values it
gives them, the outputs, the sizes of the output collections and TF's error (type and
first line). ``tests/layers/test_contrib_layer_norm.py`` replays each program with varscope_jax
on the recorded values. The inputs are made here, from the program's name, so both sides
see the same numbers.

This module imports neither TensorFlow nor varscope_jax.
"""
from __future__ import annotations

import hashlib

import numpy as np

PROGRAMS = {}  # name -> Program


class Program:
  def __init__(self, name, fn, shapes, dtype, tf_only_error, why):
    self.name, self.fn, self.shapes, self.dtype = name, fn, shapes, dtype
    self.tf_only_error = tf_only_error
    self.why = why

  def inputs(self):
    """The inputs: N(3, 2) values, seeded by the program's name."""
    seed = int(hashlib.sha1(self.name.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    return [(3.0 + 2.0 * rng.standard_normal(s)).astype(self.dtype) for s in self.shapes]


def program(*shapes, dtype="float32", tf_only_error=False, why=None):
  """Registers ``fn(api, *inputs)`` with inputs of ``shapes`` and ``dtype``.

  ``tf_only_error=True``: TF's error comes from deep inside an op (its text names graph
  nodes); varscope_jax raises the same error type, earlier and before making any
  variable, with its own message; ``why`` says what differs.
  """

  def deco(fn):
    assert fn.__name__ not in PROGRAMS, fn.__name__
    PROGRAMS[fn.__name__] = Program(fn.__name__, fn, shapes, dtype, tf_only_error, why)
    return fn

  return deco


def param_value(name, shape, rng):
  """The value the recorder gives variable ``name`` (gamma around 1, beta around 0)."""
  if name.endswith("gamma"):
    return 1.0 + 0.3 * rng.standard_normal(shape)
  return 0.3 * rng.standard_normal(shape)


# ---------------------------------------------------------------- defaults and axes


@program((4, 5))
def default_rank2(api, x):
  return [api.layer_norm(x)]


@program((2, 3, 5))
def default_rank3(api, x):
  return [api.layer_norm(x)]


@program((2, 3, 4, 5))
def default_rank4_nhwc(api, x):
  return [api.layer_norm(x)]


@program((2, 3, 5))
def bert_last_axis(api, x):
  return [api.layer_norm(inputs=x, begin_norm_axis=-1, begin_params_axis=-1, scope=None)]


@program((2, 3, 4, 5))
def norm_axis_2(api, x):
  return [api.layer_norm(x, begin_norm_axis=2)]


@program((2, 3, 4, 5))
def norm_axis_minus_2(api, x):
  return [api.layer_norm(x, begin_norm_axis=-2)]


@program((2, 3, 4, 5))
def norm_axis_0(api, x):
  return [api.layer_norm(x, begin_norm_axis=0)]


@program((2, 3, 4))
def params_axis_1(api, x):
  return [api.layer_norm(x, begin_params_axis=1)]


@program((2, 3, 4))
def params_axis_minus_2(api, x):
  return [api.layer_norm(x, begin_params_axis=-2)]


@program((2, 3, 4))
def params_axis_0(api, x):
  return [api.layer_norm(x, begin_params_axis=0, begin_norm_axis=0)]


@program((2, 3, 4))
def params_axis_before_norm_axis(api, x):
  return [api.layer_norm(x, begin_params_axis=1, begin_norm_axis=2)]


@program((2, 3))
def params_axis_below_rank_slices_all(api, x):
  return [api.layer_norm(x, begin_params_axis=-5)]


@program((7,))
def rank1_params_axis_0(api, x):
  return [api.layer_norm(x, begin_norm_axis=0, begin_params_axis=0)]


@program((3, 1))
def width_one(api, x):
  return [api.layer_norm(x)]


# ---------------------------------------------------------------- center / scale / activation


@program((3, 6))
def no_center(api, x):
  return [api.layer_norm(x, center=False)]


@program((3, 6))
def no_scale(api, x):
  return [api.layer_norm(x, scale=False)]


@program((3, 6))
def neither_center_nor_scale(api, x):
  return [api.layer_norm(x, center=False, scale=False)]


@program((3, 6))
def relu_activation(api, x):
  return [api.layer_norm(x, activation_fn=api.relu)]


@program((3, 6))
def not_trainable(api, x):
  return [api.layer_norm(x, trainable=False)]


@program((3, 6))
def variables_collections_list(api, x):
  return [api.layer_norm(x, variables_collections=["my_vars", "more"])]


@program((3, 6))
def variables_collections_dict(api, x):
  return [api.layer_norm(x, variables_collections={"beta": ["betas"], "gamma": ["gammas"]})]


@program((3, 6))
def variables_collections_dict_partial(api, x):
  return [api.layer_norm(x, variables_collections={"gamma": ["gammas"]})]


@program((3, 6))
def variables_collections_string(api, x):
  return [api.layer_norm(x, variables_collections="ln_vars")]


@program((3, 6))
def outputs_collections(api, x):
  y = api.layer_norm(x, outputs_collections="ln_outputs")
  z = api.layer_norm(y, outputs_collections=["ln_outputs", "other"])
  return [y, z, len(api.get_collection("ln_outputs")), len(api.get_collection("other"))]


# ---------------------------------------------------------------- dtypes


@program((3, 6), dtype="float16")
def float16_epsilon(api, x):
  return [api.layer_norm(x)]


@program((3, 6), dtype="bfloat16")
def bfloat16(api, x):
  return [api.layer_norm(x)]


@program((3, 6))
def constant_rows(api, x):  # variance 0: epsilon 1e-12 keeps it finite
  return [api.layer_norm(x * 0.0 + 2.5)]


# ---------------------------------------------------------------- names and scopes


@program((2, 4))
def default_name_twice(api, x):
  return [api.layer_norm(x), api.layer_norm(x)]


@program((2, 4))
def default_name_in_variable_scope(api, x):
  with api.variable_scope("a"):
    y = api.layer_norm(x)
    z = api.layer_norm(y)
  return [y, z, api.layer_norm(z)]


@program((2, 4))
def default_name_under_name_scope(api, x):
  with api.name_scope("n"):
    y = api.layer_norm(x)
  with api.name_scope("n"):
    z = api.layer_norm(y)
  return [y, z]


@program((2, 4))
def scope_string(api, x):
  return [api.layer_norm(x, scope="ln")]


@program((2, 4))
def scope_nested_string(api, x):
  return [api.layer_norm(x, scope="enc/ln")]


@program((2, 4))
def scope_object(api, x):
  with api.variable_scope("outer") as sc:
    pass
  with api.variable_scope("other"):
    return [api.layer_norm(x, scope=sc)]


@program((2, 4))
def scope_string_then_default(api, x):
  y = api.layer_norm(x, scope="LayerNorm")
  return [y, api.layer_norm(y)]


@program((2, 4))
def reuse_true_with_scope(api, x):
  y = api.layer_norm(x, scope="ln")
  return [y, api.layer_norm(x, scope="ln", reuse=True)]


@program((2, 4))
def reuse_auto_with_scope(api, x):
  y = api.layer_norm(x, scope="ln", reuse=api.AUTO_REUSE)
  return [y, api.layer_norm(x, scope="ln", reuse=api.AUTO_REUSE)]


@program((2, 4))
def reuse_from_enclosing_scope(api, x):
  with api.variable_scope("m"):
    y = api.layer_norm(x, scope="ln")
  with api.variable_scope("m", reuse=True):
    z = api.layer_norm(x, scope="ln")
  return [y, z]


@program((2, 4))
def auto_reuse_scope_default_names(api, x):
  with api.variable_scope("a", reuse=api.AUTO_REUSE):
    y = api.layer_norm(x)
    z = api.layer_norm(y)
  return [y, z]


@program((2, 4))
def bert_style_blocks(api, x):
  with api.variable_scope("bert"):
    with api.variable_scope("embeddings"):
      h = api.layer_norm(inputs=x, begin_norm_axis=-1, begin_params_axis=-1, scope=None)
    with api.variable_scope("encoder"):
      for i in range(2):
        with api.variable_scope("layer_%d" % i):
          with api.variable_scope("attention"):
            with api.variable_scope("output"):
              h = api.layer_norm(inputs=h + x, begin_norm_axis=-1, begin_params_axis=-1)
          with api.variable_scope("output"):
            h = api.layer_norm(inputs=h, begin_norm_axis=-1, begin_params_axis=-1)
  return [h]


@program((2, 4))
def in_template(api, x):
  tmpl = api.make_template("block", lambda v: api.layer_norm(v))
  y = tmpl(x)
  return [y, tmpl(y)]


@program((2, 4))
def reuse_scope_object(api, x):
  with api.variable_scope("s") as sc:
    y = api.layer_norm(x)
  with api.variable_scope(sc, reuse=True):
    z = api.layer_norm(x, scope="LayerNorm")
  return [y, z]


# ---------------------------------------------------------------- errors


@program((2, 4))
def error_reuse_true_without_scope(api, x):
  return [api.layer_norm(x, reuse=True)]


@program((2, 4))
def error_reuse_in_reusing_scope_without_variables(api, x):
  with api.variable_scope("a", reuse=True):
    return [api.layer_norm(x)]


@program((2, 4))
def error_same_scope_twice(api, x):
  y = api.layer_norm(x, scope="ln")
  return [y, api.layer_norm(x, scope="ln")]


@program((2, 4), (2, 5))
def error_reuse_shape_mismatch(api, x, x5):
  y = api.layer_norm(x, scope="ln")
  return [y, api.layer_norm(x5, scope="ln", reuse=True)]


@program((2, 4), (2, 4, 1))
def error_reuse_params_shape_mismatch_on_gamma_only(api, x, x3):
  y = api.layer_norm(x, scope="ln", center=False)
  return [y, api.layer_norm(x3, scope="ln", reuse=True, center=False, begin_params_axis=1)]


@program((2, 4))
def error_reuse_dtype_mismatch(api, x):
  y = api.layer_norm(x, scope="ln")
  return [y, api.layer_norm(api.cast(x, "float16"), scope="ln", reuse=True)]


@program((2, 4))
def error_params_axis_equal_rank(api, x):
  return [api.layer_norm(x, begin_params_axis=2)]


@program((2, 4))
def error_norm_axis_equal_rank(api, x):
  return [api.layer_norm(x, begin_norm_axis=2)]


@program((5,))
def error_rank1_defaults(api, x):
  return [api.layer_norm(x)]


@program(())
def error_scalar(api, x):
  return [api.layer_norm(x)]


@program((2, 3), tf_only_error=True,
         why="TF makes the variables, then fails in its Mean op on axes [-3..1]")
def error_norm_axis_below_rank(api, x):
  return [api.layer_norm(x, begin_norm_axis=-5)]


@program((2, 3), dtype="int32", tf_only_error=True,
         why="TF makes int32 variables, then fails adding epsilon in its AddV2 op")
def error_integer_inputs(api, x):
  return [api.layer_norm(x)]


@program((2, 4))
def error_after_first_layer_keeps_first(api, x):
  y = api.layer_norm(x, scope="ok")
  return [y, api.layer_norm(y, begin_params_axis=3, scope="bad")]
