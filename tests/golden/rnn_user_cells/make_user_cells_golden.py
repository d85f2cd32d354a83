"""Regenerate tests/golden/rnn_user_cells/ from real TensorFlow (graph mode).

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/rnn_user_cells/make_user_cells_golden.py

Runs every program of user_cell_programs.py with make_rnn_golden.py's recorder (variables
and their initial values, outputs, errors) and an adapter with the extra ops the user
cells use. Writes golden.json and values.npz beside this script.
"""
import datetime
import json
import os
import platform
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main():
  warnings.filterwarnings("ignore")
  import numpy as np
  import tensorflow as tf

  import make_rnn_golden as base
  import user_cell_programs as up

  tf.get_logger().setLevel("ERROR")
  tf.compat.v1.disable_eager_execution()
  v1 = tf.compat.v1
  M = base.tf_adapter(tf)
  M.split = lambda x, n, axis: tf.split(x, n, axis)
  M.moments = lambda x, axes, keep_dims: tf.nn.moments(x, axes, keepdims=keep_dims)
  M.rsqrt, M.tile, M.dense = tf.math.rsqrt, tf.tile, v1.layers.dense
  M.depth = lambda x: int(x.shape[-1])
  M.ones_initializer = v1.ones_initializer
  arrays, records = {}, []
  for pid, (fn, opts) in up.PROGRAMS.items():
    records.append(base.run_program(tf, pid, fn, opts, M, arrays))
  doc = {"generator": "tests/golden/rnn_user_cells/make_user_cells_golden.py",
         "tensorflow_version": tf.__version__, "python_version": platform.python_version(),
         "date": datetime.date.today().isoformat(), "programs": records}
  with open(os.path.join(HERE, "golden.json"), "w") as f:
    json.dump(doc, f, sort_keys=True, indent=1)
    f.write("\n")
  np.savez_compressed(os.path.join(HERE, "values.npz"), **arrays)
  for r in records:
    print(r["id"], r["error"], [v["name"] for v in r["variables"]][:12])


if __name__ == "__main__":
  main()
