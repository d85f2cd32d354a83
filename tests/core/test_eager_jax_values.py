"""Default-graph variables are JAX values; reads that JAX would bake in warn; making or
assigning a default-graph variable inside a trace is a clear error."""

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.base import tracing

STALE = "is read while JAX traces a function"


@pytest.fixture
def w():
  return vs.get_variable("w", [3, 3], initializer=vs.constant_initializer(2.0))


@pytest.fixture
def no_warnings():
  with warnings.catch_warnings():
    warnings.simplefilter("error")
    yield


@pytest.mark.slow
def test_variable_is_a_jit_grad_vmap_argument(w, no_warnings):
  seen = []

  def f(a):
    seen.append(type(a))
    return jnp.sum(a * a)

  assert float(jax.jit(f)(w)) == 36.0
  assert issubclass(seen[-1], jax.core.Tracer)  # the function gets the array
  g = jax.grad(f)(w)
  assert type(g) is type(jnp.zeros(1)) and not isinstance(g, vs.Variable)
  np.testing.assert_array_equal(g, np.full((3, 3), 4.0))
  np.testing.assert_array_equal(jax.vmap(jnp.sum)(w), np.full(3, 6.0))
  v, g = jax.value_and_grad(lambda a, x: jnp.sum(a @ x))(w, jnp.ones(3))
  assert float(v) == 18.0 and g.shape == (3, 3)


@pytest.mark.slow
def test_variable_in_jnp_functions(w, no_warnings):
  for fn, want in [
    (jnp.sum, 18.0),
    (jnp.max, 2.0),
    (lambda a: jnp.tanh(a).sum(), 9 * np.tanh(2.0)),
    (lambda a: jnp.dot(a, a).sum(), 108.0),
    (lambda a: jnp.where(a > 1, a, 0.0).sum(), 18.0),
    (lambda a: jnp.asarray(a).sum(), 18.0),
    (lambda a: jnp.concatenate([a, a]).sum(), 36.0),
    (lambda a: np.asarray(a).sum(), 18.0),
  ]:
    np.testing.assert_allclose(float(fn(w)), want, rtol=1e-6)


def test_pytree_leaf_is_the_current_value(w, no_warnings):
  assert len(jax.tree.leaves(w)) == 1
  np.testing.assert_array_equal(jax.tree.leaves({"a": w})[0], w.value())
  doubled = jax.tree.map(lambda a: a * 2, {"a": w})
  assert not isinstance(doubled["a"], vs.Variable)
  vs.assign(w, jnp.zeros((3, 3)))
  assert float(jax.jit(jnp.sum)(w)) == 0.0  # an argument is read at every call


def test_closure_read_inside_jit_warns_naming_the_variable(w):
  f = jax.jit(lambda x: jnp.sum(x @ w))
  with pytest.warns(UserWarning, match=STALE) as record:
    f(jnp.ones(3))
  message = str(record[0].message)
  assert message.startswith("Variable w of the eager default graph")
  assert "vs.transform" in message and "jax.jit(f)(w)" in message
  assert record[0].filename == __file__  # points at the user's line
  with pytest.warns(UserWarning, match=STALE):  # operators and jnp alike
    jax.jit(lambda: w * 2)()
  with pytest.warns(UserWarning, match=STALE):  # a lax.scan body too
    jax.lax.scan(lambda c, _: (c + jnp.sum(w), None), 0.0, None, length=2)


def test_reads_under_grad_and_vmap_do_not_warn(w, no_warnings):
  x = jnp.ones((2, 3))
  jax.grad(lambda x: jnp.sum(x @ w))(x)  # re-read at every call
  jax.vmap(lambda r: r @ w)(x)


@pytest.mark.slow
def test_eager_rnn_does_not_warn(no_warnings):
  cell = vs.nn.rnn_cell.GRUCell(4)
  out, _ = vs.nn.dynamic_rnn(cell, jnp.ones((2, 5, 3)), dtype=vs.float32)
  assert out.shape == (2, 5, 4)


def test_get_variable_inside_jit_is_a_clear_error_and_records_nothing():
  with pytest.raises(
    ValueError,
    match=r"^Variable u: get_variable is called while JAX "
    r"traces a function .* outside vs.transform",
  ) as e:
    jax.jit(lambda x: x @ vs.get_variable("u", [3, 3]))(jnp.ones(3))
  assert "t = vs.transform(f); params = t.init(rng, x); jax.jit(t.apply)(params, x)" in str(e.value)
  assert vs.global_variables() == {}
  assert vs.get_variable("u", [3, 3]).name == "u:0"  # the name was not taken
  with pytest.raises(ValueError, match="^Variable v: vs.Variable is called while JAX"):
    jax.jit(lambda x: vs.Variable(x, name="v"))(jnp.ones(3))


def test_traced_initial_value_or_assignment_is_an_error(w):
  with pytest.raises(ValueError, match="^Variable t: vs.Variable is given a traced value"):
    jax.grad(lambda x: jnp.sum(vs.Variable(x, name="t").value()))(jnp.ones(2))
  before = np.asarray(w.value())
  with pytest.raises(ValueError, match="^Variable w: assign is given a traced value"):
    jax.jit(lambda x: vs.assign(w, x))(jnp.ones((3, 3)))
  np.testing.assert_array_equal(w.value(), before)  # unchanged
  assert list(vs.global_variables()) == ["w"]


def test_staging_answers_under_the_installed_jax():
  seen = {}

  def probe(name):
    def f(x):
      seen[name] = tracing.staging()
      return x

    return f

  probe("top")(1.0)
  jax.jit(probe("jit"))(1.0)
  jax.grad(probe("grad"))(1.0)
  jax.vmap(probe("vmap"))(jnp.ones(2))
  jax.jit(jax.grad(probe("jit_grad")))(1.0)
  jax.lax.scan(lambda c, x: (probe("scan")(c), x), 1.0, jnp.ones(2))
  with tracing.fresh_trace():
    jax.lax.scan(lambda c, x: (probe("fresh_scan")(c), x), 1.0, jnp.ones(2))

  def outer(x):
    with tracing.fresh_trace():
      return jax.lax.scan(lambda c, y: (probe("fresh_in_jit")(c), y), x, jnp.ones(2))[0]

  jax.jit(outer)(1.0)
  assert seen == {
    "top": False,
    "jit": True,
    "grad": False,
    "vmap": False,
    "jit_grad": True,
    "scan": True,
    "fresh_scan": False,
    "fresh_in_jit": True,
  }
