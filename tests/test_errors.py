"""Bad input to the core gets a clear error naming the variable; state is left unchanged."""
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
  with pytest.raises(ValueError, match=r"^An initializer for variable c of <dtype: "
                     r"'complex64'> is required"):
    vs.get_variable("c", [1], dtype=vs.complex64)


def test_bad_initializer_value_names_the_variable():
  with pytest.raises(TypeError):
    vs.get_variable("x", initializer={})
  with pytest.raises(TypeError, match="name must be a string"):
    vs.get_variable(3, [1])


def test_bad_reuse_and_scope_arguments_tf_wording():
  with pytest.raises(ValueError, match=r"^The reuse parameter must be True or False or None\."):
    vs.variable_scope("s", reuse="yes")
  with pytest.raises(TypeError, match=r"^If default_name is None then name_or_scope is "
                     r"required"):
    vs.variable_scope(None)
  with pytest.raises(TypeError, match=r"^VariableScope: name_or_scope must be a string or "
                     r"VariableScope\."):
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
  outer.__exit__(None, None, None)   # now in order
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
    with pytest.raises(NotImplementedError, match=r"Variable s/w: partitioner= is not "
                       r"supported.*sharded"):
      vs.get_variable("w", [4, 1])
    assert vs.get_variable("scalar", []).name == "s/scalar:0"   # scalars ignore it, as TF


def test_variables_do_not_pickle():
  import pickle
  v = vs.get_variable("w", [1])
  with pytest.raises(TypeError, match="not picklable"):
    pickle.dumps(v)
