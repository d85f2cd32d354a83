"""TF1 training checkpoints: slots, EMA shadows, resuming with optax, writing back.

The data in ``tests/tf1_train/data`` was written by real TensorFlow (TF1 graph mode);
regenerate it with (needs TensorFlow; not a dependency)::

  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_train/make_tf1_training.py
  PYTHONPATH=$PWD python tests/tf1_train/make_roundtrip.py write
  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_train/make_roundtrip.py read
"""

import filecmp
import inspect
import json
import logging
import os
import re
import shutil
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import optax
import pytest

import varscope_jax as vs
from varscope_jax import tf1_optimizers

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(TESTS, "tf1_train", "data")
sys.path.insert(0, os.path.join(TESTS, "tf1_train"))
import make_roundtrip  # noqa: E402  (values only; no TensorFlow)

with open(os.path.join(DATA, "expected.json")) as f:
  CONFIGS = json.load(f)["configs"]
with np.load(os.path.join(DATA, "expected.npz")) as npz:
  EXPECTED = {k: npz[k] for k in npz.files}
VARIABLES = [
  ("model/fc1/w", (3, 4)),
  ("model/fc1/b", (4,)),
  ("model/fc2/w", (4, 2)),
  ("model/fc2/b", (2,)),
]
TRANSFORMS = {
  "AdamOptimizer": tf1_optimizers.adam,
  "FtrlOptimizer": tf1_optimizers.ftrl,
  "AdamWeightDecayOptimizer": tf1_optimizers.adam_weight_decay,
  "MomentumOptimizer": tf1_optimizers.momentum,
  "RMSPropOptimizer": tf1_optimizers.rmsprop,
  "AdagradOptimizer": tf1_optimizers.adagrad,
  "AdadeltaOptimizer": tf1_optimizers.adadelta,
  "GradientDescentOptimizer": tf1_optimizers.gradient_descent,
}
RESUMABLE = sorted(
  c for c, a in CONFIGS.items() if a["optimizer"] in TRANSFORMS and c != "two_adams"
)
NAMES = {"MyAdam": "Adam"}


def ckpt(config):
  return os.path.join(DATA, config, "model.ckpt")


def unpack(row):
  """A packed row of expected.npz as a params tree."""
  flat, i = {}, 0
  for name, shape in VARIABLES:
    size = int(np.prod(shape))
    flat[name] = jnp.asarray(row[i : i + size].reshape(shape))
    i += size
  return vs.unflatten_params(flat)


def tx_for(config):
  """The optax transform of a config, built from TF's own keyword arguments."""
  account = CONFIGS[config]
  return TRANSFORMS[account["optimizer"]](**account["kwargs"])


def run_tf_steps(config, params, state, tx, grads_rows):
  update = tx.update  # eager: tiny arrays, and no compile per config
  out = []
  for row in grads_rows:
    updates, state = update(unpack(row), state, params)
    params = optax.apply_updates(params, updates)
    out.append(params)
  return out, state


def assert_close_to_tf(config, got, rows, atol=1e-6):
  for step, params in enumerate(got):
    want = dict(vs.flatten_params(unpack(rows[step])))
    for name, value in vs.flatten_params(params):
      np.testing.assert_allclose(
        value, want[name], rtol=0, atol=atol, err_msg=f"{config} step {step} {name}"
      )


