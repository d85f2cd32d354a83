"""Writes the TF1 bundles that test the reader's dtype table and its checks on slices.

Run from the repository root with a TensorFlow install (not a dependency of varscope_jax)::

  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_ckpt/make_hard_checkpoints.py

Everything is written by TensorFlow's own ``SaveV2`` op, under ``tests/tf1_ckpt/hard/``:

* ``dtypes.ckpt.*``: one tensor of each low-precision dtype a TF1 bundle holds
  (``float8_e5m2``, ``float8_e4m3fn``, ``float8_e4m3fnuz``, ``float8_e4m3b11fnuz``,
  ``float8_e5m2fnuz``, ``int4``, ``uint4``, ``int2``, ``uint2``, ``float4_e2m1fn``), named
  ``low/<dtype>``, plus ``wide/int64_small`` (int64 values that fit int32).
* ``grid.ckpt.*``: ``v`` [4, 6] float32 saved as three slices that tile it in two
  dimensions (rows 0-1 split in two column blocks, rows 2-3 whole).
* ``dropped.ckpt.*``, ``overlap.ckpt.*``: ``v`` [4, 6] saved as slices that do not tile it
  (rows 2-3 missing; rows 0-2 and 2-3 overlapping). TF writes these without complaint and
  refuses them on restore; so must the reader. (A slice saved twice TF refuses to write:
  the tests craft that case.)
* ``expected.npz``: the values of ``dtypes.ckpt`` as float64 (every value is exact in its
  dtype), keyed by tensor name, and ``grid/v``; ``restore_errors.json``: what TF's own
  ``RestoreV2`` says about each malformed bundle.
"""

from __future__ import annotations

import json
import os
import re

import ml_dtypes
import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hard")

LOW = {  # dtype name -> values exactly representable in it
  "float8_e5m2": [0.0, 1.5, -3.0, 57344.0],
  "float8_e4m3fn": [0.0, 1.125, -448.0, 0.015625],
  "float8_e4m3fnuz": [0.0, 1.125, -240.0, 0.0078125],
  "float8_e4m3b11fnuz": [0.0, 1.125, -30.0, 0.5],
  "float8_e5m2fnuz": [0.0, 1.5, -57344.0, 0.25],
  "int4": [-8, -1, 0, 7],
  "uint4": [0, 1, 9, 15],
  "int2": [-2, -1, 0, 1],
  "uint2": [0, 1, 2, 3],
  "float4_e2m1fn": [0.0, 0.5, -1.5, 6.0],
}


def main() -> None:
  os.makedirs(OUT, exist_ok=True)
  for name in os.listdir(OUT):
    os.remove(os.path.join(OUT, name))
  tf.compat.v1.enable_eager_execution() if not tf.executing_eagerly() else None
  expected: dict[str, np.ndarray] = {}
  names, tensors = [], []
  for dtype_name, values in LOW.items():
    array = np.array(values, dtype=getattr(ml_dtypes, dtype_name)).reshape(2, 2)
    assert array.astype(np.float64).tolist() == np.array(values, np.float64).reshape(2, 2).tolist()
    names.append(f"low/{dtype_name}")
    tensors.append(tf.constant(array))
    expected[f"low/{dtype_name}"] = np.array(values, np.float64).reshape(2, 2)
  small = np.array([-(2**31), 0, 2**31 - 1], np.int64)
  names.append("wide/int64_small")
  tensors.append(tf.constant(small))
  expected["wide/int64_small"] = small
  tf.raw_ops.SaveV2(
    prefix=os.path.join(OUT, "dtypes.ckpt"),
    tensor_names=names,
    shape_and_slices=[""] * len(names),
    tensors=tensors,
  )
  restored = tf.raw_ops.RestoreV2(
    prefix=os.path.join(OUT, "dtypes.ckpt"),
    tensor_names=names,
    shape_and_slices=[""] * len(names),
    dtypes=[t.dtype for t in tensors],
  )
  for name, value in zip(names, restored):
    assert value.numpy().astype(np.float64).tolist() == expected[name].tolist(), name

  full = np.arange(24, dtype=np.float32).reshape(4, 6)
  expected["grid/v"] = full
  bundles = {
    "grid": [
      ("4 6 0,2:0,3", full[0:2, 0:3]),
      ("4 6 0,2:3,3", full[0:2, 3:6]),
      ("4 6 2,2:-", full[2:4]),
    ],
    "dropped": [("4 6 0,2:-", full[0:2])],
    "overlap": [("4 6 0,3:-", full[0:3]), ("4 6 2,2:-", full[2:4])],
  }
  errors = {}
  for bundle, slices in bundles.items():
    prefix = os.path.join(OUT, bundle + ".ckpt")
    tf.raw_ops.SaveV2(
      prefix=prefix,
      tensor_names=["v"] * len(slices),
      shape_and_slices=[spec for spec, _ in slices],
      tensors=[tf.constant(part) for _, part in slices],
    )
    try:
      value = tf.raw_ops.RestoreV2(
        prefix=prefix, tensor_names=["v"], shape_and_slices=[""], dtypes=[tf.float32]
      )[0].numpy()
      assert bundle == "grid" and value.tolist() == full.tolist(), bundle
    except tf.errors.OpError as e:
      assert bundle != "grid", e
      message = re.sub(
        r"^\{\{function_node [^}]*\}\}\s*|\s*\[Op:RestoreV2\]$", "", e.message.splitlines()[0]
      )
      errors[bundle] = f"{type(e).__name__}: {message}"
  np.savez(os.path.join(OUT, "expected.npz"), **expected)
  with open(os.path.join(OUT, "restore_errors.json"), "w") as f:
    json.dump(errors, f, indent=1, sort_keys=True)
  for name in sorted(os.listdir(OUT)):
    print(f"{os.path.getsize(os.path.join(OUT, name)):8d}  {name}")


if __name__ == "__main__":
  main()
