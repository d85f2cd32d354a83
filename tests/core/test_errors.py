"""Bad input to the core gets a clear error naming the variable; state is left unchanged."""

import threading

import jax
import jax.numpy as jnp
import pytest

import varscope_jax as vs


def test_bad_shape_names_the_variable():
  with vs.variable_scope("s"):
    with pytest.raises(TypeError, match=r"Variable s/w: shape must be a list or tuple"):
      vs.get_variable("w", "abc")
    with pytest.raises(ValueError, match=r"Variable s/w: shape \(-1,\) has a negative"):
      vs.get_variable("w", [-1])
  assert vs.global_variables() == {}


def test_string_dtype_is_refused_with_the_variable_name():
  with pytest.raises(TypeError, match=r"Variable s: dtype .* not a dtype JAX can hold"):
    vs.get_variable("s", [], dtype="str")


def test_complex_needs_an_initializer_tf_wording():
  with pytest.raises(
    ValueError,
    match=r"^An initializer for variable c of <dtype: "
    r"'complex64'> is required",
  ):
    vs.get_variable("c", [1], dtype=vs.complex64)


def test_bad_initializer_value_names_the_variable():
  with pytest.raises(TypeError):
    vs.get_variable("x", initializer={})
  with pytest.raises(TypeError, match="name must be a string"):
    vs.get_variable(3, [1])


def test_bad_reuse_and_scope_arguments_tf_wording():
  with pytest.raises(ValueError, match=r"^The reuse parameter must be True or False or None\."):
    vs.variable_scope("s", reuse="yes")
  with pytest.raises(
    TypeError,
    match=r"^If default_name is None then name_or_scope is "
    r"required",
  ):
    vs.variable_scope(None)
  with pytest.raises(
    TypeError,
    match=r"^VariableScope: name_or_scope must be a string or "
    r"VariableScope\.",
  ):
    with vs.variable_scope(3):
      pass
  with pytest.raises(ValueError, match=r"^Passed a custom_getter which is not callable: 3"):
    vs.variable_scope("s", custom_getter=3)
  with pytest.raises(ValueError, match=r"'a b' is not a valid root scope name"):
    with vs.variable_scope("a b"):
      pass
  assert vs.get_variable_scope().name == "" and vs.get_default_graph().name_stack == ""


def test_improper_nesting_is_caught():
  outer = vs.variable_scope("a")
  outer.__enter__()
  with vs.variable_scope("b"):
    with pytest.raises(RuntimeError, match="Improper nesting of variable_scope"):
      outer.__exit__(None, None, None)
  outer.__exit__(None, None, None)  # now in order
  assert vs.get_variable_scope().name == ""


def test_duplicate_absolute_variable_name():
  vs.Variable(1.0, name="abs/")
  with pytest.raises(ValueError, match="Duplicate node name in graph: 'abs'"):
    vs.Variable(1.0, name="abs/")
  assert list(vs.global_variables()) == ["abs"]


def test_reset_default_graph_inside_a_scope_is_refused():
  with vs.variable_scope("open"):
    with pytest.raises(AssertionError, match="while a name_scope or variable_scope is open"):
      vs.reset_default_graph()


def test_errors_inside_transform_leave_no_state_behind():
  def broken(x):
    with vs.variable_scope("model"):
      vs.get_variable("w", [2])
      raise KeyError("user bug")

  with pytest.raises(KeyError):
    vs.transform(broken).init(jax.random.PRNGKey(0), jnp.ones(2))
  assert vs.get_variable_scope().name == ""
  with vs.variable_scope("model") as s:
    assert s.original_name_scope == "model/"


def test_partitioner_is_refused_when_a_variable_is_made():
  with vs.variable_scope("s", partitioner=lambda shape, dtype: [2, 1]):
    with pytest.raises(
      NotImplementedError,
      match=r"Variable s/w: partitioner= is not "
      r"supported.*sharded",
    ):
      vs.get_variable("w", [4, 1])
    assert vs.get_variable("scalar", []).name == "s/scalar:0"  # scalars ignore it, as TF


def test_variables_do_not_pickle():
  import pickle

  v = vs.get_variable("w", [1])
  with pytest.raises(TypeError, match="not picklable"):
    pickle.dumps(v)


