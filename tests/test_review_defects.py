"""Defects found by review (issue: layered core) and by an adversarial pass, each pinned."""
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs


def test_assign_to_one_of_two_names_sharing_an_array_updates_only_that_one():
  def f():
    a = vs.get_variable("a", [2], trainable=False)
    vs.get_variable("b", [2], trainable=False)
    vs.assign(a, jnp.full((2,), 7.0))
    return len(vs.get_collection(vs.GraphKeys.GLOBAL_VARIABLES, "a"))

  z = jnp.zeros(2)
  n, new = vs.transform(f).apply({"a": z, "b": z}, mutable=True)
  assert n == 1
  np.testing.assert_array_equal(new["a"], [7.0, 7.0])
  np.testing.assert_array_equal(new["b"], [0.0, 0.0])


def test_key_style_lambda_initializer_with_any_parameter_names():
  def f():
    return vs.get_variable("w", [2, 3], initializer=lambda k, shape, dtype: jnp.ones(shape, dtype))

  p = vs.transform(f).init(jax.random.PRNGKey(0))
  np.testing.assert_array_equal(p["w"], np.ones((2, 3)))
  # A TF-style callable (one required positional: the shape) is still called TF's way.
  g = lambda shape, dtype=None, partition_info=None: np.full(shape, 2.0, np.float32)
  p = vs.transform(lambda: vs.get_variable("v", [2], initializer=g)).init(jax.random.PRNGKey(0))
  np.testing.assert_array_equal(p["v"], [2.0, 2.0])


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
      return vs.get_variable("w", [2])          # the retry works, same name

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
  vs.reset_default_graph()   # allowed again once the scope is closed


def test_no_shared_links_in_user_facing_files():
  import pathlib
  root = pathlib.Path(__file__).resolve().parents[1]
  files = [root / "README.md", *root.glob("examples/**/*.py"), *root.glob("notebooks/*.ipynb"),
           *root.glob("docs/*.md"), *root.glob("varscope_jax/**/*.py")]
  bad = [str(f.relative_to(root)) for f in files if "../shared" in f.read_text()]
  assert bad == []


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
    vs.transform(lambda: vs.get_variable("v", [2], initializer=lambda k, s, d: [1.0, 2.0])
                 ).init(jax.random.PRNGKey(0))


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
  with pytest.raises(TypeError, match="not one string"):
    vs.split_by_names({"fc1": {"w": 1}}, "fc1")
  with pytest.raises(ValueError, match="does not fit in 64 bits"):
    vs.set_random_seed(2**70)
  assert vs.get_variable("ok", [1]).name == "ok:0"      # nothing broken by the above
  t = vs.transform(lambda: vs.get_variable("w", [2]))
  with pytest.raises(TypeError, match=r"Variable w: params\['w'\] is None"):
    t.apply({"w": None})
  with pytest.raises(TypeError, match="init expects a PRNG key"):
    t.init(None)


def test_random_uniform_with_minval_above_maxval_is_tfs_formula():
  x = np.asarray(vs.random_uniform_initializer(5, 1)(jax.random.PRNGKey(0), (1000,)))
  assert x.min() > 1.0 and x.max() <= 5.0 and x.std() > 0.5    # TF: rnd*(1-5)+5
  y = np.asarray(vs.random_uniform_initializer(1, 5)(jax.random.PRNGKey(0), (1000,)))
  ref = np.asarray(jax.random.uniform(jax.random.PRNGKey(0), (1000,), minval=1, maxval=5))
  np.testing.assert_array_equal(y, ref)                         # unchanged where ordered


def test_apply_strict_reports_unused_leaves():
  t = vs.transform(lambda: vs.get_variable("w", [2]))
  p = t.init(jax.random.PRNGKey(0))
  both = {**p, "extra": {"b": jnp.zeros(1)}}
  t.apply(both)                                   # by default: a shared tree is fine
  with pytest.raises(ValueError, match="1 leaves this function does not use: extra/b"):
    t.apply(both, strict=True)
  t.apply(p, strict=True)
