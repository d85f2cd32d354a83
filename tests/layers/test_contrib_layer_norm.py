"""``vs.contrib.layers.layer_norm`` against tf-slim's (= TF1 ``tf.contrib.layers``) layer_norm.

``tests/golden/layer_norm.json`` holds what real TF recorded for every program of
``tests/golden/layer_norm_programs.py`` (regenerate: ``/work/tfvenv/bin/python
tests/golden/make_layer_norm_golden.py``). Each program is replayed twice:

* in a fresh eager graph (``vs.Graph().as_default()``): the variables made -- also those
  made before an error -- with their shapes, dtypes, trainable flags and collections,
  and the error (type and first line, exactly TF's);
* under ``vs.transform``: ``specs`` and ``init`` give the same names, ``apply`` (plain and
  under ``jax.jit``) on TF's recorded variable values gives TF's outputs.
"""

import hashlib
import inspect
import json
import os
import sys

import jax
import jax.numpy as jnp
from jax.test_util import check_grads
import ml_dtypes
import numpy as np
import pytest

import varscope_jax as vs

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS, "golden"))
import layer_norm_programs as lnp  # noqa: E402

with open(os.path.join(TESTS, "golden", "layer_norm.json")) as f:
  GOLDEN = {r["name"]: r for r in json.load(f)["programs"]}

REGENERATE = "regenerate with: /work/tfvenv/bin/python tests/golden/make_layer_norm_golden.py"
# Places where varscope_jax deliberately differs from tf-slim (each also tested below).
DIFFERS = {"variables_collections_string"}
TOL = {"float32": 1e-5, "float16": 2e-3, "bfloat16": 2e-2}
# Constant rows: variance 0, so inv = rsqrt(1e-12) * gamma ~ 1e6 and the output is the
# difference of two ~2.5e6 float32 terms plus beta; one ulp there is 0.25. TF and XLA
# round (and fuse) them differently, so only "finite and beta to within an ulp" holds.
ATOL = {"constant_rows": 0.25}


class VsApi:
  layer_norm = staticmethod(vs.contrib.layers.layer_norm)
  variable_scope = staticmethod(vs.variable_scope)
  name_scope = staticmethod(vs.name_scope)
  AUTO_REUSE = vs.AUTO_REUSE
  make_template = staticmethod(vs.make_template)
  get_variable_scope = staticmethod(vs.get_variable_scope)
  get_collection = staticmethod(vs.get_collection)
  relu = staticmethod(jax.nn.relu)

  @staticmethod
  def cast(x, dtype):
    return x.astype(dtype)


def _np_dtype(name):
  return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _array(rec):
  return np.asarray(rec["value"], np.float64).astype(_np_dtype(rec["dtype"])).reshape(rec["shape"])


def _inputs(prog):
  return [jnp.asarray(v) for v in prog.inputs()]


def _eager_variables(graph):
  """[{name, shape, dtype, trainable, collections}] in creation order, as the recorder."""
  keys = graph.get_all_collection_keys()
  out = []
  for v in graph.get_collection(vs.GraphKeys.GLOBAL_VARIABLES):
    out.append(
      {
        "name": v.name[:-2],
        "shape": list(v.shape),
        "dtype": np.dtype(v.dtype).name,
        "trainable": v.trainable,
        "collections": sorted(k for k in keys if any(v is c for c in graph.get_collection(k))),
      }
    )
  return out


def _first_line(e):
  return str(e).split("\n")[0]


PROGRAM_NAMES = [n for n in lnp.PROGRAMS if n not in DIFFERS]


def test_golden_is_current():
  for name, prog in lnp.PROGRAMS.items():
    assert name in GOLDEN, f"program {name} has no golden record; {REGENERATE}"
    sha = hashlib.sha1(inspect.getsource(prog.fn).encode()).hexdigest()[:12]
    assert GOLDEN[name]["source_sha1"] == sha, f"program {name} changed; {REGENERATE}"


@pytest.mark.parametrize("name", PROGRAM_NAMES)
def test_eager_graph_matches_tf(name):
  prog, gold = lnp.PROGRAMS[name], GOLDEN[name]
  graph = vs.Graph()
  with graph.as_default():
    err = None
    try:
      prog.fn(VsApi, *_inputs(prog))
    except (ValueError, TypeError) as e:
      err = e
    got_vars = _eager_variables(graph)
  if gold["error"] is None:
    assert err is None, f"TF raised nothing; varscope_jax raised {err!r}"
  else:
    assert type(err).__name__ == gold["error"]["type"], (err, gold["error"])
    if gold["tf_only_error"]:
      # TF names graph nodes after the shared opening; we raise before making variables.
      assert (
        gold["error"]["msg"].startswith(_first_line(err)) or gold["error"]["type"] == "TypeError"
      )
      assert "layer_norm in variable scope 'LayerNorm'" in str(err)
      assert got_vars == []
      return
    assert _first_line(err) == gold["error"]["msg"]
  assert got_vars == gold["variables"]


