"""RNN benchmarks: a 2-layer LSTM over 100 steps, vs.nn against hand-written JAX and Flax.

  python benchmarks/rnn.py --write    # all figures (~3 min on 2 CPU cores), each in a fresh process
  python benchmarks/rnn.py --measure step --steps 100      # one measurement, prints JSON

Model: ``MultiRNNCell([LSTMCell(H), LSTMCell(H)])`` run by ``vs.nn.dynamic_rnn`` on
inputs ``[B, T, D]``; loss ``mean(outputs ** 2)``. The hand-written version is the same
math (TF's gate layout) in one ``jax.lax.scan`` over time with both layers in the body.
Figures (with ``--write``, written to ``benchmarks/results/rnn.md`` and ``rnn.json``):

* **step**: the jitted training step (``value_and_grad`` of the loss), median of
  interleaved repeats, varscope_jax against hand-written; and the jaxpr size.
* **compile**: ``jax.jit(step).lower(...).compile()`` time at T = 50, 100, 400 (a fresh
  process each): it should not grow with T.
* **cold init**: ``t.init`` in a fresh process (trace + compile + run) against Flax
  linen's ``jax.jit(init)`` and eager ``init`` of ``nn.RNN(nn.LSTMCell(H))`` x 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
B, D, H, T = 32, 64, 128, 100


def _vs_model():
  import jax.numpy as jnp

  import varscope_jax as vs

  def loss(x):
    cell = vs.nn.rnn_cell.MultiRNNCell([vs.nn.rnn_cell.LSTMCell(H) for _ in range(2)])
    outputs, _ = vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)
    return jnp.mean(outputs**2)

  return vs.transform(loss)


def _hand_loss(params, x):
  """Hand-written: TF's LSTMCell math, both layers in one lax.scan body."""
  import jax
  import jax.numpy as jnp

  def lstm(p, x_t, c, h):
    z = jnp.concatenate([x_t, h], 1) @ p["kernel"] + p["bias"]
    i, j, f, o = jnp.split(z, 4, axis=1)
    c = jax.nn.sigmoid(f + 1.0) * c + jax.nn.sigmoid(i) * jnp.tanh(j)
    return c, jnp.tanh(c) * jax.nn.sigmoid(o)

  def body(carry, x_t):
    (c0, h0), (c1, h1) = carry
    c0, h0 = lstm(params[0], x_t, c0, h0)
    c1, h1 = lstm(params[1], h0, c1, h1)
    return ((c0, h0), (c1, h1)), h1

  zeros = jnp.zeros((x.shape[0], H))
  _, outs = jax.lax.scan(body, ((zeros, zeros), (zeros, zeros)), jnp.swapaxes(x, 0, 1))
  return jnp.mean(jnp.swapaxes(outs, 0, 1) ** 2)


def _params_from_vs(vs_params):
  cells = vs_params["rnn"]["multi_rnn_cell"]
  return [cells["cell_%d" % i]["lstm_cell"] for i in range(2)]


def measure_step(steps, repeats):
  import jax
  import numpy as np

  t = _vs_model()
  x = jax.random.normal(jax.random.PRNGKey(1), (B, steps, D))
  params = t.init(jax.random.PRNGKey(0), x)
  hand_params = _params_from_vs(params)
  vs_step = jax.jit(jax.value_and_grad(t.apply))
  hand_step = jax.jit(jax.value_and_grad(_hand_loss))
  lv, gv = vs_step(params, x)
  lh, gh = hand_step(hand_params, x)
  np.testing.assert_allclose(lv, lh, rtol=1e-5)  # the same model
  jaxpr_vs = len(jax.make_jaxpr(jax.value_and_grad(t.apply))(params, x).eqns)
  jaxpr_hand = len(jax.make_jaxpr(jax.value_and_grad(_hand_loss))(hand_params, x).eqns)
  costs = {}
  for name, fn, p in (("varscope", t.apply, params), ("hand", _hand_loss, hand_params)):
    compiled = jax.jit(jax.value_and_grad(fn)).lower(p, x).compile()
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost
    text = compiled.as_text()
    costs[name] = {
      "flops": cost.get("flops"),
      "bytes": cost.get("bytes accessed"),
      "dots": text.count(" dot("),
      "whiles": text.count(" while("),
    }
  times = {"varscope": [], "hand": []}
  for _ in range(repeats):  # interleaved, so load changes hit both alike
    for name, fn, p in (("varscope", vs_step, params), ("hand", hand_step, hand_params)):
      t0 = time.perf_counter()
      jax.block_until_ready(fn(p, x))
      times[name].append(time.perf_counter() - t0)
  med = {k: statistics.median(v) for k, v in times.items()}
  return {
    "steps": steps,
    "median_s": med,
    "min_s": {k: min(v) for k, v in times.items()},
    "ratio_median": med["varscope"] / med["hand"],
    "compiled": costs,
    "jaxpr_eqns": {"varscope": jaxpr_vs, "hand": jaxpr_hand},
  }


