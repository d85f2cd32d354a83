"""Replays the tf-slim golden programs (tests/golden/slim/slim_programs.py) recorded from
real tf_slim on TensorFlow's graph mode.

For each program: the variables ``transform(...).specs()`` finds (names in TF's order,
shapes, dtypes, trainable, the collections that hold each) are TF's; ``jax.jit(apply)`` with TF's initial values gives
TF's outputs (within 1e-5), TF's plain results (model-variable and collection names,
end-point keys, regularization-loss names) and, with ``mutable=True``, TF's variable
values after one run of the update ops (batch-norm moving statistics); a program that
raised in TF raises the same error type with TF's first line (or, where TF's text is a
formatting slip, the message in ``OWN_MESSAGES``). ``M.flag(b)`` is a traced bool (an
argument of the jitted function), TF's ``placeholder_with_default``.

Regenerate the data with ``TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python
tests/golden/slim/make_slim_golden.py`` (needs TensorFlow, tf-keras and tf-slim).
"""

import json
import os
import re
import sys
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax.contrib import framework, slim

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join(TESTS, "golden", "slim")
sys.path.insert(0, GOLDEN_DIR)
import slim_programs as sp  # noqa: E402

with open(os.path.join(GOLDEN_DIR, "golden.json")) as f:
  GOLDEN = {r["id"]: r for r in json.load(f)["programs"]}
VALUES = dict(np.load(os.path.join(GOLDEN_DIR, "values.npz")))
REGEN = (
  "regenerate: TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/slim/make_slim_golden.py"
)

# tf-slim formats this error with a comma instead of %, so its message is a tuple.
OWN_MESSAGES = {
  # tf-slim's layers sit on TF's internal copy of Keras, which does not quote the layer
  # name; vs.layers follows tf-keras (quoted).
  "pool_rank3_error": 'Input 0 of layer "max_pooling2d_1" is incompatible with the layer: expected '
  "ndim=4, found ndim=3. Full shape received: (6, 6, 3)",
  "arg_scope_not_decorated_error": "('slim_programs', 'plain') is not decorated with @add_arg_scope",
}


def _normalize(msg):
  msg = re.sub(r" at 0x[0-9a-f]+", " at 0x", msg)
  return msg.removesuffix(" Originally defined at:")


class _Flags:
  values = None


def _flag(b):
  return _Flags.values[0] if b else _Flags.values[1]


def _loss_names():
  graph = vs.get_default_graph()
  return [
    graph.item_names.get(id(t)) for t in vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES)
  ]


M = types.SimpleNamespace(
  slim=slim,
  tflayers=vs.layers,
  variable_scope=vs.variable_scope,
  name_scope=vs.name_scope,
  constant=jnp.asarray,
  relu=jax.nn.relu,
  relu6=jax.nn.relu6,
  tanh=jnp.tanh,
  GraphKeys=vs.GraphKeys,
  get_collection=vs.get_collection,
  add_to_collection=vs.add_to_collection,
  name=framework.get_variable_full_name,
  flag=_flag,
  loss_names=_loss_names,
  constant_initializer=vs.constant_initializer,
  ones_initializer=vs.ones_initializer,
  AUTO_REUSE=vs.AUTO_REUSE,
  int32=vs.int32,
)


def _check_error(pid, rec, exc):
  want = rec["error"]
  assert type(exc).__name__ == want["type"], (pid, repr(exc), want, REGEN)
  got = str(exc).strip().splitlines()[0]
  expected = OWN_MESSAGES.get(pid, want["first_line"])
  assert _normalize(got) == _normalize(expected), (pid, got, want["first_line"])


def _tf_params(pid, rec, which="var"):
  return vs.unflatten_params(
    {v["name"]: jnp.asarray(VALUES["%s|%s|%s" % (pid, which, v["name"])]) for v in rec["variables"]}
  )


def _program_fn(fn):
  def run(flags):
    _Flags.values = flags
    try:
      return fn(M, sp.Data)
    finally:
      _Flags.values = None

  return run


def _apply(t, params):
  plain, order = {}, []

  def run(params, rng, flags):
    out, new = t.apply(params, flags, rng=rng, mutable=True)
    leaves = sp.flatten(out)
    plain.update({p: x for p, x in leaves if sp.is_plain(x)})
    order[:] = [p for p, x in leaves if not sp.is_plain(x)]
    return [x for p, x in leaves if not sp.is_plain(x)], new

  arrays, new = jax.jit(run)(params, jax.random.PRNGKey(0), jnp.array([True, False]))
  return plain, list(zip(order, arrays)), new


