"""``vs.train.init_from_checkpoint`` / ``list_variables`` / ``load_variable`` against TF.

Golden data: ``make_init_from_checkpoint_golden.py`` (TF's ``init_from_checkpoint`` on
graphs of ``get_variable`` variables, one case per assignment-map rule and error).
"""

import ast
import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
CKPT = os.path.relpath(os.path.join(DATA, "init.ckpt"))  # TF's messages show the path as given
GOLDEN = json.load(open(os.path.join(DATA, "init_from_checkpoint.json")))
TENSORS = {name: (i + 1, dtype) for i, (name, _, dtype) in enumerate(GOLDEN["tensors"])}
CASES = {case["name"]: case for case in GOLDEN["cases"]}

# Where TF's check runs at session-run time, it is made at the call here, before anything
# is read: the shape check with TF's one-to-one text, the dtype check with the restore op's.
DEFERRED_SHAPE_TEXT = (
  "Shape of variable m/kernel:0 ((2, 2)) doesn't match with shape of tensor "
  "bert/pooler/kernel ([3, 3]) from checkpoint reader."
)


def _params(variables):
  flat = {}
  for spec in variables:
    name, shape = spec[0], spec[1]
    dtype = spec[2] if len(spec) > 2 else "float32"
    flat[name] = jnp.full(shape, -1, dtype=jax.dtypes.canonicalize_dtype(dtype))
  return vs.unflatten_params(flat)


def _amap(case):
  amap = case["assignment_map"]
  return amap if isinstance(amap, dict) else [tuple(p) for p in amap]


@pytest.mark.parametrize(
  "name", [c["name"] for c in GOLDEN["cases"] if "assigned" in c and c["name"] != "empty_scope"]
)
def test_assignments_equal_tf(name):
  case = CASES[name]
  params = _params(case["variables"])
  out = vs.train.init_from_checkpoint(params, CKPT, _amap(case))
  flat = dict(vs.flatten_params(out))
  before = dict(vs.flatten_params(params))
  assert sorted(flat) == sorted(before)
  for var, tensor in case["assigned"].items():
    value = np.asarray(flat[var])
    if tensor is None:
      assert flat[var] is before[var], var  # unmapped leaves are the same objects
    else:
      index, _ = TENSORS[tensor]
      np.testing.assert_array_equal(value, np.full(value.shape, index, value.dtype), err_msg=var)
      assert value.dtype == before[var].dtype


def _check_error(case, exc_info):
  want = case["error"]["message"]
  got = str(exc_info.value)
  if "{" in want:  # TF prints the checkpoint's {name: shape} map in its C++ map's order
    head, _, tail = want.partition("{")
    got_head, _, got_tail = got.partition("{")
    assert got_head == head
    assert ast.literal_eval("{" + got_tail) == ast.literal_eval("{" + tail)
  else:
    assert got == want


@pytest.mark.parametrize(
  "name", [c["name"] for c in GOLDEN["cases"] if "error" in c and c["error"]["when"] == "call"]
)
def test_errors_equal_tf(name):
  case = CASES[name]
  assert case["error"]["type"] == "ValueError"
  params = _params(case["variables"])
  with pytest.raises(ValueError) as exc_info:
    vs.train.init_from_checkpoint(params, CKPT, _amap(case))
  _check_error(case, exc_info)


def test_run_time_errors_raised_at_the_call():
  case = CASES["dtype_differs"]
  assert case["error"]["when"] == "run"
  with pytest.raises(ValueError) as exc_info:
    vs.train.init_from_checkpoint(_params(case["variables"]), CKPT, _amap(case))
  _check_error(case, exc_info)  # the restore op's text
  case = CASES["scope_shape_differs"]
  assert case["error"]["when"] == "run" and "Assign requires shapes" in case["error"]["message"]
  with pytest.raises(ValueError) as exc_info:
    vs.train.init_from_checkpoint(_params(case["variables"]), CKPT, _amap(case))
  assert str(exc_info.value) == DEFERRED_SHAPE_TEXT


