"""BERT in three libraries, for ``layers_bench.py``: the varscope_jax port, hand-written JAX, Flax linen.

* ``varscope``: ``examples/bert/modeling.py`` -- google-research/bert's ``BertModel``
  written with ``vs.variable_scope``, ``vs.layers.dense`` and
  ``vs.contrib.layers.layer_norm`` (TF1's variable names), under ``vs.transform``.
* ``jax``: the same math on a params dict by hand (the same tree, so it runs on
  varscope's params), written so that its jitted train step has the very jaxpr of
  varscope's (``tests/layers/test_layers_jaxpr.py``).
* ``linen``: idiomatic Flax linen (``nn.Embed``, ``nn.Dense``, ``nn.LayerNorm``,
  truncated-normal(0.02) kernels), the same architecture and parameter count.

Sizes (``CONFIGS``): ``base`` is BERT-Base (12 layers, hidden 768, 12 heads, intermediate
3072, vocab 30522, 512 positions, 2 token types: 109.5M parameters); ``base4`` the same
with 4 layers; ``tiny`` 2 layers of hidden 32 (tests). ``build(lib, size)`` returns a
``models.Model``: ``init(rng, *inputs)``, ``apply(params, *inputs) -> (sequence_output,
pooled_output)``, ``eager_init``, ``eager_apply``. ``example_inputs(size)`` gives
``(input_ids, input_mask, token_type_ids)``.
"""

from __future__ import annotations

import math
import os
import sys

import models  # noqa: F401  (puts the repo root on sys.path)
from models import Model
import jax
import jax.numpy as jnp
import numpy as np

_BERT_DIR = os.path.join(models._ROOT, "examples", "bert")
if _BERT_DIR not in sys.path:
  sys.path.insert(0, _BERT_DIR)
import modeling  # noqa: E402

BASE = dict(
  vocab_size=30522,
  hidden_size=768,
  num_hidden_layers=12,
  num_attention_heads=12,
  intermediate_size=3072,
  max_position_embeddings=512,
  type_vocab_size=2,
)
CONFIGS = {
  "base": BASE,
  "base4": dict(BASE, num_hidden_layers=4),
  "tiny": dict(
    vocab_size=99,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=37,
    max_position_embeddings=64,
    type_vocab_size=2,
  ),
}
BATCH, SEQ = 2, 32


def config(size: str) -> modeling.BertConfig:
  return modeling.BertConfig(**CONFIGS[size])


