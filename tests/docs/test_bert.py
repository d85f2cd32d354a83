"""BERT ported by renaming: google-research/bert's TF1 checkpoint loads by name and matches TF.

``examples/bert/tf1_checkpoint/`` was written by ``examples/bert/make_tf_checkpoint.py``
(TensorFlow 2.21, graph mode, the ``bert-tensorflow`` package's own ``modeling.py``): a
2-layer BERT saved by ``tf.compat.v1.train.Saver``, and TF's outputs for fixed inputs.
The port in ``examples/bert/modeling.py`` is varscope_jax code; nothing here imports TF.
"""

import json
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BERT_DIR = os.path.join(ROOT, "examples", "bert")
CKPT_DIR = os.path.join(BERT_DIR, "tf1_checkpoint")
sys.path.insert(0, BERT_DIR)
import modeling  # noqa: E402

EXPECTED = dict(np.load(os.path.join(CKPT_DIR, "expected.npz")))
INPUTS = (EXPECTED["input_ids"], EXPECTED["input_mask"], EXPECTED["token_type_ids"])
CONFIG = modeling.BertConfig.from_json_file(os.path.join(CKPT_DIR, "bert_config.json"))


def _forward(config=CONFIG, is_training=False):
  def forward(input_ids, input_mask, token_type_ids):
    model = modeling.BertModel(config, is_training, input_ids, input_mask, token_type_ids)
    return {
      "sequence_output": model.get_sequence_output(),
      "pooled_output": model.get_pooled_output(),
      "embedding_output": model.get_embedding_output(),
      **{"layer_%d_output" % i: h for i, h in enumerate(model.get_all_encoder_layers())},
    }

  return vs.transform(forward)


@pytest.fixture(scope="module")
def checkpoint():
  params = vs.load_tf1_checkpoint(os.path.join(CKPT_DIR, "bert_model.ckpt"))  # no renaming
  return params


def _model_params(checkpoint):
  return {k: v for k, v in checkpoint.items() if k != "global_step"}


def test_port_makes_exactly_the_checkpoints_variables(checkpoint):
  on_disk = vs.list_tf1_checkpoint(os.path.join(CKPT_DIR, "bert_model.ckpt"))
  assert "global_step" in on_disk
  on_disk = {k: v for k, v in on_disk.items() if k != "global_step"}
  specs = _forward().specs(*INPUTS)
  assert set(specs) == set(on_disk)
  assert {n: tuple(s.shape) for n, s in specs.items()} == {
    n: tuple(entry.shape) for n, entry in on_disk.items()
  }
  assert all(s.trainable and s.dtype == jnp.float32 for s in specs.values())
  for name in [
    "bert/embeddings/word_embeddings",
    "bert/embeddings/token_type_embeddings",
    "bert/embeddings/position_embeddings",
    "bert/embeddings/LayerNorm/gamma",
    "bert/encoder/layer_1/attention/self/query/kernel",
    "bert/encoder/layer_1/attention/output/dense/bias",
    "bert/encoder/layer_0/intermediate/dense/kernel",
    "bert/encoder/layer_0/output/LayerNorm/beta",
    "bert/pooler/dense/kernel",
  ]:
    assert name in specs, name
  assert len(specs) == 5 + 16 * CONFIG.num_hidden_layers + 2


def test_outputs_match_tensorflow_under_jit(checkpoint):
  out = jax.jit(_forward().apply)(_model_params(checkpoint), *INPUTS)
  assert set(out) == set(EXPECTED) - {"input_ids", "input_mask", "token_type_ids"}
  for key, value in out.items():
    assert value.shape == EXPECTED[key].shape, key
    np.testing.assert_allclose(value, EXPECTED[key], rtol=0, atol=1e-5, err_msg=key)


def test_init_makes_the_same_tree_as_the_checkpoint(checkpoint):
  params = _forward().init(jax.random.PRNGKey(0), *INPUTS)
  assert jax.tree_util.tree_structure(params) == jax.tree_util.tree_structure(
    _model_params(checkpoint)
  )
  emb = params["bert"]["embeddings"]
  assert float(jnp.abs(emb["word_embeddings"]).max()) <= 2 * CONFIG.initializer_range
  np.testing.assert_array_equal(emb["LayerNorm"]["gamma"], np.ones(CONFIG.hidden_size))


