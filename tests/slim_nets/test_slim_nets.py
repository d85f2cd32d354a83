"""tf_slim's own nets, their installed source ported by ``vs.upgrade``, against TF.

``slim_port.py`` rewrites ``tf_slim/nets/`` from the installed tf-slim package with
``vs.upgrade`` (no hand edits) and imports ``resnet_v2``, ``inception_v3``, ``alexnet`` and
``overfeat`` from the result; ``slim_net_configs.py`` calls them as
``make_slim_nets_golden.py`` called tf_slim's in TF (same arguments, same arg scopes).
Golden data: ``data/<net>/`` (TF's Saver checkpoint, its logits, end points and batch-norm
updates) and ``data/full_size.json``.
"""

import json
import os

import jax
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax.contrib import slim

import slim_net_configs as nets
import slim_port as port

# Every test here needs the ported nets (``modules``: vs.upgrade rewrites tf_slim/nets/, some
# 10 s) and compiles a net: the whole file is left out of the inner loop.
pytestmark = pytest.mark.slow

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
NETS = list(nets.CONFIGS)
# inception_v3 (388 variables, 94 convolutions) takes 10-20 s to compile on 2 cores.
RUNS = [pytest.param(n, marks=pytest.mark.slow) if n == "inception_v3" else n for n in NETS]
FULL_SIZE = json.load(open(os.path.join(DATA, "full_size.json")))

# Logits in training mode use batch statistics; inception_v3's last layers normalize over
# 2 x 2 x 2 values per channel at these sizes, which amplifies float32 rounding: against a
# float64 run of the same net (jax_enable_x64) this port's float32 logits differ by 5e-5
# and TF's by 9e-5. Every other comparison is within 1e-5.
TRAIN_TOL = {"inception_v3": 2e-4}


def _golden(name):
  with open(os.path.join(DATA, name, "expected.json")) as f:
    meta = json.load(f)
  return meta, np.load(os.path.join(DATA, name, "expected.npz"))


@pytest.fixture(scope="module")
def modules():
  return port.load_all()


def _transformed(name, modules, seen, full_size=False):
  """``vs.transform`` of the net; ``seen`` gets the end points' keys, in order, per trace."""

  def fn(x, is_training):
    logits, end_points = nets.build(name, modules, slim, x, is_training, full_size=full_size)
    seen.append(list(end_points))
    return logits, end_points, vs.get_regularization_loss()

  return vs.transform(fn)


def _inputs(name):
  return nets.make_inputs(nets.CONFIGS[name]["input_shape"])


def test_the_port_needs_no_hand_edits():
  """Nothing in the five files is left for a person (placeholders, sessions, ...)."""
  files = {"resnet_utils.py", "resnet_v2.py", "inception_v3.py", "alexnet.py", "overfeat.py"}
  assert [e for e in port.report().flagged() if os.path.basename(e.path) in files] == []


@pytest.mark.parametrize("name", NETS)
def test_variables_and_collections_equal_tf(name, modules):
  meta, _ = _golden(name)
  collections = {}

  def fn(x):
    out = nets.build(name, modules, slim, x, True)
    for key in meta["collections"]:
      if key != "regularization_losses":
        collections[key] = [slim.get_variable_full_name(v) for v in vs.get_collection(key)]
    return out

  specs = vs.transform(fn).specs(_inputs(name))
  assert [[n, list(s.shape)] for n, s in specs.items()] == meta["variables"]
  for key, names in collections.items():
    assert names == meta["collections"][key], key


@pytest.mark.parametrize("name", RUNS)
def test_tf_checkpoint_loads_and_logits_equal_tf(name, modules):
  meta, expected = _golden(name)
  params = vs.load_tf1_checkpoint(os.path.join(DATA, name, "model.ckpt"))  # no renaming
  assert sorted(n for n, _ in vs.flatten_params(params)) == sorted(n for n, _ in meta["variables"])
  seen = []
  t = _transformed(name, modules, seen)
  apply = jax.jit(lambda p, x: t.apply(p, x, False, strict=True))
  logits, end_points, reg_loss = apply(params, _inputs(name))
  np.testing.assert_allclose(np.asarray(logits), expected["logits_eval"], rtol=0, atol=1e-5)
  assert seen[-1] == [k for k, _ in meta["end_points_eval"]]  # keys, in TF's order
  assert {k: list(v.shape) for k, v in end_points.items()} == dict(
    (k, s) for k, s in meta["end_points_eval"]
  )
  np.testing.assert_allclose(float(reg_loss), meta["regularization_loss"], rtol=1e-5)