# ---------------------------------------------------------------------------
# Recognition by TF's naming rules.


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_every_tensor_is_classified_as_tf_made_it(config):
  account = CONFIGS[config]
  listing = vs.list_tf1_checkpoint(ckpt(config), optimizer_names=NAMES)
  assert sorted(listing) == sorted(account["tensors"])
  for name, info in listing.items():
    assert list(info.shape) == account["tensors"][name], name
    if name in account["slots"]:  # TF's opt.get_slot / ema.average_name
      want = account["slots"][name]
      assert (info.kind, info.variable, info.slot) == ("slot", want["variable"], want["slot"]), name
      expected_cls = (
        "ExponentialMovingAverage" if want["slot"] == "average" else account["optimizer"]
      )
      assert info.optimizer == expected_cls, name
    elif name in account["non_slots"] or name == "global_step":
      assert info.kind == "bookkeeping", name
    else:
      assert info.kind == "variable" and info.variable is None, name


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_load_returns_the_model_variables_and_says_what_it_left_out(config, caplog):
  with caplog.at_level(logging.WARNING, logger="varscope_jax"):
    params = vs.load_tf1_checkpoint(ckpt(config), optimizer_names=NAMES, as_numpy=True)
  flat = dict(vs.flatten_params(params))
  assert sorted(flat) == sorted([n for n, _ in VARIABLES] + ["global_step"])
  assert int(flat.pop("global_step")) == CONFIGS[config]["global_step"] == 3
  reader = vs.list_tf1_checkpoint(ckpt(config), optimizer_names=NAMES)
  left_out = [n for n, t in reader.items() if t.kind != "variable" and n != "global_step"]
  lines = [r.getMessage() for r in caplog.records]
  if left_out:
    assert len(lines) == 1 and "left out" in lines[0], lines
    for cls, what in [
      (CONFIGS[config]["optimizer"], "slots"),
      ("ExponentialMovingAverage", "shadows"),
    ]:
      count = sum(1 for n in left_out if reader[n].kind == "slot" and reader[n].optimizer == cls)
      if count:
        assert f"{count} {what} of {cls}" in lines[0], lines[0]
    for n in left_out:
      if reader[n].kind == "bookkeeping":
        assert n in lines[0]
  else:
    assert lines == []  # sgd: nothing to leave out, nothing said


def test_partitioned_slots_are_reassembled():
  listing = vs.list_tf1_checkpoint(ckpt("partitioned"))
  assert listing["model/fc1/w/Adam"].shape == (3, 4)
  assert listing["model/fc1/w/Adam"].variable == "model/fc1/w"
  params = vs.load_tf1_checkpoint(ckpt("partitioned"))
  state = vs.load_tf1_optimizer_state(
    ckpt("partitioned"), tx_for("partitioned"), {"model": params["model"]}
  )
  assert state.m["model"]["fc1"]["w"].shape == (3, 4)


# ---------------------------------------------------------------------------
# Resuming: 3 optax steps from the checkpoint equal TF's next 3 steps.


@pytest.mark.parametrize("config", RESUMABLE)
def test_resumed_steps_match_tf(config):
  params = vs.load_tf1_checkpoint(ckpt(config), optimizer_names=NAMES)
  step = int(params.pop("global_step"))
  tx = tx_for(config)
  state = vs.load_tf1_optimizer_state(ckpt(config), tx, params)
  assert int(state.count) == step == 3
  got, state = run_tf_steps(config, params, state, tx, EXPECTED[f"{config}|grads"])
  assert_close_to_tf(config, got, EXPECTED[f"{config}|params"])
  assert int(state.count) == 6
  if CONFIGS[config]["optimizer"] not in ("AdagradOptimizer", "FtrlOptimizer"):
    # Op by op (eager), TF's kernel arithmetic is reproduced bit for bit; Adagrad's rsqrt
    # and Ftrl's pow are Eigen's approximations (a few ulps).
    assert_close_to_tf(config, got, EXPECTED[f"{config}|params"], atol=0)


@pytest.mark.parametrize(
  "config,optax_tx",
  [
    ("adam", optax.adam(0.01, b1=0.9, b2=0.999, eps=1e-8)),
    ("rmsprop", optax.rmsprop(0.01, decay=0.9, eps=1e-10)),
    ("adagrad", optax.adagrad(0.1, initial_accumulator_value=0.5, eps=0.0)),
  ],
)
def test_optax_own_optimizers_do_not_resume_tf_runs(config, optax_tx):
  """Why the TF1 transforms exist: optax's own rules drift from TF's within 3 steps."""
  params = vs.load_tf1_checkpoint(ckpt(config))
  params.pop("global_step")
  state = optax_tx.init(params)  # optax state cannot hold TF's slots as they are
  got, _ = run_tf_steps(config, params, state, optax_tx, EXPECTED[f"{config}|grads"])
  with pytest.raises(AssertionError):
    assert_close_to_tf(config, got, EXPECTED[f"{config}|params"])


