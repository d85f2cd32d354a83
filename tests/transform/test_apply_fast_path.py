"""Un-jitted ``apply`` takes the short paths (``store.plain_get_variable``,
``Graph.add_store_variable``, ``ApplyBackend.create``'s direct shape/dtype check, name trees
indexed on demand): each program here runs with them and with them switched off, and
must give the same values, the same errors (type and text) and the same graph state."""

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.core import backends
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import store


class _NoFastTypes(set):
  """An ``_ARRAY_TYPES`` that never learns a type: every leaf takes the full check."""

  def add(self, item):
    del item


def _general_only(monkeypatch):
  monkeypatch.setattr(store, "plain_get_variable", lambda *a: store.NOT_PLAIN)
  monkeypatch.setattr(backends, "_ARRAY_TYPES", _NoFastTypes())


def _outcome(fn):
  """What running ``fn`` gives: its value (as numpy), or its error's type and text."""
  try:
    out = fn()
  except Exception as e:  # noqa: BLE001 - compared as (type, text)
    return ("error", type(e).__name__, str(e))
  return ("ok", jax.tree_util.tree_map(np.asarray, out))


def _same(a, b):
  assert a[0] == b[0], (a, b)
  if a[0] == "error":
    assert a == b
  else:
    jax.tree_util.tree_map(np.testing.assert_array_equal, a[1], b[1])


def _fast_and_general(monkeypatch, fn):
  _outcome(fn)  # every signature seen once: the short paths apply below
  fast = _outcome(fn)
  with monkeypatch.context() as m:
    _general_only(m)
    general = _outcome(fn)
  _same(fast, general)
  return fast


def _mlp(x, depth=3):
  for i in range(depth):
    with vs.variable_scope("layer_%d" % i):
      w = vs.get_variable("w", [4, 4])
      b = vs.get_variable("b", [4], initializer=vs.zeros_initializer())
    x = jnp.tanh(x @ w + b)
  return x


X = jnp.ones((2, 4))
T = vs.transform(_mlp)
PARAMS = T.init(jax.random.PRNGKey(0), X)


def _with(params, path, value):
  out = jax.tree_util.tree_map(lambda v: v, params)
  node = out
  for part in path[:-1]:
    node = node[part]
  if value is None:
    del node[path[-1]]
  else:
    node[path[-1]] = value
  return out


def test_apply_is_the_general_paths_result(monkeypatch):
  fast = _fast_and_general(monkeypatch, lambda: T.apply(PARAMS, X))
  assert fast[0] == "ok"


def test_apply_after_the_params_changed_reads_the_new_values(monkeypatch):
  changed = jax.tree_util.tree_map(lambda v: v + 1.0, PARAMS)
  first = T.apply(PARAMS, X)
  fast = _fast_and_general(monkeypatch, lambda: T.apply(changed, X))
  assert not np.allclose(fast[1], first)


@pytest.mark.parametrize(
  "path,value,match",
  [
    (("layer_1", "w"), jnp.ones((4, 5)), "has shape (4, 5), but this function asks for"),
    (("layer_1", "b"), jnp.ones((4,), jnp.int32), "has dtype int32, but this function"),
    (("layer_1", "b"), np.ones((4,), np.float64), "has dtype float64"),
    (("layer_2", "w"), None, "is not in params"),
    (("layer_2", "w"), {"x": jnp.ones((4, 4))}, "is not in params"),
    (("layer_0", "w"), jax.ShapeDtypeStruct((4, 4), jnp.float32), "jax.ShapeDtypeStruct"),
    (("layer_0", "b"), "zeros", "not an array"),
  ],
)
def test_a_wrong_leaf_is_the_same_error(monkeypatch, path, value, match):
  bad = _with(PARAMS, path, value)
  fast = _fast_and_general(monkeypatch, lambda: T.apply(bad, X))
  assert fast[0] == "error" and match in fast[2], fast