def measure_compile(steps, lib):
  import jax

  t = _vs_model()
  x = jax.random.normal(jax.random.PRNGKey(1), (B, steps, D))
  params = t.init(jax.random.PRNGKey(0), x)
  fn, p = (
    (jax.value_and_grad(t.apply), params)
    if lib == "varscope"
    else (jax.value_and_grad(_hand_loss), _params_from_vs(params))
  )
  t0 = time.perf_counter()
  lowered = jax.jit(fn).lower(p, x)
  t1 = time.perf_counter()
  lowered.compile()
  t2 = time.perf_counter()
  return {
    "steps": steps,
    "lib": lib,
    "trace_lower_s": t1 - t0,
    "compile_s": t2 - t1,
    "total_s": t2 - t0,
    "jaxpr_eqns": len(jax.make_jaxpr(fn)(p, x).eqns),
  }


def measure_cold_init(lib, mode):
  import jax
  import jax.numpy as jnp

  x = jnp.ones((B, T, D))
  key = jax.random.PRNGKey(0)
  if lib == "varscope":
    t = _vs_model()
    t0 = time.perf_counter()
    params = t.init(key, x) if mode == "own" else jax.jit(t.init)(key, x)
  else:
    import flax.linen as nn

    class Stacked(nn.Module):
      @nn.compact
      def __call__(self, x):
        for _ in range(2):
          x = nn.RNN(nn.LSTMCell(H))(x)
        return x

    model = Stacked()
    t0 = time.perf_counter()
    params = jax.jit(model.init)(key, x) if mode == "jit" else model.init(key, x)
  jax.block_until_ready(params)
  n = sum(v.size for v in jax.tree_util.tree_leaves(params))
  return {"lib": lib, "mode": mode, "cold_s": time.perf_counter() - t0, "n_params": int(n)}


def _sub(args, timeout=600):
  cmd = [sys.executable, os.path.abspath(__file__)] + [str(a) for a in args]
  env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
  p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
  if p.returncode != 0:
    raise RuntimeError("%s failed:\n%s" % (args, p.stderr[-3000:]))
  return json.loads(p.stdout.strip().splitlines()[-1])


def run_all(repeats, write):
  load0 = os.getloadavg()
  res = {"step": _sub(["--measure", "step", "--steps", T, "--repeats", repeats])}
  res["compile"] = [
    _sub(["--measure", "compile", "--steps", n, "--lib", lib])
    for n in (50, 100, 400)
    for lib in ("varscope", "hand")
  ]
  res["cold_init"] = [
    _sub(["--measure", "cold_init", "--lib", lib, "--mode", mode])
    for lib, mode in (("varscope", "own"), ("linen", "jit"), ("linen", "eager"))
  ]
  import jax

  res["machine"] = {
    "date": datetime.date.today().isoformat(),
    "python": platform.python_version(),
    "jax": jax.__version__,
    "cpu_count": os.cpu_count(),
    "loadavg_start": load0,
    "loadavg_end": os.getloadavg(),
    "processor": platform.processor() or platform.machine(),
  }
  md = render(res)
  print(md)
  if write:
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "rnn.json"), "w") as f:
      json.dump(res, f, indent=1)
    with open(os.path.join(RESULTS, "rnn.md"), "w") as f:
      f.write(md)
    print("wrote", os.path.join(RESULTS, "rnn.md"), "and rnn.json")


