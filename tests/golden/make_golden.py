"""Regenerate tests/golden/golden.json from real TensorFlow.

    python3 -m venv /work/tfvenv && /work/tfvenv/bin/pip install tensorflow-cpu numpy
    /work/tfvenv/bin/python tests/golden/make_golden.py

Runs every scenario of scenarios.py and scenarios_fidelity.py (jax=False ones
too: their TF output is kept as documentation) and every random program of
random_programs.py against ``tf.compat.v1`` (graph mode,
``disable_v2_behavior()``), each in a fresh ``tf.Graph``, and writes golden.json
(scenarios and metadata; sorted keys, indent 1) and programs.jsonl (the random
programs with TF's observations, one compact JSON object a line, to keep the
committed file small).  TensorFlow is never a dependency of varscope_jax; only
this script needs it.
"""
import argparse
import datetime
import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden.json")
PROGRAMS = os.path.join(HERE, "programs.jsonl")
N_PROGRAMS = 1000
N_V1 = 150   # the first programs keep generator version 1 (as first recorded)
BASE_SEED = 20240601


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=GOLDEN)
    ap.add_argument("--programs-out", default=PROGRAMS)
    ap.add_argument("--programs", type=int, default=N_PROGRAMS)
    ap.add_argument("--seed", type=int, default=BASE_SEED)
    args = ap.parse_args(argv)

    sys.path.insert(0, HERE)
    import harness
    import scenarios  # noqa: F401 - registers the scenarios
    import scenarios_fidelity  # noqa: F401
    import random_programs as rp

    t = harness.make_tf_adapter()
    out_sc = []
    n_uncaught = 0
    for sc in harness.SCENARIOS.values():
        obs = harness.run_scenario(sc, t)
        n_uncaught += any(o["label"] == "!uncaught" for o in obs)
        out_sc.append({"id": sc.id, "pins": sc.pins, "jax": sc.jax, "why": sc.why, "x64": sc.x64,
                       "source_sha1": sc.source_hash(), "observations": obs})
    out_rp = []
    for prog in rp.generate_programs(args.programs, args.seed, N_V1):
        obs = rp.replay(prog, t)
        n_uncaught += any(o["label"] == "!uncaught" for o in obs)
        out_rp.append({"id": prog["id"], "program": prog, "observations": obs})

    n_app = sum(1 for s in out_sc if s["jax"])
    doc = {
        "generator": "tests/golden/make_golden.py",
        "regenerate": "/work/tfvenv/bin/python tests/golden/make_golden.py",
        "tensorflow_version": t.version,
        "python_version": platform.python_version(),
        "date": datetime.date.today().isoformat(),
        "api": "tf.compat.v1 with disable_v2_behavior() (graph mode, ref variables by default)",
        "counts": {"scenarios": len(out_sc), "applicable": n_app, "jax_false": len(out_sc) - n_app,
                   "random_programs": len(out_rp), "applicable_total": n_app + len(out_rp)},
        "random_programs": {"n": args.programs, "base_seed": args.seed, "n_v1": N_V1,
                            "generator_version": rp.VERSION,
                            "file": os.path.basename(args.programs_out)},
        "scenarios": out_sc,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, sort_keys=True, indent=1)
        f.write("\n")
    with open(args.programs_out, "w") as f:
        for entry in out_rp:
            f.write(json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n")
    print("wrote %s: TF %s, %d scenarios (%d applicable, %d jax=False), %d random programs; "
          "%d applicable in total; %d with an uncaught error"
          % (args.out, t.version, len(out_sc), n_app, len(out_sc) - n_app, len(out_rp),
             n_app + len(out_rp), n_uncaught))
    return 0


if __name__ == "__main__":
    sys.exit(main())