def test_resume_with_jax_gradients_keeps_training_like_tf():
  """The whole loop in JAX: the model's loss, jax.grad, the TF1 Adam, from TF's checkpoint."""
  params = vs.load_tf1_checkpoint(ckpt("adam"))
  params.pop("global_step")
  tx = tx_for("adam")
  state = vs.load_tf1_optimizer_state(ckpt("adam"), tx, params)

  def loss(p, x, y):
    fc1, fc2 = p["model"]["fc1"], p["model"]["fc2"]
    h = jnp.tanh(x @ fc1["w"] + fc1["b"])
    return jnp.mean(jnp.square(h @ fc2["w"] + fc2["b"] - y))

  @jax.jit
  def train_step(p, s, x, y):
    grads = jax.grad(loss)(p, x, y)
    updates, s = tx.update(grads, s, p)
    return optax.apply_updates(p, updates), s, grads

  for step in range(3):
    params, state, grads = train_step(params, state, EXPECTED["x"][step], EXPECTED["y"][step])
    want_grads = dict(vs.flatten_params(unpack(EXPECTED["adam|grads"][step])))
    for name, value in vs.flatten_params(grads):
      np.testing.assert_allclose(value, want_grads[name], rtol=1e-5, atol=1e-6)
    want = dict(vs.flatten_params(unpack(EXPECTED["adam|params"][step])))
    for name, value in vs.flatten_params(params):
      np.testing.assert_allclose(value, want[name], rtol=0, atol=1e-5, err_msg=name)


def test_schedules_continue_from_global_step():
  """``count`` starts at the checkpoint's global_step: a schedule sees TF's step numbers."""
  params = vs.load_tf1_checkpoint(ckpt("momentum"))
  params.pop("global_step")
  seen = []
  tx = tf1_optimizers.momentum(lambda count: jnp.where(count == 3, 0.1, 0.0), momentum=0.9)
  state = vs.load_tf1_optimizer_state(ckpt("momentum"), tx, params)
  for row in EXPECTED["momentum|grads"]:
    seen.append(int(state.count))
    updates, state = tx.update(unpack(row), state)
    params = optax.apply_updates(params, updates)
    if len(seen) == 1:
      first = params
  assert seen == [3, 4, 5]
  assert_close_to_tf("momentum", [first], EXPECTED["momentum|params"][:1])
  for a, b in zip(jax.tree.leaves(params), jax.tree.leaves(first)):  # lr 0 afterwards
    np.testing.assert_array_equal(a, b)


def test_tf1_optimizers_namespace_documents_itself():
  for name in tf1_optimizers.__all__:
    obj = getattr(tf1_optimizers, name)
    assert ">>>" in (inspect.getdoc(obj) or ""), name
  for fn in (
    tf1_optimizers.adam,
    tf1_optimizers.momentum,
    tf1_optimizers.rmsprop,
    tf1_optimizers.adagrad,
    tf1_optimizers.adadelta,
    tf1_optimizers.gradient_descent,
  ):
    assert "learning_rate" in inspect.signature(fn).parameters
    assert (
      "name" in inspect.signature(fn).parameters
      and "use_locking" in inspect.signature(fn).parameters
    )


@pytest.mark.slow
def test_state_inside_a_chain_and_a_named_optimizer():
  params = vs.load_tf1_checkpoint(ckpt("named_adam"), optimizer_names=NAMES)
  params.pop("global_step")
  tx = optax.chain(optax.clip_by_global_norm(1e9), tf1_optimizers.adam(0.01, name="MyAdam"))
  state = vs.load_tf1_optimizer_state(ckpt("named_adam"), tx, params)
  got, _ = run_tf_steps("named_adam", params, state, tx, EXPECTED["named_adam|grads"])
  assert_close_to_tf("named_adam", got, EXPECTED["named_adam|params"])
  # The default name= finds no MyAdam slots: a clear error naming the tensor TF would use.
  with pytest.raises(
    ValueError,
    match=r"no slot 'm' of AdamOptimizer \(name=Adam\) .*"
    r"TF would name it model/fc1/b/Adam",
  ):
    vs.load_tf1_optimizer_state(ckpt("named_adam"), tf1_optimizers.adam(0.01), params)


