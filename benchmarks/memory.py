"""Peak memory and throughput of making ~2 GB of float32 params, in THIS process.

  python benchmarks/memory.py --case varscope   # or: jax_jit, normal, uniform

The model: ``--layers`` (32) layers of ``w: [--dim, --dim]`` (4096: 64 MiB each, 2 GiB
in all) glorot-uniform and ``b: [--dim]`` zeros, forward ``x @ w + b``.

* ``varscope``: ``t.init(rng, x)`` (varscope_jax's own, un-jitted call).
* ``jax_jit``: ``jax.jit(init)`` of the hand-written init (per-layer ``glorot_uniform``).
* ``normal`` / ``uniform``: ``jax.jit(jax.random.normal / uniform)`` of ONE array of
  the same total number of weight elements: the limit on how fast the values can be made.

RSS: ``rss_before`` just before the first call (after imports, backend start and the
input); ``peak`` = max(``ru_maxrss``, a 1 ms psutil sampler) over the first call;
``peak_over_params`` = (peak - rss_before) / params' bytes. Times: ``cold_s`` = first
call (trace + compile + run), ``warm_s`` = one further call (params of the
previous call freed first); throughput = params' bytes / time.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import threading
import time

import models  # noqa: F401  (puts the repo root on sys.path)
import jax
import jax.numpy as jnp
import psutil


class Sampler:
  def __init__(self):
    self.proc = psutil.Process()
    self.peak = self.proc.memory_info().rss
    self._stop = threading.Event()
    self._t = threading.Thread(target=self._run, daemon=True)

  def _run(self):
    while not self._stop.is_set():
      self.peak = max(self.peak, self.proc.memory_info().rss)
      time.sleep(0.001)

  def __enter__(self):
    self._t.start()
    return self

  def __exit__(self, *exc):
    self._stop.set()
    self._t.join()


def build(case, layers, dim):
  if case in ("normal", "uniform"):
    shape = (layers * dim * dim,)
    f = jax.random.normal if case == "normal" else jax.random.uniform
    return jax.jit(lambda k, x: f(k, shape, jnp.float32))
  if case == "varscope":
    import varscope_jax as vs

    def fn(x):
      for i in range(layers):
        with vs.variable_scope("layer_%d" % i):
          w = vs.get_variable("w", [dim, dim])
          b = vs.get_variable("b", [dim], initializer=vs.zeros_initializer())
        x = x @ w + b
      return x

    return vs.transform(fn).init
  glorot = jax.nn.initializers.glorot_uniform()

  def init(rng, x):
    del x
    keys = jax.random.split(rng, layers)
    return {
      "layer_%d" % i: {
        "w": glorot(keys[i], (dim, dim), jnp.float32),
        "b": jnp.zeros((dim,), jnp.float32),
      }
      for i in range(layers)
    }

  return jax.jit(init)


def nbytes(tree):
  return sum(int(l.size) * l.dtype.itemsize for l in jax.tree_util.tree_leaves(tree))


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--case", required=True, choices=("varscope", "jax_jit", "normal", "uniform"))
  ap.add_argument("--layers", type=int, default=32)
  ap.add_argument("--dim", type=int, default=4096)
  a = ap.parse_args()

  fn = build(a.case, a.layers, a.dim)
  x = jnp.ones((1, a.dim), jnp.float32)
  rng = jax.random.PRNGKey(0)
  jax.block_until_ready((x, rng))
  gc.collect()
  rss_before = psutil.Process().memory_info().rss
  maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

  with Sampler() as s:
    t0 = time.perf_counter()
    out = jax.block_until_ready(fn(rng, x))
    cold = time.perf_counter() - t0
  peak = max(s.peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
  size = nbytes(out)
  rss_after = psutil.Process().memory_info().rss

  warm = []
  for _ in range(1):
    del out
    gc.collect()
    t0 = time.perf_counter()
    out = jax.block_until_ready(fn(rng, x))  # noqa: F841 (kept alive until the next round)
    warm.append(time.perf_counter() - t0)

  print(
    json.dumps(
      {
        "case": a.case,
        "layers": a.layers,
        "dim": a.dim,
        "bytes": size,
        "rss_before": rss_before,
        "maxrss_before": maxrss_before,
        "peak": peak,
        "rss_after": rss_after,
        "peak_over_params": (peak - rss_before) / size,
        "cold_s": cold,
        "warm_s": min(warm),
        "cold_GBps": size / cold / 1e9,
        "warm_GBps": size / min(warm) / 1e9,
      }
    )
  )


if __name__ == "__main__":
  main()
