"""transform(fn): init / apply / specs, under jit, grad, vmap; errors naming variables."""

import re
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax.contrib import slim


def mlp(x, depth=3, width=4):
  with vs.variable_scope("model"):
    for i in range(depth):
      with vs.variable_scope("fc%d" % i):
        w = vs.get_variable("w", [x.shape[-1], width])
        b = vs.get_variable("b", [width], initializer=vs.zeros_initializer())
        x = jnp.tanh(x @ w + b)
  return x


def hand_mlp(params, x, depth=3):
  for i in range(depth):
    p = params["model"]["fc%d" % i]
    x = jnp.tanh(x @ p["w"] + p["b"])
  return x


X = jnp.ones((2, 3))


def test_params_is_plain_nested_dict_keyed_by_scoped_names():
  params = vs.transform(mlp).init(jax.random.PRNGKey(0), X)
  assert type(params) is dict and type(params["model"]) is dict
  assert sorted(params["model"]) == ["fc0", "fc1", "fc2"]
  assert isinstance(params["model"]["fc1"]["w"], jax.Array)
  assert params["model"]["fc1"]["w"].shape == (4, 4)
  assert [n for n, _ in vs.flatten_params(params)][:2] == ["model/fc0/w", "model/fc0/b"]


@pytest.mark.slow
def test_apply_matches_hand_written_and_jit_grad_vmap_work():
  t = vs.transform(mlp)
  params = jax.jit(t.init)(jax.random.PRNGKey(0), X)
  np.testing.assert_allclose(t.apply(params, X), hand_mlp(params, X), rtol=1e-6)
  np.testing.assert_allclose(jax.jit(t.apply)(params, X), hand_mlp(params, X), rtol=1e-6)
  g1 = jax.grad(lambda p: t.apply(p, X).sum())(params)
  g2 = jax.grad(lambda p: hand_mlp(p, X).sum())(params)
  jax.tree_util.tree_map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6), g1, g2)
  out = jax.vmap(t.apply, in_axes=(None, 0))(params, jnp.ones((5, 2, 3)))
  assert out.shape == (5, 2, 4)


@pytest.mark.slow
def test_jit_init_equals_init():
  t = vs.transform(mlp)
  a = t.init(jax.random.PRNGKey(3), X)
  b = jax.jit(t.init)(jax.random.PRNGKey(3), X)
  jax.tree_util.tree_map(lambda x, y: np.testing.assert_array_equal(x, y), a, b)


def test_keys_depend_on_name_not_on_creation_order():
  def ab():
    vs.get_variable("a", [3])
    vs.get_variable("b", [3])

  def ba():
    vs.get_variable("b", [3])
    vs.get_variable("a", [3])

  def a_only():
    vs.get_variable("a", [3])

  rng = jax.random.PRNGKey(7)
  p1, p2 = vs.transform(ab).init(rng), vs.transform(ba).init(rng)
  p3 = vs.transform(a_only).init(rng)
  np.testing.assert_array_equal(p1["a"], p2["a"])
  np.testing.assert_array_equal(p1["a"], p3["a"])
  assert not np.array_equal(p1["a"], p1["b"])
  # The rule, spelled out: fold_in(fold_in(rng, hi), lo), (hi, lo) the 64-bit hash.
  h = int.from_bytes(__import__("hashlib").blake2b(b"a", digest_size=8).digest(), "little")
  key = jax.random.fold_in(jax.random.fold_in(rng, h >> 32), h & 0xFFFFFFFF)
  want = vs.glorot_uniform_initializer()(key, (3,), jnp.float32)
  np.testing.assert_array_equal(p1["a"], want)


def test_eager_default_graph_gives_the_same_values_as_init():
  params = vs.transform(mlp).init(jax.random.PRNGKey(5), X)
  vs.set_random_seed(5)
  mlp(X)
  eager = vs.global_variables()
  np.testing.assert_array_equal(eager["model/fc1/w"], params["model"]["fc1"]["w"])


def test_init_does_no_forward_compute():
  calls = []

  def fn(x):
    w = vs.get_variable("w", [3, 3])
    y = x @ w
    jax.debug.callback(lambda v: calls.append(1), y)
    return y

  t = vs.transform(fn)
  params = t.init(jax.random.PRNGKey(0), jnp.ones((1, 3)))
  jax.effects_barrier()
  assert calls == []
  t.apply(params, jnp.ones((1, 3)))
  jax.effects_barrier()
  assert calls == [1]