def _json_plain(plain):
  return json.loads(json.dumps(plain))


MAX_DIFF = {}


def _globals(rec):
  return {v["name"] for v in rec["variables"] if not v.get("local")}


def run_program(pid):
  fn, opts = sp.PROGRAMS[pid]
  assert pid in GOLDEN, "program %s has no golden record; %s" % (pid, REGEN)
  rec = GOLDEN[pid]
  t = vs.transform(_program_fn(fn))
  flags = jnp.array([True, False])
  if rec["error"]:
    with pytest.raises(Exception) as info:
      t.specs(flags)
    _check_error(pid, rec, info.value)
    return
  specs = t.specs(flags)
  want = [v["name"] for v in rec["variables"]]
  # TF lists global variables, then local ones; specs are in creation order.
  assert set(specs) == set(want), (pid, list(specs))
  assert [n for n in specs if n in _globals(rec)] == want[: len(_globals(rec))], pid
  for v in rec["variables"]:
    spec = specs[v["name"]]
    assert (list(spec.shape), spec.dtype.name, spec.trainable) == (
      v["shape"],
      v["dtype"],
      v["trainable"],
    ), (pid, v, spec)
    assert sorted(spec.collections) == v["collections"], (pid, v["name"], spec.collections)
  if not rec["run"]:
    return
  plain, tensors, new = _apply(t, _tf_params(pid, rec))
  assert _json_plain(plain) == rec["plain"], (pid, plain, rec["plain"])
  assert [p for p, _ in tensors] == [o["path"] for o in rec["outputs"]], pid
  diff = 0.0
  for (path, x), want in zip(tensors, rec["outputs"]):
    assert list(x.shape) == want["shape"], (pid, path, x.shape, want["shape"])
    assert jnp.dtype(x.dtype).name == want["dtype"], (pid, path, x.dtype, want["dtype"])
    if not rec["random"]:
      expected = VALUES["%s|out|%s" % (pid, path)]
      np.testing.assert_allclose(
        np.asarray(x), expected, rtol=1e-5, atol=1e-5, err_msg="%s %s (%s)" % (pid, path, REGEN)
      )
      if expected.size:
        diff = max(diff, float(np.max(np.abs(np.asarray(x, np.float64) - expected))))
  flat_new = dict(vs.flatten_params(new))
  for v in rec["variables"]:
    after = VALUES["%s|after|%s" % (pid, v["name"])]
    np.testing.assert_allclose(
      np.asarray(flat_new[v["name"]]),
      after,
      rtol=1e-5,
      atol=1e-5,
      err_msg="%s: %s after the updates" % (pid, v["name"]),
    )
    diff = max(
      diff, float(np.max(np.abs(np.asarray(flat_new[v["name"]], np.float64) - after), initial=0.0))
    )
  MAX_DIFF[pid] = diff


@pytest.mark.parametrize("pid", list(sp.PROGRAMS))
def test_slim_program(pid):
  run_program(pid)


def test_golden_covers_every_program():
  assert set(GOLDEN) == set(sp.PROGRAMS), REGEN
  assert len(GOLDEN) >= 150


EAGER = [pid for pid, rec in GOLDEN.items() if not rec["error"] and pid in sp.PROGRAMS]


@pytest.mark.parametrize("pid", EAGER[::12])
def test_slim_program_eager_graph(pid):
  """The same program in an eager ``vs.Graph`` (``vs.Variable`` objects, no transform):
  TF's global variables in TF's order, and the outputs' shapes and plain results."""
  fn, _ = sp.PROGRAMS[pid]
  rec = GOLDEN[pid]
  with vs.Graph().as_default() as graph:
    _Flags.values = jnp.array([True, False])
    try:
      out = fn(M, sp.Data)
    finally:
      _Flags.values = None
    names = [
      framework.get_variable_full_name(v) for v in vs.get_collection(vs.GraphKeys.GLOBAL_VARIABLES)
    ]
    del graph
  assert names == [v["name"] for v in rec["variables"]]
  leaves = sp.flatten(out)
  shapes = [(p, list(np.shape(x))) for p, x in leaves if not sp.is_plain(x)]
  assert shapes == [(o["path"], o["shape"]) for o in rec["outputs"]]
