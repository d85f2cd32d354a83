"""Writes the TF1 *training* checkpoints that ``tests/io/test_tf1_training.py`` reads without TF.

Run from the repository root with a TensorFlow install (not a dependency of varscope_jax)::

  TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_train/make_tf1_training.py

For every optimizer configuration in ``CONFIGS`` it builds, in a fresh TF1 graph (graph
mode), a tiny two-layer model (``model/fc1/{w,b}`` [3, 4], [4]; ``model/fc2/{w,b}``
[4, 2], [2]; loss ``mean((tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2)``), trains it 3 steps with
``opt.minimize(loss, global_step)``, saves it with ``tf.compat.v1.train.Saver`` (no
``.meta``) under ``data/<config>/model.ckpt``, then runs TF's next 3 steps and records,
for each step, the gradients TF applied and the variables after the step.

Written under ``tests/tf1_train/data/``:

* ``<config>/model.ckpt.{index,data-00000-of-00001}`` and ``<config>/checkpoint``.
* ``expected.npz``, packed to stay small: ``<config>|grads`` and ``<config>|params``, each
  [3, 26] float32: row ``s`` holds, for TF's step ``s`` after the checkpoint, the gradients
  TF applied / the variables after the step, each variable flattened and concatenated in
  ``VARIABLES`` order (a partitioned variable as its full tensor); ``x`` [3, 5, 3] and
  ``y`` [3, 5, 2] (the batches fed, the same for every config); ``ema|restored`` [26]:
  what ``Saver(ema.variables_to_restore()).restore`` put in the model variables of a
  fresh graph, and ``ema|restored_global_step``.
* ``expected.json``: per config, TF's own account of every tensor in the checkpoint
  (``tf.train.list_variables``), of each slot (``opt.get_slot(var, name)``, and the
  name a partitioned slot is saved under) and of the optimizer's non-slot variables, plus
  the optimizer's class and arguments.

The ``ema`` config trains with ``AdamOptimizer`` and applies an
``ExponentialMovingAverage(0.9)`` after each step; ``partitioned`` has ``model/fc1/w``
split in two by ``fixed_size_partitioner(2)`` (TF saves its slots as slices of
``model/fc1/w/Adam`` and ``.../Adam_1``); ``named_adam`` passes ``name="MyAdam"``;
``two_adams`` has a second ``AdamOptimizer`` for ``fc2``, made inside
``variable_scope("second")`` (its slots ``second/model/fc2/w/Adam``, its powers
``second/beta1_power``).

Values are deterministic (``numpy.random.default_rng(0)``).
"""

from __future__ import annotations

import json
import os
import shutil

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
BATCH = 5
TRAIN_STEPS = 3
NEXT_STEPS = 3

