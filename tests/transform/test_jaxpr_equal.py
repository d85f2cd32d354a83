"""Under jit, varscope_jax's ``t.apply`` traces to the very jaxpr of hand-written JAX.

Both functions read the same params dict (the one ``t.init`` made); the jaxprs are
compared as data (primitives, parameters, avals and the dataflow between equations), not
as printed text, so the test does not depend on how a JAX release prints a jaxpr.
"""

import jax
import jax.extend.core
import jax.numpy as jnp
import pytest

import varscope_jax as vs

DEPTH, WIDTH = 4, 16


def _model(x):
  for i in range(DEPTH):
    with vs.variable_scope("layer_%d" % i):
      w = vs.get_variable("w", [WIDTH, WIDTH])
      b = vs.get_variable("b", [WIDTH], initializer=vs.zeros_initializer())
    x = jnp.tanh(x @ w + b)
  return x


def _hand(params, x):
  for i in range(DEPTH):
    p = params["layer_%d" % i]
    x = jnp.tanh(x @ p["w"] + p["b"])
  return x


def _param(value):
  """A primitive parameter in comparable form (sub-jaxprs by structure; no addresses)."""
  if isinstance(value, jax.extend.core.ClosedJaxpr):
    return _structure(value.jaxpr)
  if isinstance(value, jax.extend.core.Jaxpr):
    return _structure(value)
  if isinstance(value, (tuple, list)):
    return tuple(_param(v) for v in value)
  text = str(value)
  return type(value).__name__ if " at 0x" in text else text


def _structure(jaxpr):
  """The jaxpr as data: primitives, parameters, avals and which value feeds which
  equation -- independent of variable names, jit call names and printing."""
  ids = {}

  def ref(v):
    if isinstance(v, jax.extend.core.Literal):
      return ("literal", str(v.val), str(v.aval))
    return ids.setdefault(v, len(ids))

  invars = tuple((ref(v), str(v.aval)) for v in jaxpr.invars)
  eqns = []
  for eqn in jaxpr.eqns:
    params = tuple(sorted((k, _param(v)) for k, v in eqn.params.items() if k != "name"))
    eqns.append(
      (
        eqn.primitive.name,
        tuple(ref(v) for v in eqn.invars),
        tuple((ref(v), str(v.aval)) for v in eqn.outvars),
        params,
      )
    )
  return invars, tuple(eqns), tuple(ref(v) for v in jaxpr.outvars)


@pytest.mark.slow
def test_jitted_apply_has_the_hand_written_jaxpr():
  t = vs.transform(_model)
  x = jnp.ones((2, WIDTH))
  params = t.init(jax.random.PRNGKey(0), x)
  ours = jax.make_jaxpr(jax.jit(t.apply))(params, x)
  theirs = jax.make_jaxpr(jax.jit(_hand))(params, x)
  assert _structure(ours.jaxpr) == _structure(theirs.jaxpr)
  assert jnp.array_equal(jax.jit(t.apply)(params, x), jax.jit(_hand)(params, x))


def test_grad_step_has_the_hand_written_jaxpr():
  t = vs.transform(_model)
  x = jnp.ones((2, WIDTH))
  params = t.init(jax.random.PRNGKey(0), x)

  def step(apply):
    def f(p, x):
      g = jax.grad(lambda p: jnp.sum(apply(p, x) ** 2))(p)
      return jax.tree_util.tree_map(lambda a, b: a - 0.1 * b, p, g)

    return jax.jit(f)

  ours = jax.make_jaxpr(step(t.apply))(params, x)
  theirs = jax.make_jaxpr(step(_hand))(params, x)
  assert _structure(ours.jaxpr) == _structure(theirs.jaxpr)


def test_structure_tells_different_programs_apart():
  x = jnp.ones((2, WIDTH))
  params = vs.transform(_model).init(jax.random.PRNGKey(0), x)

  def relu_hand(params, x):
    for i in range(DEPTH):
      p = params["layer_%d" % i]
      x = jax.nn.relu(x @ p["w"] + p["b"])
    return x

  def swapped(params, x):  # same primitives, different dataflow
    for i in range(DEPTH):
      p = params["layer_%d" % i]
      x = jnp.tanh(p["b"] + x @ p["w"])
    return x

  base = _structure(jax.make_jaxpr(_hand)(params, x).jaxpr)
  assert base != _structure(jax.make_jaxpr(relu_hand)(params, x).jaxpr)
  assert base != _structure(jax.make_jaxpr(swapped)(params, x).jaxpr)
