"""The BERT port's jitted train step is the hand-written JAX step, equation for equation.

``benchmarks/bert_models.py`` holds both: the varscope_jax port (``examples/bert/modeling.py``
under ``vs.transform``) and the same BERT written by hand on the params dict. Their step
(forward + ``jax.grad`` + SGD) is compared as a jaxpr structure: the primitives in order
with their output shapes and dtypes, then the whole text with variable and function names
normalised. A tiny BERT (2 layers, hidden 32) keeps the test fast; the benchmark times
BERT-Base.
"""
import os
import sys

import jax
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "benchmarks"))
import bert_models  # noqa: E402
from test_jaxpr_equal import _normalise, _primitives  # noqa: E402

NAMES = ("step", "apply", "forward", "loss")


def _models():
  ours, hand = bert_models.build("varscope", "tiny"), bert_models.build("jax", "tiny")
  inputs = bert_models.example_inputs("tiny", batch=2, seq=8)
  params = ours.init(jax.random.PRNGKey(0), *inputs)
  return ours, hand, params, inputs


def test_hand_written_bert_reads_the_same_params_tree():
  ours, hand, params, inputs = _models()
  hand_params = jax.eval_shape(hand.init, jax.random.PRNGKey(0), *inputs)
  assert jax.tree_util.tree_structure(hand_params) == jax.tree_util.tree_structure(params)
  for a, b in zip(jax.jit(ours.apply)(params, *inputs), jax.jit(hand.apply)(params, *inputs)):
    np.testing.assert_array_equal(a, b)


def test_jitted_apply_and_train_step_have_the_hand_written_jaxpr():
  ours, hand, params, inputs = _models()
  for wrap in (lambda apply: apply, bert_models.make_step):
    mine = jax.make_jaxpr(jax.jit(wrap(ours.apply)))(params, *inputs)
    theirs = jax.make_jaxpr(jax.jit(wrap(hand.apply)))(params, *inputs)
    assert _primitives(mine.jaxpr) == _primitives(theirs.jaxpr)
    # printed line breaks depend on the length of the function's name: compare tokens
    assert _normalise(mine, NAMES).split() == _normalise(theirs, NAMES).split()