# name -> (optimizer class name, kwargs); the kwargs use TF's argument names.
CONFIGS = {
  "adam": ("AdamOptimizer", {"learning_rate": 0.01}),
  "adam_args": (
    "AdamOptimizer",
    {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-3},
  ),
  "named_adam": ("AdamOptimizer", {"learning_rate": 0.01, "name": "MyAdam"}),
  "momentum": ("MomentumOptimizer", {"learning_rate": 0.1, "momentum": 0.9}),
  "nesterov": ("MomentumOptimizer", {"learning_rate": 0.1, "momentum": 0.9, "use_nesterov": True}),
  "rmsprop": ("RMSPropOptimizer", {"learning_rate": 0.01}),
  "rmsprop_momentum": (
    "RMSPropOptimizer",
    {"learning_rate": 0.01, "decay": 0.8, "momentum": 0.5, "epsilon": 1e-6},
  ),
  "rmsprop_centered": (
    "RMSPropOptimizer",
    {"learning_rate": 0.01, "momentum": 0.5, "centered": True},
  ),
  "adagrad": ("AdagradOptimizer", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
  "sgd": ("GradientDescentOptimizer", {"learning_rate": 0.1}),
  "adadelta": ("AdadeltaOptimizer", {"learning_rate": 1.0}),
  "ftrl": ("FtrlOptimizer", {"learning_rate": 0.1}),
  "ftrl_l1_l2": (
    "FtrlOptimizer",
    {
      "learning_rate": 0.1,
      "learning_rate_power": -0.7,
      "initial_accumulator_value": 0.2,
      "l1_regularization_strength": 0.001,
      "l2_regularization_strength": 0.02,
    },
  ),
  "ftrl_shrinkage": (
    "FtrlOptimizer",
    {
      "learning_rate": 0.1,
      "l1_regularization_strength": 0.001,
      "l2_shrinkage_regularization_strength": 0.05,
      "beta": 0.1,
    },
  ),
  "ema": ("AdamOptimizer", {"learning_rate": 0.01}),
  "partitioned": ("AdamOptimizer", {"learning_rate": 0.01}),
  "two_adams": ("AdamOptimizer", {"learning_rate": 0.01}),
  # bert-tensorflow's optimizer (BERT fine-tuning): slots <variable>/adam_m, adam_v.
  "bert_adam": (
    "AdamWeightDecayOptimizer",
    {
      "learning_rate": 0.01,
      "weight_decay_rate": 0.01,
      "beta_1": 0.9,
      "beta_2": 0.999,
      "epsilon": 1e-6,
      "exclude_from_weight_decay": ["LayerNorm", "layer_norm", "bias", "/b$"],
    },
  ),
}


VARIABLES = ("model/fc1/w", "model/fc1/b", "model/fc2/w", "model/fc2/b")


def pack(values: dict) -> np.ndarray:
  return np.concatenate([np.asarray(values[name], np.float32).reshape(-1) for name in VARIABLES])


def batches(seed: int):
  rng = np.random.default_rng(seed)
  return [
    (
      rng.standard_normal((BATCH, 3)).astype(np.float32),
      rng.standard_normal((BATCH, 2)).astype(np.float32),
    )
    for _ in range(TRAIN_STEPS + NEXT_STEPS)
  ]


def initial_values():
  rng = np.random.default_rng(0)
  return {
    "model/fc1/w": (rng.standard_normal((3, 4)) * 0.5).astype(np.float32),
    "model/fc1/b": (rng.standard_normal(4) * 0.1).astype(np.float32),
    "model/fc2/w": (rng.standard_normal((4, 2)) * 0.5).astype(np.float32),
    "model/fc2/b": (rng.standard_normal(2) * 0.1).astype(np.float32),
  }


def build_model(init, partitioned):
  x = tf1.placeholder(tf.float32, [BATCH, 3], name="x")
  y = tf1.placeholder(tf.float32, [BATCH, 2], name="y")

  def const(name):
    full = init[name]

    def initializer(shape, dtype=None, partition_info=None):
      offset = partition_info.var_offset[0] if partition_info else 0
      return tf.constant(full[offset : offset + shape[0]], dtype)

    return initializer

  with tf1.variable_scope("model"):
    with tf1.variable_scope("fc1"):
      w1 = tf1.get_variable(
        "w",
        [3, 4],
        tf.float32,
        const("model/fc1/w"),
        partitioner=tf1.fixed_size_partitioner(2) if partitioned else None,
      )
      b1 = tf1.get_variable("b", [4], tf.float32, const("model/fc1/b"))
    with tf1.variable_scope("fc2"):
      w2 = tf1.get_variable("w", [4, 2], tf.float32, const("model/fc2/w"))
      b2 = tf1.get_variable("b", [2], tf.float32, const("model/fc2/b"))
  h = tf.tanh(tf.matmul(x, w1 if not partitioned else tf.concat(list(w1), 0)) + b1)
  loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) + b2 - y))
  return x, y, loss


