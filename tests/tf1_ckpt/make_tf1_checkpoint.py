"""Writes the TF1 checkpoints that ``tests/io/test_tf1_checkpoint.py`` reads without TF.

Run from the repository root with a TensorFlow install (not a dependency of varscope_jax)::

  /work/tfvenv/bin/python tests/tf1_ckpt/make_tf1_checkpoint.py

It writes, under ``tests/tf1_ckpt/data/``:

* ``model.ckpt.*`` + ``checkpoint``: TF1 graph-mode variables made with
  ``tf.compat.v1.get_variable`` under variable scopes and saved by ``tf.compat.v1.train.Saver``
  (float32, float64, float16, bfloat16, int32, int64 ``global_step``, bool, string, a scalar,
  and a variable partitioned in two, which TF saves as slices of one full tensor).
* ``raw_dtypes.ckpt.*``: one tensor of every numeric dtype a TF1 bundle holds, written by
  the ``SaveV2`` op directly (TF has no variable kernels for some of them).
  Also 300 scalars ``raw/many/layer_{i:03d}/kernel`` = ``int32(i)``, so that the
  ``.index`` table spans several blocks.
* ``expected.npz``: the values as numpy, keyed by checkpoint name (``model/fc1/w``);
  bfloat16 values are stored as float32 under the same key.
* ``expected_strings.json``: the string tensors, as lists of latin-1 decoded text.

Values are deterministic (``numpy.random.default_rng(0)``), so rerunning it gives the
same tensors (the files may still differ byte-for-byte in TF's header fields).
"""

from __future__ import annotations

