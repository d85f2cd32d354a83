"""``vs.layers`` models' jitted train steps are the hand-written JAX steps, equation for equation.

``benchmarks/bert_models.py`` and ``benchmarks/cnn_models.py`` hold both versions of each
model: varscope_jax code (the BERT port of ``examples/bert/modeling.py``; a CNN of
``vs.layers.conv2d`` / ``batch_normalization`` / ``max_pooling2d`` / ``dense``) and the same
model written by hand on the params dict. Their jitted steps are compared as jaxprs, as
data (primitives, parameters, avals and the dataflow between equations; ``_structure`` of
``tests/transform/test_jaxpr_equal.py``), not as printed text. A tiny BERT (2 layers, hidden 32) keeps the test fast; the
benchmarks time BERT-Base.
"""

import os
import sys

import jax
import numpy as np
import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(TESTS), "benchmarks"))
import bert_models  # noqa: E402
import cnn_models  # noqa: E402
from tests.transform.test_jaxpr_equal import _structure  # noqa: E402


def _assert_same_jaxpr(mine, theirs):
  assert _structure(mine.jaxpr) == _structure(theirs.jaxpr)


def _bert():
  ours, hand = bert_models.build("varscope", "tiny"), bert_models.build("jax", "tiny")
  inputs = bert_models.example_inputs("tiny", batch=2, seq=8)
  params = ours.init(jax.random.PRNGKey(0), *inputs)
  return ours, hand, params, inputs


@pytest.mark.slow
def test_hand_written_bert_reads_the_same_params_tree():
  ours, hand, params, inputs = _bert()
  hand_params = jax.eval_shape(hand.init, jax.random.PRNGKey(0), *inputs)
  assert jax.tree_util.tree_structure(hand_params) == jax.tree_util.tree_structure(params)
  for a, b in zip(jax.jit(ours.apply)(params, *inputs), jax.jit(hand.apply)(params, *inputs)):
    np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_bert_jitted_apply_and_train_step_have_the_hand_written_jaxpr():
  ours, hand, params, inputs = _bert()
  for wrap in (lambda apply: apply, bert_models.make_step):
    _assert_same_jaxpr(
      jax.make_jaxpr(jax.jit(wrap(ours.apply)))(params, *inputs),
      jax.make_jaxpr(jax.jit(wrap(hand.apply)))(params, *inputs),
    )


@pytest.mark.slow
def test_cnn_with_batch_norm_train_step_has_the_hand_written_jaxpr():
  ours, hand = cnn_models.build("varscope"), cnn_models.build("jax")
  x, y = cnn_models.example_input(batch=4), cnn_models.example_labels(batch=4)
  params = ours.init(jax.random.PRNGKey(0), x)
  hand_params = jax.eval_shape(hand.init, jax.random.PRNGKey(0), x)
  assert jax.tree_util.tree_structure(hand_params) == jax.tree_util.tree_structure(params)
  _assert_same_jaxpr(
    jax.make_jaxpr(jax.jit(ours.apply))(params, x), jax.make_jaxpr(jax.jit(hand.apply))(params, x)
  )
  steps = [cnn_models.make_step(m.extra["train_apply"]) for m in (ours, hand)]
  _assert_same_jaxpr(*(jax.make_jaxpr(jax.jit(s))(params, x, y) for s in steps))
  # the training forward pass: same logits and the same updated moving statistics
  (a, pa), (b, pb) = (jax.jit(m.extra["train_apply"])(params, x) for m in (ours, hand))
  np.testing.assert_array_equal(a, b)
  jax.tree_util.tree_map(np.testing.assert_array_equal, pa, pb)
  assert not np.array_equal(pa["cnn"]["bn0"]["moving_mean"], params["cnn"]["bn0"]["moving_mean"])
