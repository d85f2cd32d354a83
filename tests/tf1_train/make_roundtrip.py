"""The other way: TensorFlow reads a checkpoint that ``vs.save_tf1_checkpoint`` wrote.

Two steps, run from the repository root::

  PYTHONPATH=$PWD /work/venv/bin/python tests/tf1_train/make_roundtrip.py write
  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_train/make_roundtrip.py read

``write`` (the dev venv, varscope_jax imported from this checkout) saves ``VALUES`` (one
tensor of every dtype the reader handles, strings, a scalar, an empty tensor, 300 scalars
so that the ``.index`` spans several blocks, and a small model ``model/fc1/{w,b}``) with
``vs.save_tf1_checkpoint(data/written/model.ckpt, params, step=7)``.

``read`` (the TF venv; no varscope_jax) reads it back with TensorFlow three ways and
records what TF got in ``data/written_by_varscope_read_by_tf.npz`` (+ ``.json`` for
strings, dtypes and names):

* ``tf.train.latest_checkpoint(folder)`` (the ``checkpoint`` file);
* ``tf.train.load_checkpoint(prefix)``: every tensor, its dtype and shape (TF checks each
  tensor's crc32c as it reads; the 300 int32 scalars ``many/*`` are checked to be int32
  scalars and stored as one array ``load_checkpoint|many``, in name order);
* a TF1 graph (``tf.compat.v1``) with ``get_variable('model/fc1/w')``, ``.../b`` and
  ``get_or_create_global_step()``, restored by ``tf.compat.v1.train.Saver().restore``;
  and one where ``model/fc1/w`` is partitioned in two (``fixed_size_partitioner(2)``),
  whose slices ``Saver.restore`` reads from the full tensor.

``write`` also resumes the ``adam`` golden run in JAX (TF's checkpoint, TF's next 3
gradients) and saves params *and* optimizer state (``opt_state=``) to
``data/written_train/model.ckpt-6``; ``read`` restores it into the TF1 program that
made the run (``make_tf1_training.py``) with ``AdamOptimizer(0.01)`` and records TF's
next 3 steps on new batches (``train|grads``, ``train|params``).

``tests/io/test_tf1_training.py`` checks that the writer still writes these exact bytes
(so TF's verdict holds for today's writer), that TF read every value exactly, and that
TF's resumed steps equal ours from the same files.
"""

from __future__ import annotations

import json
import os
import sys

import ml_dtypes
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
DATA = os.path.join(HERE, "data")
FOLDER = os.path.join(DATA, "written")
PREFIX = os.path.join(FOLDER, "model.ckpt")
STEP = 7
READ = os.path.join(DATA, "written_by_varscope_read_by_tf")
TRAIN_FOLDER = os.path.join(DATA, "written_train")
TRAIN_STEP = 6


def values() -> dict[str, np.ndarray]:
  """``{scoped name: value}`` that ``write`` saves (deterministic)."""
  rng = np.random.default_rng(7)
  out = {
    "model/fc1/w": rng.standard_normal((3, 4)).astype(np.float32),
    "model/fc1/b": np.linspace(-1, 1, 4).astype(np.float32),
    "dtypes/float32": rng.standard_normal((2, 3)).astype(np.float32),
    "dtypes/float64": rng.standard_normal(3),
    "dtypes/float16": np.array([0.5, -65504.0, 1e-3], np.float16),
    "dtypes/bfloat16": np.array([1.0, -2.5, 3.140625], ml_dtypes.bfloat16),
    "dtypes/int8": np.array([[-128, 0], [1, 127]], np.int8),
    "dtypes/int16": np.array([-(2**15), 5, 2**15 - 1], np.int16),
    "dtypes/int32": np.array([-(2**31), 0, 2**31 - 1], np.int32),
    "dtypes/int64": np.array([-(2**63), 2**62, 2**63 - 1], np.int64),
    "dtypes/uint8": np.array([0, 7, 255], np.uint8),
    "dtypes/uint16": np.array([0, 2**16 - 1], np.uint16),
    "dtypes/uint32": np.array([0, 2**32 - 1], np.uint32),
    "dtypes/uint64": np.array([0, 2**64 - 1], np.uint64),
    "dtypes/bool": np.array([[True], [False]]),
    "dtypes/complex64": np.array([1 + 2j, -3.5j], np.complex64),
    "dtypes/complex128": np.array([[1e300 + 1j]], np.complex128),
    "dtypes/string": np.array([[b"a", b"bc"], [b"", b"\x00\xff" * 70]], dtype=object),
    "shapes/scalar": np.float32(3.25),
    "shapes/empty": np.zeros((0, 3), np.float32),
    "shapes/rank4": np.arange(2 * 3 * 1 * 2, dtype=np.int32).reshape(2, 3, 1, 2),
  }
  for i in range(300):
    out[f"many/layer_{i:03d}/kernel"] = np.asarray(i, np.int32)
  return out


def resumed_adam_run():
  """(params, opt_state) after resuming the ``adam`` golden run for TF's 3 next steps.

  Loaded from TF's checkpoint, stepped in JAX (op by op) with the gradients TF applied:
  what ``write`` saves, with the optimizer state, for TF to resume from.
  """
  import optax
  import varscope_jax as vs

  ckpt = os.path.join(DATA, "adam")
  params = vs.load_tf1_checkpoint(ckpt)
  params.pop("global_step")
  tx = vs.tf1_optimizers.adam(learning_rate=0.01)
  state = vs.load_tf1_optimizer_state(ckpt, tx, params)
  with np.load(os.path.join(DATA, "expected.npz")) as npz:
    rows = npz["adam|grads"]
  shapes = [
    ("model/fc1/w", (3, 4)),
    ("model/fc1/b", (4,)),
    ("model/fc2/w", (4, 2)),
    ("model/fc2/b", (2,)),
  ]
  for row in rows:
    flat, i = {}, 0
    for name, shape in shapes:
      flat[name] = row[i : i + int(np.prod(shape))].reshape(shape)
      i += int(np.prod(shape))
    updates, state = tx.update(vs.unflatten_params(flat), state, params)
    params = optax.apply_updates(params, updates)
  return params, state


