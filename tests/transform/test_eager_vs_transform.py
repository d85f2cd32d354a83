"""The eager default graph and transform(...).init name and seed variables the same way.

Hypothesis generates scope programs (variable scopes by name / default name / captured
object, name scopes, get_variable with AUTO_REUSE, Variable); each program runs once in
the eager default graph and once inside transform: the params keys must be the eager
graph's names, with the same values.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import varscope_jax as vs

NAMES = st.sampled_from(["a", "b", "w", "layer", "w_1"])

step = st.deferred(
  lambda: st.one_of(
    st.tuples(st.just("gv"), NAMES, st.sampled_from([(2,), (3,)])),
    st.tuples(st.just("var"), NAMES),
    st.tuples(st.just("vs"), NAMES, st.lists(step, max_size=4)),
    st.tuples(st.just("vs_default"), NAMES, st.lists(step, max_size=4)),
    st.tuples(st.just("ns"), NAMES, st.lists(step, max_size=4)),
    st.tuples(st.just("capture_and_reenter"), NAMES, st.lists(step, max_size=3)),
  )
)
programs = st.lists(step, min_size=1, max_size=8)


def run(program):
  for op in program:
    kind = op[0]
    if kind == "gv":
      with vs.variable_scope(vs.get_variable_scope(), reuse=vs.AUTO_REUSE):
        try:
          vs.get_variable(op[1], op[2], initializer=vs.random_normal_initializer())
        except ValueError as e:
          if "Trying to share" not in str(e):
            raise  # only a shape mismatch on reuse is expected (same in both modes)
    elif kind == "var":
      vs.Variable(jnp.zeros(2), name=op[1])
    elif kind == "vs":
      with vs.variable_scope(op[1]):
        run(op[2])
    elif kind == "vs_default":
      with vs.variable_scope(None, default_name=op[1]):
        run(op[2])
    elif kind == "ns":
      with vs.name_scope(op[1]):
        run(op[2])
    else:
      with vs.variable_scope(op[1]) as captured:
        pass
      with vs.variable_scope(captured):
        run(op[2])


@pytest.mark.slow
@settings(
  max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(programs)
def test_eager_names_and_values_equal_transform_params(program):
  vs.reset_default_graph()
  vs.set_random_seed(3)
  run(program)
  eager = vs.global_variables()
  vs.reset_default_graph()
  t = vs.transform(lambda: run(program))
  try:
    vs.unflatten_params(eager)
  except ValueError:
    # TF allows variables "a" and "a/b"; a params tree cannot hold both: a clear error.
    with pytest.raises(ValueError, match="cannot be stored in the params tree"):
      t.init(jax.random.PRNGKey(3))
    return
  params = t.init(jax.random.PRNGKey(3))
  flat = list(vs.flatten_params(params))
  # Same names (a nested dict groups a scope's variables, so the order can differ).
  assert sorted(n for n, _ in flat) == sorted(eager)
  for name, value in flat:
    np.testing.assert_array_equal(np.asarray(value), np.asarray(eager[name]))