def full_values(sess, names):
  """``{checkpoint name: value}`` of the model variables (partitions concatenated)."""
  out: dict[str, list] = {}
  for var in tf1.trainable_variables():
    info = var._save_slice_info  # noqa: SLF001 (TF's own record of the full name)
    name = info.full_name if info else var.op.name
    out.setdefault(name, []).append((info.var_offset[0] if info else 0, sess.run(var)))
  return {
    name: np.concatenate([v for _, v in sorted(parts, key=lambda p: p[0])], 0)
    for name, parts in out.items()
    if name in names
  }


def run_config(config: str, expected: dict, accounts: dict) -> None:
  cls_name, kwargs = CONFIGS[config]
  folder = os.path.join(DATA, config)
  os.makedirs(folder)
  init = initial_values()
  data = batches(1)
  graph = tf.Graph()
  with graph.as_default():
    x, y, loss = build_model(init, partitioned=config == "partitioned")
    global_step = tf1.train.get_or_create_global_step()
    if cls_name == "AdamWeightDecayOptimizer":
      from bert import optimization  # bert-tensorflow, in the TF venv

      opt = optimization.AdamWeightDecayOptimizer(**kwargs)
    else:
      opt = getattr(tf1.train, cls_name)(**kwargs)
    if config == "two_adams":  # a second Adam, made inside a variable scope, for fc2
      fc1 = [v for v in tf1.trainable_variables() if "fc1" in v.op.name]
      fc2 = [v for v in tf1.trainable_variables() if "fc2" in v.op.name]
      grads_and_vars = opt.compute_gradients(loss, var_list=fc1)
      train = opt.apply_gradients(grads_and_vars, global_step=global_step)
      opt2 = getattr(tf1.train, cls_name)(**kwargs)
      with tf1.variable_scope("second"):
        gv2 = opt2.compute_gradients(loss, var_list=fc2)
        train = tf.group(train, opt2.apply_gradients(gv2))
      grads_and_vars = grads_and_vars + gv2
    else:
      opt2 = None
      grads_and_vars = opt.compute_gradients(loss)
      train = opt.apply_gradients(grads_and_vars, global_step=global_step)
      if cls_name == "AdamWeightDecayOptimizer":  # it ignores global_step, as BERT notes
        with tf.control_dependencies([train]):
          train = global_step.assign_add(1)
    ema = None
    if config == "ema":
      ema = tf1.train.ExponentialMovingAverage(0.9)
      with tf.control_dependencies([train]):
        train = ema.apply(tf1.trainable_variables())
    saver = tf1.train.Saver(save_relative_paths=True)
    slots = {}
    opts = [opt] if opt2 is None else [opt, opt2]
    for var in tf1.trainable_variables():
      for slot_name, slot in [(n, o.get_slot(var, n)) for o in opts for n in o.get_slot_names()]:
        if slot is None:
          continue
        info = slot._save_slice_info  # noqa: SLF001
        primary = var._save_slice_info  # noqa: SLF001
        slots[info.full_name if info else slot.op.name] = {
          "variable": primary.full_name if primary else var.op.name,
          "slot": slot_name,
          "op_name": slot.op.name,
        }
      if ema is not None:
        slots[ema.average_name(var)] = {
          "variable": var.op.name,
          "slot": "average",
          "op_name": ema.average(var).op.name,
        }
    if cls_name == "AdamWeightDecayOptimizer":
      for var in tf1.trainable_variables():
        for suffix, slot in (("adam_m", "m"), ("adam_v", "v")):
          slots[f"{var.op.name}/{suffix}"] = {
            "variable": var.op.name,
            "slot": slot,
            "op_name": f"{var.op.name}/{suffix}",
          }
    all_slots = {
      o.get_slot(t, n) for o in opts for t in tf1.trainable_variables() for n in o.get_slot_names()
    }
    non_slots = sorted(v.op.name for o in opts for v in o.variables() if v not in all_slots)
    with tf1.Session(graph=graph) as sess:
      sess.run(tf1.global_variables_initializer())
      for step in range(TRAIN_STEPS):
        sess.run(train, {x: data[step][0], y: data[step][1]})
      prefix = saver.save(sess, os.path.join(folder, "model.ckpt"), write_meta_graph=False)
      names = list(init)
      grad_tensors = []
      grad_names = []
      for grad, var in grads_and_vars:
        info = var._save_slice_info  # noqa: SLF001
        grad_names.append(
          (info.full_name if info else var.op.name, info.var_offset[0] if info else 0)
        )
        grad_tensors.append(grad)
      grads_rows, params_rows = [], []
      for step in range(NEXT_STEPS):
        feed = {x: data[TRAIN_STEPS + step][0], y: data[TRAIN_STEPS + step][1]}
        _, grads = sess.run([train, grad_tensors], feed)
        parts: dict[str, list] = {}
        for (name, offset), grad in zip(grad_names, grads):
          parts.setdefault(name, []).append((offset, grad))
        grads_rows.append(
          pack(
            {
              name: np.concatenate([g for _, g in sorted(chunks, key=lambda p: p[0])], 0)
              for name, chunks in parts.items()
            }
          )
        )
        params_rows.append(pack(full_values(sess, names)))
      expected[f"{config}|grads"] = np.stack(grads_rows)
      expected[f"{config}|params"] = np.stack(params_rows)
      expected["x"] = np.stack([d[0] for d in data[TRAIN_STEPS:]])
      expected["y"] = np.stack([d[1] for d in data[TRAIN_STEPS:]])
  accounts[config] = {
    "optimizer": cls_name,
    "kwargs": kwargs,
    "tensors": {name: list(shape) for name, shape in tf.train.list_variables(prefix)},
    "slots": slots,
    "non_slots": non_slots,
    "global_step": int(tf.train.load_checkpoint(prefix).get_tensor("global_step")),
  }
  with open(os.path.join(folder, "checkpoint"), "w") as f:
    f.write('model_checkpoint_path: "model.ckpt"\nall_model_checkpoint_paths: "model.ckpt"\n')
  if ema is not None:
    restore_ema(prefix, init, expected)


