"""Steady-state measurements for one (library, model, depth) in THIS process; prints JSON.

  python benchmarks/steady.py --lib varscope --model mlp --depth 300

* ``trace_init_s`` / ``trace_apply_s``: ``jax.eval_shape`` of init / apply (median of a
  few; each call wraps the function in a fresh lambda so jit's trace cache never hits).
* ``apply_eager_s``: un-jitted ``apply(params, x)`` per call (median, after one warm-up
  call that compiles the per-op executables).
* ``step_s``: ``jax.jit(step)`` per call, median after warm-up; ``step`` is forward +
  ``jax.grad`` + an SGD update of every parameter. ``step_eqns`` / ``apply_eqns``: the
  equations of ``jax.make_jaxpr`` of step / apply, counted recursively through
  sub-jaxprs.
* For ``--lib varscope`` the same figures of the hand-written JAX model are measured in
  the same process, interleaved call by call with varscope's (``hand_*`` keys), on the
  SAME params, and ``jaxpr_equal`` says whether the step jaxprs are identical after
  normalising names -- this is what the ratios in results.md use.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time

import models
import jax
import jax.numpy as jnp

LR = 1e-3


def count_eqns(jaxpr) -> int:
  n = 0
  for eqn in jaxpr.eqns:
    n += 1
    for sub in jax.core.jaxprs_in_params(eqn.params):
      n += count_eqns(sub)
  return n


def normalised_jaxpr(closed) -> str:
  """``str`` of a jaxpr without the name=... of jit calls (function names differ)."""
  return re.sub(r"name=\S+", "name=_", str(closed))


def make_step(apply):
  def loss(params, x):
    return jnp.mean(jnp.square(apply(params, x)))

  def step(params, x):
    grads = jax.grad(loss)(params, x)
    return jax.tree_util.tree_map(lambda p, g: p - LR * g, params, grads)

  return step


def timed(fn, *args):
  t0 = time.perf_counter()
  jax.block_until_ready(fn(*args))
  return time.perf_counter() - t0


def interleaved(fns, args, n, budget_s):
  """Median seconds per call of each fn, calls alternating between fns."""
  times = [[] for _ in fns]
  start = time.perf_counter()
  for i in range(n):
    for j, fn in enumerate(fns):
      times[j].append(timed(fn, *args[j]))
    if i >= 4 and time.perf_counter() - start > budget_s:
      break
  return [statistics.median(t) for t in times], len(times[0])


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--lib", required=True, choices=models.LIBS)
  ap.add_argument("--model", default="mlp", choices=("mlp", "transformer"))
  ap.add_argument("--depth", type=int, required=True)
  ap.add_argument("--n", type=int, default=30)
  a = ap.parse_args()

  m = models.build(a.lib, a.model, a.depth)
  x = models.example_input(a.model)
  rng = jax.random.PRNGKey(0)
  eager_params = m.eager_init(rng, x)
  params = jax.block_until_ready(m.extra.get("to_params", lambda e: e)(eager_params))
  out = {"lib": a.lib, "model": a.model, "depth": a.depth}

  libs = [m]
  p_list, e_list = [params], [eager_params]
  if a.lib == "varscope":  # the hand-written model on the SAME params dict
    hand = models.build("jax", a.model, a.depth)
    libs.append(hand)
    p_list.append(params)
    e_list.append(params)

  # trace times: fresh lambdas so that no trace cache is hit
  tr_init, tr_apply = [[] for _ in libs], [[] for _ in libs]
  for _ in range(3):
    for j, mm in enumerate(libs):
      tr_init[j].append(timed(lambda: jax.eval_shape(lambda r, y: mm.init(r, y), rng, x)))
      tr_apply[j].append(timed(lambda: jax.eval_shape(lambda p, y: mm.apply(p, y), p_list[j], x)))

  # un-jitted apply
  for j, mm in enumerate(libs):
    mm.eager_apply(e_list[j], x)  # warm-up: compiles each primitive once
  apply_eager, n_apply = interleaved(
    [mm.eager_apply for mm in libs], [(e_list[j], x) for j in range(len(libs))], a.n, budget_s=5.0
  )

  # jitted step
  steps = [make_step(mm.apply) for mm in libs]
  jaxprs = [jax.make_jaxpr(s)(p_list[j], x) for j, s in enumerate(steps)]
  apply_jaxprs = [jax.make_jaxpr(mm.apply)(p_list[j], x) for j, mm in enumerate(libs)]
  jitted = [jax.jit(s) for s in steps]
  compile_s = [timed(f, p_list[j], x) for j, f in enumerate(jitted)]
  for j, f in enumerate(jitted):
    for _ in range(3):
      jax.block_until_ready(f(p_list[j], x))
  step_t, n_step = interleaved(
    jitted, [(p_list[j], x) for j in range(len(libs))], max(a.n, 100), budget_s=5.0
  )

  for j, prefix in enumerate(["", "hand_"][: len(libs)]):
    out.update(
      {
        prefix + "trace_init_s": statistics.median(tr_init[j]),
        prefix + "trace_apply_s": statistics.median(tr_apply[j]),
        prefix + "apply_eager_s": apply_eager[j],
        prefix + "step_compile_s": compile_s[j],
        prefix + "step_s": step_t[j],
        prefix + "step_eqns": count_eqns(jaxprs[j].jaxpr),
        prefix + "apply_eqns": count_eqns(apply_jaxprs[j].jaxpr),
      }
    )
  out["n_apply"], out["n_step"] = n_apply, n_step
  if a.lib == "varscope":
    out["jaxpr_equal"] = normalised_jaxpr(jaxprs[0]) == normalised_jaxpr(jaxprs[1])
    out["apply_jaxpr_equal"] = normalised_jaxpr(apply_jaxprs[0]) == normalised_jaxpr(
      apply_jaxprs[1]
    )
  print(json.dumps(out))


if __name__ == "__main__":
  main()
