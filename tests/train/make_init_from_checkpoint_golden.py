"""Writes ``tests/train/data/``: ``tf.compat.v1.train.init_from_checkpoint`` on TF1 graphs.

Run from the repository root with a TensorFlow install (not a dependency of varscope_jax)::

  export TF_USE_LEGACY_KERAS=1
  /work/tfvenv/bin/python tests/train/make_init_from_checkpoint_golden.py

``data/init.ckpt.*`` is a Saver checkpoint whose tensors are filled with distinct values
(tensor ``i`` holds ``i + 1``). Each case in ``init_from_checkpoint.json`` builds a fresh
graph of ``get_variable`` variables (initialized to ``-1``), calls ``init_from_checkpoint``
with its assignment map and runs the initializers; it records, per variable, the
checkpoint tensor whose value it got (``null``: its own initializer), or the error: its
type, where TF raised it (``call``: in ``init_from_checkpoint``; ``run``: at the session
run of the initializers) and the line of the message that says what is wrong.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
CKPT = os.path.join(DATA, "init.ckpt")
tf1 = tf.compat.v1

TENSORS = [  # name, shape, dtype
  ("bert/embeddings/word_embeddings", [4, 3], "float32"),
  ("bert/encoder/layer_0/kernel", [3, 3], "float32"),
  ("bert/encoder/layer_0/bias", [3], "float32"),
  ("bert/pooler/kernel", [3, 3], "float32"),
  ("cls/kernel", [3, 2], "float32"),
  ("global_step", [], "int64"),
  ("d64", [2], "float64"),
]

BERT = [
  ("bert/embeddings/word_embeddings", [4, 3]),
  ("bert/encoder/layer_0/kernel", [3, 3]),
  ("bert/encoder/layer_0/bias", [3]),
  ("bert/pooler/kernel", [3, 3]),
]

CASES = [  # name, variables [(name, shape[, dtype])], assignment map (dict or list of pairs)
  ("scope_same", BERT + [("cls/new_head", [3, 5])], {"bert/": "bert/"}),
  (
    "scope_renamed",
    [("model/emb/word_embeddings", [4, 3]), ("model/pool/kernel", [3, 3])],
    {"bert/embeddings/": "model/emb/"},
  ),
  ("root_to_root", BERT + [("cls/kernel", [3, 2])], {"/": "/"}),
  (
    "ckpt_scope_to_root",
    [("encoder/layer_0/kernel", [3, 3]), ("encoder/layer_0/bias", [3])],
    {"bert/": "/"},
  ),
  (
    "root_to_scope",
    [("net/bert/pooler/kernel", [3, 3]), ("net/cls/kernel", [3, 2])],
    {"/": "net/"},
  ),
  ("one_to_one", [("head/w", [3, 3]), ("head/b", [3])], {"bert/pooler/kernel": "head/w"}),
  (
    "list_of_pairs",
    [("a/w", [3, 3]), ("b/w", [3, 2])],
    [["bert/pooler/kernel", "a/w"], ["cls/kernel", "b/w"]],
  ),
  (
    "later_name_wins",
    [("m/kernel", [3, 3])],
    {"bert/pooler/kernel": "m/kernel", "bert/encoder/layer_0/kernel": "m/kernel"},
  ),
  (
    "variable_after_scope",
    BERT,
    {"bert/": "bert/", "bert/encoder/layer_0/kernel": "bert/pooler/kernel"},
  ),
  ("deep_scope", BERT, {"bert/encoder/layer_0/": "bert/encoder/layer_0/"}),
  ("int64_variable", [("global_step", [], "int64")], {"global_step": "global_step"}),
  ("missing_tensor", [("head/w", [3, 3])], {"nope/w": "head/w"}),
  ("shape_differs", [("head/w", [3, 3])], {"cls/kernel": "head/w"}),
  ("missing_in_scope", [("bert/pooler/kernel", [3, 3]), ("bert/extra/w", [2])], {"bert/": "bert/"}),
  ("scope_key_without_slash", BERT, {"bert": "bert/"}),
  ("unknown_variable", [("head/w", [3, 3])], {"bert/pooler/kernel": "head/nope"}),
  ("unknown_top_level_name", [("w", [3, 3])], {"bert/pooler/kernel": "v"}),
  ("scope_value_without_slash", [("m/emb", [4, 3])], {"bert/": "m"}),
  ("scope_shape_differs", [("m/kernel", [2, 2])], {"bert/pooler/": "m/"}),
  ("dtype_differs", [("m/i", [3, 2], "int32")], {"cls/kernel": "m/i"}),
  ("empty_scope", [("m/emb", [4, 3])], {"bert/": "q/"}),
]


def write_checkpoint():
  os.makedirs(DATA, exist_ok=True)
  graph = tf.Graph()
  with graph.as_default():
    for i, (name, shape, dtype) in enumerate(TENSORS):
      tf1.get_variable(name, initializer=np.full(shape, i + 1, dtype=dtype))
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      tf1.train.Saver().save(sess, CKPT, write_meta_graph=False, write_state=False)


def message_line(e):
  lines = [line for line in str(e).splitlines() if line.strip()]
  for key in ("requires shapes", "does not equal"):
    for line in lines:
      if key in line:
        return line.strip()
  return lines[0]


def run_case(variables, assignment_map):
  graph = tf.Graph()
  with graph.as_default():
    made = []
    for spec in variables:
      name, shape = spec[0], spec[1]
      dtype = spec[2] if len(spec) > 2 else "float32"
      made.append(
        tf1.get_variable(name, shape, dtype=dtype, initializer=tf1.constant_initializer(-1))
      )
    amap = (
      dict(assignment_map)
      if isinstance(assignment_map, dict)
      else [tuple(p) for p in assignment_map]
    )
    try:
      tf1.train.init_from_checkpoint(os.path.relpath(CKPT), amap)  # messages show it
    except Exception as e:  # noqa: BLE001 (recorded)
      return {"error": {"type": type(e).__name__, "when": "call", "message": message_line(e)}}
    with tf1.Session() as sess:
      try:
        sess.run(tf1.global_variables_initializer())
      except Exception as e:  # noqa: BLE001
        return {"error": {"type": type(e).__name__, "when": "run", "message": message_line(e)}}
      values = sess.run(made)
  got = {}
  for v, value in zip(made, values):
    first = float(np.asarray(value).reshape(-1)[0]) if np.size(value) else -1.0
    got[v.op.name] = None if first == -1 else TENSORS[int(first) - 1][0]
  return {"assigned": got}


def main():
  tf1.disable_v2_behavior()
  write_checkpoint()
  cases = []
  for name, variables, amap in CASES:
    result = run_case(variables, amap)
    cases.append({"name": name, "variables": variables, "assignment_map": amap, **result})
    print(name, json.dumps(result)[:160])
  with open(os.path.join(DATA, "init_from_checkpoint.json"), "w") as f:
    json.dump(
      {"tf_version": tf.__version__, "checkpoint": "init.ckpt", "tensors": TENSORS, "cases": cases},
      f,
      indent=1,
    )


if __name__ == "__main__":
  main()