def restore_ema(prefix: str, init: dict, expected: dict) -> None:
  """What TF1 evaluation code gets: ``Saver(ema.variables_to_restore()).restore``."""
  graph = tf.Graph()
  with graph.as_default():
    build_model(init, partitioned=False)
    tf1.train.get_or_create_global_step()
    ema = tf1.train.ExponentialMovingAverage(0.9)
    saver = tf1.train.Saver(ema.variables_to_restore())
    with tf1.Session(graph=graph) as sess:
      saver.restore(sess, prefix)
      expected["ema|restored"] = pack({v.op.name: sess.run(v) for v in tf1.trainable_variables()})
      expected["ema|restored_global_step"] = np.int64(sess.run(tf1.train.get_global_step()))


def main() -> None:
  tf1.disable_eager_execution()
  os.makedirs(DATA, exist_ok=True)
  for config in CONFIGS:  # only this script's files (make_roundtrip.py writes the others)
    if os.path.exists(os.path.join(DATA, config)):
      shutil.rmtree(os.path.join(DATA, config))
  expected: dict[str, np.ndarray] = {}
  accounts: dict[str, dict] = {}
  for config in CONFIGS:
    run_config(config, expected, accounts)
  np.savez_compressed(os.path.join(DATA, "expected.npz"), **expected)
  with open(os.path.join(DATA, "expected.json"), "w") as f:
    json.dump({"tensorflow": tf.__version__, "configs": accounts}, f, indent=1, sort_keys=True)
  total = 0
  for root, _, files in os.walk(DATA):
    total += sum(os.path.getsize(os.path.join(root, n)) for n in files)
  print(f"{total} bytes in {DATA}")


if __name__ == "__main__":
  main()