def write() -> None:
  import varscope_jax as vs  # the dev venv, this checkout (PYTHONPATH=$PWD)

  for folder in (FOLDER, TRAIN_FOLDER):
    if os.path.exists(folder):
      for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
  params = vs.unflatten_params({k: v for k, v in values().items()})
  print(vs.save_tf1_checkpoint(PREFIX, params, step=STEP))
  params, state = resumed_adam_run()
  print(
    vs.save_tf1_checkpoint(
      os.path.join(TRAIN_FOLDER, "model.ckpt"), params, step=TRAIN_STEP, opt_state=state
    )
  )


def resume_training(tf, got) -> None:
  """TF1's AdamOptimizer resumes from the slots varscope_jax wrote; 3 steps recorded."""
  import make_tf1_training as golden  # the TF program that made the training runs

  tf1 = tf.compat.v1
  latest = tf.train.latest_checkpoint(TRAIN_FOLDER)
  data = golden.batches(2)[:3]  # new batches
  with tf.Graph().as_default() as graph:
    x, y, loss = golden.build_model(golden.initial_values(), partitioned=False)
    global_step = tf1.train.get_or_create_global_step()
    opt = tf1.train.AdamOptimizer(0.01)
    grads_and_vars = opt.compute_gradients(loss)
    train = opt.apply_gradients(grads_and_vars, global_step=global_step)
    saver = tf1.train.Saver(save_relative_paths=True)
    with tf1.Session(graph=graph) as sess:
      saver.restore(sess, latest)
      got["train|restored_step"] = np.int64(sess.run(global_step))
      names = [v.op.name for _, v in grads_and_vars]
      grads_rows, params_rows = [], []
      for bx, by in data:
        _, grads = sess.run([train, [g for g, _ in grads_and_vars]], {x: bx, y: by})
        grads_rows.append(golden.pack(dict(zip(names, grads))))
        params_rows.append(golden.pack(dict(zip(names, sess.run([v for _, v in grads_and_vars])))))
      got["train|grads"], got["train|params"] = np.stack(grads_rows), np.stack(params_rows)
      got["train|step"] = np.int64(sess.run(global_step))


def read() -> None:
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  import tensorflow as tf

  tf1 = tf.compat.v1
  tf1.disable_eager_execution()
  latest = tf.train.latest_checkpoint(FOLDER)
  reader = tf.train.load_checkpoint(latest)
  got: dict[str, np.ndarray] = {}
  strings: dict[str, list[str]] = {}
  dtypes = {}
  shapes = {name: list(shape) for name, shape in tf.train.list_variables(latest)}
  many = []  # the 300 scalars, packed into one array (in name order) to keep data small
  for name, dtype in sorted(reader.get_variable_to_dtype_map().items()):
    value = reader.get_tensor(name)
    if name.startswith("many/"):
      assert dtype == tf.int32 and shapes.pop(name) == [], name
      many.append(np.asarray(value))
      continue
    dtypes[name] = dtype.name
    if dtype == tf.string:
      strings[name] = [v.decode("latin-1") for v in np.asarray(value).reshape(-1).tolist()]
    elif dtype == tf.bfloat16:  # npz has no bfloat16: float32 holds it exactly
      got["load_checkpoint|" + name] = np.asarray(value).astype(np.float32)
    else:
      got["load_checkpoint|" + name] = np.asarray(value)
  got["load_checkpoint|many"] = np.stack(many)
  with tf.Graph().as_default() as graph:
    w = tf1.get_variable("model/fc1/w", [3, 4], tf.float32)
    b = tf1.get_variable("model/fc1/b", [4], tf.float32)
    step = tf1.train.get_or_create_global_step()
    saver = tf1.train.Saver([w, b, step])
    with tf1.Session(graph=graph) as sess:
      saver.restore(sess, latest)
      got["saver|model/fc1/w"], got["saver|model/fc1/b"], got["saver|global_step"] = sess.run(
        [w, b, step]
      )
  # A TF1 graph that partitions model/fc1/w in two restores its slices from the full
  # tensor varscope_jax wrote.
  with tf.Graph().as_default() as graph:
    parts = tf1.get_variable(
      "model/fc1/w", [3, 4], tf.float32, partitioner=tf1.fixed_size_partitioner(2)
    )
    saver = tf1.train.Saver(save_relative_paths=True)
    with tf1.Session(graph=graph) as sess:
      saver.restore(sess, latest)
      got["saver_partitioned|model/fc1/w"] = np.concatenate(sess.run(list(parts)), 0)
  resume_training(tf, got)
  np.savez_compressed(READ + ".npz", **got)
  with open(READ + ".json", "w") as f:
    json.dump(
      {
        "tensorflow": tf.__version__,
        "latest_checkpoint": os.path.relpath(latest, DATA),
        "dtypes": dtypes,
        "shapes": shapes,
        "strings": strings,
      },
      f,
      indent=1,
      sort_keys=True,
    )
  print(f"TF {tf.__version__} read {len(dtypes) + len(many)} tensors from {latest}")


if __name__ == "__main__":
  {"write": write, "read": read}[sys.argv[1]]()