@pytest.mark.parametrize(
  "leaf", [np.ones((4,), np.float32), [0.0, 0.0, 0.0, 0.0], jnp.ones((4,), jnp.float32)]
)
def test_leaves_of_other_array_types_are_taken_as_the_general_path_takes_them(monkeypatch, leaf):
  params = _with(PARAMS, ("layer_1", "b"), leaf)
  _fast_and_general(monkeypatch, lambda: T.apply(params, X))


def test_one_array_at_two_names_gives_two_distinct_values(monkeypatch):
  z = jnp.zeros((4,))
  params = _with(_with(PARAMS, ("layer_0", "b"), z), ("layer_1", "b"), z)

  def ids():
    seen = []

    def model(x):
      out = _mlp(x)
      seen.extend(id(v) for v in vs.global_variables().values())
      return out

    vs.transform(model).apply(params, X)
    return len(seen), len(set(seen))

  _fast_and_general(monkeypatch, ids)
  assert ids() == (6, 6)


def test_a_leaf_next_to_a_scope_of_its_name_is_the_same_error(monkeypatch):
  def model():
    with vs.variable_scope("a"):
      vs.get_variable("b", [1])
    return vs.get_variable("a/b/c", [1])

  t = vs.transform(model)
  params = {"a": {"b": jnp.ones((1,))}}
  fast = _fast_and_general(monkeypatch, lambda: t.apply(params))
  assert fast[0] == "error" and "cannot be stored in the params tree" in fast[2], fast


def test_reuse_errors_inside_apply_are_tfs(monkeypatch):
  def twice():
    with vs.variable_scope("s"):
      vs.get_variable("w", [2])
      vs.get_variable("w", [2])

  def missing():
    with vs.variable_scope("s"):
      vs.get_variable("w", [2])
    with vs.variable_scope("s", reuse=True):
      vs.get_variable("x", [2])

  def other_shape():
    with vs.variable_scope("s"):
      vs.get_variable("w", [2])
    with vs.variable_scope("s", reuse=True):
      vs.get_variable("w", [3])

  def other_dtype():
    with vs.variable_scope("s"):
      vs.get_variable("w", [2])
    with vs.variable_scope("s", reuse=True):
      vs.get_variable("w", [2], dtype=vs.int32)

  params = {"s": {"w": jnp.ones((2,))}}  # (a leaf s/x would be found: reuse across functions)
  for fn, text in [
    (twice, "Variable s/w already exists, disallowed"),
    (missing, "Variable s/x does not exist"),
    (other_shape, "Trying to share variable s/w, but specified shape (3,)"),
    (other_dtype, "Trying to share variable s/w, but specified dtype int32"),
  ]:
    t = vs.transform(fn)
    fast = _fast_and_general(monkeypatch, lambda t=t: t.apply(params))
    assert fast[0] == "error" and fast[2].startswith(text), fast


def test_reuse_and_auto_reuse_inside_apply_return_the_leaf(monkeypatch):
  def model():
    with vs.variable_scope("s"):
      a = vs.get_variable("w", [2])
    with vs.variable_scope("s", reuse=True):
      b = vs.get_variable("w", [2])
    with vs.variable_scope("s", reuse=vs.AUTO_REUSE):
      c = vs.get_variable("w", [2])
      d = vs.get_variable("v", [2])
    return a is b is c, d

  params = {"s": {"w": jnp.ones((2,)), "v": jnp.zeros((2,))}}
  fast = _fast_and_general(monkeypatch, lambda: vs.transform(model).apply(params))
  assert bool(fast[1][0])


def test_names_taken_before_a_variable_give_it_the_same_op_name(monkeypatch):
  def model():
    with vs.name_scope("w"):
      pass
    with vs.variable_scope("s"):
      pass
    with vs.name_scope("s"):
      pass
    with vs.variable_scope("s", reuse=vs.AUTO_REUSE):
      vs.get_variable("v", [1])
    return vs.get_variable("w", [1])

  t = vs.transform(model)
  init = lambda: sorted(n for n, _ in vs.flatten_params(t.init(0)))  # noqa: E731
  fast = _fast_and_general(monkeypatch, init)
  assert list(fast[1]) == ["s/v", "w_1"]
  _fast_and_general(monkeypatch, lambda: t.apply(t.init(0)))


