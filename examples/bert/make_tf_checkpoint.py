"""Writes the small TF1 BERT checkpoint that ``examples/bert/`` and ``tests/docs/test_bert.py`` load.

It runs google-research/bert's own ``modeling.py`` -- shipped by the ``bert-tensorflow``
package on PyPI -- in TensorFlow's graph mode. TensorFlow is never a dependency of
varscope_jax; only this script needs it. From the repository root::

  python -m venv /tmp/tfvenv
  /tmp/tfvenv/bin/pip install tensorflow-cpu tf-keras tf-slim bert-tensorflow
  /tmp/tfvenv/bin/python examples/bert/make_tf_checkpoint.py

``bert/modeling.py`` was written for TF 1.x: it does ``import tensorflow.compat.v1 as tf``
and ``from tensorflow.contrib import layers``. Under TF 2.x this script points
``tensorflow.contrib`` at a module whose ``layers`` is ``tf_slim.layers`` (contrib's
``layer_norm`` lives on there unchanged), sets ``TF_USE_LEGACY_KERAS=1`` so that
``tf.compat.v1.layers.dense`` exists, and turns off v2 behaviour (graph mode).

It writes, under ``examples/bert/tf1_checkpoint/``:

* ``bert_config.json``: the model's ``BertConfig`` (2 layers, hidden 32, 4 heads,
  intermediate 37, vocab 99, 64 positions, 2 token types), as released BERT models ship it.
* ``bert_model.ckpt.{index,data-00000-of-00001}`` + ``checkpoint``: every variable of
  ``BertModel`` plus ``global_step`` (a training checkpoint has one), saved by
  ``tf.compat.v1.train.Saver``. The variables are set to random values first (numpy,
  seed 0) -- larger than BERT's initializer would make them, and ``LayerNorm`` gamma/beta
  and every bias non-trivial -- so that the outputs depend on every variable.
* ``expected.npz``: the fixed inputs (``input_ids``, ``input_mask``, ``token_type_ids``)
  and what TF computed from them with ``is_training=False``: ``sequence_output``,
  ``pooled_output``, ``embedding_output`` and ``layer_{i}_output`` for every layer.
"""

from __future__ import annotations

import json
import os
import sys
import types

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf.compat.v1.layers needs Keras 2
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # plain float32 kernels
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_slim.layers  # noqa: E402, F401 (a submodule: sys.modules["tf_slim.layers"] below)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tf1_checkpoint")

CONFIG = {
  "vocab_size": 99,
  "hidden_size": 32,
  "num_hidden_layers": 2,
  "num_attention_heads": 4,
  "intermediate_size": 37,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "attention_probs_dropout_prob": 0.1,
  "max_position_embeddings": 64,
  "type_vocab_size": 2,
  "initializer_range": 0.02,
}


def import_bert_modeling():
  """``bert.modeling`` with ``tensorflow.contrib.layers`` served by tf-slim."""
  contrib = types.ModuleType("tensorflow.contrib")
  layers = sys.modules["tf_slim.layers"]
  setattr(contrib, "layers", layers)  # noqa: B010 (a ModuleType has no declared attributes)
  sys.modules["tensorflow.contrib"] = contrib
  sys.modules["tensorflow.contrib.layers"] = layers
  import bert.modeling

  return bert.modeling


def fixed_inputs():
  """Three sequences of length 11; the second and third end in padding."""
  rng = np.random.default_rng(1)
  input_ids = rng.integers(1, CONFIG["vocab_size"], (3, 11)).astype(np.int32)
  input_mask = np.ones((3, 11), np.int32)
  input_mask[1, 7:] = 0
  input_mask[2, 4:] = 0
  input_ids[input_mask == 0] = 0
  token_type_ids = np.zeros((3, 11), np.int32)
  token_type_ids[0, 5:] = 1
  token_type_ids[1, 3:7] = 1
  return input_ids, input_mask, token_type_ids


def random_value(name, shape, rng):
  """A value for variable ``name`` that makes every variable matter."""
  if name.endswith("LayerNorm/gamma"):
    return 1.0 + 0.2 * rng.standard_normal(shape)
  if name.endswith(("LayerNorm/beta", "/bias")):
    return 0.2 * rng.standard_normal(shape)
  if name.endswith("_embeddings"):
    return 0.5 * rng.standard_normal(shape)
  return rng.standard_normal(shape) / np.sqrt(shape[0])  # kernels: [fan_in, fan_out]


def main() -> None:
  tf1 = tf.compat.v1
  tf1.disable_v2_behavior()
  modeling = import_bert_modeling()
  os.makedirs(OUT, exist_ok=True)
  for name in os.listdir(OUT):
    os.remove(os.path.join(OUT, name))
  with open(os.path.join(OUT, "bert_config.json"), "w") as f:
    json.dump(CONFIG, f, indent=2, sort_keys=True)
    f.write("\n")

  config = modeling.BertConfig.from_json_file(os.path.join(OUT, "bert_config.json"))
  input_ids, input_mask, token_type_ids = fixed_inputs()
  graph = tf.Graph()
  with graph.as_default():
    ids = tf1.placeholder(tf.int32, input_ids.shape, name="input_ids")
    mask = tf1.placeholder(tf.int32, input_mask.shape, name="input_mask")
    types_ = tf1.placeholder(tf.int32, token_type_ids.shape, name="token_type_ids")
    model = modeling.BertModel(
      config=config,
      is_training=False,
      input_ids=ids,
      input_mask=mask,
      token_type_ids=types_,
      use_one_hot_embeddings=False,
    )
    global_step = tf1.train.get_or_create_global_step()
    variables = tf1.global_variables()
    rng = np.random.default_rng(0)
    assigns = [
      v.assign(random_value(v.op.name, v.shape.as_list(), rng).astype(np.float32))
      for v in variables
      if v is not global_step
    ]
    saver = tf1.train.Saver(save_relative_paths=True)
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      sess.run(assigns)
      sess.run(global_step.assign(1000))
      fetches = {
        "sequence_output": model.get_sequence_output(),
        "pooled_output": model.get_pooled_output(),
        "embedding_output": model.get_embedding_output(),
      }
      for i, layer in enumerate(model.get_all_encoder_layers()):
        fetches["layer_%d_output" % i] = layer
      outputs = sess.run(fetches, {ids: input_ids, mask: input_mask, types_: token_type_ids})
      saver.save(sess, os.path.join(OUT, "bert_model.ckpt"), write_meta_graph=False)
  # the `checkpoint` file Saver writes holds absolute paths; keep it relative
  with open(os.path.join(OUT, "checkpoint"), "w") as f:
    f.write(
      'model_checkpoint_path: "bert_model.ckpt"\nall_model_checkpoint_paths: "bert_model.ckpt"\n'
    )
  np.savez(
    os.path.join(OUT, "expected.npz"),
    input_ids=input_ids,
    input_mask=input_mask,
    token_type_ids=token_type_ids,
    **outputs,
  )
  n = sum(int(np.prod(v.shape.as_list())) for v in variables)
  print(
    "wrote %s: TF %s, %d variables (%d values), outputs %s"
    % (OUT, tf.__version__, len(variables), n, {k: v.shape for k, v in sorted(outputs.items())})
  )


if __name__ == "__main__":
  main()