def render(res):
  s, m = res["step"], res["machine"]
  lines = [
    "# RNN benchmarks",
    "",
    "2-layer LSTM (`MultiRNNCell([LSTMCell(%d)] * 2)` by `vs.nn.dynamic_rnn`), inputs "
    "`[%d, T, %d]`; `python benchmarks/rnn.py`. %s, jax %s, %d cores, load average "
    "%.1f at start, %.1f at end (above the core count, times are inflated)."
    % (H, B, D, m["date"], m["jax"], m["cpu_count"], m["loadavg_start"][0], m["loadavg_end"][0]),
    "",
    "## Jitted training step, T = %d" % s["steps"],
    "",
    "| | median | min | jaxpr equations |",
    "|---|---|---|---|",
  ]
  for k, label in (
    ("varscope", "varscope_jax `vs.nn.dynamic_rnn`"),
    ("hand", "hand-written `lax.scan` LSTM"),
  ):
    lines.append(
      "| %s | %.2f ms | %.2f ms | %d |"
      % (label, 1e3 * s["median_s"][k], 1e3 * s["min_s"][k], s["jaxpr_eqns"][k])
    )
  cv, ch = s["compiled"]["varscope"], s["compiled"]["hand"]
  lines += [
    "",
    "Ratio (median): **%.3f×** (target ≤ 1.05×). The compiled programs (XLA cost "
    "analysis) are the same: %s flops, %s bytes accessed, %d dots, %d while loops for "
    "varscope_jax; %s, %s, %d, %d hand-written (the jaxpr has more equations: the "
    "step-0 call that makes the variables, whose result XLA drops, and TF's "
    "batch/time transposes)."
    % (
      s["ratio_median"],
      cv["flops"],
      cv["bytes"],
      cv["dots"],
      cv["whiles"],
      ch["flops"],
      ch["bytes"],
      ch["dots"],
      ch["whiles"],
    ),
    "",
    "## Compile time of the jitted step (fresh process each)",
    "",
    "| T | varscope_jax trace+lower | compile | jaxpr eqns | hand-written trace+lower "
    "| compile | jaxpr eqns |",
    "|---|---|---|---|---|---|---|",
  ]
  comp = {(c["steps"], c["lib"]): c for c in res["compile"]}
  for n in (50, 100, 400):
    v, h = comp[(n, "varscope")], comp[(n, "hand")]
    lines.append(
      "| %d | %.2f s | %.2f s | %d | %.2f s | %.2f s | %d |"
      % (
        n,
        v["trace_lower_s"],
        v["compile_s"],
        v["jaxpr_eqns"],
        h["trace_lower_s"],
        h["compile_s"],
        h["jaxpr_eqns"],
      )
    )
  lines += [
    "",
    "## Cold init (fresh process: trace + compile + run)",
    "",
    "| | cold init | params |",
    "|---|---|---|",
  ]
  labels = {
    ("varscope", "own"): "varscope_jax `t.init`",
    ("linen", "jit"): "Flax linen `jax.jit(init)` of `nn.RNN(nn.LSTMCell)` x 2",
    ("linen", "eager"): "Flax linen eager `init`",
  }
  for c in res["cold_init"]:
    lines.append(
      "| %s | %.2f s | %d |" % (labels[(c["lib"], c["mode"])], c["cold_s"], c["n_params"])
    )
  return "\n".join(lines) + "\n"


def main():
  ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  ap.add_argument("--measure", choices=["step", "compile", "cold_init"])
  ap.add_argument("--steps", type=int, default=T)
  ap.add_argument("--repeats", type=int, default=30)
  ap.add_argument("--lib", default="varscope")
  ap.add_argument("--mode", default="own")
  ap.add_argument(
    "--write",
    action="store_true",
    help="write benchmarks/results/rnn.{md,json} (default: print only)",
  )
  args = ap.parse_args()
  if args.measure is None:
    return run_all(args.repeats, args.write)
  if args.measure == "step":
    out = measure_step(args.steps, args.repeats)
  elif args.measure == "compile":
    out = measure_compile(args.steps, args.lib)
  else:
    out = measure_cold_init(args.lib, args.mode)
  print(json.dumps(out))


if __name__ == "__main__":
  main()
