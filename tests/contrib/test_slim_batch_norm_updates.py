"""tf_slim's ``batch_norm`` called two or three times in training mode in one trace
under ``reuse=True``: every call's update is taken, one after another, as TF's update
ops run in ``UPDATE_OPS`` order (golden: ``tests/golden/make_extension_points_golden.py``,
real tf_slim on TF)."""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax.contrib import slim

GOLDEN = json.load(
  open(os.path.join(os.path.dirname(__file__), "..", "golden", "extension_points.json"))
)
CASES = GOLDEN["slim_batch_norm_twice"]


def _disc(inputs, options):
  outs = []
  for i, x in enumerate(inputs):
    with vs.variable_scope("disc", reuse=True if i else None):
      outs.append(slim.batch_norm(x, is_training=True, **options))
  return outs


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_slim_updates_compose_in_jitted_apply(case):
  inputs = [jnp.asarray(x, jnp.float32) for x in case["inputs"]]
  t = vs.transform(lambda *xs: _disc(xs, case["options"]))
  params = t.init(jax.random.PRNGKey(0), *inputs)
  outs, new_params = jax.jit(lambda p, *xs: t.apply(p, *xs, mutable=True))(params, *inputs)
  for got, want in zip(outs, case["outputs"]):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)
  stats = {n: v for n, v in vs.flatten_params(new_params) if "BatchNorm/moving" in n}
  assert sorted(stats) == sorted(case["stats"])
  for name, want in case["stats"].items():
    np.testing.assert_allclose(
      np.asarray(stats[name]), np.asarray(want), rtol=1e-6, atol=1e-7, err_msg=name
    )
