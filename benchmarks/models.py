"""The same two models in every library the benchmarks compare.

Libraries (``LIBS``): ``varscope`` (varscope_jax), ``haiku`` (dm-haiku), ``linen``
(Flax linen), ``nnx`` (Flax NNX) and ``jax`` (hand-written JAX on a params dict).

Models:

* ``mlp``: ``depth`` layers of width 64, each ``tanh(x @ w + b)``; ``w`` glorot-uniform,
  ``b`` zeros (TF1's ``get_variable`` defaults). Input ``[8, 64]``.
* ``transformer``: ``depth`` (12) blocks of: layer norm (scale ones, bias zeros),
  single-head attention with projections ``q, k, v, o`` of ``[64, 64]`` (glorot, no
  bias), residual, layer norm, 2-layer MLP ``[64, 256] -> tanh -> [256, 64]`` (glorot
  weights, zero biases), residual. Input ``[8, 16, 64]``.

Haiku, linen and NNX use their own idiomatic layers (``hk.Linear`` / ``nn.Dense`` /
``nnx.Linear`` and their ``LayerNorm``) with TF1's initializers; varscope_jax and the
hand-written JAX use the very same ``jnp`` math (``_dense``, ``_layer_norm``,
``_attention``), so their jaxprs can be compared equation for equation.

``build(lib, model, depth)`` returns a ``Model`` with pure functions:
``init(rng, x) -> params``, ``apply(params, x) -> y`` (what jit, grad and eval_shape
take), ``eager_init(rng, x)`` (the library's normal un-jitted init) and
``eager_apply(params, x)`` (its normal un-jitted forward call).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any, Callable

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:  # run from a checkout without `pip install -e .`
  sys.path.insert(0, _ROOT)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

LIBS = ("varscope", "haiku", "linen", "nnx", "jax")
WIDTH = 64
HIDDEN = 4 * WIDTH
BATCH = 8
SEQ = 16
LN_EPS = 1e-6


@dataclasses.dataclass
class Model:
  lib: str
  model: str
  depth: int
  init: Callable[..., Any]
  apply: Callable[..., Any]
  eager_init: Callable[..., Any]
  eager_apply: Callable[..., Any]
  extra: dict = dataclasses.field(default_factory=dict)


def example_input(model: str):
  shape = (BATCH, WIDTH) if model == "mlp" else (BATCH, SEQ, WIDTH)
  return jax.random.normal(jax.random.PRNGKey(1), shape, jnp.float32)


# ---------------------------------------------------------------- shared jnp math


def _layer_norm(x, scale, bias):
  mean = jnp.mean(x, axis=-1, keepdims=True)
  var = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
  return (x - mean) * jax.lax.rsqrt(var + LN_EPS) * scale + bias


def _attention(h, wq, wk, wv, wo):
  q, k, v = h @ wq, h @ wk, h @ wv
  logits = jnp.einsum("btd,bsd->bts", q, k) / jnp.sqrt(jnp.float32(WIDTH))
  return jnp.einsum("bts,bsd->btd", jax.nn.softmax(logits, axis=-1), v) @ wo


def _glorot():
  return jax.nn.initializers.glorot_uniform()


# ---------------------------------------------------------------- varscope_jax


def _varscope(model, depth):
  import varscope_jax as vs

  def mlp(x):
    for i in range(depth):
      with vs.variable_scope("layer_%d" % i):
        w = vs.get_variable("w", [WIDTH, WIDTH])
        b = vs.get_variable("b", [WIDTH], initializer=vs.zeros_initializer())
      x = jnp.tanh(x @ w + b)
    return x

  def ln(name, x):
    with vs.variable_scope(name):
      scale = vs.get_variable("scale", [WIDTH], initializer=vs.ones_initializer())
      bias = vs.get_variable("bias", [WIDTH], initializer=vs.zeros_initializer())
    return _layer_norm(x, scale, bias)

  def transformer(x):
    for i in range(depth):
      with vs.variable_scope("block_%d" % i):
        h = ln("ln1", x)
        with vs.variable_scope("attn"):
          ws = [vs.get_variable(n, [WIDTH, WIDTH]) for n in ("q", "k", "v", "o")]
        x = x + _attention(h, *ws)
        h = ln("ln2", x)
        with vs.variable_scope("mlp"):
          w1 = vs.get_variable("w1", [WIDTH, HIDDEN])
          b1 = vs.get_variable("b1", [HIDDEN], initializer=vs.zeros_initializer())
          w2 = vs.get_variable("w2", [HIDDEN, WIDTH])
          b2 = vs.get_variable("b2", [WIDTH], initializer=vs.zeros_initializer())
        x = x + jnp.tanh(h @ w1 + b1) @ w2 + b2
    return x

  t = vs.transform(mlp if model == "mlp" else transformer)
  return Model(
    "varscope",
    model,
    depth,
    init=t.init,
    apply=t.apply,
    eager_init=t.init,
    eager_apply=t.apply,
    extra={"transformed": t},
  )


# ---------------------------------------------------------------- hand-written JAX


def _handwritten(model, depth):
  glorot = _glorot()

  def mlp_init(rng, x):
    del x
    keys = jax.random.split(rng, depth)
    return {
      "layer_%d" % i: {
        "w": glorot(keys[i], (WIDTH, WIDTH), jnp.float32),
        "b": jnp.zeros((WIDTH,), jnp.float32),
      }
      for i in range(depth)
    }

  def mlp_apply(params, x):
    for i in range(depth):
      p = params["layer_%d" % i]
      x = jnp.tanh(x @ p["w"] + p["b"])
    return x

  def tr_init(rng, x):
    del x
    params = {}
    for i, key in enumerate(jax.random.split(rng, depth)):
      ks = jax.random.split(key, 6)
      ln = lambda: {
        "scale": jnp.ones((WIDTH,), jnp.float32),  # noqa: E731
        "bias": jnp.zeros((WIDTH,), jnp.float32),
      }
      params["block_%d" % i] = {
        "ln1": ln(),
        "attn": {
          n: glorot(k, (WIDTH, WIDTH), jnp.float32) for n, k in zip(("q", "k", "v", "o"), ks[:4])
        },
        "ln2": ln(),
        "mlp": {
          "w1": glorot(ks[4], (WIDTH, HIDDEN), jnp.float32),
          "b1": jnp.zeros((HIDDEN,), jnp.float32),
          "w2": glorot(ks[5], (HIDDEN, WIDTH), jnp.float32),
          "b2": jnp.zeros((WIDTH,), jnp.float32),
        },
      }
    return params

  def tr_apply(params, x):
    for i in range(depth):
      p = params["block_%d" % i]
      h = _layer_norm(x, p["ln1"]["scale"], p["ln1"]["bias"])
      a = p["attn"]
      x = x + _attention(h, a["q"], a["k"], a["v"], a["o"])
      h = _layer_norm(x, p["ln2"]["scale"], p["ln2"]["bias"])
      m = p["mlp"]
      x = x + jnp.tanh(h @ m["w1"] + m["b1"]) @ m["w2"] + m["b2"]
    return x

  init, apply = (mlp_init, mlp_apply) if model == "mlp" else (tr_init, tr_apply)
  return Model("jax", model, depth, init=init, apply=apply, eager_init=init, eager_apply=apply)


# ---------------------------------------------------------------- Haiku


def _haiku(model, depth):
  import haiku as hk

  glorot = hk.initializers.VarianceScaling(1.0, "fan_avg", "uniform")

  def mlp(x):
    for i in range(depth):
      x = jnp.tanh(hk.Linear(WIDTH, w_init=glorot, name="layer_%d" % i)(x))
    return x

  def transformer(x):
    for i in range(depth):
      with hk.name_scope("block_%d" % i):
        h = hk.LayerNorm(-1, True, True, eps=LN_EPS, name="ln1")(x)
        q, k, v = (
          hk.Linear(WIDTH, with_bias=False, w_init=glorot, name=n)(h) for n in ("q", "k", "v")
        )
        logits = jnp.einsum("btd,bsd->bts", q, k) / jnp.sqrt(jnp.float32(WIDTH))
        att = jnp.einsum("bts,bsd->btd", jax.nn.softmax(logits, axis=-1), v)
        x = x + hk.Linear(WIDTH, with_bias=False, w_init=glorot, name="o")(att)
        h = hk.LayerNorm(-1, True, True, eps=LN_EPS, name="ln2")(x)
        h = jnp.tanh(hk.Linear(HIDDEN, w_init=glorot, name="w1")(h))
        x = x + hk.Linear(WIDTH, w_init=glorot, name="w2")(h)
    return x

  t = hk.without_apply_rng(hk.transform(mlp if model == "mlp" else transformer))
  return Model(
    "haiku", model, depth, init=t.init, apply=t.apply, eager_init=t.init, eager_apply=t.apply
  )


# ---------------------------------------------------------------- Flax linen


def _linen(model, depth):
  import flax.linen as nn

  glorot = nn.initializers.glorot_uniform()

  class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
      for i in range(depth):
        x = jnp.tanh(nn.Dense(WIDTH, kernel_init=glorot, name="layer_%d" % i)(x))
      return x

  class Block(nn.Module):
    @nn.compact
    def __call__(self, x):
      h = nn.LayerNorm(epsilon=LN_EPS, name="ln1")(x)
      q, k, v = (
        nn.Dense(WIDTH, use_bias=False, kernel_init=glorot, name=n)(h) for n in ("q", "k", "v")
      )
      logits = jnp.einsum("btd,bsd->bts", q, k) / jnp.sqrt(jnp.float32(WIDTH))
      att = jnp.einsum("bts,bsd->btd", jax.nn.softmax(logits, axis=-1), v)
      x = x + nn.Dense(WIDTH, use_bias=False, kernel_init=glorot, name="o")(att)
      h = nn.LayerNorm(epsilon=LN_EPS, name="ln2")(x)
      h = jnp.tanh(nn.Dense(HIDDEN, kernel_init=glorot, name="w1")(h))
      return x + nn.Dense(WIDTH, kernel_init=glorot, name="w2")(h)

  class Transformer(nn.Module):
    @nn.compact
    def __call__(self, x):
      for i in range(depth):
        x = Block(name="block_%d" % i)(x)
      return x

  m = MLP() if model == "mlp" else Transformer()

  def init(rng, x):
    return m.init(rng, x)["params"]

  def apply(params, x):
    return m.apply({"params": params}, x)

  return Model("linen", model, depth, init=init, apply=apply, eager_init=init, eager_apply=apply)


# ---------------------------------------------------------------- Flax NNX


def _nnx(model, depth):
  from flax import nnx

  glorot = nnx.initializers.glorot_uniform()

  class MLP(nnx.Module):
    def __init__(self, rngs):
      self.layers = nnx.List(
        [nnx.Linear(WIDTH, WIDTH, kernel_init=glorot, rngs=rngs) for _ in range(depth)]
      )

    def __call__(self, x):
      for layer in self.layers:
        x = jnp.tanh(layer(x))
      return x

  class Block(nnx.Module):
    def __init__(self, rngs):
      lin = lambda i, o, bias=True: nnx.Linear(  # noqa: E731
        i, o, use_bias=bias, kernel_init=glorot, rngs=rngs
      )
      self.ln1 = nnx.LayerNorm(WIDTH, epsilon=LN_EPS, rngs=rngs)
      self.q, self.k, self.v, self.o = (lin(WIDTH, WIDTH, False) for _ in range(4))
      self.ln2 = nnx.LayerNorm(WIDTH, epsilon=LN_EPS, rngs=rngs)
      self.w1, self.w2 = lin(WIDTH, HIDDEN), lin(HIDDEN, WIDTH)

    def __call__(self, x):
      h = self.ln1(x)
      q, k, v = self.q(h), self.k(h), self.v(h)
      logits = jnp.einsum("btd,bsd->bts", q, k) / jnp.sqrt(jnp.float32(WIDTH))
      att = jnp.einsum("bts,bsd->btd", jax.nn.softmax(logits, axis=-1), v)
      x = x + self.o(att)
      h = self.ln2(x)
      return x + self.w2(jnp.tanh(self.w1(h)))

  class Transformer(nnx.Module):
    def __init__(self, rngs):
      self.blocks = nnx.List([Block(rngs) for _ in range(depth)])

    def __call__(self, x):
      for block in self.blocks:
        x = block(x)
      return x

  cls = MLP if model == "mlp" else Transformer
  # The graphdef does not depend on the values: take it from an abstract construction.
  graphdef, _ = nnx.split(nnx.eval_shape(lambda: cls(nnx.Rngs(0))))

  def init(rng, x):  # functional form, for jax.jit / eval_shape
    del x
    return nnx.split(cls(nnx.Rngs(rng)))[1]

  def apply(state, x):  # functional form (split/merge), for jax.jit / grad
    return nnx.merge(graphdef, state)(x)

  def eager_init(rng, x):  # NNX's normal use: build the module eagerly
    del x
    return cls(nnx.Rngs(rng))

  def eager_apply(module, x):  # and call it
    return module(x)

  return Model(
    "nnx",
    model,
    depth,
    init=init,
    apply=apply,
    eager_init=eager_init,
    eager_apply=eager_apply,
    extra={"to_params": lambda mod: nnx.split(mod)[1]},
  )


_BUILDERS = {
  "varscope": _varscope,
  "jax": _handwritten,
  "haiku": _haiku,
  "linen": _linen,
  "nnx": _nnx,
}


def build(lib: str, model: str, depth: int) -> Model:
  return _BUILDERS[lib](model, depth)


def param_count(params) -> int:
  return sum(int(x.size) for x in jax.tree_util.tree_leaves(params))