def test_empty_scope_is_an_error_where_tf_does_nothing():
  case = CASES["empty_scope"]
  assert case["assigned"] == {"m/emb": None}  # TF: nothing initialized, no message
  with pytest.raises(ValueError, match=r"params hold no variable under 'q/' .*\['m'\]"):
    vs.train.init_from_checkpoint(_params(case["variables"]), CKPT, _amap(case))


def test_float64_tensor_into_float32_leaf_without_x64():
  """JAX holds TF's float64 variables as float32 unless x64 is on: the value is rounded."""
  params = {"m": {"d": jnp.zeros(2, jnp.float32)}}
  out = vs.train.init_from_checkpoint(params, CKPT, {"d64": "m/d"})
  assert out["m"]["d"].dtype == jnp.float32
  np.testing.assert_array_equal(out["m"]["d"], [7.0, 7.0])


def test_numpy_and_abstract_leaves():
  params = {
    "bert": {"pooler": {"kernel": np.zeros((3, 3), np.float32)}},
    "head": jax.ShapeDtypeStruct((3, 5), jnp.float32),
  }
  out = vs.train.init_from_checkpoint(params, CKPT, {"bert/": "bert/"})
  assert isinstance(out["bert"]["pooler"]["kernel"], np.ndarray)
  assert float(out["bert"]["pooler"]["kernel"][0, 0]) == 4.0
  assert out["head"] is params["head"]
  assert params["bert"]["pooler"]["kernel"][0, 0] == 0.0  # the input is not changed


def test_bad_arguments():
  params = _params(CASES["one_to_one"]["variables"])
  with pytest.raises(TypeError, match="params must be a params tree"):
    vs.train.init_from_checkpoint([1], CKPT, {})
  with pytest.raises(TypeError, match="assignment_map must be a dict"):
    vs.train.init_from_checkpoint(params, CKPT, "bert/")
  with pytest.raises(TypeError, match=r"a 'scope/' \(a str\) or a variable, got int"):
    vs.train.init_from_checkpoint(params, CKPT, {"cls/kernel": 3})
  with pytest.raises(TypeError, match=r"pairs, got \('a',\)"):
    vs.train.init_from_checkpoint(params, CKPT, [("a",)])
  with pytest.raises(vs.CheckpointError):
    vs.train.init_from_checkpoint(params, os.path.join(DATA, "missing.ckpt"), {})


def test_error_leaves_params_unchanged():
  params = _params(CASES["missing_in_scope"]["variables"])
  before = jax.tree_util.tree_map(np.asarray, params)
  with pytest.raises(ValueError):
    vs.train.init_from_checkpoint(params, CKPT, {"bert/": "bert/"})
  jax.tree_util.tree_map(np.testing.assert_array_equal, params, before)


def test_list_and_load_variable():
  listing = vs.train.list_variables(CKPT)
  assert listing == sorted((name, shape) for name, shape, _ in GOLDEN["tensors"])
  np.testing.assert_array_equal(vs.train.load_variable(CKPT, "cls/kernel:0"), np.full((3, 2), 5))
  assert vs.train.load_variable(CKPT, "global_step").dtype == np.int64
  with pytest.raises(KeyError, match="Key nope not found in checkpoint"):
    vs.train.load_variable(CKPT, "nope")
  with pytest.raises(TypeError, match="name must be a tensor name"):
    vs.train.load_variable(CKPT, 3)


def test_variables_stand_for_their_names():
  """TF's ``{name: variable}`` maps (slim.get_variables_to_restore()) work as names."""
  vs.reset_default_graph()
  with vs.variable_scope("head"):
    w = vs.get_variable("w", [3, 3])
  params = _params(CASES["one_to_one"]["variables"])
  out = vs.train.init_from_checkpoint(params, CKPT, {"bert/pooler/kernel": w})
  np.testing.assert_array_equal(out["head"]["w"], np.full((3, 3), 4.0))