def test_two_adams_pick_their_beta_powers():
  params = vs.load_tf1_checkpoint(ckpt("two_adams"))
  params.pop("global_step")
  tx = tx_for("two_adams")
  fc1 = {"model": {"fc1": params["model"]["fc1"]}}
  with pytest.raises(
    ValueError,
    match=r"beta powers of several AdamOptimizers \(beta1_power, "
    r"second/beta1_power.*one of: beta_powers=",
  ):
    vs.load_tf1_optimizer_state(ckpt("two_adams"), tx, fc1, strict=False)
  with pytest.raises(
    ValueError,
    match=r"slots of 2 variable\(s\) that params does not have: "
    r"model/fc2/b, model/fc2/w",
  ):
    vs.load_tf1_optimizer_state(
      ckpt("two_adams"), tx, fc1, beta_powers=("beta1_power", "beta2_power")
    )
  for scope, powers in [
    ("fc1", ("beta1_power", "beta2_power")),
    ("fc2", ("second/beta1_power", "second/beta2_power")),
  ]:
    part = {"model": {scope: params["model"][scope]}}
    state = vs.load_tf1_optimizer_state(
      ckpt("two_adams"), tx, part, strict=False, beta_powers=powers
    )
    grads = [dict(vs.flatten_params(unpack(r))) for r in EXPECTED["two_adams|grads"]]
    want = [dict(vs.flatten_params(unpack(r))) for r in EXPECTED["two_adams|params"]]
    p = part
    for step in range(3):
      g = vs.unflatten_params({n: v for n, v in grads[step].items() if f"/{scope}/" in n})
      updates, state = tx.update(g, state)
      p = optax.apply_updates(p, updates)
      for name, value in vs.flatten_params(p):
        np.testing.assert_allclose(value, want[step][name], rtol=0, atol=1e-6)


# ---------------------------------------------------------------------------
# EMA shadows.


def test_ema_true_gives_what_tf_variables_to_restore_gives(caplog):
  with caplog.at_level(logging.WARNING, logger="varscope_jax"):
    params = vs.load_tf1_checkpoint(ckpt("ema"), ema=True, as_numpy=True)
  assert int(params.pop("global_step")) == int(EXPECTED["ema|restored_global_step"])
  want = dict(vs.flatten_params(unpack(EXPECTED["ema|restored"])))
  got = dict(vs.flatten_params(params))
  assert sorted(got) == sorted(want)
  for name, value in got.items():
    np.testing.assert_array_equal(value, want[name], err_msg=name)
  plain = dict(vs.flatten_params(vs.load_tf1_checkpoint(ckpt("ema"), as_numpy=True)))
  assert not np.array_equal(plain["model/fc1/w"], got["model/fc1/w"])  # really the shadows
  assert "8 slots of AdamOptimizer" in caplog.records[0].getMessage()
  assert (
    vs.load_tf1_checkpoint(ckpt("ema"), ema="ExponentialMovingAverage", as_numpy=True)["model"][
      "fc2"
    ]["b"].tolist()
    == got["model/fc2/b"].tolist()
  )


def test_ema_without_shadows_names_the_variables(caplog):
  with pytest.raises(
    ValueError,
    match=r"ema=True: 4 variable\(s\) have no "
    r"ExponentialMovingAverage shadow .*: model/fc1/b, "
    r"model/fc1/w, model/fc2/b, model/fc2/w\. .*ema_strict=False",
  ):
    vs.load_tf1_checkpoint(ckpt("adam"), ema=True)
  with caplog.at_level(logging.WARNING, logger="varscope_jax"):
    params = vs.load_tf1_checkpoint(ckpt("adam"), ema=True, ema_strict=False, as_numpy=True)
  assert "4 variable(s) without a shadow keep their own values" in caplog.records[0].getMessage()
  np.testing.assert_array_equal(
    params["model"]["fc1"]["w"],
    vs.load_tf1_checkpoint(ckpt("adam"), as_numpy=True)["model"]["fc1"]["w"],
  )
  with pytest.raises(TypeError, match="ema must be True, False or"):
    vs.load_tf1_checkpoint(ckpt("adam"), ema=1.0)


