"""Regenerate tests/golden/layers/ (golden.json + values.npz) from real TensorFlow.

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/make_layers_golden.py

(the TF venv has ``tensorflow-cpu`` and ``tf-keras``; ``TF_USE_LEGACY_KERAS=1`` makes
``tf.compat.v1.layers`` the tf-keras legacy layers). Every program of
``layer_programs.py`` runs in a fresh ``tf.Graph`` under ``tf.compat.v1`` with
``disable_v2_behavior()`` (graph mode, TF1 semantics). For each program this records:
the global variables (name, shape, dtype) in creation order, the trainable / moving
average / model / local variable collections, the number of UPDATE_OPS, the
regularization losses, every ``r.note`` / ``r.error`` observation, the output shapes;
and in values.npz: TF's initial value of every variable, every output (computed from
those initial values), every regularization loss, and the value of each variable that
running UPDATE_OPS changed (batch-norm moving statistics). TensorFlow is never a
dependency of varscope_jax; only this script needs it.
"""
import datetime
import json
import os
import platform
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "layers")
SEP = "::"
COLLECTIONS = ("trainable_variables", "moving_average_variables", "model_variables",
               "local_variables")


def first_line(e):
    """The first line of the message; for an error autograph wrapped ("in user code:"),
    the first line of the original error (its message line at the end)."""
    lines = str(e).split("\n")
    if lines[0] == "in user code:":
        for line in reversed(lines):
            line = line.strip()
            if line.startswith(type(e).__name__ + ": "):
                return line[len(type(e).__name__) + 2:]
    return lines[0]


class TFRecorder:

    def __init__(self, pid, tf):
        self.pid, self.tf = pid, tf
        self.n_inputs = 0
        self.feeds = {}
        self.obs = []          # ordered observations
        self.outputs = []      # (label, tensor)
        self.is_racy = False

    def input(self, shape, dtype="float32"):
        from layer_programs import input_values
        value = input_values(self.pid, shape, dtype, self.n_inputs)
        self.n_inputs += 1
        return self.tf.constant(value)

    def flag(self, value):
        ph = self.tf.compat.v1.placeholder(self.tf.bool, [])
        self.feeds[ph] = bool(value)
        return ph

    def out(self, label, y):
        self.outputs.append((label, y))
        self.obs.append({"label": label, "out": [y.shape.as_list(), y.dtype.base_dtype.name]})

    def shape(self, label, y):
        self.obs.append({"label": label, "shape": [y.shape.as_list(), y.dtype.base_dtype.name]})

    def note(self, label, value):
        self.obs.append({"label": label, "note": value})

    def names(self, label, variables):
        self.obs.append({"label": label, "note": [v.op.name for v in variables]})

    def error(self, label, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every error is an observation
            self.obs.append({"label": label, "error": type(e).__name__, "msg": first_line(e)})
            return
        self.obs.append({"label": label, "error": None})

    def racy(self):
        self.is_racy = True


def make_adapter(tf):
    tf1 = tf.compat.v1

    class T:
        pass

    t = T()
    t.layers = tf1.layers
    t.variable_scope = tf1.variable_scope
    t.name_scope = tf1.name_scope
    t.AUTO_REUSE = tf1.AUTO_REUSE
    t.make_template = tf1.make_template
    t.get_variable = tf1.get_variable
    t.relu = tf.nn.relu
    t.tanh = tf.nn.tanh
    t.zeros = tf1.zeros_initializer
    t.ones = tf1.ones_initializer
    t.constant = tf1.constant_initializer
    t.l2 = lambda scale: (lambda w: scale * tf.reduce_sum(tf.square(w)))
    t.clip = lambda lo, hi: (lambda w: tf.clip_by_value(w, lo, hi))
    return t


def run_program(pid, fn, tf, values):
    tf1 = tf.compat.v1
    graph = tf.Graph()
    rec = TFRecorder(pid, tf)
    with graph.as_default():
        tf1.set_random_seed(1234)       # TF's initial values are the same on every run
        t = make_adapter(tf)
        try:
            fn(t, rec)
        except Exception as e:  # noqa: BLE001
            rec.obs.append({"label": "!uncaught", "error": type(e).__name__,
                            "msg": first_line(e)})
        gvars = tf1.global_variables()
        doc = {
            "id": pid,
            "observations": rec.obs,
            "variables": [[v.op.name, v.shape.as_list(), v.dtype.base_dtype.name]
                          for v in gvars],
            "collections": {k: [v.op.name for v in tf1.get_collection(k)] for k in COLLECTIONS},
            "update_ops": len(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)),
            "racy": rec.is_racy,
        }
        losses = tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)
        doc["regularization_losses"] = len(losses)
        with tf1.Session(graph=graph) as sess:
            sess.run(tf1.global_variables_initializer())
            # Initial values first, in a run of their own: computing an output may update
            # variables (batch renorm updates its renorm_* statistics when its output is
            # computed, through control dependencies).
            init_vals = sess.run(gvars)
            out_vals, loss_vals = sess.run([[y for _, y in rec.outputs], losses],
                                           feed_dict=rec.feeds)
            updated = []
            if doc["update_ops"]:
                # One training step from the initial values: restore them, then run the
                # update ops (which run each renorm update once more, as a train step).
                for v, val in zip(gvars, init_vals):
                    v.load(val, sess)
                sess.run(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS), feed_dict=rec.feeds)
                new_vals = sess.run(gvars)
                for v, old, new in zip(gvars, init_vals, new_vals):
                    if not np.array_equal(old, new):
                        updated.append(v.op.name)
                        if not rec.is_racy:
                            values[SEP.join((pid, "upd", v.op.name))] = new
            doc["updated"] = updated
        for v, val in zip(gvars, init_vals):
            values[SEP.join((pid, "init", v.op.name))] = val
        for (label, _), val in zip(rec.outputs, out_vals):
            values[SEP.join((pid, "out", label))] = val
        for i, val in enumerate(loss_vals):
            values[SEP.join((pid, "reg", str(i)))] = val
    return doc


def main():
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.simplefilter("ignore")
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    tf.compat.v1.disable_v2_behavior()
    import tf_keras
    sys.path.insert(0, HERE)
    import layer_programs

    values = {}
    docs = []
    for pid, fn in layer_programs.PROGRAMS.items():
        docs.append(run_program(pid, fn, tf, values))
    os.makedirs(OUT_DIR, exist_ok=True)
    meta = {
        "generator": "tests/golden/make_layers_golden.py",
        "regenerate": "TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python "
                      "tests/golden/make_layers_golden.py",
        "tensorflow_version": tf.__version__,
        "tf_keras_version": tf_keras.__version__,
        "python_version": platform.python_version(),
        "date": datetime.date.today().isoformat(),
        "api": "tf.compat.v1.layers (tf-keras legacy_tf_layers), disable_v2_behavior()",
        "n_programs": len(docs),
        "programs": docs,
    }
    with open(os.path.join(OUT_DIR, "golden.json"), "w") as f:
        json.dump(meta, f, sort_keys=True, indent=0)
        f.write("\n")
    np.savez_compressed(os.path.join(OUT_DIR, "values.npz"), **values)
    n_unc = sum(any(o["label"] == "!uncaught" for o in d["observations"]) for d in docs)
    print("wrote %s: TF %s, %d programs, %d arrays, %d with an uncaught error"
          % (OUT_DIR, tf.__version__, len(docs), len(values), n_unc))
    for d in docs:
        for o in d["observations"]:
            if o["label"] == "!uncaught":
                print("  uncaught in %s: %s: %s" % (d["id"], o["error"], o["msg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
