"""One measurement of a ``vs.layers`` model in THIS process; prints one JSON line
(``run_layers_bench.py`` runs them all).

  python benchmarks/layers_bench.py cold --model bert --lib varscope --mode own --size base
  python benchmarks/layers_bench.py cold --model cnn --lib linen --mode jit
  python benchmarks/layers_bench.py bare --dist normal --size base
  python benchmarks/layers_bench.py steady --model bert --size base

Models: ``bert`` (``bert_models.py``: the varscope_jax port of BERT, hand-written JAX,
Flax linen; ``--size base|base4|tiny``) and ``cnn`` (``cnn_models.py``: conv + batch norm
+ max-pool blocks with ``vs.layers``, hand-written JAX, Flax linen).

* ``cold``: the first ``init`` in a fresh process (trace + compile + run, until
  ``block_until_ready``), then a second (``warm_s``). Modes: ``own`` = varscope_jax's
  ``t.init``; ``jit`` = ``jax.jit(init)``; ``eager`` = the library's un-jitted init. Also the
  peak RSS over the first call (max of ``ru_maxrss`` and a 1 ms psutil sampler) minus the
  RSS just before it, and that over the params' bytes.
* ``bare``: ``jax.jit(lambda k: jax.random.<dist>(k, (n,)))`` for ``n`` = the model's
  parameter count, cold and warm: the limit for making that many random values.
  ``truncated_normal`` is BERT's initializer (every matrix and embedding table).
* ``steady`` (varscope_jax's port and the hand-written BERT, in one process, on the same
  params, interleaved call by call): un-jitted ``apply``; the jitted train step (forward +
  ``jax.grad`` + SGD): compile time, median time per call, equations, and whether the two
  step jaxprs are identical (``tests/layers/test_layers_jaxpr.py`` checks that on a tiny BERT and the CNN).

BERT inputs: batch 2, sequence 32 (``bert_models.example_inputs``); CNN inputs
``[16, 32, 32, 3]``; the CNN's step is a training step (batch statistics, moving averages
updated through ``apply(..., mutable=True)``) with a cross-entropy loss.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import time

import bert_models
import cnn_models
import memory  # Sampler
import steady  # count_eqns, timed, interleaved
import jax
import jax.numpy as jnp
import psutil


def nbytes(tree):
  return sum(int(leaf.size) * leaf.dtype.itemsize for leaf in jax.tree_util.tree_leaves(tree))


def n_params(size):
  shapes = jax.eval_shape(
    bert_models.build("jax", size).init, jax.random.PRNGKey(0), *bert_models.example_inputs(size)
  )
  return sum(int(leaf.size) for leaf in jax.tree_util.tree_leaves(shapes))


def normalised_tokens(closed) -> list:
  """The jaxpr's text as tokens, with function names and variable names normalised
  (as ``tests/layers/test_layers_jaxpr.py`` compares them)."""
  text = re.sub(r"\b(name|jaxpr)=\S+", r"\1=_", str(closed))
  text = re.sub(r"\blet \S+ = \{", "let _ = {", text)
  names = {}
  text = re.sub(
    r"\b[a-z]{1,3}\b(?=[:\s,)\]])", lambda m: names.setdefault(m.group(0), "v%d" % len(names)), text
  )
  return text.split()


def first_call(fn, *args):
  """(result, seconds, peak RSS increase) of the first call."""
  gc.collect()
  rss_before = psutil.Process().memory_info().rss
  with memory.Sampler() as s:
    t0 = time.perf_counter()
    out = jax.block_until_ready(fn(*args))
    seconds = time.perf_counter() - t0
  peak = max(s.peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
  return out, seconds, peak - rss_before


def _model(a, lib):
  """(Model, inputs, step maker, step args) for ``--model``."""
  if a.model == "cnn":
    m = cnn_models.build(lib)
    x = cnn_models.example_input()
    return (
      m,
      (x,),
      (lambda: cnn_models.make_step(m.extra["train_apply"])),
      (x, cnn_models.example_labels()),
    )
  m = bert_models.build(lib, a.size)
  inputs = bert_models.example_inputs(a.size)
  return m, inputs, (lambda: bert_models.make_step(m.apply)), inputs


def cold(a):
  m, inputs, _, _ = _model(a, a.lib)
  rng = jax.random.PRNGKey(0)
  jax.block_until_ready((inputs, rng))
  if a.mode == "own" and a.lib != "varscope":
    raise SystemExit("--mode own is varscope_jax's t.init")
  fn = {"own": m.init, "jit": jax.jit(m.init), "eager": m.eager_init}[a.mode]
  params, seconds, rss = first_call(fn, rng, *inputs)
  size = nbytes(params)
  del params
  gc.collect()
  warm = steady.timed(fn, rng, *inputs)
  return {
    "lib": a.lib,
    "mode": a.mode,
    "cold_s": seconds,
    "warm_s": warm,
    "n_params": sum(
      int(x.size) for x in jax.tree_util.tree_leaves(jax.eval_shape(fn, rng, *inputs))
    ),
    "bytes": size,
    "peak_rss_increase": rss,
    "peak_over_params": rss / size,
  }


def bare(a):
  n = n_params(a.size)
  dist = a.dist
  if dist == "normal":
    fn = jax.jit(lambda k: jax.random.normal(k, (n,), jnp.float32))
  else:
    fn = jax.jit(lambda k: jax.random.truncated_normal(k, -2.0, 2.0, (n,), jnp.float32))
  rng = jax.random.PRNGKey(0)
  jax.block_until_ready(rng)
  out, seconds, rss = first_call(fn, rng)
  size = nbytes(out)
  del out
  gc.collect()
  return {
    "dist": dist,
    "n": n,
    "cold_s": seconds,
    "warm_s": steady.timed(fn, rng),
    "bytes": size,
    "peak_rss_increase": rss,
    "peak_over_params": rss / size,
  }


def steady_state(a):
  ours, inputs, our_step, step_args = _model(a, "varscope")
  hand, _, hand_step, _ = _model(a, "jax")
  params = jax.block_until_ready(ours.init(jax.random.PRNGKey(0), *inputs))
  out = {"n_params": sum(int(x.size) for x in jax.tree_util.tree_leaves(params))}
  libs = [ours, hand]

  for m in libs:  # warm-up: compiles each primitive once
    jax.block_until_ready(m.eager_apply(params, *inputs))
  apply_t, n_apply = steady.interleaved(
    [m.eager_apply for m in libs], [(params, *inputs)] * 2, a.n_apply, budget_s=a.budget
  )

  steps = [our_step(), hand_step()]
  jaxprs = [jax.make_jaxpr(s)(params, *step_args) for s in steps]
  jitted = [jax.jit(s) for s in steps]
  compile_s = [steady.timed(f, params, *step_args) for f in jitted]
  step_t, n_step = steady.interleaved(
    jitted, [(params, *step_args)] * 2, a.n_step, budget_s=a.budget
  )
  for j, prefix in enumerate(("", "hand_")):
    out.update(
      {
        prefix + "apply_eager_s": apply_t[j],
        prefix + "step_compile_s": compile_s[j],
        prefix + "step_s": step_t[j],
        prefix + "step_eqns": steady.count_eqns(jaxprs[j].jaxpr),
      }
    )
  out["n_apply"], out["n_step"] = n_apply, n_step
  norm = [normalised_tokens(j) for j in jaxprs]
  out["jaxpr_equal"] = norm[0] == norm[1]
  return out


def main():
  ap = argparse.ArgumentParser()
  sub = ap.add_subparsers(dest="what", required=True)
  c = sub.add_parser("cold")
  c.add_argument("--lib", required=True, choices=bert_models.LIBS)
  c.add_argument("--mode", required=True, choices=("own", "jit", "eager"))
  b = sub.add_parser("bare")
  b.add_argument("--dist", required=True, choices=("normal", "truncated_normal"))
  s = sub.add_parser("steady")
  s.add_argument("--n-apply", type=int, default=5)
  s.add_argument("--n-step", type=int, default=7)
  s.add_argument("--budget", type=float, default=20.0, help="seconds per interleaved series")
  for p in (c, b, s):
    p.add_argument("--size", default="base", choices=tuple(bert_models.CONFIGS), help="BERT's size")
    p.add_argument("--model", default="bert", choices=("bert", "cnn"))
  a = ap.parse_args()
  result = {"cold": cold, "bare": bare, "steady": steady_state}[a.what](a)
  result.update({"what": a.what, "model": a.model, "size": a.size if a.model == "bert" else "-"})
  print(json.dumps(result))


if __name__ == "__main__":
  main()