import json
import os

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def main() -> None:
  os.makedirs(DATA, exist_ok=True)
  for name in os.listdir(DATA):
    os.remove(os.path.join(DATA, name))
  tf1 = tf.compat.v1
  tf1.disable_v2_behavior()
  rng = np.random.default_rng(0)
  expected: dict[str, np.ndarray] = {}
  strings: dict[str, list[str]] = {}

  def const(value):
    return tf1.constant_initializer(value)

  graph = tf.Graph()
  with graph.as_default():
    values = {
      "model/fc1/w": rng.standard_normal((3, 4)).astype(np.float32),
      "model/fc1/b": np.linspace(-1, 1, 4).astype(np.float32),
      "model/fc2/w": rng.standard_normal((4, 2)).astype(np.float64),
      "model/fc2/b": np.array([1.5, -2.5]),
      "model/emb/table": rng.standard_normal((5, 3)).astype(np.float16),
      "model/bf16/v": rng.standard_normal((2, 3)).astype(np.float32),
      "model/counts": rng.integers(-100, 100, (2, 2)).astype(np.int32),
      "model/mask": np.array([True, False, True]),
      "model/scalar": np.float32(3.25),
    }
    with tf1.variable_scope("model"):
      with tf1.variable_scope("fc1"):
        tf1.get_variable("w", [3, 4], tf.float32, const(values["model/fc1/w"]))
        tf1.get_variable("b", [4], tf.float32, const(values["model/fc1/b"]))
      with tf1.variable_scope("fc2"):
        tf1.get_variable("w", [4, 2], tf.float64, const(values["model/fc2/w"]))
        tf1.get_variable("b", [2], tf.float64, const(values["model/fc2/b"]))
      with tf1.variable_scope("emb"):
        tf1.get_variable("table", [5, 3], tf.float16, const(values["model/emb/table"]))
      with tf1.variable_scope("bf16"):
        tf1.get_variable(
          "v", dtype=tf.bfloat16, initializer=tf.cast(values["model/bf16/v"], tf.bfloat16)
        )
      tf1.get_variable("counts", [2, 2], tf.int32, const(values["model/counts"]))
      tf1.get_variable("mask", [3], tf.bool, const(values["model/mask"]))
      tf1.get_variable("scalar", [], tf.float32, const(values["model/scalar"]))
      tf1.get_variable(
        "vocab",
        dtype=tf.string,
        initializer=tf.constant([b"hello", b"", b"w\xc3\xb6rld", b"x" * 200]),
      )
      # Partitioned: TF saves slices ``model/part/w`` [0:3] and [3:6] of the full [6, 2].
      values["model/part/w"] = rng.standard_normal((6, 2)).astype(np.float32)
      full = values["model/part/w"]

      def init_slice(shape, dtype=None, partition_info=None):
        start = partition_info.var_offset[0] if partition_info else 0
        return tf.constant(full[start : start + shape[0]], dtype)

      tf1.get_variable(
        "part/w", [6, 2], tf.float32, init_slice, partitioner=tf1.fixed_size_partitioner(2)
      )
    global_step = tf1.train.get_or_create_global_step()
    assign_step = global_step.assign(1234)
    saver = tf1.train.Saver(save_relative_paths=True)
    with tf1.Session(graph=graph) as sess:
      sess.run(tf1.global_variables_initializer())
      sess.run(assign_step)
      saver.save(sess, os.path.join(DATA, "model.ckpt"))
      for var in tf1.global_variables():
        name = var.op.name
        if "/part_" in name:
          continue
        value = sess.run(var)
        if var.dtype.base_dtype == tf.string:
          strings[name] = [v.decode("latin-1") for v in value.tolist()]
        else:
          if var.dtype.base_dtype == tf.bfloat16:
            value = value.astype(np.float32)
          expected[name] = np.asarray(value)
      expected["model/part/w"] = values["model/part/w"]
  # Drop the absolute path TF writes into ``checkpoint`` so the folder can move.
  with open(os.path.join(DATA, "checkpoint"), "w") as f:
    f.write('model_checkpoint_path: "model.ckpt"\nall_model_checkpoint_paths: "model.ckpt"\n')

  raw = {
    "float": rng.standard_normal((2, 3)).astype(np.float32),
    "double": rng.standard_normal((3,)),
    "int32": np.array([-(2**31), 0, 2**31 - 1], np.int32),
    "uint8": np.array([0, 7, 255], np.uint8),
    "int16": np.array([-(2**15), 5, 2**15 - 1], np.int16),
    "int8": np.array([[-128, 0], [1, 127]], np.int8),
    "complex64": np.array([1 + 2j, -3.5j], np.complex64),
    "int64": np.array([-(2**63), 2**62, 2**63 - 1], np.int64),
    "bool": np.array([[True], [False]]),
    "bfloat16": np.array([1.0, -2.5, 3.140625], np.float32),
    "uint16": np.array([0, 2**16 - 1], np.uint16),
    "complex128": np.array([[1e300 + 1j]], np.complex128),
    "half": np.array([0.5, -65504.0], np.float16),
    "uint32": np.array([0, 2**32 - 1], np.uint32),
    "uint64": np.array([0, 2**64 - 1], np.uint64),
    "scalar_int64": np.int64(-5),
    "empty": np.zeros((0, 3), np.float32),
  }
  raw_strings = {"string": np.array([[b"a", b"bc"], [b"", b"\x00\xff" * 70]], dtype=object)}
  tf.compat.v1.enable_eager_execution() if not tf.executing_eagerly() else None
  names, tensors = [], []
  for name, value in raw.items():
    key = "raw/" + name
    names.append(key)
    if name == "bfloat16":
      tensors.append(tf.cast(tf.constant(value), tf.bfloat16))
    else:
      tensors.append(tf.constant(value))
    expected[key] = value
  for name, value in raw_strings.items():
    key = "raw/" + name
    names.append(key)
    tensors.append(tf.constant(value.astype(bytes)))
    strings[key] = [v.decode("latin-1") for v in value.reshape(-1).tolist()]
  # Enough entries that the .index table needs more than one 4 KiB data block. Not in
  # expected.npz: ``raw/many/layer_{i:03d}/kernel`` holds ``int32(i)``.
  for i in range(300):
    names.append(f"raw/many/layer_{i:03d}/kernel")
    tensors.append(tf.constant(np.int32(i)))
  with tf.Graph().as_default(), tf1.Session() as sess:
    sess.run(
      tf.raw_ops.SaveV2(
        prefix=os.path.join(DATA, "raw_dtypes.ckpt"),
        tensor_names=names,
        shape_and_slices=[""] * len(names),
        tensors=[
          tf.constant(t.numpy())
          if t.dtype != tf.bfloat16
          else tf.cast(tf.constant(t.numpy().astype(np.float32)), tf.bfloat16)
          for t in tensors
        ],
      )
    )
  np.savez(os.path.join(DATA, "expected.npz"), **expected)
  with open(os.path.join(DATA, "expected_strings.json"), "w") as f:
    json.dump(strings, f, indent=1, sort_keys=True)
  for name in sorted(os.listdir(DATA)):
    print(f"{os.path.getsize(os.path.join(DATA, name)):8d}  {name}")


if __name__ == "__main__":
  main()