# ---------------------------------------------------------------------------
# Corrupt or unexpected input: a clear error naming the tensor.


def test_slot_whose_variable_is_missing(tmp_path):
  prefix = str(tmp_path / "model.ckpt")
  vs.save_tf1_checkpoint(
    prefix, {"model": {"w": np.ones(2, np.float32), "gone": {"Adam": np.ones(2, np.float32)}}}
  )
  assert vs.list_tf1_checkpoint(prefix)["model/gone/Adam"].kind == "orphan slot"
  with pytest.raises(
    ValueError,
    match=r"Tensor model/gone/Adam in .* named as a slot of "
    r"AdamOptimizer .* of variable model/gone, which is not "
    r"in the checkpoint\. .*optimizer_names=\{'Adam': None\}",
  ):
    vs.load_tf1_checkpoint(prefix)
  # A model variable that merely ends in an optimizer's name: say so, and it loads.
  params = vs.load_tf1_checkpoint(prefix, optimizer_names={"Adam": None})
  assert params["model"]["gone"]["Adam"].shape == (2,)
  # BERT's fixed slot names too.
  vs.save_tf1_checkpoint(
    prefix, {"model": {"w": np.ones(2, np.float32), "gone": {"adam_m": np.ones(2, np.float32)}}}
  )
  with pytest.raises(
    ValueError,
    match=r"Tensor model/gone/adam_m .* slot of "
    r"AdamWeightDecayOptimizer \(TF names slots "
    r"<variable>/adam_m\) .*optimizer_names=\{'adam_m': None\}",
  ):
    vs.load_tf1_checkpoint(prefix)
  assert (
    "adam_m" in vs.load_tf1_checkpoint(prefix, optimizer_names={"adam_m": None})["model"]["gone"]
  )


def test_unknown_slot_name():
  with pytest.raises(
    ValueError,
    match=r"Tensor model/fc1/b/MyAdam in .* stored under "
    r"variable model/fc1/b.* 'MyAdam' is not a TF1 "
    r"optimizer's name\. .*optimizer_names=\{'MyAdam': 'Adam'\}",
  ):
    vs.load_tf1_checkpoint(ckpt("named_adam"))
  assert vs.list_tf1_checkpoint(ckpt("named_adam"))["model/fc1/b/MyAdam"].kind == "unknown slot"
  with pytest.raises(ValueError, match="'Adamm' is not a TF1 optimizer's default name"):
    vs.list_tf1_checkpoint(ckpt("named_adam"), optimizer_names={"MyAdam": "Adamm"})


def test_optimizer_state_for_a_different_params_tree():
  params = vs.load_tf1_checkpoint(ckpt("adam"))
  params.pop("global_step")
  tx = tx_for("adam")
  extra = {"model": {**params["model"], "fc3": {"w": jnp.zeros((2, 2))}}}
  with pytest.raises(
    ValueError,
    match=r"variable model/fc3/w has no slot 'm' of AdamOptimizer "
    r"\(name=Adam\) .*TF would name it model/fc3/w/Adam "
    r"\(its Adam slots there: none\)",
  ):
    vs.load_tf1_optimizer_state(ckpt("adam"), tx, extra)
  fewer = {"model": {"fc1": params["model"]["fc1"]}}
  with pytest.raises(
    ValueError,
    match=r"AdamOptimizer \(name=Adam\) slots of 2 variable\(s\) "
    r"that params does not have: model/fc2/b, model/fc2/w\. "
    r"The optimizer state is for a different params tree",
  ):
    vs.load_tf1_optimizer_state(ckpt("adam"), tx, fewer)
  vs.load_tf1_optimizer_state(ckpt("adam"), tx, fewer, strict=False)
  wrong = {
    "model": {**params["model"], "fc1": {"w": jnp.zeros((4, 3)), "b": params["model"]["fc1"]["b"]}}
  }
  with pytest.raises(
    ValueError,
    match=r"slot model/fc1/w/Adam in .* is float32\[3, 4\] but "
    r"variable model/fc1/w of params is float32\[4, 3\]",
  ):
    vs.load_tf1_optimizer_state(ckpt("adam"), tx, wrong)
  with pytest.raises(
    ValueError, match="params holds the global step global_step; take it out first"
  ):
    vs.load_tf1_optimizer_state(ckpt("adam"), tx, vs.load_tf1_checkpoint(ckpt("adam")))


