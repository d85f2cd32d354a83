"""One batch-norm layer called twice (or more) in training mode in one trace: the moving
statistics take every call's update, one after another, as TF's ``UPDATE_OPS`` run in
order (golden: ``tests/golden/make_extension_points_golden.py``)."""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

GOLDEN = json.load(
  open(
    os.path.join(
      os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "golden", "extension_points.json"
    )
  )
)
CASES = GOLDEN["batch_norm_twice"]


def _disc(inputs, fused, momentum, training=True):
  outs = []
  for i, x in enumerate(inputs):
    with vs.variable_scope("disc", reuse=True if i else None):
      outs.append(
        vs.layers.batch_normalization(x, training=training, fused=fused, momentum=momentum)
      )
  return outs


def _check(case, outs, stats):
  for got, want in zip(outs, case["outputs"]):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)
  assert sorted(stats) == sorted(case["stats"])
  for name, want in case["stats"].items():
    np.testing.assert_allclose(
      np.asarray(stats[name]), np.asarray(want), rtol=1e-6, atol=1e-7, err_msg=name
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_updates_compose_in_jitted_apply(case):
  inputs = [jnp.asarray(x, jnp.float32) for x in case["inputs"]]
  t = vs.transform(lambda *xs: _disc(xs, case["fused"], case["momentum"]))
  params = t.init(jax.random.PRNGKey(0), *inputs)
  outs, new_params = jax.jit(lambda p, *xs: t.apply(p, *xs, mutable=True))(params, *inputs)
  stats = {
    name: value for name, value in dict(vs.flatten_params(new_params)).items() if "moving" in name
  }
  _check(case, outs, stats)
  assert len(vs.get_collection(vs.GraphKeys.UPDATE_OPS)) == 0  # the trace's graph is gone


@pytest.mark.parametrize("case", CASES[:2], ids=[c["name"] for c in CASES[:2]])
def test_updates_compose_with_traced_training(case):
  inputs = [jnp.asarray(x, jnp.float32) for x in case["inputs"]]
  t = vs.transform(
    lambda training, *xs: _disc(xs, case["fused"], case["momentum"], training=training)
  )
  params = t.init(jax.random.PRNGKey(0), True, *inputs)
  step = jax.jit(lambda p, training, *xs: t.apply(p, training, *xs, mutable=True))
  outs, new_params = step(params, jnp.asarray(True), *inputs)
  _check(
    case, outs, {n: v for n, v in dict(vs.flatten_params(new_params)).items() if "moving" in n}
  )
  _, frozen = step(params, jnp.asarray(False), *inputs)  # inference: nothing moves
  for name, value in dict(vs.flatten_params(frozen)).items():
    np.testing.assert_array_equal(value, dict(vs.flatten_params(params))[name])


@pytest.mark.parametrize("case", CASES[:1], ids=[c["name"] for c in CASES[:1]])
def test_updates_compose_in_the_eager_graph(case):
  vs.reset_default_graph()
  try:
    inputs = [jnp.asarray(x, jnp.float32) for x in case["inputs"]]
    outs = _disc(inputs, case["fused"], case["momentum"])
    stats = {n: a for n, a in vs.global_variables().items() if "moving" in n}
    _check(case, outs, stats)
  finally:
    vs.reset_default_graph()
