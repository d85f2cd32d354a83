"""Under jit, varscope_jax's ``t.apply`` traces to the very jaxpr of hand-written JAX.

Both functions read the same params dict (the one ``t.init`` made); the jaxprs are
compared as text after normalising variable names and jit call names, so the test
checks the same primitives, in the same order, on the same shapes and dtypes.
"""
import re

import jax
import jax.extend.core
import jax.numpy as jnp

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


def _normalise(closed_jaxpr, fn_names=("_model", "_hand", "apply", "f")) -> str:
  text = re.sub(r"name=\S+", "name=_", str(closed_jaxpr))
  text = re.sub(r"\b(%s)\b" % "|".join(fn_names), "FN", text)  # jit call names
  names = {}

  def rename(m):
    return names.setdefault(m.group(0), "v%d" % len(names))

  # jaxpr variables are short lowercase identifiers followed by ':' or in operand lists
  return re.sub(r"\b[a-z]{1,3}\b(?=[:\s,)\]])", rename, text)


def _primitives(jaxpr):
  out = []
  for eqn in jaxpr.eqns:
    out.append((eqn.primitive.name, tuple(str(v.aval) for v in eqn.outvars)))
    for sub in jax.extend.core.jaxprs_in_params(eqn.params):
      out.extend(_primitives(sub))
  return out


def test_jitted_apply_has_the_hand_written_jaxpr():
  t = vs.transform(_model)
  x = jnp.ones((2, WIDTH))
  params = t.init(jax.random.PRNGKey(0), x)
  ours = jax.make_jaxpr(jax.jit(t.apply))(params, x)
  theirs = jax.make_jaxpr(jax.jit(_hand))(params, x)
  assert _primitives(ours.jaxpr) == _primitives(theirs.jaxpr)
  assert _normalise(ours) == _normalise(theirs)
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
  assert _primitives(ours.jaxpr) == _primitives(theirs.jaxpr)
  assert _normalise(ours) == _normalise(theirs)