def test_optimizer_of_another_kind():
  params = vs.load_tf1_checkpoint(ckpt("adam"))
  params.pop("global_step")
  with pytest.raises(
    ValueError,
    match=r"no slot 'momentum' of MomentumOptimizer "
    r"\(name=Momentum\).*model/fc1/b/Momentum",
  ):
    vs.load_tf1_optimizer_state(ckpt("adam"), tf1_optimizers.momentum(0.1, 0.9), params)
  with pytest.raises(ValueError, match=r"has 3 RMSProp slots .* keeps 2 \(rms, momentum\)"):
    vs.load_tf1_optimizer_state(ckpt("rmsprop_centered"), tf1_optimizers.rmsprop(0.01), params)
  with pytest.raises(ValueError, match="tx's state holds no TF1 optimizer state"):
    vs.load_tf1_optimizer_state(ckpt("adam"), optax.adam(0.01), params)
  with pytest.raises(TypeError, match="tx must be an optax GradientTransformation"):
    vs.load_tf1_optimizer_state(ckpt("adam"), "adam", params)


def test_adam_slots_without_beta_powers(tmp_path):
  w = np.ones(2, np.float32)
  vs.save_tf1_checkpoint(tmp_path / "model.ckpt", {"w": w, "w/Adam": w, "w/Adam_1": w})
  with pytest.raises(ValueError, match=r"has no beta1_power / beta2_power"):
    vs.load_tf1_optimizer_state(tmp_path, tf1_optimizers.adam(0.01), {"w": jnp.ones(2)})


def test_include_slots_keeps_everything_for_renaming():
  params = vs.load_tf1_checkpoint(
    ckpt("adam"),
    include_slots=True,
    rename={r"^(.*)/Adam$": r"adam_m/\1", r"^(.*)/Adam_1$": r"adam_v/\1"},
  )
  assert params["adam_v"]["model"]["fc1"]["w"].shape == (3, 4)
  # TF keeps the power of the *next* step: beta1 ** (steps + 1).
  assert float(params["beta1_power"]) == pytest.approx(0.9**4, rel=1e-6)


# ---------------------------------------------------------------------------
# Writing back: TF1 reads what varscope_jax writes.


def test_tf_read_every_dtype_varscope_wrote():
  """TF's own reading (tf.train.load_checkpoint, Saver.restore) of the committed files."""
  with np.load(make_roundtrip.READ + ".npz") as npz:
    got = {k: npz[k] for k in npz.files}
  with open(make_roundtrip.READ + ".json") as f:
    account = json.load(f)
  values = make_roundtrip.values()
  assert account["latest_checkpoint"] == os.path.join("written", "model.ckpt-7")
  many = {n: v for n, v in values.items() if n.startswith("many/")}
  np.testing.assert_array_equal(got["load_checkpoint|many"], [many[n] for n in sorted(many)])
  values = {n: v for n, v in values.items() if n not in many}
  assert sorted(account["dtypes"]) == sorted(list(values) + ["global_step"])
  for name, value in values.items():
    assert account["shapes"][name] == list(np.shape(value)), name
    if value.dtype == object:
      assert account["strings"][name] == [s.decode("latin-1") for s in value.reshape(-1)]
      continue
    tf_value = got["load_checkpoint|" + name]
    want = value.astype(np.float32) if value.dtype == ml_dtypes.bfloat16 else value
    assert tf_value.dtype == want.dtype, name
    np.testing.assert_array_equal(tf_value, want, err_msg=name)
  assert account["dtypes"]["dtypes/bfloat16"] == "bfloat16"
  assert account["dtypes"]["global_step"] == "int64"
  assert int(got["saver|global_step"]) == 7
  np.testing.assert_array_equal(got["saver|model/fc1/w"], values["model/fc1/w"])
  np.testing.assert_array_equal(got["saver|model/fc1/b"], values["model/fc1/b"])
  np.testing.assert_array_equal(got["saver_partitioned|model/fc1/w"], values["model/fc1/w"])


