"""Regenerate tests/golden/rnn/ from real TensorFlow (tf.compat.v1 RNN cells and drivers).

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/make_rnn_golden.py

(The TF venv holds ``tensorflow-cpu`` and ``tf-keras``; TF_USE_LEGACY_KERAS=1 makes
``tf.compat.v1.nn.rnn_cell`` the tf-keras legacy cells.) Runs every program of
rnn_programs.py in a fresh ``tf.Graph`` (graph mode) and records: the variables
(name, shape, dtype, trainable) and their initial values, the outputs' shapes, dtypes
and values (not for ``random=True`` programs), plain Python results, and the error
(type and first line) of programs that raise. Writes ``rnn/golden.json`` (metadata)
and ``rnn/values.npz`` (arrays). TensorFlow is never a dependency of varscope_jax.
"""
import datetime
import json
import os
import platform
import sys
import types
import warnings

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "rnn")


def tf_adapter(tf):
    v1 = tf.compat.v1
    nn = types.SimpleNamespace(
        dynamic_rnn=v1.nn.dynamic_rnn, bidirectional_dynamic_rnn=v1.nn.bidirectional_dynamic_rnn,
        static_rnn=v1.nn.static_rnn, static_bidirectional_rnn=v1.nn.static_bidirectional_rnn,
        embedding_lookup=v1.nn.embedding_lookup, dropout=v1.nn.dropout)
    return types.SimpleNamespace(
        rnn_cell=v1.nn.rnn_cell, nn=nn, variable_scope=v1.variable_scope, name_scope=v1.name_scope,
        get_variable=v1.get_variable, AUTO_REUSE=v1.AUTO_REUSE, constant=tf.constant,
        float32=tf.float32, float16=tf.float16, int32=tf.int32, relu=tf.nn.relu, tanh=tf.tanh,
        sigmoid=tf.sigmoid, matmul=tf.matmul, concat=tf.concat, reshape=tf.reshape,
        einsum=tf.einsum, random_uniform_initializer=v1.random_uniform_initializer,
        constant_initializer=v1.constant_initializer, zeros_initializer=v1.zeros_initializer)


def first_line(e):
    s = str(e).strip()
    return s.splitlines()[0] if s else ""


def run_program(tf, pid, fn, opts, M, arrays):
    import rnn_programs as rp

    v1 = tf.compat.v1
    rec = {"id": pid, "random": opts["random"], "eager": opts["eager"]}
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(1234)
        try:
            out = fn(M, rp.Data)
            rec["error"] = None
        except Exception as e:  # noqa: BLE001 - every error is recorded
            out = None
            rec["error"] = {"type": type(e).__name__, "first_line": first_line(e)}
        trainable = {v.name for v in v1.trainable_variables()}
        variables = v1.global_variables()
        rec["variables"] = [{"name": v.name[:-2], "shape": v.shape.as_list(),
                             "dtype": v.dtype.base_dtype.name, "trainable": v.name in trainable}
                            for v in variables]
        leaves = rp.flatten(out) if out is not None else []
        tensors = [(p, t) for p, t in leaves if not rp.is_plain(t)]
        rec["plain"] = {p: t for p, t in leaves if rp.is_plain(t)}
        rec["outputs"] = [{"path": p, "shape": t.shape.as_list(), "dtype": t.dtype.name}
                          for p, t in tensors]
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            for v, val in zip(variables, sess.run(variables)):
                arrays["%s|var|%s" % (pid, v.name[:-2])] = val
            rec["run_error"] = None
            if tensors:
                try:
                    vals = sess.run([t for _, t in tensors])
                except Exception as e:  # noqa: BLE001
                    rec["run_error"] = {"type": type(e).__name__, "first_line": first_line(e)}
                    vals = None
                if vals is not None and not opts["random"]:
                    for (p, _), val in zip(tensors, vals):
                        arrays["%s|out|%s" % (pid, p)] = val
    return rec


def main():
    sys.path.insert(0, HERE)
    warnings.filterwarnings("ignore")
    import numpy as np
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    tf.compat.v1.disable_eager_execution()
    import rnn_programs as rp

    M = tf_adapter(tf)
    arrays, records = {}, []
    for pid, (fn, opts) in rp.PROGRAMS.items():
        records.append(run_program(tf, pid, fn, opts, M, arrays))
    os.makedirs(OUT_DIR, exist_ok=True)
    doc = {
        "generator": "tests/golden/make_rnn_golden.py",
        "regenerate": "TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/golden/make_rnn_golden.py",
        "tensorflow_version": tf.__version__,
        "python_version": platform.python_version(),
        "date": datetime.date.today().isoformat(),
        "api": "tf.compat.v1.nn (rnn_cell from tf-keras legacy_cells), graph mode",
        "programs": records,
    }
    with open(os.path.join(OUT_DIR, "golden.json"), "w") as f:
        json.dump(doc, f, sort_keys=True, indent=1)
        f.write("\n")
    np.savez_compressed(os.path.join(OUT_DIR, "values.npz"), **arrays)
    n_err = sum(1 for r in records if r["error"])
    print("wrote %s: TF %s, %d programs (%d raise, %d random), %d arrays"
          % (OUT_DIR, tf.__version__, len(records), n_err, sum(r["random"] for r in records),
             len(arrays)))


if __name__ == "__main__":
    main()
