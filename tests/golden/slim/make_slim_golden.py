"""Regenerate tests/golden/slim/ from real tf-slim (tf_slim 1.1 on TensorFlow's graph mode).

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/slim/make_slim_golden.py

Runs every program of slim_programs.py in a fresh ``tf.Graph`` and records the variables
(global, then local ones; name, shape, dtype, trainable, the collections holding each) with their initial values and their values after one run
of the outputs and the update ops (UPDATE_OPS and the program's ``updates``
collections), the outputs' shapes, dtypes and values, plain results, and the error (type
and first line) of programs that raise. Writes ``golden.json`` and ``values.npz``.

tf_slim 1.1 predates TF 2.21; two import shims make its layers load (see ``_shims``),
a third for an ``is_training`` known only at run time and a fourth for
``local_variable`` / ``global_variable``:
1. ``tensorflow.python.layers.*`` lazily imports ``tf_keras.legacy_tf_layers``, which
   tf-keras moved to ``tf_keras.src.legacy_tf_layers``: the old names are aliased.
2. ``tf_slim.layers.utils.constant_value`` checks ``isinstance(x, ops.Tensor)``;
   ``tensorflow.python.framework.ops`` no longer has ``Tensor``: it is set to
   ``tf.Tensor``.
3. ``tf_slim.layers.utils.smart_cond`` calls ``control_flow_ops.cond``, which moved to
   ``cond.cond``: it is set to ``tf.compat.v1.cond``.
4. ``tf_slim.ops.variables.local_variable`` calls ``variable_scope.variable``, which TF
   removed (it was ``tf.compat.v1.Variable``): it is set to that.
TensorFlow is never a dependency of varscope_jax.
"""
import datetime
import importlib
import json
import os
import platform
import sys
import types
import warnings

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))


def _shims(tf):
  legacy = importlib.import_module("tf_keras.src.legacy_tf_layers")
  sys.modules["tf_keras.legacy_tf_layers"] = legacy
  for name in ("base", "convolutional", "core", "normalization", "pooling"):
    sys.modules["tf_keras.legacy_tf_layers." + name] = importlib.import_module(
        "tf_keras.src.legacy_tf_layers." + name)
  from tensorflow.python.framework import ops
  ops.Tensor = tf.Tensor
  from tensorflow.python.ops import control_flow_ops
  control_flow_ops.cond = tf.compat.v1.cond
  from tensorflow.python.ops import variable_scope
  variable_scope.variable = tf.compat.v1.Variable


def tf_adapter(tf):
  import tf_slim
  v1 = tf.compat.v1

  def loss_names():
    out = []
    for t in v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES):
      name = t.op.name
      out.append(name.rsplit("/", 1)[0] if "/" in name else name)
    return out

  return types.SimpleNamespace(
      slim=tf_slim, tflayers=v1.layers, variable_scope=v1.variable_scope,
      name_scope=v1.name_scope, constant=tf.constant, relu=tf.nn.relu, relu6=tf.nn.relu6,
      tanh=tf.tanh, GraphKeys=v1.GraphKeys, get_collection=v1.get_collection,
      add_to_collection=v1.add_to_collection, name=lambda v: v.op.name,
      flag=lambda b: v1.placeholder_with_default(b, []), loss_names=loss_names,
      constant_initializer=v1.constant_initializer, ones_initializer=v1.ones_initializer,
      AUTO_REUSE=v1.AUTO_REUSE, int32=tf.int32)


def first_line(e):
  s = str(e).strip()
  return s.splitlines()[0] if s else ""


def run_program(tf, pid, fn, opts, M, arrays):
  import slim_programs as sp
  v1 = tf.compat.v1
  rec = {"id": pid, **opts}
  g = tf.Graph()
  with g.as_default():
    v1.set_random_seed(1234)
    try:
      out = fn(M, sp.Data)
      rec["error"] = None
    except Exception as e:  # noqa: BLE001 - every error is recorded
      out = None
      rec["error"] = {"type": type(e).__name__, "first_line": first_line(e)}
    trainable = {v.name for v in v1.trainable_variables()}
    variables = v1.global_variables()
    variables += [v for v in v1.local_variables() if v not in variables]
    local = {v.name for v in v1.local_variables()} - {v.name for v in v1.global_variables()}
    keys = [k for k in g.get_all_collection_keys() if isinstance(k, str)]
    rec["variables"] = [{"name": v.op.name, "shape": v.shape.as_list(),
                         "dtype": v.dtype.base_dtype.name, "trainable": v.name in trainable,
                         "local": v.name in local,
                         "collections": sorted(k for k in keys
                                               if any(x is v for x in g.get_collection(k)))}
                        for v in variables]
    leaves = sp.flatten(out) if out is not None else []
    tensors = [(p, t) for p, t in leaves if not sp.is_plain(t)]
    rec["plain"] = {p: t for p, t in leaves if sp.is_plain(t)}
    rec["outputs"] = [{"path": p, "shape": t.shape.as_list(), "dtype": t.dtype.name}
                      for p, t in tensors]
    rec["run_error"] = None
    if rec["error"] or not opts["run"]:
      return rec
    updates = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
    for c in opts["updates"]:
      updates += v1.get_collection(c)
    with v1.Session(graph=g) as sess:
      sess.run([v1.global_variables_initializer(), v1.local_variables_initializer()])
      for v, val in zip(variables, sess.run(variables)):
        arrays["%s|var|%s" % (pid, v.op.name)] = val
      try:
        vals = sess.run([t for _, t in tensors] + [updates])[:len(tensors)]
      except Exception as e:  # noqa: BLE001
        rec["run_error"] = {"type": type(e).__name__, "first_line": first_line(e)}
        return rec
      if not opts["random"]:
        for (p, _), val in zip(tensors, vals):
          arrays["%s|out|%s" % (pid, p)] = val
      for v, val in zip(variables, sess.run(variables)):
        arrays["%s|after|%s" % (pid, v.op.name)] = val
  return rec


def main():
  sys.path.insert(0, HERE)
  warnings.filterwarnings("ignore")
  import numpy as np
  import tensorflow as tf
  tf.get_logger().setLevel("ERROR")
  _shims(tf)
  tf.compat.v1.disable_eager_execution()
  import slim_programs as sp
  M = tf_adapter(tf)
  arrays, records = {}, []
  only = sys.argv[1:]
  for pid, (fn, opts) in sp.PROGRAMS.items():
    if only and not any(o in pid for o in only):
      continue
    records.append(run_program(tf, pid, fn, opts, M, arrays))
  if only:
    for r in records:
      print(json.dumps(r)[:600])
    return
  doc = {"generator": "tests/golden/slim/make_slim_golden.py",
         "regenerate": "TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python "
                       "tests/golden/slim/make_slim_golden.py",
         "tensorflow_version": tf.__version__, "python_version": platform.python_version(),
         "date": datetime.date.today().isoformat(),
         "api": "tf_slim 1.1 (two import shims, see the script), graph mode",
         "programs": records}
  with open(os.path.join(HERE, "golden.json"), "w") as f:
    json.dump(doc, f, sort_keys=True, indent=1)
    f.write("\n")
  np.savez_compressed(os.path.join(HERE, "values.npz"), **arrays)
  print("wrote %s: TF %s, %d programs (%d raise, %d run errors), %d arrays"
        % (HERE, tf.__version__, len(records), sum(1 for r in records if r["error"]),
           sum(1 for r in records if r["run_error"]), len(arrays)))


if __name__ == "__main__":
  main()