def test_writer_still_writes_the_bytes_tf_read(tmp_path):
  prefix = vs.save_tf1_checkpoint(
    tmp_path / "model.ckpt", vs.unflatten_params(make_roundtrip.values()), step=7
  )
  committed = os.path.join(DATA, "written")
  for name in ("model.ckpt-7.index", "model.ckpt-7.data-00000-of-00001", "checkpoint"):
    assert filecmp.cmp(tmp_path / name, os.path.join(committed, name), shallow=False), name
  assert prefix == str(tmp_path / "model.ckpt-7")


def test_tf1_resumes_training_from_the_optimizer_state_varscope_wrote(tmp_path):
  """TF's AdamOptimizer, restored from our params + slots, takes the steps we take."""
  with np.load(make_roundtrip.READ + ".npz") as npz:
    got = {k: npz[k] for k in npz.files if k.startswith("train|")}
  folder = make_roundtrip.TRAIN_FOLDER
  params = vs.load_tf1_checkpoint(folder)
  assert int(params.pop("global_step")) == int(got["train|restored_step"]) == 6
  tx = tf1_optimizers.adam(learning_rate=0.01)
  state = vs.load_tf1_optimizer_state(folder, tx, params)
  ours, _ = run_tf_steps("written_train", params, state, tx, got["train|grads"])
  assert_close_to_tf("written_train", ours, got["train|params"], atol=0)
  assert int(got["train|step"]) == 9
  # The files TF restored are what today's writer writes from the same resumed run.
  params, state = make_roundtrip.resumed_adam_run()
  vs.save_tf1_checkpoint(tmp_path / "model.ckpt", params, step=6, opt_state=state)
  for name in ("model.ckpt-6.index", "model.ckpt-6.data-00000-of-00001", "checkpoint"):
    assert filecmp.cmp(tmp_path / name, os.path.join(folder, name), shallow=False), name


def test_save_opt_state_errors(tmp_path):
  params = {"w": jnp.ones(2)}
  with pytest.raises(ValueError, match="opt_state holds no TF1 optimizer state"):
    vs.save_tf1_checkpoint(tmp_path / "a", params, opt_state=optax.adam(0.1).init(params))
  two = (tf1_optimizers.adam(0.1).init(params), tf1_optimizers.adam(0.1).init(params))
  with pytest.raises(ValueError, match="several AdamStates"):
    vs.save_tf1_checkpoint(tmp_path / "a", params, opt_state=two)
  with pytest.raises(
    ValueError,
    match=r"the optimizer slot w/Momentum has the name of a "
    r"variable in params",
  ):
    vs.save_tf1_checkpoint(
      tmp_path / "a",
      {**params, "w/Momentum": jnp.ones(2)},
      opt_state=tf1_optimizers.momentum(0.1, 0.9).init(params),
    )
  assert not os.path.exists(tmp_path / "a.index")


