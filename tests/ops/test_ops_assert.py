"""``vs.ops.assert_*``: TF's comparison assertions, on known and on traced values.

The op-table goldens (``tests/golden/ops``) hold TF's failures on constants; here the
passing calls, and traced values checked when the compiled function runs.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

NAMES = [
  "assert_equal",
  "assert_none_equal",
  "assert_less",
  "assert_less_equal",
  "assert_greater",
  "assert_greater_equal",
]
HOLDS = {
  "assert_equal": (2, 2),
  "assert_none_equal": (1, 2),
  "assert_less": (1, 2),
  "assert_less_equal": (2, 2),
  "assert_greater": (3, 2),
  "assert_greater_equal": (2, 2),
}


@pytest.mark.parametrize("name", NAMES)
def test_holds_returns_none_and_broadcasts(name):
  x, y = HOLDS[name]
  fn = getattr(vs.ops, name)
  assert fn(x, y) is None
  assert fn(np.full((2, 3), x), np.full((3,), y), message="m", summarize=3) is None


def test_static_values_under_jit_are_checked_while_tracing():
  def f(x):
    vs.ops.assert_less_equal(x.shape[0], 4, message="too long")
    return x + 1

  np.testing.assert_array_equal(jax.jit(f)(jnp.zeros(3)), np.ones(3))
  with pytest.raises(ValueError, match=r"^too long\nCondition x <= y did not hold"):
    jax.jit(f)(jnp.zeros(5))


def test_traced_values_are_checked_when_the_function_runs():
  f = jax.jit(lambda x: (vs.ops.assert_greater(x, 0.0, message="needs x > 0"), x * 2)[1])
  np.testing.assert_array_equal(f(jnp.array([1.0, 2.0])), [2.0, 4.0])
  with pytest.raises(Exception, match="needs x > 0"):
    jax.block_until_ready(f(jnp.array([1.0, -2.0])))


def test_inside_transform_init_nothing_runs():
  def model(x):
    vs.ops.assert_less(x, 10.0)
    return x * vs.get_variable("w", [], initializer=vs.ones_initializer())

  t = vs.transform(model)
  params = t.init(jax.random.PRNGKey(0), jnp.ones(2))
  np.testing.assert_array_equal(t.apply(params, jnp.ones(2)), np.ones(2))
