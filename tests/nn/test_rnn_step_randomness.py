"""Randomness drawn by a user-written cell inside an RNN driver: ``vs.next_rng_key()``
(and so ``vs.nn.dropout``) gives a new key at every time step, as TF draws a new mask at
each iteration of its while loop (golden statistics:
``tests/golden/make_extension_points_golden.py``)."""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.base.keys import variable_key

GOLDEN = json.load(
  open(
    os.path.join(
      os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "golden", "extension_points.json"
    )
  )
)["dropout_per_step"]


class DropCell(vs.nn.rnn_cell.RNNCell):
  """The golden program's cell: a dropout mask of ones at every step."""

  @property
  def state_size(self):
    return 1

  @property
  def output_size(self):
    return GOLDEN["depth"]

  def call(self, inputs, state):
    return vs.nn.dropout(jnp.ones_like(inputs), rate=0.5), state + 1.0


def _masks(driver, seed=0):
  x = jnp.zeros([GOLDEN["batch"], GOLDEN["steps"], GOLDEN["depth"]])

  def model(x):
    if driver == "dynamic_rnn":
      out, _ = vs.nn.dynamic_rnn(DropCell(), x, dtype=jnp.float32)
      return out
    outs, _ = vs.nn.static_rnn(DropCell(), list(jnp.moveaxis(x, 1, 0)), dtype=jnp.float32)
    return jnp.stack(outs, axis=1)

  t = vs.transform(model)
  params = t.init(jax.random.PRNGKey(0), x)
  out = jax.jit(lambda p, x, rng: t.apply(p, x, rng=rng))(params, x, jax.random.PRNGKey(seed))
  return np.asarray(out) > 0


@pytest.mark.slow
@pytest.mark.parametrize("driver", ["dynamic_rnn", "static_rnn"])
def test_a_new_mask_every_step_with_tf_statistics(driver):
  masks = _masks(driver)
  steps = masks.shape[1]
  same = sum(
    int((masks[:, i] == masks[:, j]).all()) for i in range(steps) for j in range(i + 1, steps)
  )
  assert same == GOLDEN["identical_step_pairs"] == 0
  # Kept fraction: 20,480 Bernoulli(0.5) draws, so a 4-sigma band is +-0.014.
  assert abs(masks.mean() - GOLDEN["kept_fraction"]) < 0.02
  assert abs(masks.mean() - 0.5) < 0.014
  per_step = masks.mean(axis=(0, 2))
  assert per_step.min() > 0.5 - 0.07 and per_step.max() < 0.5 + 0.07  # 4 sigma per step


@pytest.mark.slow
def test_masks_follow_the_rng():
  a, b, c = _masks("dynamic_rnn", 0), _masks("dynamic_rnn", 0), _masks("dynamic_rnn", 1)
  assert (a == b).all() and not (a == c).all()


def test_keys_outside_a_driver_are_unchanged():
  def two_keys():
    with vs.name_scope("d"):
      return vs.next_rng_key(), vs.next_rng_key()

  k1, k2 = vs.transform(two_keys).apply({}, rng=jax.random.PRNGKey(3))
  np.testing.assert_array_equal(
    np.asarray(k1), np.asarray(variable_key(jax.random.PRNGKey(3), "d#0"))
  )
  assert not np.array_equal(np.asarray(k1), np.asarray(k2))