def test_value_initializer_computed_inside_fn():
  def fn():
    return vs.get_variable("c", initializer=jnp.arange(3.0) * 2)

  params = vs.transform(fn).init(jax.random.PRNGKey(0))
  np.testing.assert_array_equal(params["c"], [0.0, 2.0, 4.0])


def test_static_python_arguments_stay_static():
  def fn(x, training):
    w = vs.get_variable("w", [3])
    return x * w if training else x

  t = vs.transform(fn)
  params = t.init(jax.random.PRNGKey(0), jnp.ones(3), True)
  assert t.apply(params, jnp.ones(3), False).tolist() == [1.0, 1.0, 1.0]


def test_specs_lists_variables_without_making_them():
  def fn():
    vs.get_variable("w", [2, 3])
    vs.get_local_variable("count", [], dtype=vs.int32)

  specs = vs.transform(fn).specs()
  assert list(specs) == ["w", "count"]
  assert specs["w"].shape == (2, 3) and specs["w"].trainable
  assert not specs["count"].trainable
  assert vs.GraphKeys.LOCAL_VARIABLES in specs["count"].collections


def test_specs_collections_are_the_graphs_collections_after_the_function_ran():
  # a variable added to a collection after its creation (TF1's add_to_collection,
  # tf-slim's variables_collections) is in that collection's spec_mask
  def fn():
    w = vs.get_variable("w", [2], collections=["mine", vs.GraphKeys.GLOBAL_VARIABLES])
    b = vs.get_variable("b", [2])
    vs.add_to_collection("extra", b)
    vs.add_to_collection("extra", w)
    vs.add_to_collection("extra", w)
    vs.get_collection_ref("mine").remove(w)

  specs = vs.transform(fn).specs()
  assert specs["w"].collections == ("variables", "trainable_variables", "extra")
  assert specs["b"].collections == ("variables", "trainable_variables", "extra")
  params = {"w": jnp.zeros(2), "b": jnp.zeros(2)}
  assert vs.spec_mask(params, specs, "extra") == {"w": True, "b": True}
  assert vs.spec_mask(params, specs, "mine") == {"w": False, "b": False}


def test_specs_of_slim_batch_norm_list_its_variables_collections():
  colls = {
    "beta": None,
    "gamma": None,
    "moving_mean": ["moving_vars"],
    "moving_variance": ["moving_vars"],
  }
  specs = vs.transform(lambda x: slim.batch_norm(x, variables_collections=colls)).specs(
    jnp.ones((2, 3, 3, 4))
  )
  moving = {n for n, s in specs.items() if "moving_vars" in s.collections}
  assert moving == {"BatchNorm/moving_mean", "BatchNorm/moving_variance"}


def test_names_collide_like_tf_and_reuse_still_finds_store_key():
  def fn():
    vs.Variable(1.0, name="w")
    v = vs.get_variable("w", [])
    with vs.variable_scope(vs.get_variable_scope(), reuse=True):
      assert vs.get_variable("w", []) is v
    return v

  params = vs.transform(fn).init(jax.random.PRNGKey(0))
  assert sorted(params) == ["w", "w_1"]


def test_leaf_and_scope_with_the_same_name_is_an_error():
  def fn():
    vs.get_variable("a", [1])
    vs.get_variable("a/b", [1])

  with pytest.raises(
    ValueError,
    match=r"a is already a variable, so params\['a'\] cannot "
    r"also be a scope",
  ):
    vs.transform(fn).init(jax.random.PRNGKey(0))

  def fn2():
    vs.get_variable("a/b", [1])
    vs.get_variable("a", [1])

  with pytest.raises(
    ValueError,
    match=r"Variable a cannot be stored in the params tree: a "
    r"is already a scope holding variable a/b",
  ):
    vs.transform(fn2).init(jax.random.PRNGKey(0))


def test_unflatten_refuses_leaf_and_scope():
  with pytest.raises(ValueError, match="already a variable"):
    vs.unflatten_params({"a": 1, "a/b": 2})


