"""vs.nn behaviour the TF golden data cannot pin: random dropout, the size of the traced
program, cell objects shared across traces, gradients, and the scope in error messages."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

rnn_cell = vs.nn.rnn_cell
KEY = jax.random.PRNGKey(0)


@pytest.mark.slow
def test_traced_program_does_not_grow_with_sequence_length():
  def f(x, lengths):
    cell = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(8) for _ in range(2)])
    return vs.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=vs.float32)[0]

  t = vs.transform(f)
  params = t.init(KEY, jnp.ones((2, 5, 3)), jnp.array([5, 3]))
  sizes = [
    len(jax.make_jaxpr(t.apply)(params, jnp.ones((2, n, 3)), jnp.array([n, 1])).eqns)
    for n in (10, 100, 400)
  ]
  assert sizes[0] == sizes[1] == sizes[2]


@pytest.mark.slow
def test_jit_matches_op_by_op_and_grad_flows():
  def loss(x):
    out, state = vs.nn.dynamic_rnn(
      rnn_cell.GRUCell(4), x, dtype=vs.float32, sequence_length=jnp.array([3, 6])
    )
    return jnp.sum(out**2) + jnp.sum(state)

  t = vs.transform(loss)
  x = jax.random.normal(KEY, (2, 6, 3))
  params = t.init(KEY, x)
  np.testing.assert_allclose(jax.jit(t.apply)(params, x), t.apply(params, x), rtol=1e-6)
  grads = jax.jit(jax.grad(t.apply))(params, x)
  g = dict(vs.flatten_params(grads))
  assert set(g) == {
    "rnn/gru_cell/gates/kernel",
    "rnn/gru_cell/gates/bias",
    "rnn/gru_cell/candidate/kernel",
    "rnn/gru_cell/candidate/bias",
  }
  assert all(bool(jnp.isfinite(v).all()) and float(jnp.abs(v).sum()) > 0 for v in g.values())


@pytest.mark.slow
def test_cell_made_outside_the_model_works_in_every_trace_and_eagerly():
  cell = rnn_cell.LSTMCell(3)

  def f(x):
    return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]

  t = vs.transform(f)
  x = jnp.ones((2, 4, 5))
  params = t.init(KEY, x)
  assert sorted(n for n, _ in vs.flatten_params(params)) == [
    "rnn/lstm_cell/bias",
    "rnn/lstm_cell/kernel",
  ]
  out = t.apply(params, x)
  assert jax.jit(t.apply)(params, x).shape == out.shape == (2, 4, 3)
  with vs.Graph().as_default():
    f(x)
    assert list(vs.global_variables()) == ["rnn/lstm_cell/kernel", "rnn/lstm_cell/bias"]
    assert cell.scope_name == "rnn/lstm_cell"
    assert len(cell.variables) == 2


def _dropout_model(keep, variational=False):
  def f(x):
    kw = dict(variational_recurrent=True, dtype=vs.float32) if variational else {}
    cell = rnn_cell.DropoutWrapper(rnn_cell.LSTMCell(16), output_keep_prob=keep, **kw)
    return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]

  return vs.transform(f)


@pytest.mark.slow
def test_dropout_wrapper_drops_and_scales_with_fresh_masks_per_step():
  x = jax.random.normal(KEY, (4, 6, 3))
  params = _dropout_model(1.0).init(KEY, x)
  full = _dropout_model(1.0).apply(params, x)  # keep 1: no rng needed
  apply = jax.jit(_dropout_model(0.5).apply)
  dropped = apply(params, x, rng=jax.random.PRNGKey(3))
  kept = dropped != 0
  np.testing.assert_allclose(dropped[kept], full[kept] / 0.5, rtol=1e-6)
  assert 0.3 < float(kept.mean()) < 0.7
  masks = [kept[:, t] for t in range(6)]
  assert all(bool((masks[0] != m).any()) for m in masks[1:])  # a new mask each step
  again = apply(params, x, rng=jax.random.PRNGKey(3))
  np.testing.assert_array_equal(dropped, again)  # keys from the rng: reproducible
  other = apply(params, x, rng=jax.random.PRNGKey(4))
  assert bool((other != dropped).any())


@pytest.mark.slow
def test_variational_dropout_uses_one_mask_for_all_steps_and_rows():
  x = jax.random.normal(KEY, (4, 6, 3))
  t = _dropout_model(0.5, variational=True)
  params = t.init(KEY, x)
  out = t.apply(params, x, rng=jax.random.PRNGKey(5))
  kept = np.asarray(out != 0)
  assert (kept == kept[:1, :1]).all()  # TF's noise is [1, size]: same for rows and steps
  assert 0 < kept[0, 0].sum() < 16


def test_dropout_keep_prob_and_rate():
  t = vs.transform(lambda x: vs.nn.dropout(x, rate=0.25, noise_shape=[8, 1]))
  y = t.apply({}, jnp.ones((8, 5)), rng=KEY)
  rows = np.asarray(y)
  assert set(np.unique(rows).tolist()) <= {0.0, float(np.float32(1) / np.float32(0.75))}
  assert (rows == rows[:, :1]).all()  # noise_shape [8, 1]: whole rows kept or dropped
  x = jnp.arange(6.0)
  assert vs.transform(lambda x: vs.nn.dropout(x, keep_prob=1.0)).apply({}, x) is not None
  with pytest.raises(ValueError, match="Cannot specify both 'keep_prob' and 'rate'"):
    vs.nn.dropout(x, keep_prob=0.5, rate=0.5)


def test_errors_name_the_cell_scope():
  def rank3(x):
    with vs.variable_scope("enc"):
      cell = rnn_cell.GRUCell(3)
      return cell(x, cell.zero_state(2, vs.float32))

  with pytest.raises(
    ValueError, match=r"expected ndim=2, found ndim=3[\s\S]*variable scope 'enc/gru_cell'"
  ):
    vs.transform(rank3).init(KEY, jnp.ones((2, 4, 3)))

  def bad_lengths(x):
    return vs.nn.static_rnn(
      rnn_cell.GRUCell(3),
      [x, x],
      dtype=vs.float32,
      sequence_length=jnp.array([1, 2, 2]),
      scope="dec",
    )

  with pytest.raises(
    ValueError, match=r"static_rnn \(scope 'dec'\): sequence_length has shape \(3,\)"
  ):
    vs.transform(bad_lengths).init(KEY, jnp.ones((2, 3)))

  def bad_state(x):
    cell = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(3), rnn_cell.LSTMCell(3)])
    state = (rnn_cell.LSTMStateTuple(jnp.zeros((2, 3)), jnp.zeros((2, 3))), jnp.zeros((2, 3)))
    return vs.nn.dynamic_rnn(cell, x, initial_state=state, scope="lm")

  with pytest.raises(TypeError, match=r"dynamic_rnn \(scope 'lm'\): the state does not match"):
    vs.transform(bad_state).init(KEY, jnp.ones((2, 4, 3)))


def test_state_tuple_dtype_and_zero_state():
  s = rnn_cell.LSTMStateTuple(jnp.zeros(2, jnp.float16), jnp.zeros(2))
  with pytest.raises(TypeError, match="Inconsistent dtypes for internal state"):
    s.dtype
  z = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(3), rnn_cell.GRUCell(2)]).zero_state(4, vs.float32)
  assert isinstance(z[0], rnn_cell.LSTMStateTuple)
  assert jax.tree.map(jnp.shape, z) == (rnn_cell.LSTMStateTuple((4, 3), (4, 3)), (4, 2))


def test_user_subclass_without_super_init_gets_a_clear_error():
  class Bad(rnn_cell.RNNCell):
    def __init__(self):
      pass

    state_size = output_size = 2

    def call(self, inputs, state):
      return state, state

  with pytest.raises(TypeError, match="did not call super"):
    Bad()(jnp.ones((1, 2)), jnp.ones((1, 2)))


def test_every_public_nn_name_has_an_example():
  import inspect

  for module in (vs.nn, vs.nn.rnn_cell):
    names = [n for n in module.__all__ if not inspect.ismodule(getattr(module, n))]
    missing = [n for n in names if ">>>" not in (getattr(module, n).__doc__ or "")]
    assert missing == [], (module.__name__, missing)


@pytest.mark.slow
def test_jitted_program_is_a_hand_written_scan():
  """The step-0 call that makes the variables is dead code that XLA drops: the compiled
  program costs exactly what one hand-written lax.scan LSTM costs."""

  def hand(params, x):
    def body(carry, x_t):
      c, h = carry
      z = jnp.concatenate([x_t, h], 1) @ params["kernel"] + params["bias"]
      i, j, f, o = jnp.split(z, 4, axis=1)
      c = jax.nn.sigmoid(f + 1.0) * c + jax.nn.sigmoid(i) * jnp.tanh(j)
      h = jnp.tanh(c) * jax.nn.sigmoid(o)
      return (c, h), h

    zeros = jnp.zeros((x.shape[0], 8))
    return jnp.sum(jax.lax.scan(body, (zeros, zeros), jnp.swapaxes(x, 0, 1))[1] ** 2)

  t = vs.transform(
    lambda x: jnp.sum(vs.nn.dynamic_rnn(rnn_cell.LSTMCell(8), x, dtype=vs.float32)[0] ** 2)
  )
  x = jax.random.normal(KEY, (4, 20, 3))
  params = t.init(KEY, x)
  hp = params["rnn"]["lstm_cell"]
  np.testing.assert_allclose(t.apply(params, x), hand(hp, x), rtol=1e-5)

  def cost(fn, p):
    compiled = jax.jit(jax.grad(fn)).lower(p, x).compile()
    c = compiled.cost_analysis()
    c = c[0] if isinstance(c, list) else c
    text = compiled.as_text()
    return c["flops"], text.count(" dot("), text.count(" while(")

  assert cost(t.apply, params) == cost(hand, hp)
