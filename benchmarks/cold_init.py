"""One cold-init measurement in THIS process; prints one JSON line.

Run as a fresh subprocess per (library, mode, model, depth) by ``run_all.py``, so that
nothing (jit caches, compiled initializers, traced modules) is shared between
measurements::

  python benchmarks/cold_init.py --lib haiku --mode jit --model mlp --depth 300

Modes: ``jit`` times ``jax.jit(init)(rng, x)`` (trace + compile + run); ``eager`` times
the library's normal un-jitted init; ``own`` (varscope only) times ``t.init(rng, x)``,
which traces abstractly and then runs cached grouped jitted initializers.

Before the clock starts: imports, building the model object and the input ``x`` and
``rng`` (which also starts the XLA backend). The clock stops after
``jax.block_until_ready`` on the params. ``warm_s`` is a second call of the same init in
the same process.
"""

from __future__ import annotations

import argparse
import json
import time

import models  # noqa: F401  (puts the repo root on sys.path)
import jax


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--lib", required=True, choices=models.LIBS)
  ap.add_argument("--mode", required=True, choices=("jit", "eager", "own"))
  ap.add_argument("--model", default="mlp", choices=("mlp", "transformer"))
  ap.add_argument("--depth", type=int, required=True)
  a = ap.parse_args()

  m = models.build(a.lib, a.model, a.depth)
  x = models.example_input(a.model)
  rng = jax.random.PRNGKey(0)
  jax.block_until_ready((x, rng))

  if a.mode == "jit":
    fn = jax.jit(m.init)
  elif a.mode == "own":
    if a.lib != "varscope":
      raise SystemExit("--mode own is varscope_jax's t.init")
    fn = m.init
  else:
    fn = m.eager_init

  t0 = time.perf_counter()
  params = jax.block_until_ready(fn(rng, x))
  cold = time.perf_counter() - t0

  t0 = time.perf_counter()
  params = jax.block_until_ready(fn(rng, x))
  warm = time.perf_counter() - t0

  leaves = jax.tree_util.tree_leaves(params)
  print(
    json.dumps(
      {
        "lib": a.lib,
        "mode": a.mode,
        "model": a.model,
        "depth": a.depth,
        "cold_s": cold,
        "warm_s": warm,
        "n_params": sum(int(l.size) for l in leaves),
        "n_leaves": len(leaves),
      }
    )
  )


if __name__ == "__main__":
  main()