def test_missing_variable_in_params_names_it_and_suggests():
  t = vs.transform(mlp)
  params = t.init(jax.random.PRNGKey(0), X)
  del params["model"]["fc2"]["b"]
  with pytest.raises(
    ValueError,
    match=re.escape("Variable model/fc2/b is not in params")
    + r".*params\['model'\]\['fc2'\]\['b'\]",
  ):
    t.apply(params, X)


def test_params_from_another_model_suggest_close_names():
  t = vs.transform(mlp)
  other = {"modle": {"fc0": {"w": jnp.ones((3, 4)), "b": jnp.zeros(4)}}}
  with pytest.raises(
    ValueError,
    match=r"Variable model/fc0/w is not in params.*"
    r"Did you mean: 'modle/fc0/w'",
  ):
    t.apply(other, X)


def test_shape_and_dtype_mismatch_in_params():
  t = vs.transform(mlp)
  params = t.init(jax.random.PRNGKey(0), X)
  bad = jax.tree_util.tree_map(lambda x: x, params)
  bad["model"]["fc0"]["w"] = jnp.ones((3, 5))
  with pytest.raises(
    ValueError,
    match=r"Variable model/fc0/w in params has shape \(3, 5\), "
    r"but this function asks for shape \(3, 4\)",
  ):
    t.apply(bad, X)
  bad["model"]["fc0"]["w"] = jnp.ones((3, 4), jnp.int32)
  with pytest.raises(
    ValueError,
    match=r"model/fc0/w in params has dtype int32, but this "
    r"function asks for dtype float32",
  ):
    t.apply(bad, X)


def test_apply_needs_a_params_dict():
  with pytest.raises(TypeError, match="apply expects the params tree"):
    vs.transform(mlp).apply([1, 2], X)
  with pytest.raises(TypeError, match="transform expects a function"):
    vs.transform(3)


def test_eval_function_shares_train_params_with_reuse_true():
  train = vs.transform(mlp)
  params = train.init(jax.random.PRNGKey(0), X)

  def evaluate(x):
    with vs.variable_scope("model", reuse=True):
      with vs.variable_scope("fc0"):
        return x @ vs.get_variable("w", [3, 4])

  ev = vs.transform(evaluate)
  np.testing.assert_allclose(ev.apply(params, X), X @ params["model"]["fc0"]["w"])
  with pytest.raises(
    ValueError,
    match=r"^Variable model/fc0/w does not exist, or was not "
    r"created with tf\.get_variable\(\)",
  ):
    ev.init(jax.random.PRNGKey(0), X)

  def evaluate_bad_shape(x):
    with vs.variable_scope("model", reuse=True):
      return vs.get_variable("fc0/w", [3, 5])

  with pytest.raises(
    ValueError,
    match=r"Trying to share variable model/fc0/w, but "
    r"specified shape \(3, 5\) and found shape \(3, 4\)",
  ):
    vs.transform(evaluate_bad_shape).apply(params, X)


def test_init_and_apply_rerun_counters_every_trace():
  def fn():
    with vs.variable_scope(None, default_name="layer"):
      a = vs.get_variable("w", [1])
    with vs.variable_scope(None, default_name="layer"):
      b = vs.get_variable("w", [1])
    return a, b

  t = vs.transform(fn)
  params = t.init(jax.random.PRNGKey(0))
  assert sorted(params) == ["layer", "layer_1"]
  for _ in range(2):
    a, b = t.apply(params)
    assert a is params["layer"]["w"] and b is params["layer_1"]["w"]


def test_exception_inside_scope_restores_state():
  with pytest.raises(RuntimeError):
    with vs.variable_scope("outer"):
      with vs.name_scope("ns"):
        raise RuntimeError("boom")
  assert vs.get_variable_scope().name == ""
  assert vs.get_default_graph().name_stack == ""
  with vs.variable_scope("outer") as s:
    assert s.name == "outer"


def test_failed_get_variable_leaves_graph_unchanged():
  with pytest.raises(ValueError):
    vs.get_variable(
      "v",
      [2],
      initializer=vs.ones_initializer(),
      dtype=vs.complex64,
      regularizer=None,
      custom_getter=lambda getter, **k: getter(**dict(k, shape=None, initializer=None)),
    )
  assert vs.global_variables() == {}


