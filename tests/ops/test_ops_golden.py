"""The op table against real TF: each case's rewritten call runs on JAX and matches TF.

``tests/golden/ops/ops_golden.{json,npz}`` hold TF's outputs (``make_ops_golden.py``,
TF1 graph mode) for the cases of ``op_cases.py``. Here each case's call goes through
``rewrite_call`` and the replacement's source text is evaluated with only ``jax``,
``jnp`` and ``vs`` in scope. Values: float32 within ``rtol`` relative (1e-6; the few
looser cases say why in ``op_cases.py``), everything else exactly, dtypes equal.
(relative to each value, floored at 1% of the largest input or output: a sum of mixed
signs near 0 is compared at its inputs' scale). Where TF raises, the rewrite raises ``Unsupported`` or the call a TypeError/ValueError
(with TF's message where TF's error depends on the values). Random ops: same shape and
dtype, and the sample's moments and range agree with TF's.
"""

from __future__ import annotations

import json
import math
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.upgrade.op_table import GENERAL_NOTES
from varscope_jax._src.upgrade.op_table import OPS
from varscope_jax._src.upgrade.op_table import Unsupported
from varscope_jax._src.upgrade.op_table import canonical_ops
from varscope_jax._src.upgrade.op_table import rewrite_call

HERE = pathlib.Path(__file__).resolve().parents[1] / "golden" / "ops"
META = json.loads((HERE / "ops_golden.json").read_text())
ARRAYS = np.load(HERE / "ops_golden.npz")
CASES = META["cases"]
# Dtypes JAX keeps in 32 bits without jax_enable_x64.
X64 = {"int64": "int32", "float64": "float32", "uint64": "uint32", "complex128": "complex64"}
MEASURED: dict[str, float] = {}


def _inputs(case):
  return {k: jnp.asarray(ARRAYS[f"{case['i']}/in/{k}"]) for k in case["inputs"]}


def _run(case):
  code = rewrite_call(case["op"], case["args"], case["kwargs"])
  assert code is not None, f"tf.{case['op']} is not in the op table"
  ns = {"jax": jax, "jnp": jnp, "vs": vs, "__builtins__": {"list": list, "tuple": tuple}}
  ns.update(_inputs(case))
  return code, eval(code, ns)  # noqa: S307 (the table's own rewrite)


def _leaves(out):
  return jax.tree.leaves(out, is_leaf=lambda x: x is None)


def _input_scale(case):
  vals = [np.abs(ARRAYS[f"{case['i']}/in/{k}"].astype(np.float64)) for k in case["inputs"]]
  vals = [v[np.isfinite(v)] for v in vals if v.dtype.kind == "f"]
  return max([float(v.max()) for v in vals if v.size] or [0.0])


def _compare(case, code, got, expected, dtype, j):
  got = np.asarray(got)
  want_dtype = X64.get(dtype, dtype)
  assert got.dtype.name == want_dtype, f"{code}: output {j} dtype {got.dtype} vs TF {dtype}"
  assert got.shape == expected.shape, f"{code}: shape {got.shape} vs TF {expected.shape}"
  if got.dtype.kind == "f" and got.size:
    e = expected.astype(np.float64)
    g = got.astype(np.float64)
    same_nan = np.isnan(e) == np.isnan(g)
    assert same_nan.all(), f"{code}: NaNs differ"
    finite = np.isfinite(e)
    assert (g[~finite & ~np.isnan(e)] == e[~finite & ~np.isnan(e)]).all(), code
    if finite.any():
      # Relative to each value, with a floor at 1% of the magnitudes involved (the
      # largest input or output): a mean of mixed signs near 0 is compared to its inputs.
      scale = max(np.abs(e[finite]).max(), _input_scale(case), 1e-30)
      err = np.abs(g[finite] - e[finite])
      rel = float((err / np.maximum(np.abs(e[finite]), scale * 1e-2)).max())
      MEASURED[case["op"]] = max(MEASURED.get(case["op"], 0.0), rel)
      assert rel <= case["rtol"], f"{code}: relative difference {rel:.3g} > {case['rtol']}"
  else:
    np.testing.assert_array_equal(got, expected.astype(got.dtype), err_msg=code)