def test_a_bad_name_is_the_same_error_and_the_graph_state_after_it_is_the_same(monkeypatch):
  def model():
    g = vs.get_default_graph()
    errors = []
    for name in ["-bad", "a b", "ok"]:
      try:
        vs.get_variable(name, [1])
      except ValueError as e:
        errors.append(str(e))
    with vs.name_scope("ok"):
      pass
    return errors, sorted(r.op_name for r in g.variables), g.unique_name("ok")

  params = {"ok": jnp.ones((1,))}
  t = vs.transform(model)
  fast = _fast_and_general(monkeypatch, lambda: t.apply(params))
  errors, names, next_name = fast[1]
  assert len(errors) == 2 and list(names) == ["ok"] and str(next_name) == "ok_2"


def test_a_failed_apply_variable_takes_no_name_and_records_nothing(monkeypatch):
  def model():
    g = vs.get_default_graph()
    try:
      vs.get_variable("w", [3])  # params has shape (2,)
    except ValueError:
      pass
    return (
      vs.get_variable("w", [2]),
      g.unique_name("w"),
      len(g.variables),
      len(vs.global_variables()),
    )

  params = {"w": jnp.ones((2,))}
  fast = _fast_and_general(monkeypatch, lambda: vs.transform(model).apply(params))
  _, next_name, n_vars, n_global = fast[1]
  assert (str(next_name), int(n_vars), int(n_global)) == ("w_1", 1, 1)


def test_scopes_are_restored_after_an_error_inside_them():
  def model():
    with pytest.raises(ZeroDivisionError):
      with vs.variable_scope("a"):
        with vs.variable_scope("b"):
          1 / 0
    assert vs.get_variable_scope().name == ""
    assert vs.get_default_graph().name_stack == ""
    with vs.variable_scope("a") as s:
      return s.original_name_scope

  assert vs.transform(model).apply({}) == "a_1/"
  assert not vs.get_default_graph().in_use


def test_a_scope_open_in_another_thread_counts_as_in_use():
  g = graph_lib.Graph()
  opened, release = threading.Event(), threading.Event()

  def worker():
    with g.as_default(), vs.variable_scope("t"):
      opened.set()
      release.wait(10)

  th = threading.Thread(target=worker)
  th.start()
  opened.wait(10)
  try:
    assert g.in_use
    with g.as_default():
      with vs.variable_scope("main"):
        assert g.in_use
    assert g.in_use  # the other thread's scope is still open
  finally:
    release.set()
    th.join()
  assert not g.in_use


def test_jitted_apply_is_the_same_with_and_without_the_short_paths(monkeypatch):
  fast = _fast_and_general(monkeypatch, lambda: jax.jit(T.apply)(PARAMS, X))
  np.testing.assert_allclose(fast[1], T.apply(PARAMS, X), rtol=1e-6)


def test_records_of_the_short_path_are_the_general_paths(monkeypatch):
  import dataclasses

  def records():
    seen = []

    def model(x):
      out = _mlp(x)
      rules = [("w", jax.sharding.PartitionSpec())]
      with vs.variable_scope("p", partition_rules=rules, use_resource=True):
        vs.get_variable("w", [4, 4])
      seen.extend(
        {
          f.name: getattr(r, f.name)
          for f in dataclasses.fields(r)
          if f.name not in ("value", "stack")
        }
        for r in vs.get_default_graph().variables
      )
      return out

    params = dict(PARAMS, p={"w": jnp.ones((4, 4))})
    vs.transform(model).apply(params, X)
    return seen

  records()
  fast = records()
  with monkeypatch.context() as m:
    _general_only(m)
    general = records()
  assert fast == general and len(fast) == 7