@pytest.mark.parametrize("name", RUNS)
def test_training_mode_logits_and_batch_norm_updates_equal_tf(name, modules):
  meta, expected = _golden(name)
  params = vs.load_tf1_checkpoint(os.path.join(DATA, name, "model.ckpt"))
  seen = []
  t = _transformed(name, modules, seen)
  step = jax.jit(lambda p, x: t.apply(p, x, True, mutable=True))
  (logits, end_points, _), new_params = step(params, _inputs(name))
  np.testing.assert_allclose(
    np.asarray(logits), expected["logits_train"], rtol=0, atol=TRAIN_TOL.get(name, 1e-5)
  )
  assert seen[-1] == [k for k, _ in meta["end_points_train"]]
  updates = {k[len("update/") :]: expected[k] for k in expected.files if k.startswith("update/")}
  assert len(updates) == meta["num_update_ops"]
  flat_new, flat_old = dict(vs.flatten_params(new_params)), dict(vs.flatten_params(params))
  changed = sorted(n for n in flat_new if not np.array_equal(flat_new[n], flat_old[n]))
  assert changed == sorted(updates)  # exactly the moving statistics change
  for n, value in updates.items():
    np.testing.assert_allclose(np.asarray(flat_new[n]), value, rtol=0, atol=1e-6, err_msg=n)


@pytest.mark.parametrize("name", NETS)
def test_full_size_names_equal_tf(name, modules):
  """At their published sizes (resnet_v2_50, inception_v3 at 299, ...), traced abstractly."""
  want = FULL_SIZE[name]
  seen = []
  x = jax.ShapeDtypeStruct(tuple(want["input_shape"]), np.float32)
  specs = _transformed(name, modules, seen, full_size=True).specs(x, False)
  assert [[n, list(s.shape)] for n, s in specs.items()] == want["variables"]
  assert seen[-1] == [k for k, _ in want["end_points"]]


def test_fine_tuning_new_head_body_from_tf_checkpoint(modules):
  """TF-Slim's fine-tuning idiom: every variable but the head restored from TF's file."""
  mod = modules["resnet_v2"]
  ckpt = os.path.join(DATA, "resnet_v2", "model.ckpt")

  def net(x, is_training):  # the same body, a new 7-way head
    with slim.arg_scope(mod.resnet_arg_scope()):
      blocks = [
        mod.resnet_v2_block("block1", base_depth=4, num_units=2, stride=2),
        mod.resnet_v2_block("block2", base_depth=8, num_units=2, stride=1),
      ]
      return mod.resnet_v2(x, blocks, 7, is_training=is_training, scope="resnet_v2")

  x = _inputs("resnet_v2")
  vs.reset_default_graph()
  net(x[:1], False)  # build once, as a TF1 script builds its graph
  to_restore = slim.get_variables_to_restore(exclude=["resnet_v2/logits"])
  names = [slim.get_variable_full_name(v) for v in to_restore]
  assert len(names) == 74 and not any(n.startswith("resnet_v2/logits") for n in names)
  t = vs.transform(net)
  fresh = t.init(jax.random.PRNGKey(0), x, True)
  params = vs.train.init_from_checkpoint(fresh, ckpt, {n: v for n, v in zip(names, to_restore)})
  tf_values = dict(vs.flatten_params(vs.load_tf1_checkpoint(ckpt)))
  for name, value in vs.flatten_params(params):
    if name.startswith("resnet_v2/logits/"):
      assert value is dict(vs.flatten_params(fresh))[name]  # the new head
      assert value.shape[-1] == 7
    else:
      np.testing.assert_array_equal(np.asarray(value), np.asarray(tf_values[name]), err_msg=name)
  # The whole body at once, by scope (TF's {'scope/': 'scope/'} rule), gives the same tree
  # but for the head, which the checkpoint holds with 5 classes: TF's shape error.
  with pytest.raises(ValueError, match=r"^Shape of variable resnet_v2/logits/biases:0 \(\(7,\)\)"):
    vs.train.init_from_checkpoint(fresh, ckpt, {"resnet_v2/": "resnet_v2/"})
  logits, _ = jax.jit(lambda p, x: t.apply(p, x, False))(params, x)
  assert logits.shape == (2, 1, 1, 7)
