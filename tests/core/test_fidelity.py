"""TF fidelity: templates, variable_creator_scope, GraphKeys and dtype
names inside ``transform`` and at the public API.

What TF itself does in these cases is recorded in tests/golden/ (scenarios F01-F10 of
scenarios_fidelity.py, and the random programs) and replayed by tests/core/test_golden.py
and tests/transform/test_golden_in_transform.py; this file checks what the golden replay cannot:
the same behaviour inside ``transform``'s init and apply, and argument errors.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

KEY = jax.random.PRNGKey(0)


def test_new_trainable_in_template_names_the_variable_inside_transform():
  def fn():
    def f():
      vs.Variable(0.0)
      return vs.get_variable("w", [1])

    tpl = vs.make_template("s", f)
    tpl()
    tpl()

  with pytest.raises(ValueError) as e:
    vs.transform(fn).init(KEY)
  first = str(e.value).splitlines()[0]
  assert first == (
    "Trainable variable created when calling a template after the first "
    "time, perhaps you used tf.Variable when you meant tf.get_variable: "
    "[<tf.Variable 's_1/Variable:0' shape=() dtype=float32_ref>]"
  )
  assert "Tracer" not in str(e.value)


def test_template_lists_and_retry_inside_transform():
  seen = {}

  def fn():
    def f(fail):
      if fail:
        raise KeyError("first call fails")
      vs.get_local_variable("l", [1])
      vs.get_variable("nt", [1], trainable=False)
      return vs.get_variable("w", [2])

    tpl = vs.make_template("t", f)
    with pytest.raises(KeyError):
      tpl(True)
    assert tpl.variables == []
    w = tpl(False)
    assert tpl(False) is w
    seen["lists"] = {
      a: [vs.get_default_graph().record_of(v).op_name for v in getattr(tpl, a)]
      for a in [
        "variables",
        "global_variables",
        "local_variables",
        "trainable_variables",
        "non_trainable_variables",
      ]
    }
    seen["scope"] = tpl.variable_scope_name
    return w

  t = vs.transform(fn)
  params = t.init(KEY)
  assert seen["scope"] == "t/"
  assert seen["lists"] == {
    "variables": ["t/nt", "t/w", "t/l"],
    "global_variables": ["t/nt", "t/w"],
    "local_variables": ["t/l"],
    "trainable_variables": ["t/w"],
    "non_trainable_variables": ["t/nt"],
  }
  np.testing.assert_array_equal(t.apply(params), params["t"]["w"])


def test_template_create_scope_now_dtype_inside_transform():
  def fn():
    with vs.variable_scope("h", dtype=jnp.float16):
      now = vs.make_template("now", lambda: vs.get_variable("x", [1]), create_scope_now_=True)
      later = vs.make_template("later", lambda: vs.get_variable("x", [1]))
      return now(), later()

  params = vs.transform(fn).init(KEY)
  assert params["h"]["now"]["x"].dtype == jnp.float32  # TF: float32 here
  assert params["h"]["later"]["x"].dtype == jnp.float16


def _creator_fn(creator):
  def fn():
    with vs.variable_creator_scope(creator):
      with vs.variable_scope("s"):
        w = vs.get_variable("w", [3])
        b = vs.get_variable("b", [3], initializer=vs.constant_initializer(0.5))
      v = vs.Variable(jnp.arange(3.0), name="v")
    return w + b + v

  return fn


@pytest.mark.slow
def test_creator_chain_in_init_and_apply_matches_eager():
  calls = []

  def evaluate(next_creator, **kwargs):
    # Calls initial_value() itself, as a creator may: the value must be the one the
    # variable would have had.
    calls.append(kwargs["name"])
    init = kwargs["initial_value"]
    value = init() if callable(init) else init
    kwargs["initial_value"] = lambda: value
    return next_creator(**kwargs)

  def passthrough(next_creator, **kwargs):
    return next_creator(**kwargs)

  plain = vs.transform(_creator_fn(passthrough)).init(KEY)
  t = vs.transform(_creator_fn(evaluate))
  params = t.init(KEY)
  jax.tree_util.tree_map(np.testing.assert_array_equal, params, plain)
  assert calls[:3] == ["s/w", "s/b", "v"]  # (init traces again for traced values)
  out = t.apply(params)
  np.testing.assert_allclose(out, params["s"]["w"] + 0.5 + jnp.arange(3.0))
  jitted = jax.jit(t.init)(KEY)
  jax.tree_util.tree_map(np.testing.assert_array_equal, jitted, plain)

  vs.reset_default_graph()
  vs.set_random_seed(0)
  with vs.variable_creator_scope(evaluate):
    w1 = vs.get_variable("w", [3])
  vs.reset_default_graph()
  vs.set_random_seed(0)
  w2 = vs.get_variable("w", [3])
  np.testing.assert_array_equal(w1.numpy(), w2.numpy())
  vs.reset_default_graph()


def test_creator_changes_reach_the_variable_inside_transform():
  def rename_and_freeze(next_creator, **kwargs):
    kwargs["name"] = kwargs["name"] + "_c"
    kwargs["trainable"] = False
    return next_creator(**kwargs)

  t = vs.transform(_creator_fn(rename_and_freeze))
  specs = t.specs()
  assert sorted(specs) == ["s/b_c", "s/w_c", "v_c"]
  assert not any(s.trainable for s in specs.values())

  def reuse_after():
    with vs.variable_creator_scope(rename_and_freeze):
      w = vs.get_variable("w", [2])
    with vs.variable_scope("", reuse=True):
      assert vs.get_variable("w", [2]) is w  # the store keeps it under "w"
    return w

  assert sorted(vs.transform(reuse_after).init(KEY)) == ["w_c"]


def test_creator_scope_outside_transform_does_not_reach_inside():
  names = []

  def log(next_creator, **kwargs):
    names.append(kwargs["name"])
    return next_creator(**kwargs)

  t = vs.transform(lambda: vs.get_variable("w", [1]))
  vs.reset_default_graph()
  with vs.variable_creator_scope(log):
    t.init(KEY)  # a trace is a new graph, with its own creator stack (as TF)
    vs.get_variable("w", [1])
  assert names == ["w"]
  vs.reset_default_graph()


def test_creator_argument_errors():
  with pytest.raises(
    TypeError,
    match=r"variable_creator_scope: variable_creator must be "
    r"a callable creator\(next_creator, \*\*kwargs\), got 3",
  ):
    vs.variable_creator_scope(3)

  def returns_array(next_creator, **kwargs):
    return jnp.zeros(kwargs["shape"])

  vs.reset_default_graph()
  with vs.variable_creator_scope(returns_array):
    with pytest.raises(
      ValueError,
      match=r"the creators made variable w return \w+, not a "
      r"variable of this graph",
    ):
      vs.get_variable("w", [2])
  with vs.variable_scope("", reuse=True):
    with pytest.raises(ValueError, match="Variable w does not exist"):
      vs.get_variable("w", [2])  # nothing half-recorded
  vs.reset_default_graph()


def test_graph_keys_and_dtype_names_are_tf1s():
  assert vs.GraphKeys.CONCATENATED_VARIABLES == "concatenated_variables"
  assert vs.GraphKeys.TABLE_INITIALIZERS == "table_initializer"
  assert vs.GraphKeys.VARIABLES == vs.GraphKeys.GLOBAL_VARIABLES
  assert (vs.uint16, vs.uint32, vs.uint64) == (jnp.uint16, jnp.uint32, jnp.uint64)
  assert vs.half is vs.float16 and vs.double is vs.float64
  assert vs.half == jnp.float16 and vs.double == jnp.float64
  for name in ["qint8", "quint8", "qint16", "quint16", "qint32", "string", "resource", "variant"]:
    assert not hasattr(vs, name), name  # no JAX meaning: docs/tf1_differences.md


def test_constant_type_check_happens_when_the_variable_is_made_in_every_mode():
  def fn():
    with vs.variable_scope("s", initializer=vs.constant_initializer(2.5)):
      with pytest.raises(
        TypeError,
        match=r"^Expected int32, but got 2\.5 of type "
        r"'float'\.\nVariable s/w: its initializer constant_initializer",
      ):
        vs.get_variable("w", [2], dtype=jnp.int32)
      return vs.get_variable("w", [2])  # TF took the op name "s/w" already

  t = vs.transform(fn)
  params = t.init(KEY)
  assert list(params["s"]) == ["w_1"]
  np.testing.assert_array_equal(t.apply(params), [2.5, 2.5])


def test_failed_get_variable_leaves_the_graph_as_it_was():
  """The documented difference from TF (golden scenario F11, jax=False): TF's retry is
  w_1 after a raising initializer and 'already exists' after a raising regularizer."""

  def bad_initializer(shape, dtype=None, partition_info=None):
    raise RuntimeError("initializer fails")

  def bad_regularizer(v):
    raise RuntimeError("regularizer fails")

  with pytest.raises(RuntimeError):
    vs.get_variable("w", [2], initializer=bad_initializer)
  assert vs.get_variable("w", [2]).name == "w:0"
  with pytest.raises(RuntimeError):
    vs.get_variable("r", [2], regularizer=bad_regularizer)
  assert vs.get_variable("r", [2]).name == "r:0"


@pytest.mark.slow
def test_initial_values_made_in_init_trace_use_inits_rng():
  """A value computed inside the function (a creator calling initial_value(), or
  next_rng_key()) comes from init's rng, not a fixed key."""

  def fn():
    return vs.get_variable("w", initializer=jax.random.normal(vs.next_rng_key(), (3,)))

  t = vs.transform(fn)
  a, b = t.init(jax.random.PRNGKey(1)), t.init(jax.random.PRNGKey(2))
  assert not np.array_equal(a["w"], b["w"])
  np.testing.assert_array_equal(a["w"], t.init(jax.random.PRNGKey(1))["w"])
