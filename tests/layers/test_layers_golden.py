"""``vs.layers`` against real ``tf.compat.v1.layers``: every program of
``tests/golden/layer_programs.py``, replayed with varscope_jax and compared with what TF
2.21 recorded (``tests/golden/layers/``; regenerate with
``TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/make_layers_golden.py``).

Each program runs twice: inside ``vs.transform(...).apply`` under ``jax.jit`` (the
params are TF's own initial values, the ``r.flag`` bools are traced), and in the eager
default graph (TF's initial values given through a custom getter). Compared: variable
names, shapes and dtypes in creation order, the trainable / moving-average / model /
local collections, the number of UPDATE_OPS, the regularization losses (count and
values), every note and error (type and first line), every output (float32 within
1e-5), and the moving statistics after the update (TF: one run of UPDATE_OPS).

Normalised in TF's text: ``Dimension(3)`` is printed ``3`` (TF's v1 ``TensorShape``);
TF's shape-inference errors are compared up to their node description ("for '{{node").
"""

import functools
import json
import os
import re
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS, "golden"))
import layer_programs  # noqa: E402

GOLDEN_DIR = os.path.join(TESTS, "golden", "layers")
with open(os.path.join(GOLDEN_DIR, "golden.json")) as _f:
  GOLDEN = json.load(_f)
VALUES = dict(np.load(os.path.join(GOLDEN_DIR, "values.npz")))
BY_ID = {p["id"]: p for p in GOLDEN["programs"]}
SEP = "::"
COLLECTIONS = (
  "trainable_variables",
  "moving_average_variables",
  "model_variables",
  "local_variables",
)
REGENERATE = (
  "golden data is stale or incomplete; regenerate it with "
  "TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/make_layers_golden.py"
)


def make_adapter():
  class T:
    pass

  t = T()
  t.layers = vs.layers
  t.variable_scope = vs.variable_scope
  t.name_scope = vs.name_scope
  t.AUTO_REUSE = vs.AUTO_REUSE
  t.make_template = vs.make_template
  t.get_variable = vs.get_variable
  t.relu = jax.nn.relu
  t.tanh = jnp.tanh
  t.zeros = vs.zeros_initializer
  t.ones = vs.ones_initializer
  t.constant = vs.constant_initializer
  t.l2 = lambda scale: lambda w: scale * jnp.sum(jnp.square(w))
  t.clip = lambda lo, hi: lambda w: jnp.clip(w, lo, hi)
  return t


def first_line(e):
  return str(e).split("\n")[0]


class Recorder:
  """The varscope_jax side of layer_programs' recorder."""

  def __init__(self, pid):
    self.pid = pid
    self.reset()

  def reset(self):
    self.n_inputs = 0
    self.obs = []
    self.outputs = {}
    self.is_racy = False

  def input(self, shape, dtype="float32"):
    value = layer_programs.input_values(self.pid, shape, dtype, self.n_inputs)
    self.n_inputs += 1
    return jnp.asarray(value)

  def flag(self, value):
    # A bool array computed by a JAX op: a tracer under jit, a concrete array eagerly.
    return jnp.logical_not(jnp.asarray(not value))

  def out(self, label, y):
    self.outputs[label] = y
    self.obs.append({"label": label, "out": [list(y.shape), jnp.dtype(y.dtype).name]})

  def shape(self, label, y):
    self.obs.append({"label": label, "shape": [list(y.shape), jnp.dtype(y.dtype).name]})

  def note(self, label, value):
    self.obs.append({"label": label, "note": value})

  def names(self, label, variables):
    self.obs.append({"label": label, "note": [variable_name(v) for v in variables]})

  def error(self, label, fn):
    try:
      fn()
    except Exception as e:  # noqa: BLE001
      self.obs.append({"label": label, "error": type(e).__name__, "msg": first_line(e)})
      return
    self.obs.append({"label": label, "error": None})

  def racy(self):
    self.is_racy = True


def variable_name(v):
  if isinstance(v, vs.Variable):
    return v.name[:-2]
  for name, value in vs.global_variables().items():
    if value is v:
      return name
  return "<unknown %s>" % type(v).__name__


def graph_summary(rec):
  """What the harness records at the end of a program, from the current graph."""
  gv = vs.global_variables()
  ids = {id(v): n for n, v in gv.items()}

  def names(key):
    return [ids.get(id(v), variable_name(v)) for v in vs.get_collection(key)]

  return {
    "variables": [[n, list(v.shape), jnp.dtype(v.dtype).name] for n, v in gv.items()],
    "collections": {k: names(k) for k in COLLECTIONS},
    "update_ops": len(vs.get_collection(vs.GraphKeys.UPDATE_OPS)),
    "regularization_losses": len(vs.get_regularization_losses()),
  }


def run_program(pid, rec, t):
  try:
    layer_programs.PROGRAMS[pid](t, rec)
  except Exception as e:  # noqa: BLE001
    rec.obs.append({"label": "!uncaught", "error": type(e).__name__, "msg": first_line(e)})


def tf_values(pid, kind):
  prefix = pid + SEP + kind + SEP
  return {k[len(prefix) :]: v for k, v in VALUES.items() if k.startswith(prefix)}


def _norm_tf_msg(msg):
  return re.sub(r"Dimension\((\d+|None)\)", r"\1", msg)


