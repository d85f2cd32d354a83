"""User-written RNN cells that override ``__call__`` (golden from real TF graph mode).

``dynamic_rnn`` and ``bidirectional_dynamic_rnn`` trace their loop body as TF does, once:
the scan body reuses what step 0 made, under the same names; ``static_rnn`` reuses after
step 0 as TF (so a ``default_name`` scope fails there as in TF). ``cell.build(shape)``
then ``cell(x, state)`` works (TF's cells set ``built``). Variables, outputs (TF's
initial values fed as params; 1e-5) and errors are TF's. Regenerate with
``TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python
tests/golden/rnn_user_cells/make_user_cells_golden.py``.
"""

import json
import os
import sys
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join(TESTS, "golden", "rnn_user_cells")
sys.path.insert(0, os.path.join(TESTS, "golden"))
sys.path.insert(0, GOLDEN_DIR)
import rnn_programs as rp  # noqa: E402
import user_cell_programs as up  # noqa: E402

with open(os.path.join(GOLDEN_DIR, "golden.json")) as f:
  GOLDEN = {r["id"]: r for r in json.load(f)["programs"]}
VALUES = dict(np.load(os.path.join(GOLDEN_DIR, "values.npz")))


def _value(v):
  return v.value() if isinstance(v, vs.Variable) else v


M = types.SimpleNamespace(
  rnn_cell=vs.nn.rnn_cell,
  nn=vs.nn,
  variable_scope=vs.variable_scope,
  get_variable=lambda *a, **k: _value(vs.get_variable(*a, **k)),
  constant=jnp.asarray,
  float32=vs.float32,
  tanh=jnp.tanh,
  sigmoid=jax.nn.sigmoid,
  matmul=jnp.matmul,
  concat=lambda xs, axis: jnp.concatenate(xs, axis),
  random_uniform_initializer=vs.random_uniform_initializer,
  constant_initializer=vs.constant_initializer,
  zeros_initializer=vs.zeros_initializer,
  ones_initializer=vs.ones_initializer,
  split=lambda x, n, axis: jnp.split(x, n, axis),
  moments=lambda x, axes, keep_dims: (
    x.mean(tuple(axes), keepdims=keep_dims),
    x.var(tuple(axes), keepdims=keep_dims),
  ),
  rsqrt=jax.lax.rsqrt,
  tile=jnp.tile,
  dense=vs.layers.dense,
  depth=lambda x: int(x.shape[-1]),
)


def _run(pid, jit):
  fn, _ = up.PROGRAMS[pid]
  rec = GOLDEN[pid]
  t = vs.transform(lambda: fn(M, rp.Data))
  if rec["error"]:
    with pytest.raises(Exception) as info:
      t.specs()
    assert type(info.value).__name__ == rec["error"]["type"]
    # TF 2.21 puts the creation traceback of an existing variable on later lines only.
    got = str(info.value).splitlines()[0].removesuffix(" Originally defined at:")
    assert got == rec["error"]["first_line"]
    return
  specs = t.specs()
  assert list(specs) == [v["name"] for v in rec["variables"]]
  for v in rec["variables"]:
    s = specs[v["name"]]
    assert (list(s.shape), s.dtype.name, s.trainable) == (v["shape"], v["dtype"], v["trainable"])
  params = vs.unflatten_params(
    {v["name"]: jnp.asarray(VALUES["%s|var|%s" % (pid, v["name"])]) for v in rec["variables"]}
  )
  plain, paths = {}, []

  def run(params):
    leaves = rp.flatten(t.apply(params))
    plain.update({p: x for p, x in leaves if rp.is_plain(x)})
    paths[:] = [p for p, x in leaves if not rp.is_plain(x)]
    return [x for p, x in leaves if not rp.is_plain(x)]

  out = list(zip(paths, jax.jit(run)(params) if jit else run(params)))
  assert plain == rec["plain"]
  assert [p for p, _ in out] == [o["path"] for o in rec["outputs"]]
  for path, x in out:
    np.testing.assert_allclose(
      np.asarray(x),
      VALUES["%s|out|%s" % (pid, path)],
      rtol=1e-5,
      atol=1e-5,
      err_msg="%s %s" % (pid, path),
    )


@pytest.mark.parametrize("pid", list(up.PROGRAMS))
def test_user_cell_program(pid):
  _run(pid, jit=False)


@pytest.mark.slow
@pytest.mark.parametrize("pid", ["user_ln_dynamic", "user_hyper_bidi", "user_learned_static"])
def test_user_cell_program_jit(pid):
  _run(pid, jit=True)


def test_golden_covers_every_program():
  assert set(GOLDEN) == set(up.PROGRAMS)


@pytest.mark.slow
def test_eager_graph_names():
  with vs.Graph().as_default():
    up.PROGRAMS["user_hyper_dynamic"][0](M, rp.Data)
    names = list(vs.global_variables())
  assert names == [v["name"] for v in GOLDEN["user_hyper_dynamic"]["variables"]]