@pytest.mark.parametrize("as_numpy", [True, False])
def test_save_then_load_every_dtype(tmp_path, as_numpy):
  values = make_roundtrip.values()
  vs.save_tf1_checkpoint(tmp_path / "model.ckpt", vs.unflatten_params(values))
  if not as_numpy:  # 64-bit extremes do not fit jax's 32-bit canonical dtypes (x64 off)
    values = {
      n: v
      for n, v in values.items()
      if n not in ("dtypes/int64", "dtypes/uint64", "dtypes/complex128")
    }
  back = dict(
    vs.flatten_params(
      vs.load_tf1_checkpoint(
        tmp_path,
        as_numpy=as_numpy,
        rename={"^dtypes/(u?int64|complex128)$": None} if not as_numpy else None,
      )
    )
  )
  assert sorted(back) == sorted(values)
  for name, value in values.items():
    got = back[name]
    if value.dtype == object:
      assert got.dtype == object and got.tolist() == value.tolist(), name
    elif as_numpy:
      assert got.dtype == value.dtype and got.shape == value.shape, name
      np.testing.assert_array_equal(got, value, err_msg=name)
    else:  # jax canonicalises 64-bit values to 32 bits unless x64 is on
      assert isinstance(got, jax.Array) and got.shape == value.shape, name
      np.testing.assert_array_equal(np.asarray(got), value.astype(got.dtype), err_msg=name)


def test_save_resumed_training_and_load_back(tmp_path):
  params = vs.load_tf1_checkpoint(ckpt("adam"))
  step = int(params.pop("global_step"))
  path = vs.save_tf1_checkpoint(tmp_path / "model.ckpt", params, step=step + 3)
  path2 = vs.save_tf1_checkpoint(tmp_path / "model.ckpt", params, step=step + 6)
  with open(tmp_path / "checkpoint") as f:
    state = f.read()
  assert state == (
    'model_checkpoint_path: "model.ckpt-9"\n'
    'all_model_checkpoint_paths: "model.ckpt-6"\n'
    'all_model_checkpoint_paths: "model.ckpt-9"\n'
  )
  assert path.endswith("model.ckpt-6") and path2.endswith("model.ckpt-9")
  back = vs.load_tf1_checkpoint(tmp_path)
  assert int(back.pop("global_step")) == 9
  for (name, a), (_, b) in zip(vs.flatten_params(back), vs.flatten_params(params)):
    np.testing.assert_array_equal(a, b, err_msg=name)


def test_save_errors_name_the_variable(tmp_path):
  with pytest.raises(TypeError, match=r"Variable model/bad is an object array holding a object"):
    vs.save_tf1_checkpoint(tmp_path / "a", {"model": {"bad": np.array([object()])}})
  with pytest.raises(
    TypeError,
    match=r"Variable model/when has dtype datetime64\[D\], which a "
    r"TF1 checkpoint cannot hold",
  ):
    vs.save_tf1_checkpoint(tmp_path / "a", {"model": {"when": np.zeros(2, "datetime64[D]")}})
  with pytest.raises(ValueError, match=r"params\['global_step'\] is 5 but step=6"):
    vs.save_tf1_checkpoint(tmp_path / "a", {"global_step": np.int64(5)}, step=6)
  assert not os.path.exists(tmp_path / "a.index")  # nothing half-written


def test_committed_data_is_small():
  total = 0
  for root, _, files in os.walk(DATA):
    total += sum(os.path.getsize(os.path.join(root, n)) for n in files)
  assert total < 120_000, total


def test_copy_of_checkpoint_folder_loads(tmp_path):
  shutil.copytree(os.path.join(DATA, "adam"), tmp_path / "adam")
  assert "model" in vs.load_tf1_checkpoint(tmp_path / "adam")


@pytest.mark.slow
def test_docs_tf1_training_blocks_run(monkeypatch, capsys):
  """docs/tf1_training.md's Python blocks run, in order, as one program."""
  root = os.path.dirname(TESTS)
  monkeypatch.chdir(root)
  with open(os.path.join(root, "docs", "tf1_training.md")) as f:
    blocks = re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)
  assert len(blocks) >= 6
  namespace = {"__name__": "docs_tf1_training"}
  for i, block in enumerate(blocks):
    exec(compile(block, f"docs/tf1_training.md block {i + 1}", "exec"), namespace)
  out = capsys.readouterr().out
  assert "3 0.6561" in out and "model.ckpt-8" in out
  assert (
    "model/fc1/w/Adam_1                       (3, 4)   slot         model/fc1/w  "
    "AdamOptimizer v" in out
  )
