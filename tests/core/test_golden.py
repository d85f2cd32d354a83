"""Golden conformance tests: varscope_jax must observe what real TensorFlow 1 observed.

tests/golden/golden.json was recorded from ``tf.compat.v1`` (graph mode) by
tests/golden/make_golden.py.  Each applicable scenario (tests/golden/scenarios.py)
and each random scope program (stored in golden.json) is replayed here with
varscope_jax, and the two observation lists must match: floats with
np.allclose, everything else exactly (error messages: type + first line).

TensorFlow is NOT needed to run these tests; only to regenerate the golden file:

    /work/tfvenv/bin/python tests/golden/make_golden.py
"""

import json
import os
import subprocess
import sys

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join(TESTS, "golden")
GOLDEN_PATH = os.path.join(GOLDEN_DIR, "golden.json")
if GOLDEN_DIR not in sys.path:
  sys.path.insert(0, GOLDEN_DIR)

import harness  # noqa: E402
import scenarios  # noqa: E402,F401 - registers the scenarios
import scenarios_fidelity  # noqa: E402,F401
import random_programs  # noqa: E402

REGEN = harness.REGEN_HINT


PROGRAMS_PATH = os.path.join(GOLDEN_DIR, "programs.jsonl")


def _load():
  if not os.path.exists(GOLDEN_PATH):
    return None
  with open(GOLDEN_PATH) as f:
    doc = json.load(f)
  doc["programs"] = []
  if os.path.exists(PROGRAMS_PATH):
    with open(PROGRAMS_PATH) as f:
      doc["programs"] = [json.loads(line) for line in f if line.strip()]
  return doc


GOLDEN = _load()
_SCENARIOS = GOLDEN["scenarios"] if GOLDEN else []
_PROGRAMS = GOLDEN["programs"] if GOLDEN else []
_APPLICABLE = [s for s in _SCENARIOS if s["jax"]]


@pytest.fixture(scope="module")
def t():
  return harness.make_vs_adapter()


def _fmt(o):
  return "<missing>" if o is None else json.dumps(o, sort_keys=True)


def _compare(kind, entry, got):
  want = entry["observations"]
  diff = harness.first_difference(want, got)
  if diff is None:
    return
  i, w, g = diff
  lines = [
    "%s %s: observation #%d differs from TensorFlow's (%d expected, %d recorded)"
    % (kind, entry["id"], i, len(want), len(got)),
    "  TensorFlow  : " + _fmt(w),
    "  varscope_jax: " + _fmt(g),
  ]
  if i > 0:
    lines.append("  (previous, matching: %s)" % _fmt(want[i - 1]))
  lines.append(
    "If the scenario / interpreter code changed rather than varscope_jax, " + REGEN + "."
  )
  pytest.fail("\n".join(lines), pytrace=False)


def test_golden_file_present():
  assert GOLDEN is not None, "tests/golden/golden.json is missing; " + REGEN


@pytest.mark.parametrize("entry", _APPLICABLE, ids=[s["id"] for s in _APPLICABLE])
def test_scenario(entry, t):
  sc = harness.SCENARIOS.get(entry["id"])
  assert sc is not None, "scenario %s is in golden.json but not in scenarios.py; %s" % (
    entry["id"],
    REGEN,
  )
  got = harness.run_scenario(sc, t)
  _compare("scenario", entry, got)


@pytest.mark.parametrize("entry", _PROGRAMS, ids=[p["id"] for p in _PROGRAMS])
def test_random_program(entry, t):
  got = random_programs.replay(entry["program"], t)
  _compare("random program", entry, got)


def test_golden_in_sync_with_scenarios():
  """golden.json must have been generated from the current scenarios.py."""
  assert GOLDEN is not None, REGEN
  golden = {s["id"]: s for s in _SCENARIOS}
  missing = sorted(set(harness.SCENARIOS) - set(golden))
  extra = sorted(set(golden) - set(harness.SCENARIOS))
  changed = sorted(
    i
    for i, sc in harness.SCENARIOS.items()
    if i in golden and (golden[i]["source_sha1"] != sc.source_hash() or golden[i]["jax"] != sc.jax)
  )
  assert not (missing or extra or changed), (
    "golden.json is stale: not recorded %s, no longer in scenarios.py %s, source changed %s; %s"
    % (missing, extra, changed, REGEN)
  )


def test_jax_false_scenarios_are_documented():
  """Every scenario not applicable to JAX says why (stored in golden.json too)."""
  undocumented = [s["id"] for s in _SCENARIOS if not s["jax"] and not (s.get("why") or "").strip()]
  undocumented += [
    i for i, sc in harness.SCENARIOS.items() if not sc.jax and not (sc.why or "").strip()
  ]
  assert not undocumented, "jax=False scenarios without a why=: %s" % undocumented
  for s in _SCENARIOS:
    if not s["jax"]:
      assert s["observations"], "jax=False scenario %s recorded nothing on TF; %s" % (
        s["id"],
        REGEN,
      )


def test_golden_size():
  assert GOLDEN is not None, REGEN
  assert len(_PROGRAMS) >= 1000
  assert GOLDEN.get("tensorflow_version")
  # Committed data: kept compact.
  assert os.path.getsize(GOLDEN_PATH) + os.path.getsize(PROGRAMS_PATH) < 5 * 2**20


@pytest.mark.slow
def test_programs_are_the_generators():
  """programs.jsonl holds exactly what random_programs.py generates (so the generator
  and the recorded programs cannot drift apart)."""
  meta = GOLDEN["random_programs"]
  want = random_programs.generate_programs(meta["n"], meta["base_seed"], meta["n_v1"])
  got = [p["program"] for p in _PROGRAMS]
  assert json.loads(json.dumps(want)) == got, REGEN


def test_programs_draw_every_feature():
  """The random programs exercise templates (all three options), custom getters,
  creators, captured scopes re-entered elsewhere and dtype/initializer inheritance."""
  seen = {}

  def walk(steps):
    for st in steps:
      for key in ("now", "unique", "getter", "slot", "dtype", "init"):
        if key in st and st[key] is not None:
          seen[(st["k"], key)] = seen.get((st["k"], key), 0) + 1
      seen[st["k"]] = seen.get(st["k"], 0) + 1
      walk(st.get("body", []))

  for p in _PROGRAMS:
    walk(p["program"]["steps"])
  for need in [
    ("tpl", "now"),
    ("tpl", "unique"),
    ("tpl", "getter"),
    ("vs", "getter"),
    ("vs", "slot"),
    ("vs", "dtype"),
    ("vs", "init"),
    "call",
    "tscope",
    "cr",
    "set",
    "lv",
  ]:
    assert seen.get(need, 0) >= 30, (need, seen.get(need))


def test_harness_imports_without_tensorflow():
  """The harness, scenarios and program interpreter must not need TensorFlow."""
  code = (
    "import sys; sys.modules['tensorflow'] = None; sys.path.insert(0, %r); "
    "import harness, scenarios, scenarios_fidelity, random_programs; "
    "assert len(harness.SCENARIOS) > 0; "
    "assert 'varscope_jax' not in sys.modules; print('ok')" % GOLDEN_DIR
  )
  out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
  assert out.returncode == 0 and "ok" in out.stdout, out.stderr