def example_inputs(size: str, batch: int = BATCH, seq: int = SEQ):
  cfg = CONFIGS[size]
  rng = np.random.default_rng(0)
  ids = rng.integers(1, cfg["vocab_size"], (batch, seq)).astype(np.int32)
  mask = np.ones((batch, seq), np.int32)
  mask[-1, seq // 2 :] = 0
  types = np.zeros((batch, seq), np.int32)
  types[:, seq // 2 :] = 1
  return jnp.asarray(ids), jnp.asarray(mask), jnp.asarray(types)


# ---------------------------------------------------------------- varscope_jax


def _varscope(size):
  import varscope_jax as vs

  cfg = config(size)

  def forward(input_ids, input_mask, token_type_ids):
    model = modeling.BertModel(cfg, False, input_ids, input_mask, token_type_ids)
    return model.get_sequence_output(), model.get_pooled_output()

  t = vs.transform(forward)
  return Model(
    "varscope",
    "bert",
    cfg.num_hidden_layers,
    init=t.init,
    apply=t.apply,
    eager_init=t.init,
    eager_apply=t.apply,
    extra={"transformed": t},
  )


# ---------------------------------------------------------------- hand-written JAX


def _layer_norm(x, p):
  """tf-slim's layer_norm on the last axis: moments, then batch_normalization."""
  mean = jnp.mean(x, axis=(x.ndim - 1,), keepdims=True)
  variance = jnp.mean(
    jnp.square(x - jax.lax.stop_gradient(mean)), axis=(x.ndim - 1,), keepdims=True
  )
  inv = jax.lax.rsqrt(variance + jnp.asarray(1e-12, variance.dtype)) * p["gamma"]
  shift = p["beta"] - mean * inv
  return x * inv + shift


def _dense(x, p, activation=None):
  y = x @ p["kernel"] + p["bias"]
  return activation(y) if activation is not None else y


def hand_apply(cfg: modeling.BertConfig):
  """The forward pass on a params dict, op for op in the order of ``modeling.py``."""
  heads = cfg.num_attention_heads
  size = cfg.hidden_size // heads
  act = modeling.get_activation(cfg.hidden_act)

  def apply(params, input_ids, input_mask, token_type_ids):
    p = params["bert"]
    e = p["embeddings"]
    batch, seq = input_ids.shape
    width = cfg.hidden_size
    x = jnp.take(e["word_embeddings"], input_ids.reshape(-1), axis=0).reshape(batch, seq, width)
    one_hot = jax.nn.one_hot(token_type_ids.reshape(-1), cfg.type_vocab_size, dtype=x.dtype)
    x = x + (one_hot @ e["token_type_embeddings"]).reshape(batch, seq, width)
    x = x + e["position_embeddings"][:seq][None]
    x = _layer_norm(x, e["LayerNorm"])
    mask = input_mask.reshape(batch, 1, seq).astype(jnp.float32)
    mask = jnp.ones((batch, seq, 1), jnp.float32) * mask
    h = x.reshape(batch * seq, width)

    def split(t):
      return t.reshape(batch, seq, heads, size).transpose(0, 2, 1, 3)

    outputs = []
    for i in range(cfg.num_hidden_layers):
      lp = p["encoder"]["layer_%d" % i]
      sp = lp["attention"]["self"]
      q, k, v = (split(_dense(h, sp[n])) for n in ("query", "key", "value"))
      scores = (q @ k.transpose(0, 1, 3, 2)) * (1.0 / math.sqrt(size))
      scores = scores + (1.0 - mask[:, None].astype(jnp.float32)) * -10000.0
      probs = jax.nn.softmax(scores, axis=-1)
      ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch * seq, heads * size)
      op = lp["attention"]["output"]
      a = _layer_norm(_dense(ctx, op["dense"]) + h, op["LayerNorm"])
      m = _dense(a, lp["intermediate"]["dense"], act)
      h = _layer_norm(_dense(m, lp["output"]["dense"]) + a, lp["output"]["LayerNorm"])
      outputs.append(h.reshape(batch, seq, width))
    sequence_output = outputs[-1]
    pooled = _dense(sequence_output[:, 0], p["pooler"]["dense"], jnp.tanh)
    return sequence_output, pooled

  return apply


def hand_init(cfg: modeling.BertConfig):
  tn = jax.nn.initializers.truncated_normal(cfg.initializer_range)

  def dense(key, n_in, n_out):
    return {"kernel": tn(key, (n_in, n_out), jnp.float32), "bias": jnp.zeros((n_out,), jnp.float32)}

  def ln(width):
    return {"beta": jnp.zeros((width,), jnp.float32), "gamma": jnp.ones((width,), jnp.float32)}

  def init(rng, *inputs):
    del inputs
    h, i_size = cfg.hidden_size, cfg.intermediate_size
    keys = iter(jax.random.split(rng, 4 + 6 * cfg.num_hidden_layers))
    emb = {
      "word_embeddings": tn(next(keys), (cfg.vocab_size, h), jnp.float32),
      "token_type_embeddings": tn(next(keys), (cfg.type_vocab_size, h), jnp.float32),
      "position_embeddings": tn(next(keys), (cfg.max_position_embeddings, h), jnp.float32),
      "LayerNorm": ln(h),
    }
    layers = {}
    for i in range(cfg.num_hidden_layers):
      layers["layer_%d" % i] = {
        "attention": {
          "self": {n: dense(next(keys), h, h) for n in ("query", "key", "value")},
          "output": {"dense": dense(next(keys), h, h), "LayerNorm": ln(h)},
        },
        "intermediate": {"dense": dense(next(keys), h, i_size)},
        "output": {"dense": dense(next(keys), i_size, h), "LayerNorm": ln(h)},
      }
    return {
      "bert": {"embeddings": emb, "encoder": layers, "pooler": {"dense": dense(next(keys), h, h)}}
    }

  return init


def _handwritten(size):
  cfg = config(size)
  init, apply = hand_init(cfg), hand_apply(cfg)
  return Model(
    "jax", "bert", cfg.num_hidden_layers, init=init, apply=apply, eager_init=init, eager_apply=apply
  )


# ---------------------------------------------------------------- Flax linen


def _linen(size):
  import flax.linen as nn

  cfg = config(size)
  tn = nn.initializers.truncated_normal(cfg.initializer_range)
  heads, width = cfg.num_attention_heads, cfg.hidden_size
  head_size = width // heads
  act = modeling.get_activation(cfg.hidden_act)

  class Layer(nn.Module):
    @nn.compact
    def __call__(self, h, adder):
      batch, seq, _ = h.shape
      q, k, v = (
        nn.DenseGeneral((heads, head_size), kernel_init=tn, name=n)(h)
        for n in ("query", "key", "value")
      )
      scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(head_size)
      probs = jax.nn.softmax(scores + adder, axis=-1)
      ctx = jnp.einsum("bhqk,bkhd->bqhd", probs, v).reshape(batch, seq, width)
      a = nn.LayerNorm(epsilon=1e-12, name="attention_ln")(
        nn.Dense(width, kernel_init=tn, name="attention_out")(ctx) + h
      )
      m = act(nn.Dense(cfg.intermediate_size, kernel_init=tn, name="intermediate")(a))
      return nn.LayerNorm(epsilon=1e-12, name="output_ln")(
        nn.Dense(width, kernel_init=tn, name="output")(m) + a
      )

  class Bert(nn.Module):
    @nn.compact
    def __call__(self, input_ids, input_mask, token_type_ids):
      seq = input_ids.shape[1]
      x = nn.Embed(cfg.vocab_size, width, embedding_init=tn, name="word_embeddings")(input_ids)
      x = x + nn.Embed(cfg.type_vocab_size, width, embedding_init=tn, name="token_type_embeddings")(
        token_type_ids
      )
      pos = self.param("position_embeddings", tn, (cfg.max_position_embeddings, width))
      x = nn.LayerNorm(epsilon=1e-12, name="embeddings_ln")(x + pos[:seq][None])
      adder = (1.0 - input_mask[:, None, None, :].astype(jnp.float32)) * -10000.0
      for i in range(cfg.num_hidden_layers):
        x = Layer(name="layer_%d" % i)(x, adder)
      pooled = jnp.tanh(nn.Dense(width, kernel_init=tn, name="pooler")(x[:, 0]))
      return x, pooled

  m = Bert()

  def init(rng, *inputs):
    return m.init(rng, *inputs)["params"]

  def apply(params, *inputs):
    return m.apply({"params": params}, *inputs)

  return Model(
    "linen",
    "bert",
    cfg.num_hidden_layers,
    init=init,
    apply=apply,
    eager_init=init,
    eager_apply=apply,
  )


_BUILDERS = {"varscope": _varscope, "jax": _handwritten, "linen": _linen}
LIBS = tuple(_BUILDERS)


def build(lib: str, size: str) -> Model:
  return _BUILDERS[lib](size)


def make_step(apply, lr=1e-3):
  """Forward + ``jax.grad`` + an SGD update of every parameter (loss: mean square of both outputs)."""

  def loss(params, *inputs):
    seq, pooled = apply(params, *inputs)
    return jnp.mean(jnp.square(seq)) + jnp.mean(jnp.square(pooled))

  def step(params, *inputs):
    grads = jax.grad(loss)(params, *inputs)
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)

  return step
