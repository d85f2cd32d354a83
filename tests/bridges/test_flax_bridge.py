"""Flax both ways: ``flax_module`` (Flax inside scopes), ``to_linen`` and ``to_nnx``.

Flax's own ``init`` / ``apply`` (and NNX's own modules) are the reference numbers.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import varscope_jax as vs
from varscope_jax._src.base.keys import variable_key

nn = pytest.importorskip("flax.linen")
nnx = pytest.importorskip("flax.nnx")

KEY = jax.random.PRNGKey(0)
X = jax.random.normal(jax.random.PRNGKey(42), (8, 3))


class Block(nn.Module):
  @nn.compact
  def __call__(self, x, train):
    x = nn.Dense(5)(x)
    x = nn.BatchNorm(use_running_average=not train, momentum=0.9)(x)
    x = nn.Dropout(0.5, deterministic=not train)(x)
    return nn.Dense(2)(x)


def encoder(x, train):
  with vs.variable_scope("enc"):
    h = vs.flax_module(nn.Dense(4), name="head")(x)
    return vs.flax_module(Block(), name="block")(h, train)


def shapes(tree):
  return jax.tree_util.tree_map(jnp.shape, tree)


def allclose(a, b, **kw):
  jax.tree_util.tree_map(lambda u, v: np.testing.assert_allclose(u, v, **kw), a, b)


# ---------------------------------------------------------------- flax_module: linen
@pytest.mark.slow
def test_linen_names_trainable_and_collections():
  t = vs.transform(encoder)
  specs = t.specs(X, True)
  assert list(specs) == [
    "enc/head/kernel",
    "enc/head/bias",
    "enc/block/Dense_0/kernel",
    "enc/block/Dense_0/bias",
    "enc/block/BatchNorm_0/scale",
    "enc/block/BatchNorm_0/bias",
    "enc/block/Dense_1/kernel",
    "enc/block/Dense_1/bias",
    "enc/block/BatchNorm_0/mean",
    "enc/block/BatchNorm_0/var",
  ]
  assert [n for n, s in specs.items() if not s.trainable] == [
    "enc/block/BatchNorm_0/mean",
    "enc/block/BatchNorm_0/var",
  ]
  assert specs["enc/block/BatchNorm_0/mean"].collections == ("variables", "batch_stats")
  assert specs["enc/head/kernel"].collections == ("variables", "trainable_variables")
  params = t.init(KEY, X, True)
  assert shapes(params["enc"]["head"]) == {"kernel": (3, 4), "bias": (4,)}


@pytest.mark.slow
def test_linen_initial_values_are_flax_init_with_the_variables_key():
  """Leaf L = module.init(fold_in(rng, stable_hash(L)), zeros)[collection][path]."""
  params = vs.transform(encoder).init(KEY, X, True)
  k = variable_key(KEY, "enc/head/kernel")
  np.testing.assert_allclose(
    params["enc"]["head"]["kernel"], nn.Dense(4).init(k, X)["params"]["kernel"], rtol=1e-6
  )
  h = jnp.zeros((8, 4))
  for col, path in [
    ("params", ("Dense_0", "kernel")),
    ("params", ("Dense_1", "kernel")),
    ("batch_stats", ("BatchNorm_0", "var")),
  ]:
    ref = Block().init(variable_key(KEY, "enc/block/" + "/".join(path)), h, False)
    np.testing.assert_allclose(
      vs.lookup(params, "enc/block/" + "/".join(path)), ref[col][path[0]][path[1]], rtol=1e-6
    )
  # Reproducible; jax.jit(init) gives the same values.
  allclose(params, vs.transform(encoder).init(KEY, X, True), rtol=0)
  jitted = jax.jit(lambda k, x: vs.transform(encoder).init(k, x, True))(KEY, X)
  allclose(params, jitted, rtol=1e-6)


def _flax_variables(params):
  blk = params["enc"]["block"]
  return {
    "params": {k: v for k, v in blk.items() if k != "BatchNorm_0"}
    | {"BatchNorm_0": {"scale": blk["BatchNorm_0"]["scale"], "bias": blk["BatchNorm_0"]["bias"]}},
    "batch_stats": {
      "BatchNorm_0": {"mean": blk["BatchNorm_0"]["mean"], "var": blk["BatchNorm_0"]["var"]}
    },
  }


@pytest.mark.slow
def test_linen_output_and_batch_stats_equal_flax_apply():
  t = vs.transform(encoder)
  params = t.init(KEY, X, True)
  h = nn.Dense(4).apply({"params": params["enc"]["head"]}, X)
  variables = _flax_variables(params)
  # Evaluation: no rng, no updates.
  ref = Block().apply(variables, h, False)
  np.testing.assert_allclose(t.apply(params, X, False), ref, rtol=1e-6)
  # Training: dropout's key is next_rng_key() of scope enc/block (as the params stream).
  rng = jax.random.PRNGKey(7)
  out, new = t.apply(params, X, True, rng=rng, mutable=True)
  module_key = variable_key(rng, "enc/block#0")
  ref, updates = Block().apply(
    variables, h, True, rngs={"params": module_key}, mutable=["batch_stats"]
  )
  np.testing.assert_allclose(out, ref, rtol=1e-6)
  allclose(
    new["enc"]["block"]["BatchNorm_0"]["mean"],
    updates["batch_stats"]["BatchNorm_0"]["mean"],
    rtol=1e-6,
  )
  assert new["enc"]["block"]["Dense_0"]["kernel"] is params["enc"]["block"]["Dense_0"]["kernel"]
  assert not np.allclose(
    new["enc"]["block"]["BatchNorm_0"]["var"], params["enc"]["block"]["BatchNorm_0"]["var"]
  )


@pytest.mark.slow
def test_linen_batch_stats_need_mutable_and_dropout_needs_rng():
  t = vs.transform(encoder)
  params = t.init(KEY, X, True)
  with pytest.raises(
    ValueError,
    match=r"Variable enc/block/BatchNorm_0/mean is assigned "
    r"inside apply, but apply was not asked for updates",
  ):
    t.apply(params, X, True, rng=KEY)
  with pytest.raises(
    ValueError,
    match=r"flax_module: Block asks for a random key .*"
    r"Pass it: apply\(params, \.\.\., rng=",
  ):
    t.apply(params, X, True, mutable=True)


def test_linen_default_names_are_unique_like_tf_layers():
  def model(x):
    x = vs.flax_module(nn.Dense(3))(x)
    x = vs.flax_module(nn.Dense(3))(x)
    x = vs.flax_module(nn.LayerNorm())(x)
    return vs.flax_module(nn.Dense(3, name="out"))(x)

  names = list(vs.transform(model).specs(X))
  assert names == [
    "dense/kernel",
    "dense/bias",
    "dense_1/kernel",
    "dense_1/bias",
    "layer_norm/scale",
    "layer_norm/bias",
    "out/kernel",
    "out/bias",
  ]


def test_linen_reuse_shares_and_tf_errors():
  def shared(x):
    with vs.variable_scope("tower"):
      a = vs.flax_module(nn.Dense(4), name="fc")(x)
    with vs.variable_scope("tower", reuse=True):
      b = vs.flax_module(nn.Dense(4), name="fc")(x)
    return a, b

  t = vs.transform(shared)
  params = t.init(KEY, X)
  assert [n for n, _ in vs.flatten_params(params)] == ["tower/fc/kernel", "tower/fc/bias"]
  a, b = t.apply(params, X)
  np.testing.assert_array_equal(a, b)

  def wrong_shape(x):
    with vs.variable_scope("tower"):
      vs.flax_module(nn.Dense(4), name="fc")(x)
    with vs.variable_scope("tower", reuse=True):
      vs.flax_module(nn.Dense(5), name="fc")(x)

  with pytest.raises(
    ValueError,
    match=r"^Trying to share variable tower/fc/kernel, but "
    r"specified shape \(3, 5\) and found shape \(3, 4\)\.",
  ):
    vs.transform(wrong_shape).init(KEY, X)

  def twice(x):
    vs.flax_module(nn.Dense(4), name="fc")(x)
    vs.flax_module(nn.Dense(4), name="fc")(x)

  with pytest.raises(
    ValueError,
    match=r"^Variable fc/kernel already exists, disallowed\. "
    r"Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope\?",
  ):
    vs.transform(twice).init(KEY, X)

  def missing(x):
    with vs.variable_scope("tower", reuse=True):
      vs.flax_module(nn.Dense(4), name="fc")(x)

  with pytest.raises(
    ValueError,
    match=r"^Variable tower/fc/kernel does not exist, or was "
    r"not created with tf.get_variable\(\)\.",
  ):
    vs.transform(missing).init(KEY, X)


def test_linen_in_a_template_is_shared():
  tower = vs.make_template("tower", lambda x: vs.flax_module(nn.Dense(4))(x))
  t = vs.transform(lambda x: (tower(x), tower(x)))
  params = t.init(KEY, X)
  assert [n for n, _ in vs.flatten_params(params)] == ["tower/dense/kernel", "tower/dense/bias"]
  a, b = t.apply(params, X)
  np.testing.assert_array_equal(a, b)


def test_linen_variables_pass_through_custom_getters():
  seen = []

  def getter(getter, name, *args, **kwargs):
    seen.append(name)
    return getter(name, *args, **kwargs)

  def model(x):
    with vs.variable_scope("m", custom_getter=getter):
      return vs.flax_module(nn.Dense(2), name="fc")(x)

  vs.transform(model).init(KEY, X)
  assert seen == ["m/fc/kernel", "m/fc/bias"]


def test_linen_in_the_eager_default_graph():
  vs.set_random_seed(3)
  y = vs.flax_module(nn.Dense(2), name="fc")(X)
  variables = vs.global_variables()
  assert list(variables) == ["fc/kernel", "fc/bias"]
  ref = nn.Dense(2).apply(
    {"params": {"kernel": variables["fc/kernel"], "bias": variables["fc/bias"]}}, X
  )
  np.testing.assert_allclose(y, ref, rtol=1e-6)
  np.testing.assert_allclose(
    variables["fc/kernel"],
    nn.Dense(2).init(variable_key(3, "fc/kernel"), X)["params"]["kernel"],
    rtol=1e-6,
  )


@pytest.mark.slow
def test_linen_jit_grad_and_training():
  def model(x, train):
    return vs.flax_module(Block(), name="block")(x, train)

  t = vs.transform(model)
  params = t.init(KEY, X, True)
  y = X.sum(-1, keepdims=True) * jnp.ones((1, 2))
  trainable, state = vs.split_by_names(
    params, [n for n, s in t.specs(X, True).items() if s.trainable]
  )
  opt = optax.adam(0.05)
  opt_state = opt.init(trainable)

  @jax.jit
  def step(trainable, state, opt_state, rng):
    def loss(tr):
      out, new = t.apply(vs.merge(tr, state), X, True, rng=rng, mutable=True)
      return jnp.mean((out - y) ** 2), new

    (l, new), g = jax.value_and_grad(loss, has_aux=True)(trainable)
    updates, opt_state = opt.update(g, opt_state)
    _, new_state = vs.split_by_names(new, list(dict(vs.flatten_params(trainable))))
    return optax.apply_updates(trainable, updates), new_state, opt_state, l

  losses = []
  for i in range(8):
    trainable, state, opt_state, l = step(trainable, state, opt_state, jax.random.PRNGKey(i))
    losses.append(float(l))
  assert losses[-1] < losses[0]
  assert float(jnp.abs(state["block"]["BatchNorm_0"]["mean"]).sum()) > 0
  out = jax.jit(lambda p, x: t.apply(p, x, False))(vs.merge(trainable, state), X)
  np.testing.assert_allclose(
    out, t.apply(vs.merge(trainable, state), X, False), rtol=1e-5, atol=1e-6
  )


def test_flax_module_bad_input():
  with pytest.raises(TypeError, match="expects a flax.linen Module, an nnx.Module class"):
    vs.flax_module(lambda x: x)
  with pytest.raises(TypeError, match="constructor arguments are only for an NNX"):
    vs.flax_module(nn.Dense(2), 3)
  with pytest.raises(TypeError, match="do not pass rngs="):
    vs.flax_module(nnx.Linear, 3, 2, rngs=nnx.Rngs(0))

  class Clash(nn.Module):
    @nn.compact
    def __call__(self, x):
      self.param("w", nn.initializers.zeros, (1,))
      self.variable("stats", "w", jnp.zeros, (1,))
      return x

  with pytest.raises(ValueError, match="has variable 'w' in both collection 'params' and 'stats'"):
    vs.transform(lambda x: vs.flax_module(Clash(), name="c")(x)).init(KEY, X)


# ------------------------------------------------------------------ flax_module: NNX
class NBlock(nnx.Module):
  def __init__(self, din, dout, *, rngs):
    self.lin = nnx.Linear(din, dout, rngs=rngs)
    self.bn = nnx.BatchNorm(dout, momentum=0.9, rngs=rngs)
    self.drop = nnx.Dropout(0.5, rngs=rngs)

  def __call__(self, x, train):
    x = self.bn(self.lin(x), use_running_average=not train)
    return self.drop(x, deterministic=not train)


@pytest.mark.slow
def test_nnx_class_names_values_and_output():
  def model(x, train):
    with vs.variable_scope("enc"):
      return vs.flax_module(NBlock, 3, 4, name="blk")(x, train)

  t = vs.transform(model)
  specs = t.specs(X, True)
  assert sorted(specs) == [
    "enc/blk/bn/bias",
    "enc/blk/bn/mean",
    "enc/blk/bn/scale",
    "enc/blk/bn/var",
    "enc/blk/lin/bias",
    "enc/blk/lin/kernel",
  ]
  assert {n for n, s in specs.items() if not s.trainable} == {"enc/blk/bn/mean", "enc/blk/bn/var"}
  assert specs["enc/blk/bn/mean"].collections == ("variables", "batch_stat")
  params = t.init(KEY, X, True)
  ref = NBlock(3, 4, rngs=nnx.Rngs(variable_key(KEY, "enc/blk/lin/kernel")))
  np.testing.assert_allclose(params["enc"]["blk"]["lin"]["kernel"], ref.lin.kernel[...], rtol=1e-6)
  # The same weights in NNX's own module give the same output and batch statistics.
  own = NBlock(3, 4, rngs=nnx.Rngs(0))
  blk = params["enc"]["blk"]
  for sub, leaves in blk.items():
    for leaf, value in leaves.items():
      getattr(getattr(own, sub), leaf)[...] = value
  np.testing.assert_allclose(t.apply(params, X, False), own(X, False), rtol=1e-6)
  out, new = t.apply(params, X, True, rng=KEY, mutable=True)
  own_out = own.drop(own.bn(own.lin(X)), deterministic=True)
  kept = np.asarray(out) != 0
  np.testing.assert_allclose(np.asarray(out)[kept], 2 * np.asarray(own_out)[kept], rtol=1e-5)
  np.testing.assert_allclose(new["enc"]["blk"]["bn"]["mean"], own.bn.mean[...], rtol=1e-6)
  with pytest.raises(ValueError, match="NBlock asks for a random key"):
    t.apply(params, X, True, mutable=True)


def test_nnx_instance_gives_its_values():
  inst = nnx.Linear(3, 2, rngs=nnx.Rngs(5))
  t = vs.transform(lambda x: vs.flax_module(inst, name="lin")(x))
  params = t.init(KEY, X)
  np.testing.assert_array_equal(params["lin"]["kernel"], inst.kernel[...])
  np.testing.assert_allclose(t.apply(params, X), inst(X), rtol=1e-6)


# -------------------------------------------------------------------------- to_linen
def tf_block(x, training):
  """A TF1-style block with batch norm (assign_moving_average) and dropout."""
  with vs.variable_scope("head"):
    w = vs.get_variable("w", [x.shape[-1], 3])
    b = vs.get_variable("b", [3], initializer=vs.zeros_initializer())
    x = x @ w + b
  with vs.variable_scope("bn"):
    mean = vs.get_variable("moving_mean", [3], trainable=False, initializer=vs.zeros_initializer())
    if training:
      vs.assign_moving_average(mean, x.mean(0), 0.9)
      keep = jax.random.bernoulli(vs.next_rng_key(), 0.8, x.shape)
      x = jnp.where(keep, x / 0.8, 0.0)
      return x - x.mean(0)
    return x - mean


class LinenModel(nn.Module):
  @nn.compact
  def __call__(self, x, training):
    x = nn.Dense(4)(x)
    x = vs.to_linen(tf_block, name="tf")(x, training)
    return nn.Dense(1)(x)


@pytest.mark.slow
def test_to_linen_names_and_values():
  variables = LinenModel().init({"params": KEY, "dropout": KEY}, X, True)
  assert shapes(variables) == {
    "params": {
      "Dense_0": {"kernel": (3, 4), "bias": (4,)},
      "tf": {"head": {"w": (4, 3), "b": (3,)}},
      "Dense_1": {"kernel": (3, 1), "bias": (1,)},
    },
    "batch_stats": {"tf": {"bn": {"moving_mean": (3,)}}},
  }
  # The part made by to_linen is transform(tf_block).init with some key: same rule.
  w = variables["params"]["tf"]["head"]["w"]
  assert float(jnp.std(w)) > 0
  # Evaluation equals Flax's Dense layers around transform(tf_block).apply.
  p = variables["params"]
  h = nn.Dense(4).apply({"params": p["Dense_0"]}, X)
  tf_vars = vs.merge(p["tf"], variables["batch_stats"]["tf"])
  h = vs.transform(tf_block).apply(tf_vars, h, False)
  ref = nn.Dense(1).apply({"params": p["Dense_1"]}, h)
  np.testing.assert_allclose(LinenModel().apply(variables, X, False), ref, rtol=1e-6)


@pytest.mark.slow
def test_to_linen_batch_stats_rngs_and_errors():
  variables = LinenModel().init({"params": KEY, "dropout": KEY}, X, True)
  rng = jax.random.PRNGKey(3)
  out, updates = LinenModel().apply(
    variables, X, True, rngs={"dropout": rng}, mutable=["batch_stats"]
  )
  out2, _ = LinenModel().apply(variables, X, True, rngs={"dropout": rng}, mutable=["batch_stats"])
  np.testing.assert_array_equal(out, out2)
  new_mean = updates["batch_stats"]["tf"]["bn"]["moving_mean"]
  assert float(jnp.abs(new_mean).sum()) > 0
  with pytest.raises(
    ValueError,
    match=r"to_linen: the function assigned variable "
    r"bn/moving_mean \(linen collection 'batch_stats'\), but this apply "
    r"does not make 'batch_stats' mutable",
  ):
    LinenModel().apply(variables, X, True, rngs={"dropout": rng})
  with pytest.raises(
    ValueError,
    match=r"to_linen\('tf_block'\): the function calls "
    r"vs.next_rng_key\(\), but no 'dropout' rng was given",
  ):
    LinenModel().apply(variables, X, True, mutable=["batch_stats"])


def test_to_linen_reuse_inside_fn_shares_one_variable():
  def siamese(a, b):
    with vs.variable_scope("tower"):
      fa = a @ vs.get_variable("w", [3, 2])
    with vs.variable_scope("tower", reuse=True):
      fb = b @ vs.get_variable("w", [3, 2])
    return fa - fb

  m = vs.to_linen(siamese)
  variables = m.init(KEY, X, X)
  assert shapes(variables) == {"params": {"tower": {"w": (3, 2)}}}
  np.testing.assert_allclose(m.apply(variables, X, X), jnp.zeros((8, 2)), atol=1e-6)


def test_to_linen_values_follow_the_package_rule():
  fn = lambda x: x @ vs.get_variable("w", [3, 2])  # noqa: E731
  m = vs.to_linen(fn)
  variables = m.init(KEY, X)

  # init = transform(fn).init(k) with k the module's make_rng("params").
  class Probe(nn.Module):  # the first params key of a root module
    @nn.compact
    def __call__(self):
      return self.make_rng("params")

  k, _ = Probe().init_with_output(KEY)
  allclose(variables["params"], vs.transform(fn).init(k, X), rtol=1e-6)
  np.testing.assert_allclose(m.apply(variables, X), X @ variables["params"]["w"], rtol=1e-6)
  allclose(variables, m.init(KEY, X), rtol=0)


def layer(x):
  with vs.variable_scope("fc"):
    w = vs.get_variable("w", [x.shape[-1], x.shape[-1]])
  return jnp.tanh(x @ w)


@pytest.mark.slow
def test_to_linen_under_nn_scan_and_nn_jit():
  class Stack(nn.Module):
    @nn.compact
    def __call__(self, x):
      scan = nn.scan(
        lambda m, c, _: (m(c), None),
        variable_axes={"params": 0},
        split_rngs={"params": True},
        length=3,
      )
      x, _ = scan(vs.to_linen(layer, name="layers"), x, None)
      return nn.jit(vs.ToLinen)(layer, name="last")(x)

  x = jnp.ones((2, 4))
  variables = Stack().init(KEY, x)
  assert shapes(variables) == {
    "params": {"layers": {"fc": {"w": (3, 4, 4)}}, "last": {"fc": {"w": (4, 4)}}}
  }
  ws = variables["params"]["layers"]["fc"]["w"]
  assert not np.allclose(ws[0], ws[1])
  ref = x
  for i in range(3):
    ref = jnp.tanh(ref @ ws[i])
  ref = jnp.tanh(ref @ variables["params"]["last"]["fc"]["w"])
  np.testing.assert_allclose(Stack().apply(variables, x), ref, rtol=1e-5)


@pytest.mark.slow
def test_to_linen_trains_with_optax():
  variables = LinenModel().init({"params": KEY, "dropout": KEY}, X, True)
  params, stats = variables["params"], variables["batch_stats"]
  y = X.sum(-1, keepdims=True)
  opt = optax.adam(0.03)
  opt_state = opt.init(params)

  @jax.jit
  def step(params, stats, opt_state, rng):
    def loss(p):
      out, upd = LinenModel().apply(
        {"params": p, "batch_stats": stats}, X, True, rngs={"dropout": rng}, mutable=["batch_stats"]
      )
      return jnp.mean((out - y) ** 2), upd["batch_stats"]

    (l, stats), g = jax.value_and_grad(loss, has_aux=True)(params)
    updates, opt_state = opt.update(g, opt_state)
    return optax.apply_updates(params, updates), stats, opt_state, l

  losses = []
  for i in range(10):
    params, stats, opt_state, l = step(params, stats, opt_state, jax.random.PRNGKey(i))
    losses.append(float(l))
  assert losses[-1] < losses[0]
  assert not np.allclose(params["tf"]["head"]["w"], variables["params"]["tf"]["head"]["w"])


# --------------------------------------------------------------------------- to_nnx
def test_to_nnx_state_types_names_and_call():
  model = vs.to_nnx(tf_block, X, True, rngs=nnx.Rngs(0))
  state = nnx.state(model)
  assert type(model.vars["head"]["w"]) is nnx.Param
  assert type(model.vars["bn"]["moving_mean"]) is nnx.BatchStat
  params = {
    "head": {"w": model.vars["head"]["w"][...], "b": model.vars["head"]["b"][...]},
    "bn": {"moving_mean": model.vars["bn"]["moving_mean"][...]},
  }
  np.testing.assert_allclose(
    params["head"]["w"],
    vs.transform(tf_block).init(nnx.Rngs(0).params(), X, True)["head"]["w"],
    rtol=1e-6,
  )
  np.testing.assert_allclose(
    model(X, False), vs.transform(tf_block).apply(params, X, False), rtol=1e-6
  )
  graphdef, state = nnx.split(model)
  again = nnx.merge(graphdef, state)
  np.testing.assert_allclose(again(X, False), model(X, False), rtol=1e-6)
  # Training mode updates the statistics in place and draws a fresh dropout key each call.
  a = model(X, True)
  assert float(jnp.abs(model.vars["bn"]["moving_mean"][...]).sum()) > 0
  b = model(X, True)
  assert not np.allclose(a, b)


@pytest.mark.slow
def test_to_nnx_trains_with_nnx_optimizer_under_nnx_jit():
  model = vs.to_nnx(tf_block, X, True, rngs=nnx.Rngs(0))
  y = X.sum(-1, keepdims=True) * jnp.ones((1, 3))
  opt = nnx.Optimizer(model, optax.adam(0.05), wrt=nnx.Param)
  before = model.vars["head"]["w"][...]

  @nnx.jit
  def step(model, opt):
    loss, grads = nnx.value_and_grad(lambda m: jnp.mean((m(X, True) - y) ** 2))(model)
    assert "bn" not in grads["vars"]  # batch statistics are not differentiated
    opt.update(model, grads)
    return loss

  losses = [float(step(model, opt)) for _ in range(10)]
  assert losses[-1] < losses[0]
  assert not np.allclose(before, model.vars["head"]["w"][...])
  assert float(jnp.abs(model.vars["bn"]["moving_mean"][...]).sum()) > 0


def test_to_nnx_bad_input():
  with pytest.raises(TypeError, match="to_nnx expects a function"):
    vs.to_nnx(3, rngs=nnx.Rngs(0))
  with pytest.raises(TypeError, match="state_type must be an nnx.Variable subclass"):
    vs.to_nnx(tf_block, X, True, rngs=nnx.Rngs(0), state_type=int)
  with pytest.raises(TypeError, match="rngs must be an nnx.Rngs"):
    vs.to_nnx(tf_block, X, True, rngs="seed")
  assert type(vs.to_nnx(tf_block, X, False, rngs=1).vars["head"]["w"]) is nnx.Param


# -------------------------------------------------------------------- both directions
@pytest.mark.slow
def test_flax_inside_tf_inside_linen_and_nnx():
  def tf_with_flax(x, train):
    with vs.variable_scope("enc"):
      x = vs.flax_module(nn.Dense(4), name="proj")(x)
      return vs.flax_module(nn.BatchNorm(use_running_average=not train), name="bn")(x)

  class Outer(nn.Module):
    @nn.compact
    def __call__(self, x, train):
      return vs.to_linen(tf_with_flax, name="tf")(x, train)

  variables = Outer().init(KEY, X, True)
  assert shapes(variables) == {
    "params": {
      "tf": {"enc": {"proj": {"kernel": (3, 4), "bias": (4,)}, "bn": {"scale": (4,), "bias": (4,)}}}
    },
    "batch_stats": {"tf": {"enc": {"bn": {"mean": (4,), "var": (4,)}}}},
  }
  out, upd = Outer().apply(variables, X, True, mutable=["batch_stats"])
  v = variables
  h = nn.Dense(4).apply({"params": v["params"]["tf"]["enc"]["proj"]}, X)
  ref, ref_upd = nn.BatchNorm(use_running_average=False).apply(
    {"params": v["params"]["tf"]["enc"]["bn"], "batch_stats": v["batch_stats"]["tf"]["enc"]["bn"]},
    h,
    mutable=["batch_stats"],
  )
  np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
  allclose(upd["batch_stats"]["tf"]["enc"]["bn"], ref_upd["batch_stats"], rtol=1e-6)

  model = vs.to_nnx(tf_with_flax, X, True, rngs=nnx.Rngs(0))
  assert type(model.vars["enc"]["bn"]["mean"]) is nnx.BatchStat
  assert type(model.vars["enc"]["bn"]["scale"]) is nnx.Param
  model(X, True)
  assert not np.allclose(model.vars["enc"]["bn"]["mean"][...], 0)


@pytest.mark.slow
def test_docs_flax_md_example_runs():
  import pathlib
  import re

  text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "flax.md").read_text()
  section = text[text.index("## In one example") :]
  block = re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]
  namespace = {}
  exec(compile(block, "docs/flax.md example", "exec"), namespace)
  assert sorted(namespace["variables"]["params"]["tf"]["enc"]) == ["bn", "proj", "w"]
  assert not np.allclose(namespace["updates"]["batch_stats"]["tf"]["enc"]["bn"]["mean"], 0)
