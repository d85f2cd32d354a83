"""Regenerate tests/golden/layer_norm.json from real TensorFlow (tf-slim's layer_norm).

    python3 -m venv /work/tfvenv && /work/tfvenv/bin/pip install tensorflow-cpu tf-keras tf-slim
    /work/tfvenv/bin/python tests/golden/make_layer_norm_golden.py

Runs every program of ``layer_norm_programs.py`` in a fresh ``tf.Graph`` with
``tf.compat.v1`` in graph mode and ``tf_slim.layers.layer_norm`` -- the very function TF1
exported as ``tf.contrib.layers.layer_norm``. For each program it records:

* ``variables``: every global variable in creation order: name, shape, dtype, trainable
  and the sorted collections that hold it;
* ``values``: the random values it then assigns (``param_value``, numpy seed 0), so that
  gamma and beta matter;
* ``outputs``: what the program returned, run in a Session (arrays as nested lists with
  their dtype, plain ints as they are);
* ``error``: ``{"type", "msg"}`` (the first line of ``str(e)``) if the program raised.

TensorFlow is never a dependency of varscope_jax; only this script needs it.
"""
from __future__ import annotations

import datetime
import hashlib
import inspect
import json
import os
import platform
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_slim  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "layer_norm.json")
sys.path.insert(0, HERE)
import layer_norm_programs as lnp  # noqa: E402

tf1 = tf.compat.v1


class TFApi:
  layer_norm = staticmethod(tf_slim.layers.layer_norm)
  variable_scope = staticmethod(tf1.variable_scope)
  name_scope = staticmethod(tf1.name_scope)
  AUTO_REUSE = tf1.AUTO_REUSE
  make_template = staticmethod(tf1.make_template)
  get_variable_scope = staticmethod(tf1.get_variable_scope)
  get_collection = staticmethod(tf1.get_collection)
  relu = staticmethod(tf.nn.relu)

  @staticmethod
  def cast(x, dtype):
    return tf.cast(x, dtype)


def source_sha1(fn):
  return hashlib.sha1(inspect.getsource(fn).encode()).hexdigest()[:12]


def as_json_array(value):
  value = np.asarray(value)
  return {"dtype": value.dtype.name, "shape": list(value.shape),
          "value": value.astype(np.float64).tolist()}


def run(prog):
  rec = {"name": prog.name, "source_sha1": source_sha1(prog.fn), "tf_only_error": prog.tf_only_error,
         "why": prog.why, "shapes": [list(s) for s in prog.shapes], "dtype": prog.dtype,
         "error": None, "outputs": None}
  graph = tf.Graph()
  with graph.as_default():
    inputs = [tf1.constant(v) for v in prog.inputs()]
    try:
      outs = prog.fn(TFApi, *inputs)
    except Exception as e:  # noqa: BLE001 - recorded
      rec["error"] = {"type": type(e).__name__, "msg": str(e).split("\n")[0]}
      outs = None
    variables = tf1.global_variables()
    keys = graph.get_all_collection_keys()
    rec["variables"] = [{
        "name": v.op.name, "shape": v.shape.as_list(), "dtype": v.dtype.base_dtype.name,
        "trainable": any(v is t for t in tf1.trainable_variables()),
        "collections": sorted(k for k in keys if any(v is c for c in graph.get_collection(k))),
    } for v in variables]
    rng = np.random.default_rng(0)
    values = {v.op.name: lnp.param_value(v.op.name, v.shape.as_list(), rng).astype(
        v.dtype.base_dtype.as_numpy_dtype) for v in variables}
    rec["values"] = {k: as_json_array(v) for k, v in values.items()}
    if outs is not None:
      with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        for v in variables:
          v.load(values[v.op.name], sess)
        fetch = [o for o in outs if isinstance(o, tf.Tensor)]
        got = iter(sess.run(fetch))
        rec["outputs"] = [as_json_array(next(got)) if isinstance(o, tf.Tensor) else o
                          for o in outs]
  return rec


def main():
  tf1.disable_v2_behavior()
  records = [run(p) for p in lnp.PROGRAMS.values()]
  doc = {"generator": "tests/golden/make_layer_norm_golden.py",
         "regenerate": "/work/tfvenv/bin/python tests/golden/make_layer_norm_golden.py",
         "tensorflow_version": tf.__version__, "tf_slim_version": "1.1.0",
         "python_version": platform.python_version(), "date": datetime.date.today().isoformat(),
         "api": "tf_slim.layers.layer_norm (= tf.contrib.layers.layer_norm), tf.compat.v1 graph mode",
         "programs": records}
  with open(OUT, "w") as f:
    json.dump(doc, f, sort_keys=True, indent=1)
    f.write("\n")
  n_err = sum(r["error"] is not None for r in records)
  print("wrote %s: TF %s, %d programs (%d end in an error)" % (OUT, tf.__version__, len(records), n_err))


if __name__ == "__main__":
  main()
