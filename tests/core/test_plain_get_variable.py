"""The common-case path of ``get_variable`` (store.plain_get_variable) is taken where it
should be, and gives what the general path gives, errors included."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.core import store


def _count_general(monkeypatch):
  calls = []
  general = store.scope_get_variable

  def counting(scope, graph, req):
    calls.append(req.name)
    return general(scope, graph, req)

  monkeypatch.setattr(store, "scope_get_variable", counting)
  return calls


def _mlp(x):
  for i in range(3):
    with vs.variable_scope("layer_%d" % i):
      w = vs.get_variable("w", [4, 4])
      b = vs.get_variable("b", [4], initializer=vs.zeros_initializer())
    x = jnp.tanh(x @ w + b)
  return x


@pytest.mark.slow
def test_apply_of_a_plain_model_takes_the_common_path(monkeypatch):
  t = vs.transform(_mlp)
  x = jnp.ones((2, 4))
  params = t.init(jax.random.PRNGKey(0), x)
  t.apply(params, x)  # every signature seen once
  calls = _count_general(monkeypatch)
  out = t.apply(params, x)
  assert calls == []
  np.testing.assert_allclose(out, vs.transform(_mlp).apply(params, x))


def test_common_path_records_what_the_general_path_records(monkeypatch):
  def program():
    vs.reset_default_graph()
    with vs.variable_scope("a"):
      vs.get_variable("w", [2, 3])
      vs.get_variable("w_1", [2], dtype=vs.int32, initializer=vs.zeros_initializer())
    with vs.name_scope("a"):
      pass
    with vs.variable_scope("a", reuse=True):
      again = vs.get_variable("w", [2, 3])
    with vs.variable_scope("b", initializer=vs.ones_initializer(), dtype=vs.float16):
      vs.get_variable("v", [1])
    g = vs.get_default_graph()
    return (
      [
        (r.op_name, r.store_name, r.shape, r.dtype, r.initializer, r.collections, r.trainable)
        for r in g.variables
      ],
      {k: len(g.get_collection(k)) for k in g.get_all_collection_keys()},
      again.name,
      {n: np.asarray(v) for n, v in vs.global_variables().items()},
    )

  program()  # signatures seen once
  fast = program()
  monkeypatch.setattr(store, "plain_get_variable", lambda *a: store.NOT_PLAIN)
  slow = program()
  assert fast[:3] == slow[:3]
  assert fast[3].keys() == slow[3].keys()
  for name in fast[3]:
    np.testing.assert_array_equal(fast[3][name], slow[3][name])


def test_equal_constants_of_other_types_are_each_checked():
  # 2.5 and np.float64(2.5) compare equal, but TF refuses only the Python float for int32.
  ok = vs.get_variable(
    "n", [2], dtype=vs.int32, initializer=vs.constant_initializer(np.float64(2.5))
  )
  with pytest.raises(TypeError, match="Expected int32, but got 2.5 of type 'float'."):
    vs.get_variable("f", [2], dtype=vs.int32, initializer=vs.constant_initializer(2.5))
  assert ok.name == "n:0"
  assert "f" not in vs.global_variables()


def test_errors_on_the_common_path_are_tfs():
  with vs.variable_scope("s"):
    vs.get_variable("w", [2])
    with pytest.raises(ValueError, match="^Variable s/w already exists, disallowed"):
      vs.get_variable("w", [2])
  with vs.variable_scope("s", reuse=True):
    with pytest.raises(
      ValueError,
      match="^Trying to share variable s/w, but specified "
      r"shape \(3,\) and found shape \(2,\).",
    ):
      vs.get_variable("w", [3])
    with pytest.raises(ValueError, match="^Variable s/x does not exist"):
      vs.get_variable("x", [2])
  with pytest.raises(ValueError, match="is not a valid root scope name"):
    vs.get_variable("-bad", [2])
  assert sorted(vs.global_variables()) == ["s/w"]