def _check_error(case):
  try:
    code, _ = _run(case)
  except Unsupported:
    return
  except (TypeError, ValueError, IndexError) as e:  # jnp: IndexError for a bad axis
    if case["error"] == "InvalidArgumentError":  # value-dependent: TF's text
      assert case["message"] in str(e), f"{e!r} lacks TF's message {case['message']!r}"
    return
  pytest.fail(f"TF raises {case['error']} ({case['message']}) but {code} does not")


def _check_random(case):
  code, out = _run(case)
  leaves = _leaves(out)
  for got, st in zip(leaves, case["stats"]):
    got = np.asarray(got)
    assert list(got.shape) == st["shape"], code
    assert got.dtype.name == X64.get(st["dtype"], st["dtype"]), code
    f = got.astype(np.float64)
    n = f.size
    se = max(st["std"], 1e-12) / math.sqrt(n)
    assert abs(f.mean() - st["mean"]) < 6 * se + 1e-9, f"{code}: mean {f.mean()} vs {st['mean']}"
    assert abs(f.std() - st["std"]) < 0.05 * st["std"] + 1e-9, f"{code}: std {f.std()}"
    lo, hi = st["min"], st["max"]
    width = hi - lo
    assert f.min() >= lo - 0.05 * width and f.max() <= hi + 0.05 * width, code
    if "truncated" in case["op"] or "uniform" in case["op"] or "shuffle" in case["op"]:
      assert f.min() >= lo - 0.01 * width and f.max() <= hi + 0.01 * width, code


def _check_known(case):
  """A documented difference: the note says it; the call runs and has TF's shape."""
  notes = OPS[case["op"]].note + " ".join(GENERAL_NOTES)
  assert case["known"] in notes, f"tf.{case['op']}: {case['known']!r} is not documented"
  code, out = _run(case)
  if "error" not in case:
    for j, got in enumerate(_leaves(out)):
      assert np.shape(got) == ARRAYS[f"{case['i']}/out/{j}"].shape, code


@pytest.mark.slow  # ~650 cases, 2-4 minutes in all
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['i']}-{c['expr'][:60]}")
def test_case_matches_tf(case):
  if case.get("known"):
    _check_known(case)
    return
  if "error" in case:
    _check_error(case)
    return
  if case["random"]:
    _check_random(case)
    return
  code, out = _run(case)
  leaves = _leaves(out)
  assert len(leaves) == case["n_out"], f"{code}: {len(leaves)} outputs vs TF's {case['n_out']}"
  for j, (got, dtype) in enumerate(zip(leaves, case["dtypes"])):
    _compare(case, code, got, ARRAYS[f"{case['i']}/out/{j}"], dtype, j)


def test_every_table_entry_has_a_golden_case():
  covered = {c["op"] for c in CASES}
  missing = sorted(o.tf_name for o in canonical_ops() if o.tf_name not in covered)
  assert missing == [], f"op table entries without a golden case: {missing}"


def test_every_key_is_tf_name_with_tf_signature():
  """Each key (alias included) exists in TF, is the canonical op's function, and the
  table binds TF's parameters in TF's order."""
  sigs = META["signatures"]
  assert sorted(sigs) == sorted(OPS), "rerun make_ops_golden.py: the table's keys changed"
  for key, o in OPS.items():
    s = sigs[key]
    assert not s.get("missing"), f"tf.{key} does not exist in TF"
    assert s["same_as_canonical"], f"tf.{key} is not the same op as tf.{o.tf_name}"
    if s["params"] is None:
      continue
    tf_params = [p for p, k in zip(s["params"], s["kinds"]) if "VAR_POSITIONAL" not in k]
    ours = [p for p in o.params if not (o.varargs and p == "name")]
    assert ours == tf_params, f"tf.{key}: table binds {ours}, TF has {tf_params}"


if __name__ == "__main__":
  # The largest relative difference per op over its float cases (the measure the tests
  # bound): PYTHONPATH=. python tests/ops/test_ops_golden.py
  for c in CASES:
    if "error" not in c and not c["random"] and not c.get("known"):
      test_case_matches_tf(c)
  for op, rel in sorted(MEASURED.items(), key=lambda kv: -kv[1]):
    print(f"{rel:9.3g}  tf.{op}")
  print(
    f"{len(CASES)} cases; max {max(MEASURED.values()):.3g}; "
    f"{sum(v == 0 for v in MEASURED.values())} of {len(MEASURED)} float ops exact"
  )