def test_one_hot_embeddings_give_the_same_outputs(checkpoint):
  def forward(ids, mask, types):
    return modeling.BertModel(
      CONFIG, False, ids, mask, types, use_one_hot_embeddings=True
    ).get_pooled_output()

  got = jax.jit(vs.transform(forward).apply)(_model_params(checkpoint), *INPUTS)
  np.testing.assert_allclose(got, EXPECTED["pooled_output"], rtol=0, atol=1e-5)


def test_training_dropout_draws_from_the_rng(checkpoint):
  t = _forward(is_training=True)
  params = _model_params(checkpoint)
  apply = jax.jit(lambda p, rng: t.apply(p, *INPUTS, rng=rng)["pooled_output"])
  a, b, c = (apply(params, jax.random.PRNGKey(seed)) for seed in (1, 1, 2))
  np.testing.assert_array_equal(a, b)
  assert not np.allclose(a, c)
  assert not np.allclose(a, EXPECTED["pooled_output"])


def test_config_from_dict_and_json_round_trip(tmp_path):
  with open(os.path.join(CKPT_DIR, "bert_config.json")) as f:
    fields = json.load(f)
  config = modeling.BertConfig.from_dict(fields)
  assert config.to_dict() == fields == CONFIG.to_dict()
  path = tmp_path / "bert_config.json"
  path.write_text(config.to_json_string())
  assert modeling.BertConfig.from_json_file(str(path)).to_dict() == fields


def test_bad_inputs_say_what_is_wrong():
  t = _forward()
  with pytest.raises(ValueError, match=r"For the tensor `input_ids`, the actual rank `1`"):
    t.specs(INPUTS[0][0], INPUTS[1][0], INPUTS[2][0])
  bad = modeling.BertConfig.from_dict({**CONFIG.to_dict(), "num_attention_heads": 5})
  with pytest.raises(
    ValueError,
    match=r"The hidden size \(32\) is not a multiple of the "
    r"number of attention heads \(5\)",
  ):
    _forward(bad).specs(*INPUTS)
  too_long = np.zeros((1, CONFIG.max_position_embeddings + 1), np.int32)
  with pytest.raises(ValueError, match="longer than max_position_embeddings 64"):
    t.specs(too_long, too_long, too_long)
  with pytest.raises(ValueError, match="Unsupported activation: swish"):
    modeling.get_activation("swish")


def test_run_bert_example():
  proc = subprocess.run(
    [sys.executable, os.path.join(BERT_DIR, "run_bert.py")],
    capture_output=True,
    text=True,
    timeout=300,
    cwd=ROOT,
    env=dict(os.environ, COLUMNS="160"),
  )
  assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
  out = proc.stdout
  assert "variables: port 39, checkpoint 39, same names: True" in out
  assert "matches TensorFlow within 1e-5" in out
  assert "global_step: 1000" in out
  for name in ("bert/encoder/layer_1/attention/self/query/kernel", "bert/pooler/dense/bias"):
    assert name in out, name


def test_run_bert_on_a_pretraining_checkpoint_ignores_the_heads(tmp_path, capsys, checkpoint):
  # Released BERT checkpoints also hold the pre-training heads (cls/...): the port loads
  # the bert/ variables and says which ones it leaves out.
  import shutil
  import run_bert

  params = dict(_model_params(checkpoint))
  params["cls"] = {"predictions": {"output_bias": np.zeros(CONFIG.vocab_size, np.float32)}}
  vs.save_tf1_checkpoint(str(tmp_path / "bert_model.ckpt"), params, step=7)
  for name in ("bert_config.json", "expected.npz"):
    shutil.copy(os.path.join(CKPT_DIR, name), tmp_path / name)
  assert run_bert.main(["--checkpoint", str(tmp_path), "--no-table"]) == 0
  out = capsys.readouterr().out
  assert "global_step: 7" in out
  assert (
    "not used by BertModel (1, e.g. pre-training heads): ['cls/predictions/output_bias']" in out
  )
  assert "matches TensorFlow within 1e-5" in out
  del params["bert"]["pooler"]
  vs.save_tf1_checkpoint(str(tmp_path / "bert_model.ckpt"), params, step=7)
  assert run_bert.main(["--checkpoint", str(tmp_path), "--no-table"]) == 1
  assert "MISSING from the checkpoint: ['bert/pooler/dense/bias', 'bert/pooler/dense/kernel']" in (
    capsys.readouterr().out
  )
