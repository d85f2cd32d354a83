"""Golden data: how TF1's get_variable calls TF-style initializer functions.

Run with the TF venv: TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python make_tf_style_golden.py
Writes tf_style.json beside this script: for each initializer in INITIALIZERS (the same
source is exec'd by the test), the arguments TF passed, the variable's value, or the
error TF raised (resource variables: TF's check of the initial value's shape).
"""
import json
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

tf.disable_v2_behavior()

# name -> (shape, dtype name, source defining `init(...)` that records into CALLS).
INITIALIZERS = {
    # The orthogonal initializer of OpenAI baselines / many TF1 RL repos.
    "ortho_two_required": ([3, 2], "float32", """
def init(shape, dtype, partition_info=None):
  CALLS.append((list(shape), dtype.name, partition_info))
  flat = (int(np.prod(shape[:-1])), shape[-1])
  a = np.random.RandomState(0).normal(0.0, 1.0, flat)
  u, _, v = np.linalg.svd(a, full_matrices=False)
  q = u if u.shape == flat else v
  return (1.5 * q.reshape(shape)).astype(np.float32)
"""),
    "shape_first_no_partition": ([2, 2], "float32", """
def init(shape, dtype):
  CALLS.append((list(shape), dtype.name, "absent"))
  return np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
"""),
    "shape_dtype_defaults": ([4], "int32", """
def init(shape, dtype=None, partition_info=None):
  CALLS.append((list(shape), dtype.name, partition_info))
  return np.full(shape, dtype.max if dtype.is_integer else 1.0, dtype.as_numpy_dtype)
"""),
    "partition_info_keyword_only": ([2], "float32", """
def init(s, d=None, *, partition_info=None):
  CALLS.append((list(s), d.name, partition_info))
  return np.ones(s, np.float32) * 3
"""),
    "wrong_shape": ([2, 3], "float32", """
def init(shape, dtype=None, partition_info=None):
  CALLS.append((list(shape), dtype.name, partition_info))
  return np.ones([5], np.float32)
"""),
    "wrong_shape_transposed": ([2, 3], "float32", """
def init(shape, dtype=None, partition_info=None):
  CALLS.append((list(shape), dtype.name, partition_info))
  return np.ones([3, 2], np.float32)
"""),
    "raises_inside": ([2], "float32", """
def init(shape, dtype=None, partition_info=None):
  CALLS.append((list(shape), dtype.name, partition_info))
  raise ValueError("unsupported shape %s" % (shape,))
"""),
}


def run(use_resource):
  out = {}
  for name, (shape, dtype, src) in INITIALIZERS.items():
    calls = []
    ns = {"np": np, "CALLS": calls}
    exec(src, ns)  # noqa: S102 (this file's own sources)
    g = tf.Graph()
    with g.as_default(), tf.variable_scope("model", use_resource=use_resource):
      rec = {}
      try:
        v = tf.get_variable(name, shape, dtype=tf.as_dtype(dtype), initializer=ns["init"])
        with tf.Session() as sess:
          sess.run(tf.global_variables_initializer())
          rec["value"] = sess.run(v).tolist()
        rec["name"] = v.name
      except Exception as e:  # noqa: BLE001 (recorded)
        rec["error"] = [type(e).__name__, str(e).splitlines()[0]]
      rec["calls"] = calls
      out[name] = rec
  return out


golden = {"sources": {k: list(v) for k, v in INITIALIZERS.items()},
          "resource": run(True)}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_style.json"), "w") as f:
  json.dump(golden, f, indent=1, sort_keys=True)