def check_observations(pid, ours):
  want = BY_ID[pid]["observations"]
  assert [o["label"] for o in ours] == [o["label"] for o in want], pid
  for o, w in zip(ours, want):
    where = "%s: %s" % (pid, w["label"])
    if "error" in w:
      assert o.get("error") == w["error"], (where, o, w)
      if w["error"] is None:
        continue
      tf_msg = _norm_tf_msg(w["msg"])
      if " for '{{node " in tf_msg:
        prefix = tf_msg.split(" for '{{node ")[0]
        assert o["msg"].startswith(prefix), (where, o["msg"], tf_msg)
      else:
        assert o["msg"] == tf_msg, (where, o["msg"], tf_msg)
    else:
      assert o == w, (where, o, w)


def check_summary(pid, summary):
  g = BY_ID[pid]
  assert summary["variables"] == g["variables"], pid
  assert summary["collections"] == g["collections"], pid
  assert summary["update_ops"] == g["update_ops"], pid
  assert summary["regularization_losses"] == g["regularization_losses"], pid


def tolerance(value):
  if value.dtype == np.float16:
    return dict(rtol=2e-2, atol=2e-2)
  return dict(rtol=1e-5, atol=1e-5)


def check_values(pid, outputs, losses, final_params, skip=()):
  g = BY_ID[pid]
  want_out = tf_values(pid, "out")
  assert sorted(outputs) == sorted(want_out), (pid, REGENERATE)
  for label, want in want_out.items():
    if label in skip:
      continue
    got = np.asarray(outputs[label])
    np.testing.assert_allclose(got, want, err_msg="%s: output %s" % (pid, label), **tolerance(want))
  want_reg = tf_values(pid, "reg")
  assert len(losses) == len(want_reg), pid
  for i, loss in enumerate(losses):
    np.testing.assert_allclose(
      np.asarray(loss),
      want_reg[str(i)],
      rtol=1e-5,
      atol=1e-6,
      err_msg="%s: regularization loss %d" % (pid, i),
    )
  if final_params is None or g["racy"]:
    return
  init, upd = tf_values(pid, "init"), tf_values(pid, "upd")
  for name, value in final_params.items():
    want = upd.get(name, init[name])
    np.testing.assert_allclose(
      np.asarray(value),
      want,
      rtol=1e-5,
      atol=1e-6,
      err_msg="%s: variable %s after the update" % (pid, name),
    )


PROGRAM_IDS = list(layer_programs.PROGRAMS)
# The eager default graph runs the non-grid programs (six of the batch-norm ones) and two
# of the grid: the layers' numerics are the same code as in transform, where every
# program runs, and eager JAX compiles every op separately, which is slow.
EAGER_BN = {
  "bn/dense_input_train_and_infer",
  "bn/conv_input_fused_default",
  "bn/training_flag",
  "bn/renorm",
  "bn/errors",
  "bn/object_train_then_infer",
}
EAGER_IDS = [
  p
  for p in PROGRAM_IDS
  if (not p.startswith(("conv/", "pool/", "bn/")) or p.count("/") < 3)
  and (not p.startswith("bn/") or p in EAGER_BN)
]
EAGER_IDS += ["conv/conv2d/same/channels_first", "pool/average_pooling2d/same/channels_first"]
# In the eager default graph an assignment takes effect at once (as in TF 2's eager
# mode), so an output computed after a training-mode batch norm reads the updated
# moving statistics; TF's graph computes it from the initial ones (its UPDATE_OPS run
# later). These outputs are compared in transform only.
EAGER_READS_AFTER_UPDATE = {"bn/object_train_then_infer": {"b"}, "cnn/small_model": {"eval_first"}}


def test_golden_is_complete():
  assert sorted(BY_ID) == sorted(PROGRAM_IDS), REGENERATE
  assert len(PROGRAM_IDS) >= 120


@pytest.mark.parametrize("pid", PROGRAM_IDS)
def test_program_in_transform(pid):
  """Inside ``transform(...).apply`` under jit, on TF's initial values."""
  t = make_adapter()
  rec = Recorder(pid)
  summary = {}

  def model():
    rec.reset()
    run_program(pid, rec, t)
    summary.update(graph_summary(rec))
    return rec.outputs, list(vs.get_regularization_losses())

  params = vs.unflatten_params(list(tf_values(pid, "init").items()))
  apply = jax.jit(functools.partial(vs.transform(model).apply, mutable=True))
  (outputs, losses), new_params = apply(params, rng=jax.random.PRNGKey(0))
  check_observations(pid, rec.obs)
  check_summary(pid, summary)
  check_values(pid, outputs, losses, dict(vs.flatten_params(new_params)))


@pytest.mark.parametrize("pid", EAGER_IDS)
def test_program_in_eager_default_graph(pid):
  """In the eager default graph (TF's own initial values through a custom getter)."""
  t = make_adapter()
  rec = Recorder(pid)
  init = tf_values(pid, "init")

  def tf_initial_values(getter, name, *args, **kwargs):
    if name in init:
      value = init[name]
      kwargs["initializer"] = lambda shape, dtype=None, partition_info=None: value
    return getter(name, *args, **kwargs)

  vs.set_random_seed(0)
  with vs.variable_scope("", custom_getter=tf_initial_values):
    run_program(pid, rec, t)
  check_observations(pid, rec.obs)
  check_summary(pid, graph_summary(rec))
  check_values(
    pid,
    rec.outputs,
    vs.get_regularization_losses(),
    vs.global_variables(),
    skip=EAGER_READS_AFTER_UPDATE.get(pid, ()),
  )