def test_threads_tracing_different_models_get_the_same_names_as_one_thread():
  def model_a(x):
    with vs.variable_scope("a"):
      for i in range(20):
        with vs.variable_scope(None, default_name="layer"):
          x = x * vs.get_variable("w", [3])
    return x

  def model_b(x):
    with vs.variable_scope("b"):
      for i in range(20):
        with vs.name_scope("ns"):
          with vs.variable_scope("layer"):
            x = x + vs.get_variable("w%d" % i, [3])
    return x

  alone = {
    f.__name__: sorted(
      n for n, _ in vs.flatten_params(vs.transform(f).init(jax.random.PRNGKey(0), jnp.ones(3)))
    )
    for f in (model_a, model_b)
  }
  results, errors = {}, []
  barrier = threading.Barrier(4)

  def work(f, slot):
    try:
      barrier.wait()
      for _ in range(3):
        p = vs.transform(f).init(jax.random.PRNGKey(0), jnp.ones(3))
        results.setdefault(slot, []).append(sorted(n for n, _ in vs.flatten_params(p)))
    except Exception as e:  # pragma: no cover - reported below
      errors.append(e)

  threads = [
    threading.Thread(target=work, args=(f, (f.__name__, k)))
    for f in (model_a, model_b)
    for k in range(2)
  ]
  for th in threads:
    th.start()
  for th in threads:
    th.join()
  assert not errors
  for (name, _), runs in results.items():
    assert all(r == alone[name] for r in runs)
  assert alone["model_a"][:2] == ["a/layer/w", "a/layer_1/w"]


@pytest.mark.slow
def test_typed_keys_and_int_seeds_give_the_same_params_as_raw_keys():
  t = vs.transform(mlp)
  raw = t.init(jax.random.PRNGKey(4), X)
  typed = t.init(jax.random.key(4), X)
  seeded = t.init(4, X)
  for a, b, c in zip(
    jax.tree_util.tree_leaves(raw),
    jax.tree_util.tree_leaves(typed),
    jax.tree_util.tree_leaves(seeded),
  ):
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_a_variable_scope_object_reused_across_traces():
  scope = vs.variable_scope("model")

  def f():
    with scope:
      return vs.get_variable("w", [2])

  t = vs.transform(f)
  p = t.init(jax.random.PRNGKey(0))
  assert list(p) == ["model"]
  assert t.apply(p).shape == (2,) and t.apply(p).shape == (2,)


def test_jit_apply_with_static_training_flag():
  def net(x, training):
    w = vs.get_variable("w", [2], initializer=vs.ones_initializer())
    return x * w * (2.0 if training else 1.0)

  t = vs.transform(net)
  x = jnp.ones(2)
  p = t.init(jax.random.PRNGKey(0), x, True)
  by_name = jax.jit(t.apply, static_argnames=("training",))
  np.testing.assert_array_equal(by_name(p, x, training=True), [2.0, 2.0])
  by_num = jax.jit(t.apply, static_argnums=(2,))
  np.testing.assert_array_equal(by_num(p, x, False), [1.0, 1.0])
  assert t.apply.__name__ == "apply" and "params" in str(__import__("inspect").signature(t.apply))


def test_apply_reuse_tower_misspelled_name_gets_did_you_mean():
  def train(x):
    with vs.variable_scope("model"):
      return x @ vs.get_variable("kernel", [2, 2])

  def evaluate(x):
    with vs.variable_scope("model", reuse=True):
      return x @ vs.get_variable("kernal", [2, 2])

  x = jnp.ones((1, 2))
  p = vs.transform(train).init(jax.random.PRNGKey(0), x)
  with pytest.raises(ValueError, match="Did you mean: 'model/kernel'"):
    vs.transform(evaluate).apply(p, x)


def test_apply_strict_reports_unused_leaves():
  t = vs.transform(lambda: vs.get_variable("w", [2]))
  p = t.init(jax.random.PRNGKey(0))
  both = {**p, "extra": {"b": jnp.zeros(1)}}
  t.apply(both)  # by default: a shared tree is fine
  with pytest.raises(ValueError, match="1 leaves this function does not use: extra/b"):
    t.apply(both, strict=True)
  t.apply(p, strict=True)