@pytest.mark.parametrize("name", [n for n in PROGRAM_NAMES if GOLDEN[n]["error"] is None])
def test_transform_matches_tf_outputs(name):
  prog, gold = lnp.PROGRAMS[name], GOLDEN[name]
  t = vs.transform(lambda *xs: prog.fn(VsApi, *xs))
  inputs = _inputs(prog)
  specs = t.specs(*inputs)
  assert [(n, list(s.shape), s.dtype.name, s.trainable) for n, s in specs.items()] == [
    (v["name"], v["shape"], v["dtype"], v["trainable"]) for v in gold["variables"]
  ]
  params = t.init(jax.random.PRNGKey(0), *inputs)
  assert sorted(dict(vs.flatten_params(params))) == sorted(gold["values"])
  tf_params = vs.unflatten_params({k: jnp.asarray(_array(v)) for k, v in gold["values"].items()})
  for apply in (t.apply, jax.jit(t.apply)):
    outs = apply(tf_params, *inputs)
    assert len(outs) == len(gold["outputs"])
    for got, want in zip(outs, gold["outputs"]):
      if isinstance(want, int):
        assert got == want
        continue
      assert got.dtype.name == want["dtype"] and list(got.shape) == want["shape"]
      np.testing.assert_allclose(
        np.asarray(got, np.float64),
        _array(want).astype(np.float64),
        rtol=TOL[want["dtype"]],
        atol=ATOL.get(name, TOL[want["dtype"]]),
      )


@pytest.mark.parametrize("name", [n for n in PROGRAM_NAMES if GOLDEN[n]["error"] is not None])
def test_transform_raises_tfs_error(name):
  prog, gold = lnp.PROGRAMS[name], GOLDEN[name]
  t = vs.transform(lambda *xs: prog.fn(VsApi, *xs))
  with pytest.raises((ValueError, TypeError)) as info:
    t.init(jax.random.PRNGKey(0), *_inputs(prog))
  assert type(info.value).__name__ == gold["error"]["type"]
  if not gold["tf_only_error"]:
    assert _first_line(info.value) == gold["error"]["msg"]


def test_string_variables_collections_is_an_error_not_one_collection_per_character():
  # tf-slim adds the variables to collections '_', 'a', 'l', 'n', ... (list("ln_vars")).
  gold = GOLDEN["variables_collections_string"]
  assert "l" in gold["variables"][0]["collections"]
  with vs.Graph().as_default():
    with pytest.raises(
      TypeError,
      match=r"variables_collections for 'beta' is the string "
      r"'ln_vars'; pass a list .* \['ln_vars'\]",
    ):
      vs.contrib.layers.layer_norm(jnp.ones((2, 3)), variables_collections="ln_vars")
    assert vs.global_variables() == {}
  with vs.Graph().as_default():
    with pytest.raises(TypeError, match="variables_collections for 'gamma'"):
      vs.contrib.layers.layer_norm(jnp.ones((2, 3)), variables_collections={"gamma": "g"})
    assert vs.global_variables() == {}


def test_errors_name_the_variable_scope():
  with vs.Graph().as_default():
    with vs.variable_scope("enc"):
      with pytest.raises(ValueError) as info:
        vs.contrib.layers.layer_norm(jnp.ones((2, 3)), begin_params_axis=2)
  assert str(info.value).split("\n")[1] == (
    "(layer_norm in variable scope 'enc/LayerNorm', inputs of shape (2, 3))"
  )


def test_gradients_flow_and_match_finite_differences():
  t = vs.transform(lambda x: jnp.sum(vs.contrib.layers.layer_norm(x) ** 3))
  x = jnp.asarray(lnp.PROGRAMS["default_rank2"].inputs()[0])
  params = t.init(jax.random.PRNGKey(0), x)
  grads = jax.grad(t.apply)(params, x)
  assert set(dict(vs.flatten_params(grads))) == {"LayerNorm/beta", "LayerNorm/gamma"}
  check_grads(lambda p: t.apply(p, x), (params,), order=1, modes=["rev"], atol=1e-2, rtol=1e-2)
