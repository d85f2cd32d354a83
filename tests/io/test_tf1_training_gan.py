"""Real TF1 training checkpoints of GAN / research code (tests/tf1_train/make_gan_ema.py):
moving averages of losses, two Adams, a step kept in a scope; and every fix an error
suggests, run.

``gan_ema``: load_tf1_checkpoint loads the model and reports the loss averages (and
EMA's zero-debias variables) on its one line; both Adams' states load. ``scoped_step``:
the count comes from ``model/global_step`` (``tf.train.get_global_step``'s rules), so the
resumed exponential-decay schedule gives TF's next step.
"""

import ast
import json
import logging
import os
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

DATA = os.path.join(
  os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tf1_train", "data"
)
GAN, SCOPED = os.path.join(DATA, "gan_ema"), os.path.join(DATA, "scoped_step")
EXPECTED = json.load(open(os.path.join(DATA, "gan_ema_expected.json")))
ARRAYS = dict(np.load(os.path.join(DATA, "gan_ema_expected.npz")))


def suggestions(message):
  """Every ``name=<python literal>`` an error message suggests, as keyword dicts."""
  out = []
  for m in re.finditer(
    r"\b(rename|optimizer_names|ema_strict|ema|strict|beta_powers|"
    r"global_step)=",
    message,
  ):
    rest = message[m.end() :]
    for end in range(len(rest), 0, -1):  # the longest prefix that is a literal
      try:
        value = ast.literal_eval(rest[:end])
      except (ValueError, SyntaxError):
        continue
      if not rest[end:].startswith(":"):  # "ema=True: ..." names the call, not a fix
        out.append({m.group(1): value})
      break
  return out


def _flat(params):
  return dict(vs.flatten_params(params))


def test_gan_checkpoint_loads_and_reports_the_loss_averages(caplog):
  with caplog.at_level(logging.WARNING, logger="varscope_jax"):
    params = vs.load_tf1_checkpoint(GAN)
  flat = _flat(params)
  assert sorted(flat) == sorted(EXPECTED["gan_ema"]["model_variables"] + ["global_step"])
  for name, value in flat.items():
    np.testing.assert_array_equal(np.asarray(value), ARRAYS["gan_ema|" + name])
  (line,) = [r.getMessage() for r in caplog.records]
  assert (
    "2 moving average(s) of values that are not variables (discriminator_loss/Mean, "
    "generator_loss/Mean)"
  ) in line
  assert "discriminator_loss/Mean/ExponentialMovingAverage/biased" in line
  listing = vs.list_tf1_checkpoint(GAN)
  for shadow in EXPECTED["gan_ema"]["loss_shadows"]:
    assert listing[shadow].kind == "value average"
    assert listing[shadow + "/local_step"].kind == "bookkeeping"
  assert sorted(listing) == sorted(n for n, _ in EXPECTED["gan_ema"]["list_variables"])


def test_gan_ema_restore_follows_the_suggestion():
  with pytest.raises(ValueError, match="have no ExponentialMovingAverage shadow") as e:
    vs.load_tf1_checkpoint(GAN, ema=True)
  (fix,) = suggestions(str(e.value))
  assert fix == {"ema_strict": False}
  flat = _flat(vs.load_tf1_checkpoint(GAN, ema=True, **fix))
  for var, shadow in EXPECTED["gan_ema"]["var_shadows"].items():
    np.testing.assert_array_equal(np.asarray(flat[var]), ARRAYS["gan_ema|" + shadow])
  np.testing.assert_array_equal(
    np.asarray(flat["discriminator/dense/kernel"]), ARRAYS["gan_ema|discriminator/dense/kernel"]
  )


def test_gan_two_adams_load_by_following_each_suggestion():
  params = vs.load_tf1_checkpoint(GAN)
  assert int(params.pop("global_step")) == EXPECTED["gan_ema"]["global_step"]
  tx = vs.tf1_optimizers.adam(2e-3, beta1=0.5)
  states = {}
  # The discriminator's Adam was made first: TF named its powers beta1_power/beta2_power.
  for net, pair in (("discriminator", 0), ("generator", 1)):
    sub = {net: params[net]}
    kwargs = {}
    for _ in range(3):
      try:
        states[net] = vs.load_tf1_optimizer_state(GAN, tx, sub, **kwargs)
        break
      except ValueError as e:
        fixes = suggestions(str(e))
        assert fixes, str(e)
        kwargs.update(fixes[pair] if "beta_powers" in fixes[0] else fixes[0])
    assert kwargs == {
      "strict": False,
      "beta_powers": (("beta1_power", "beta2_power"), ("beta1_power_1", "beta2_power_1"))[pair],
    }
    state = states[net]
    assert int(state.count) == EXPECTED["gan_ema"]["global_step"]
    for name, leaf in vs.flatten_params(state.m):
      np.testing.assert_array_equal(np.asarray(leaf), ARRAYS["gan_ema|%s/Adam" % name])
    for name, leaf in vs.flatten_params(state.v):
      np.testing.assert_array_equal(np.asarray(leaf), ARRAYS["gan_ema|%s/Adam_1" % name])
    np.testing.assert_array_equal(
      np.asarray(state.beta1_power), ARRAYS["gan_ema|" + kwargs["beta_powers"][0]]
    )


