"""One measurement of the TF-Slim benchmarks in THIS process; prints one JSON line.

``run_slim_bench.py`` runs each in a fresh subprocess::

  python benchmarks/slim_bench.py cold --lib varscope --mode own   # slim resnet_v2_50 t.init
  python benchmarks/slim_bench.py cold --lib linen --mode jit      # linen jax.jit(init)
  python benchmarks/slim_bench.py cold --lib linen --mode eager    # linen init, un-jitted
  python benchmarks/slim_bench.py load                             # ~100 MB TF1 checkpoint
  python benchmarks/slim_bench.py jaxpr                            # train step vs hand-written

``cold``: the first init in a fresh process (trace + compile + run, until
``jax.block_until_ready``); imports, building the model and the input are not counted.

``load``: a TF1 bundle with resnet_v2_50's 272 variables (names and shapes from
``tests/slim_nets/data/full_size.json``, random float32 values, 102.5 MB) is written into a
temporary folder with ``vs.save_tf1_checkpoint``; its data file is read once so it sits in
the page cache. Then, alternating, best of ``--repeat``: ``vs.load_tf1_checkpoint(prefix,
as_numpy=True)`` (index, every tensor read and its crc32c checked, numpy arrays), the
same to ``jax.Array``, and ``np.fromfile`` of the same data file (the bytes alone).

``jaxpr``: the jitted training step (forward in training mode, softmax cross-entropy +
``vs.get_regularization_loss()``, ``jax.grad``, SGD, the batch-norm updates) of tf_slim's
resnet_v2_50 against the same step written by hand in ``jax`` on the same params
(``slim_hand.py``): their jaxprs are compared equation for equation, and both steps are
timed (best of 5 after the compile).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import slim_models  # noqa: E402  (puts the repo root and tests/slim_nets on sys.path)

import jax  # noqa: E402
import numpy as np  # noqa: E402

FULL_SIZE = os.path.join(slim_models.ROOT, "tests", "slim_nets", "data", "full_size.json")


def cold(lib, mode):
  x = slim_models.example_input()
  rng = jax.random.PRNGKey(0)
  jax.block_until_ready((x, rng))
  if lib == "varscope":
    import varscope_jax as vs

    t = vs.transform(slim_models.slim_resnet_v2_50())
    fn = {"own": t.init, "jit": jax.jit(t.init, static_argnums=2)}[mode]
    call = lambda: fn(rng, x, True)
  else:
    model = slim_models.linen_resnet_v2_50()
    init = lambda r, x: model.init(r, x, True)
    fn = {"jit": jax.jit(init), "eager": init}[mode]
    call = lambda: fn(rng, x)
  t0 = time.perf_counter()
  params = jax.block_until_ready(call())
  cold_s = time.perf_counter() - t0
  t0 = time.perf_counter()
  jax.block_until_ready(call())
  warm_s = time.perf_counter() - t0
  leaves = jax.tree_util.tree_leaves(params)
  return {
    "lib": lib,
    "mode": mode,
    "cold_s": cold_s,
    "warm_s": warm_s,
    "n_params": sum(int(l.size) for l in leaves),
    "n_leaves": len(leaves),
  }


def load(repeat):
  import varscope_jax as vs

  with open(FULL_SIZE) as f:
    variables = json.load(f)["resnet_v2"]["variables"]
  rng = np.random.default_rng(0)
  flat = {name: rng.standard_normal(shape, dtype=np.float32) for name, shape in variables}
  with tempfile.TemporaryDirectory() as tmp:
    prefix = os.path.join(tmp, "model.ckpt")
    vs.save_tf1_checkpoint(prefix, vs.unflatten_params(flat))
    data = prefix + ".data-00000-of-00001"
    size = os.path.getsize(data)
    np.fromfile(data, dtype=np.uint8)  # into the page cache
    times = {
      "numpy_fromfile": [],
      "numpy_fromfile_device_put": [],
      "load_numpy": [],
      "load_jax": [],
    }
    for _ in range(repeat):
      t0 = time.perf_counter()
      raw = np.fromfile(data, dtype=np.uint8)
      times["numpy_fromfile"].append(time.perf_counter() - t0)
      del raw
      t0 = time.perf_counter()
      raw = jax.block_until_ready(jax.device_put(np.fromfile(data, dtype=np.float32)))
      times["numpy_fromfile_device_put"].append(time.perf_counter() - t0)
      del raw
      t0 = time.perf_counter()
      params = vs.load_tf1_checkpoint(prefix, as_numpy=True)
      times["load_numpy"].append(time.perf_counter() - t0)
      del params
      t0 = time.perf_counter()
      params = jax.block_until_ready(vs.load_tf1_checkpoint(prefix))
      times["load_jax"].append(time.perf_counter() - t0)
      n = len(vs.flatten_params(params))
      del params
  best = {k: min(v) for k, v in times.items()}
  return {
    "bytes": size,
    "n_tensors": n,
    "repeat": repeat,
    **{k + "_s": v for k, v in best.items()},
    "ratio_numpy": best["load_numpy"] / best["numpy_fromfile"],
    "ratio_jax": best["load_jax"] / best["numpy_fromfile_device_put"],
    "all": times,
  }


def jaxpr_compare():
  import slim_hand

  return slim_hand.compare()


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("what", choices=("cold", "load", "jaxpr"))
  ap.add_argument("--lib", choices=("varscope", "linen"))
  ap.add_argument("--mode", choices=("own", "jit", "eager"))
  ap.add_argument("--repeat", type=int, default=5)
  a = ap.parse_args()
  if a.what == "cold":
    out = cold(a.lib, a.mode)
  elif a.what == "load":
    out = load(a.repeat)
  else:
    out = jaxpr_compare()
  print(json.dumps({"what": a.what, **out}))


if __name__ == "__main__":
  main()
