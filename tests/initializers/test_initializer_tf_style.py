"""TF-style initializer functions are called as TF calls them (golden from real TF), and an
error inside any initializer names the variable and how it was called."""

import json
import os
import re

import jax
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.initializers import calling

GOLDEN = json.load(
  open(
    os.path.join(
      os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
      "golden",
      "initializers",
      "tf_style.json",
    )
  )
)


def _make(name):
  shape, dtype, src = GOLDEN["sources"][name]
  calls = []
  ns = {"np": np, "CALLS": calls}
  exec(src, ns)  # noqa: S102 (the golden script's own sources)
  return shape, dtype, ns["init"], calls


@pytest.mark.parametrize("name", sorted(GOLDEN["sources"]))
@pytest.mark.parametrize("mode", ["transform", "eager"])
def test_called_as_tf_calls_it(name, mode):
  shape, dtype, init, calls = _make(name)
  want = GOLDEN["resource"][name]

  def f():
    with vs.variable_scope("model"):
      return vs.get_variable(name, shape, dtype=getattr(vs, dtype), initializer=init)

  try:
    if mode == "transform":
      value = vs.transform(f).init(jax.random.PRNGKey(0))["model"][name]
    else:
      vs.reset_default_graph()
      v = f()
      assert v.name == want["name"]
      value = v.value()
  except (TypeError, ValueError) as e:
    assert "error" in want, e
    lines = str(e).splitlines()
    assert type(e).__name__ == want["error"][0] and lines[0] == want["error"][1]
    assert f"model/{name}" in lines[1] and "called as init(" in lines[1]
    assert mode == "transform" or not vs.global_variables()
  else:
    assert "error" not in want, want
    np.testing.assert_allclose(np.asarray(value), want["value"], rtol=1e-6)
  assert [list(c) for c in calls] == want["calls"]


def test_the_rule():
  assert calling.classify(lambda shape, dtype: 0) == calling.TF
  assert calling.classify(lambda s, d, partition_info=None: 0) == calling.TF
  assert calling.classify(lambda key, shape, dtype=None: 0) == calling.KEY
  assert calling.classify(lambda k, s, d: 0) == calling.KEY
  assert calling.classify(lambda s, dtype=None: 0) == calling.TF
  assert calling.classify(jax.nn.initializers.lecun_normal()) == calling.KEY
  assert calling.classify(vs.ones_initializer()) == calling.KEY
  assert calling.classify(np.ones) == calling.TF


def test_wrong_shape_names_the_variable_and_records_nothing():
  def bad(shape, dtype=None, partition_info=None):
    return np.ones([5], np.float32)

  vs.reset_default_graph()
  with vs.variable_scope("s"):
    with pytest.raises(ValueError) as e:
      vs.get_variable("b", [2, 3], initializer=bad)
  assert str(e.value).splitlines() == [
    "In this `tf.Variable` creation, the initial value's shape ((5,)) is not compatible "
    "with the explicitly supplied `shape` argument ((2, 3)).",
    f"Variable s/b: the initializer {bad!r}, called as init([2, 3], dtype=tf.float32, "
    "partition_info=None), returned shape (5,); it must return an array of the shape it "
    "is given.",
  ]
  assert not vs.global_variables()
  with vs.variable_scope("s"):  # nothing half-made: the name is still free
    assert vs.get_variable("b", [2, 3], initializer=vs.zeros_initializer()).name == "s/b:0"


def test_error_inside_a_key_initializer_names_the_variable():
  def key_init(key, shape, dtype):
    raise KeyError("no such table")

  with pytest.raises(KeyError) as e:
    vs.transform(lambda: vs.get_variable("w", [2], initializer=key_init)).init(
      jax.random.PRNGKey(0)
    )
  note = "".join(getattr(e.value, "__notes__", []))
  assert "variable w" in note and "init(key, (2,), float32)" in note

  def key_init2(key, shape, dtype):
    raise RuntimeError("broken")

  with pytest.raises(
    RuntimeError,
    match=re.escape("broken\n(raised by the initializer")
    + ".*variable w, called as "
    + re.escape("init(key, (2,), float32))"),
  ):
    vs.transform(lambda: vs.get_variable("w", [2], initializer=key_init2)).init(
      jax.random.PRNGKey(0)
    )


def test_no_argument_callable_errors_name_the_variable():
  def boom():
    raise ValueError("nope")

  with pytest.raises(ValueError, match=r"^nope\n.*variable v, called as init\(\)"):
    vs.transform(lambda: vs.get_variable("v", initializer=boom)).init(jax.random.PRNGKey(0))