def test_scoped_global_step_resumes_the_schedule():
  exp = EXPECTED["scoped_step"]
  assert exp["tf_get_global_step"] == "model/global_step"
  params = vs.load_tf1_checkpoint(SCOPED)
  with pytest.raises(
    ValueError, match=re.escape("take it out first (step = params['model'].pop('global_step'))")
  ):
    vs.load_tf1_optimizer_state(SCOPED, vs.tf1_optimizers.adam(0.1), params)
  step = int(params["model"].pop("global_step"))
  lr = exp["lr"]
  schedule = lambda count: lr["initial"] * lr["decay_rate"] ** (count / lr["decay_steps"])
  tx = vs.tf1_optimizers.adam(schedule)
  state = vs.load_tf1_optimizer_state(SCOPED, tx, params)
  assert step == int(state.count) == exp["global_step"]
  flat = _flat(params)
  sizes = [flat[n].size for n in exp["variables"]]
  pieces = np.split(ARRAYS["scoped_step|grads"], np.cumsum(sizes)[:-1])
  grads = vs.unflatten_params(
    {n: jnp.asarray(p.reshape(flat[n].shape)) for n, p in zip(exp["variables"], pieces)}
  )
  updates, _ = tx.update(grads, state, params)
  new = _flat(jax.tree_util.tree_map(lambda p, u: p + u, params, updates))
  got = np.concatenate([np.asarray(new[n]).ravel() for n in exp["variables"]])
  np.testing.assert_allclose(got, ARRAYS["scoped_step|params"], rtol=1e-6, atol=1e-7)


def _save(tmp_path, name, tree):
  prefix = str(tmp_path / name / "model.ckpt")
  vs.save_tf1_checkpoint(prefix, tree)
  return prefix


W = np.ones((2,), np.float32)


def test_every_suggestion_of_the_checkpoint_errors_works(tmp_path):
  cases = {
    # an Adam slot of a variable the checkpoint lacks
    "orphan": ({"w": W, "x": {"Adam": W}}, {}),
    # a tensor under a variable with no optimizer's suffix
    "unknown": ({"w": W, "w/foo": W}, {}),
    # two moving averages, ema=True
    "two_emas": (
      {"w": W, "w/ExponentialMovingAverage": W, "w/MyEMA": W},
      {"ema": True, "optimizer_names": {"MyEMA": "ExponentialMovingAverage"}},
    ),
  }
  for name, (tree, kwargs) in cases.items():
    prefix = _save(tmp_path, name, tree)
    with pytest.raises(ValueError) as e:
      vs.load_tf1_checkpoint(prefix, **kwargs)
    fixes = suggestions(str(e.value))
    assert len(fixes) >= 2 or name == "two_emas" and len(fixes) == 2, (name, str(e.value))
    for fix in fixes:
      merged = dict(kwargs)
      if "optimizer_names" in fix and "optimizer_names" in merged:
        fix = {"optimizer_names": {**merged["optimizer_names"], **fix["optimizer_names"]}}
      merged.update(fix)
      params = vs.load_tf1_checkpoint(prefix, **merged)  # the fix works
      assert "w" in params, (name, fix)


def test_several_scoped_global_steps_follow_the_suggestion(tmp_path, caplog):
  tree = {
    "w": W,
    "w/Adam": W,
    "w/Adam_1": W,
    "beta1_power": np.float32(0.9),
    "beta2_power": np.float32(0.999),
    "a": {"global_step": np.int64(5)},
    "b": {"global_step": np.int64(7)},
  }
  prefix = _save(tmp_path, "steps", tree)
  params = {"w": jnp.ones(2)}
  tx = vs.tf1_optimizers.adam(0.1)
  with pytest.raises(ValueError, match="holds several global steps") as e:
    vs.load_tf1_optimizer_state(prefix, tx, params)
  (fix,) = suggestions(str(e.value))
  assert int(vs.load_tf1_optimizer_state(prefix, tx, params, **fix).count) == 5
  # No step at all: the count starts at 0, and a warning says so (never silently).
  prefix = _save(
    tmp_path,
    "nostep",
    {
      "w": W,
      "w/Adam": W,
      "w/Adam_1": W,
      "beta1_power": np.float32(0.9),
      "beta2_power": np.float32(0.999),
    },
  )
  with caplog.at_level(logging.WARNING, logger="varscope_jax"):
    assert int(vs.load_tf1_optimizer_state(prefix, tx, params).count) == 0
  assert "has no global step" in caplog.text
