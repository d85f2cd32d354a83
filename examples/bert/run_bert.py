"""BERT's TF1 checkpoint, loaded by name: runs the varscope_jax port on TF's own variables.

    python examples/bert/run_bert.py [--checkpoint DIR] [--no-table]

``DIR`` (default ``examples/bert/tf1_checkpoint``) is a TF1 BERT checkpoint as Google
released them: ``bert_config.json`` and ``bert_model.ckpt.{index,data-*}`` (or a training
folder whose ``checkpoint`` file names the latest ``model.ckpt-<step>``). It holds a
small BERT (2 layers, hidden 32) that google-research/bert's own ``modeling.py`` built
and saved with TF1's ``Saver`` (``make_tf_checkpoint.py``); a released BERT-Base
directory works the same way.

The checkpoint is read without TensorFlow (``vs.load_tf1_checkpoint``), with no renaming:
the port (``modeling.py``) makes its variables under the very names TF1 BERT gave them.
The script prints the variable table, checks that the port's variables are exactly the
checkpoint's, runs the model under ``jax.jit`` and, when the directory has TF's outputs
(``expected.npz``), prints the largest difference from what TensorFlow computed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import jax
import numpy as np
from rich.console import Console

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # a checkout without pip install

import modeling  # noqa: E402
import varscope_jax as vs  # noqa: E402


def load(directory):
  """``(config, params, global_step or None)`` from a TF1 BERT checkpoint directory."""
  config = modeling.BertConfig.from_json_file(os.path.join(directory, "bert_config.json"))
  prefix = os.path.join(directory, "bert_model.ckpt")
  # a released model's bert_model.ckpt.*, else the latest in the folder's `checkpoint` file
  params = vs.load_tf1_checkpoint(prefix if os.path.exists(prefix + ".index") else directory)
  step = params.pop("global_step", None)
  return config, params, step


def make_forward(config):
  def forward(input_ids, input_mask, token_type_ids):
    model = modeling.BertModel(
      config,
      is_training=False,
      input_ids=input_ids,
      input_mask=input_mask,
      token_type_ids=token_type_ids,
    )
    return model.get_sequence_output(), model.get_pooled_output()

  return vs.transform(forward)


def example_inputs(directory, config):
  path = os.path.join(directory, "expected.npz")
  if os.path.exists(path):
    data = np.load(path)
    return (data["input_ids"], data["input_mask"], data["token_type_ids"]), data
  rng = np.random.default_rng(0)
  ids = rng.integers(1, config.vocab_size, (2, 8)).astype(np.int32)
  return (ids, np.ones_like(ids), np.zeros_like(ids)), None


def main(argv=None):
  ap = argparse.ArgumentParser(description=str(__doc__).split("\n")[0])
  ap.add_argument("--checkpoint", default=os.path.join(HERE, "tf1_checkpoint"))
  ap.add_argument("--no-table", action="store_true", help="do not print the variable table")
  a = ap.parse_args(argv)

  config, params, step = load(a.checkpoint)
  print("config:", config.to_json_string().replace("\n", " ").replace("  ", ""))
  print("global_step:", None if step is None else int(step))
  t = make_forward(config)
  inputs, expected = example_inputs(a.checkpoint, config)
  specs = t.specs(*inputs)  # what the port makes: names, shapes, trainable (no values)
  if not a.no_table:
    vs.summary(
      params, trainable={n for n, s in specs.items() if s.trainable}, console=Console(width=140)
    )

  ours = set(specs)
  theirs = {name for name, _ in vs.flatten_params(params)}
  print(
    "variables: port %d, checkpoint %d, same names: %s" % (len(ours), len(theirs), ours == theirs)
  )
  if ours - theirs:
    print("  MISSING from the checkpoint:", sorted(ours - theirs))
    return 1
  if theirs - ours:  # a released pre-training checkpoint also holds cls/* heads
    extra = sorted(theirs - ours)
    print("  not used by BertModel (%d, e.g. pre-training heads): %s" % (len(extra), extra[:4]))
    params = vs.unflatten_params({n: v for n, v in vs.flatten_params(params) if n in ours})

  t0 = time.perf_counter()
  sequence_output, pooled_output = jax.block_until_ready(jax.jit(t.apply)(params, *inputs))
  print("jax.jit(t.apply): %.2f s (compile + run)" % (time.perf_counter() - t0))
  np.set_printoptions(precision=5, suppress=True, linewidth=100)
  print(
    "sequence_output", sequence_output.shape, "[0, 0, :6] =", np.asarray(sequence_output[0, 0, :6])
  )
  print("pooled_output  ", pooled_output.shape, "[0, :6] =", np.asarray(pooled_output[0, :6]))
  if expected is not None:
    diffs = {
      k: float(np.max(np.abs(np.asarray(v) - expected[k])))
      for k, v in (("sequence_output", sequence_output), ("pooled_output", pooled_output))
    }
    print("max |JAX - TensorFlow|: " + ", ".join("%s %.2e" % kv for kv in diffs.items()))
    if max(diffs.values()) > 1e-5:
      print("MISMATCH: more than 1e-5 from TensorFlow's outputs")
      return 1
    print("matches TensorFlow within 1e-5")
  return 0


if __name__ == "__main__":
  sys.exit(main())
