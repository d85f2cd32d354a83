"""assign / mutable apply, next_rng_key, regularizers, custom getter recipes, templates."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs


def batch_norm(x, training, decay=0.9):
  with vs.variable_scope("bn"):
    d = x.shape[-1]
    gamma = vs.get_variable("gamma", [d], initializer=vs.ones_initializer())
    beta = vs.get_variable("beta", [d], initializer=vs.zeros_initializer())
    mean = vs.get_variable("moving_mean", [d], initializer=vs.zeros_initializer(), trainable=False)
    var = vs.get_variable(
      "moving_variance", [d], initializer=vs.ones_initializer(), trainable=False
    )
    if training:
      m, v = x.mean(0), x.var(0)
      vs.assign_moving_average(mean, m, decay)
      vs.assign_moving_average(var, v, decay)
    else:
      m, v = mean, var
    return gamma * (x - m) / jnp.sqrt(v + 1e-5) + beta


X = jnp.arange(12.0).reshape(4, 3)


@pytest.mark.slow
def test_batch_norm_statistics_change_in_training_not_in_evaluation():
  t = vs.transform(batch_norm)
  params = t.init(jax.random.PRNGKey(0), X, True)
  out, new = t.apply(params, X, True, mutable=True)
  np.testing.assert_allclose(new["bn"]["moving_mean"], 0.1 * X.mean(0), rtol=1e-6)
  np.testing.assert_allclose(new["bn"]["moving_variance"], 0.9 + 0.1 * X.var(0), rtol=1e-6)
  assert new["bn"]["gamma"] is params["bn"]["gamma"]  # untouched leaves shared
  assert float(params["bn"]["moving_mean"].sum()) == 0.0  # input not mutated
  _, same = t.apply(new, X, False, mutable=True)
  np.testing.assert_array_equal(same["bn"]["moving_mean"], new["bn"]["moving_mean"])
  assert out.shape == X.shape


def test_mutable_apply_works_under_jit_and_grad():
  t = vs.transform(batch_norm)
  params = t.init(jax.random.PRNGKey(0), X, True)

  @jax.jit
  def step(params):
    def loss(p):
      out, new = t.apply(p, X, True, mutable=True)
      return (out**2).mean(), new

    (l, new), g = jax.value_and_grad(loss, has_aux=True)(params)
    return l, new, g

  l, new, g = step(params)
  assert float(jnp.abs(new["bn"]["moving_mean"]).sum()) > 0
  assert g["bn"]["moving_mean"].shape == (3,)


def test_assign_without_mutable_is_an_error_naming_the_variable():
  t = vs.transform(batch_norm)
  params = t.init(jax.random.PRNGKey(0), X, True)
  with pytest.raises(
    ValueError,
    match=r"Variable bn/moving_mean is assigned inside apply, "
    r"but apply was not asked for updates.*mutable=True",
  ):
    t.apply(params, X, True)


def test_assign_errors():
  with pytest.raises(TypeError, match="the first argument must be a variable"):
    vs.assign(jnp.ones(2), 1.0)
  with pytest.raises(ValueError, match="no variable named nope"):
    vs.assign("nope", 1.0)
  v = vs.get_variable("v", [2])
  with pytest.raises(
    ValueError,
    match=r"variable v has shape \(2,\), but the new value has "
    r"shape \(3,\)",
  ):
    vs.assign(v, jnp.ones(3))
  np.testing.assert_array_equal(vs.assign(v, jnp.ones(2)), [1.0, 1.0])
  np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
  vs.assign_sub("v", 0.5)
  np.testing.assert_array_equal(v.numpy(), [0.5, 0.5])


def test_assign_by_name_and_compounding_in_one_trace():
  def fn():
    n = vs.get_variable("n", [], dtype=vs.int32, trainable=False)
    vs.assign_add(n, 2)
    vs.assign_add("n", 3)
    return n

  t = vs.transform(fn)
  params = t.init(jax.random.PRNGKey(0))
  read, new = t.apply(params, mutable=True)
  assert int(read) == 0 and int(new["n"]) == 5


@pytest.mark.slow
def test_next_rng_key_depends_on_rng_and_scope_only():
  def dropout(x, rate=0.5):
    keep = jax.random.bernoulli(vs.next_rng_key(), 1 - rate, x.shape)
    return jnp.where(keep, x / (1 - rate), 0.0)

  def model(x, extra):
    if extra:
      with vs.name_scope("unrelated"):
        vs.next_rng_key()
    with vs.name_scope("drop"):
      return dropout(x), dropout(x)

  t = vs.transform(model)
  params = t.init(jax.random.PRNGKey(0), jnp.ones(64), False)
  a1, a2 = t.apply(params, jnp.ones(64), False, rng=jax.random.PRNGKey(1))
  b1, b2 = t.apply(params, jnp.ones(64), True, rng=jax.random.PRNGKey(1))
  c1, _ = t.apply(params, jnp.ones(64), False, rng=jax.random.PRNGKey(2))
  np.testing.assert_array_equal(a1, b1)  # unrelated code does not shift keys
  np.testing.assert_array_equal(a2, b2)
  assert not np.array_equal(a1, a2)  # two calls in one scope differ
  assert not np.array_equal(a1, c1)  # the rng matters
  with pytest.raises(ValueError, match=r"next_rng_key\(\) needs a random key.*rng="):
    t.apply(params, jnp.ones(64), False)


def test_regularizers_inherited_on_creation_only():
  def fn():
    with vs.variable_scope("m", regularizer=vs.l2_regularizer(1.0)):
      vs.get_variable("w", [2], initializer=vs.ones_initializer())
      vs.get_variable("b", [2], initializer=vs.ones_initializer(), regularizer=vs.no_regularizer)
      with vs.variable_scope("inner"):
        vs.get_variable("u", [1], initializer=vs.ones_initializer())
    with vs.variable_scope("m", reuse=True):
      vs.get_variable("w", [2])
    return vs.get_regularization_loss(), vs.get_regularization_losses("m/inner")

  t = vs.transform(fn)
  total, inner = t.apply(t.init(jax.random.PRNGKey(0)))
  assert float(total) == pytest.approx(1.0 + 0.5)
  assert [float(x) for x in inner] == [0.5]
  assert vs.regularization_losses is vs.get_regularization_losses
  with pytest.raises(ValueError, match="less than 0"):
    vs.l2_regularizer(-1.0)


def test_ema_getter_returns_the_averages_and_errors_on_missing():
  def model(x):
    with vs.variable_scope("model"):
      return x @ vs.get_variable("w", [2, 2]) + vs.get_variable("b", [2])

  def eval_ema(x, averages, strict=True):
    with vs.variable_scope(
      "model", reuse=True, custom_getter=vs.ema_getter(averages, strict=strict)
    ):
      return x @ vs.get_variable("w", [2, 2]) + vs.get_variable("b", [2])

  params = vs.transform(model).init(jax.random.PRNGKey(0), jnp.ones((1, 2)))
  ema = {"model": {"w": jnp.eye(2), "b": jnp.zeros(2)}}
  out = vs.transform(eval_ema).apply(params, jnp.ones((1, 2)), ema)
  np.testing.assert_array_equal(out, [[1.0, 1.0]])
  with pytest.raises(ValueError, match=r"variable model/b has no moving average"):
    vs.transform(eval_ema).apply(params, jnp.ones((1, 2)), {"model": {"w": jnp.eye(2)}})
  out = vs.transform(eval_ema).apply(params, jnp.ones((1, 2)), {"model": {"w": jnp.eye(2)}}, False)
  np.testing.assert_allclose(out, jnp.ones((1, 2)) + params["model"]["b"])


@pytest.mark.slow
def test_cast_getter_bfloat16_keeps_float32_params_and_grads():
  def model(x):
    with vs.variable_scope("m", custom_getter=vs.cast_getter(jnp.bfloat16)):
      w = vs.get_variable("w", [2, 2])
      step = vs.get_variable("step", [], dtype=vs.int32, trainable=False)
    assert w.dtype == jnp.bfloat16 and step.dtype == jnp.int32
    return (x.astype(jnp.bfloat16) @ w).astype(jnp.float32).sum()

  t = vs.transform(model)
  params = t.init(jax.random.PRNGKey(0), jnp.ones((1, 2)))
  assert params["m"]["w"].dtype == jnp.float32
  trainable, state = vs.split(params, "m/w")
  g = jax.grad(lambda tr: t.apply(vs.merge(tr, state), jnp.ones((1, 2))))(trainable)
  assert g["m"]["w"].dtype == jnp.float32 and float(jnp.abs(g["m"]["w"]).sum()) > 0


def test_custom_getter_chain_innermost_first_and_argument_replaces():
  log = []

  def tag(name_tag):
    def g(getter, name, *a, **k):
      log.append(name_tag)
      return getter(name + "_" + name_tag, *a, **k)

    return g

  def fn():
    with vs.variable_scope("o", custom_getter=tag("outer")):
      with vs.variable_scope("i", custom_getter=tag("inner")):
        vs.get_variable("v", [])
        vs.get_variable("w", [], custom_getter=tag("arg"))

  params = vs.transform(fn).init(jax.random.PRNGKey(0))
  assert sorted(n for n, _ in vs.flatten_params(params)) == ["o/i/v_inner_outer", "o/i/w_arg"]
  assert log == ["inner", "outer", "arg"]
  with pytest.raises(ValueError, match="Passed a custom_getter which is not callable: 3"):
    vs.get_variable("x", [], custom_getter=3)


def test_templates_share_inside_transform():
  def dense(x):
    w = vs.get_variable("w", [x.shape[-1], 2])
    return x @ w

  def model(x):
    layer = vs.make_template("dense", dense)
    return layer(x) + layer(x)

  t = vs.transform(model)
  params = t.init(jax.random.PRNGKey(0), jnp.ones((1, 3)))
  assert list(params) == ["dense"]
  np.testing.assert_allclose(
    t.apply(params, jnp.ones((1, 3))), 2 * jnp.ones((1, 3)) @ params["dense"]["w"], rtol=1e-6
  )


def test_template_new_trainable_variable_after_first_call_is_an_error():
  def f():
    vs.Variable(0.0)
    return vs.get_variable("w", [1])

  t = vs.make_template("s", f)
  t()
  with pytest.raises(
    ValueError,
    match=r"^Trainable variable created when calling a "
    r"template after the first time",
  ):
    t()
  with pytest.raises(ValueError, match=r"^name cannot be None\."):
    vs.make_template(None, f)


def test_template_made_outside_the_model_works_in_every_trace():
  layer = vs.make_template("dense", lambda x: x @ vs.get_variable("w", [x.shape[-1], 2]))

  def model(x):
    return layer(x) + layer(x)  # first call creates, second reuses (per trace)

  t = vs.transform(model)
  p1 = t.init(jax.random.PRNGKey(0), jnp.ones((1, 3)))
  p2 = t.init(jax.random.PRNGKey(0), jnp.ones((1, 3)))  # a second trace: same again
  assert list(p1) == ["dense"] and np.array_equal(p1["dense"]["w"], p2["dense"]["w"])
  np.testing.assert_allclose(
    t.apply(p1, jnp.ones((1, 3))), 2 * jnp.ones((1, 3)) @ p1["dense"]["w"], rtol=1e-6
  )


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