def test_failed_key_initializer_does_not_consume_the_name():
  vs.reset_default_graph()
  calls = []

  def flaky(key, shape, dtype):
    calls.append(1)
    if len(calls) == 1:
      raise RuntimeError("boom")
    return jnp.zeros(shape, dtype)

  with pytest.raises(RuntimeError, match="boom"):
    vs.get_variable("w", [2], initializer=flaky)
  w = vs.get_variable("w", [2], initializer=flaky)
  assert w.name == "w:0"
  assert [v for v in vs.global_variables()] == ["w"]


def test_failed_regularizer_records_nothing():
  for mode in ("eager", "init"):

    def f():
      def bad(_):
        raise RuntimeError("regularizer failed")

      with pytest.raises(RuntimeError, match="regularizer failed"):
        vs.get_variable("w", [2], regularizer=bad)
      return vs.get_variable("w", [2])  # the retry works, same name

    if mode == "eager":
      vs.reset_default_graph()
      assert f().name == "w:0"
    else:
      assert list(vs.transform(f).init(jax.random.PRNGKey(0))) == ["w"]


def test_reset_default_graph_refused_while_another_thread_is_in_a_scope():
  vs.reset_default_graph()
  inside, release = threading.Event(), threading.Event()
  names = []

  def worker():
    with vs.variable_scope("A"):
      inside.set()
      release.wait(10)
      names.append(vs.get_variable("w", [1]).name)

  th = threading.Thread(target=worker)
  th.start()
  inside.wait(10)
  try:
    with pytest.raises(AssertionError, match="while a name_scope or variable_scope is open"):
      vs.reset_default_graph()
  finally:
    release.set()
    th.join()
  assert names == ["A/w:0"]
  vs.reset_default_graph()  # allowed again once the scope is closed


def test_key_initializer_returning_the_wrong_shape_fails_at_creation_in_every_mode():
  bad = lambda key, shape, dtype: jnp.ones(5)
  f = lambda: vs.get_variable("w", [2, 3], initializer=bad)
  msg = r"Variable w: initializer .* returned shape \(5,\), but the variable has shape \(2, 3\)"
  vs.reset_default_graph()
  with pytest.raises(ValueError, match=msg):
    f()
  with pytest.raises(ValueError, match=msg):
    vs.transform(f).init(jax.random.PRNGKey(0))
  with pytest.raises(ValueError, match=msg):
    jax.jit(vs.transform(f).init)(jax.random.PRNGKey(0))
  with pytest.raises(TypeError, match="Variable v: initializer .* returned list, not an array"):
    vs.transform(lambda: vs.get_variable("v", [2], initializer=lambda k, s, d: [1.0, 2.0])).init(
      jax.random.PRNGKey(0)
    )


@pytest.mark.parametrize("shape", [[1.5], [True], "ab", [2.0]])
def test_loose_shapes_are_type_errors_naming_the_variable(shape):
  vs.reset_default_graph()
  with pytest.raises(TypeError, match="Variable w: shape must be a list or tuple of ints"):
    vs.get_variable("w", shape)


def test_shapes_too_big_for_any_array_are_value_errors_before_xla():
  for mode in ("eager", "init"):
    f = lambda: vs.get_variable("w", [2**31, 2**31])
    with pytest.raises(ValueError, match=r"Variable w: shape \(2147483648, 2147483648\)"):
      if mode == "eager":
        vs.reset_default_graph()
        f()
      else:
        vs.transform(f).init(jax.random.PRNGKey(0))


def test_loose_inputs_elsewhere():
  vs.reset_default_graph()
  with pytest.raises(ValueError, match="not a valid root scope name"):
    vs.get_variable("w\n", [2])
  with pytest.raises(ValueError, match="the name is empty at the root scope"):
    vs.get_variable("", [2])
  with pytest.raises(TypeError, match="got one string"):
    vs.split_by_names({"fc1": {"w": 1}}, "fc1")
  with pytest.raises(ValueError, match="does not fit in 64 bits"):
    vs.set_random_seed(2**70)
  assert vs.get_variable("ok", [1]).name == "ok:0"  # nothing broken by the above
  t = vs.transform(lambda: vs.get_variable("w", [2]))
  with pytest.raises(TypeError, match=r"Variable w: params\['w'\] is None"):
    t.apply({"w": None})
  with pytest.raises(TypeError, match="init expects a PRNG key"):
    t.init(None)
