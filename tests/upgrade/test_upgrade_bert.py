"""The upgrader on real code: google-research/bert's ``modeling.py``, rewritten, matches TF.

``modeling.py`` is read from the installed ``bert-tensorflow`` package (pure Python; the
test extra installs it, nothing is downloaded and TensorFlow is not needed to read it),
rewritten by ``vs.upgrade`` with no hand edits, imported, and run on JAX against the
committed TF1 checkpoint and TF's outputs of ``examples/bert/tf1_checkpoint/``
(``examples/bert/make_tf_checkpoint.py`` made them from the same ``modeling.py``).
"""

import ast
import importlib.util
import pathlib
import sys

import jax
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax import upgrade

pytestmark = pytest.mark.slow  # rewrites and runs whole models

ROOT = pathlib.Path(__file__).resolve().parents[2]
CKPT_DIR = ROOT / "examples" / "bert" / "tf1_checkpoint"
EXPECTED = dict(np.load(CKPT_DIR / "expected.npz"))
INPUTS = (EXPECTED["input_ids"], EXPECTED["input_mask"], EXPECTED["token_type_ids"])
OUTPUTS = sorted(set(EXPECTED) - {"input_ids", "input_mask", "token_type_ids"})


def _bert_source() -> pathlib.Path:
  spec = importlib.util.find_spec("bert")
  if spec is None or not spec.submodule_search_locations:
    pytest.skip("bert-tensorflow is not installed (pip install -e '.[test]')")
  return pathlib.Path(list(spec.submodule_search_locations)[0]) / "modeling.py"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
  """(rewritten module, its source, the report)."""
  source = _bert_source()
  out = tmp_path_factory.mktemp("bert_jax")
  report = upgrade.upgrade_files([source], output=out)
  path = out / "modeling.py"
  spec = importlib.util.spec_from_file_location("bert_modeling_upgraded", path)
  module = importlib.util.module_from_spec(spec)
  sys.modules[spec.name] = module
  spec.loader.exec_module(module)
  yield module, path.read_text(), report
  del sys.modules[spec.name]


def test_the_rewritten_source_has_no_tensorflow_left(upgraded):
  _, text, report = upgraded
  names = {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
  assert "tf" not in names and "tensorflow" not in names
  assert "import tensorflow" not in text
  assert "with vs.variable_scope(\"embeddings\"):" in text
  assert "from varscope_jax.contrib import layers as contrib_layers" in text
  assert "return contrib_layers.layer_norm(" in text
  assert "shape = list(tensor.shape)" in text
  # what the report leaves for a person: only the control dependency (a no-op in JAX)
  assert [e.kind for e in report.flagged()] == []
  assert [e.old for e in report.entries if e.kind == "no-op"] == [
    "tf.control_dependencies([assert_op])"
  ]


def _forward(modeling, config, is_training=False, one_hot=False):
  def forward(input_ids, input_mask, token_type_ids):
    model = modeling.BertModel(
      config, is_training, input_ids, input_mask, token_type_ids, use_one_hot_embeddings=one_hot
    )
    return {
      "sequence_output": model.get_sequence_output(),
      "pooled_output": model.get_pooled_output(),
      "embedding_output": model.get_embedding_output(),
      **{"layer_%d_output" % i: h for i, h in enumerate(model.get_all_encoder_layers())},
    }

  return vs.transform(forward)


@pytest.fixture(scope="module")
def params():
  p = vs.load_tf1_checkpoint(str(CKPT_DIR / "bert_model.ckpt"))
  p.pop("global_step")
  return p


@pytest.mark.parametrize("one_hot", [False, True], ids=["gather", "one_hot"])
def test_rewritten_bert_matches_tensorflow(upgraded, params, one_hot):
  modeling, _, _ = upgraded
  config = modeling.BertConfig.from_json_file(str(CKPT_DIR / "bert_config.json"))
  t = _forward(modeling, config, one_hot=one_hot)
  names = {n for n, _ in vs.flatten_params(t.init(jax.random.PRNGKey(0), *INPUTS))}
  assert names == {n for n, _ in vs.flatten_params(params)}
  out = jax.jit(t.apply)(params, *INPUTS)
  assert sorted(out) == OUTPUTS
  for key in OUTPUTS:
    np.testing.assert_allclose(out[key], EXPECTED[key], rtol=0, atol=1e-5, err_msg=key)


def test_rewritten_bert_trains_with_dropout_from_the_rng(upgraded, params):
  modeling, _, _ = upgraded
  config = modeling.BertConfig.from_json_file(str(CKPT_DIR / "bert_config.json"))
  t = _forward(modeling, config, is_training=True)
  apply = jax.jit(lambda p, rng: t.apply(p, *INPUTS, rng=rng)["pooled_output"])
  a, b, c = (apply(params, jax.random.PRNGKey(s)) for s in (1, 1, 2))
  np.testing.assert_array_equal(a, b)
  assert not np.allclose(a, c)


def test_rewritten_bert_keeps_its_own_errors(upgraded):
  modeling, _, _ = upgraded
  config = modeling.BertConfig.from_json_file(str(CKPT_DIR / "bert_config.json"))
  t = _forward(modeling, config)
  with pytest.raises(
    ValueError,
    match=r"For the tensor `get_shape_list` in scope ``, the "
    r"actual rank `1`",
  ):
    t.specs(INPUTS[0][0], INPUTS[1][0], INPUTS[2][0])
  bad = modeling.BertConfig.from_dict({**config.to_dict(), "num_attention_heads": 5})
  with pytest.raises(ValueError, match=r"The hidden size \(32\) is not a multiple"):
    _forward(modeling, bad).specs(*INPUTS)


def test_assignment_map_reads_the_checkpoint_without_tensorflow(upgraded):
  modeling, _, _ = upgraded

  class Var:
    def __init__(self, name):
      self.name = name

  tvars = [Var("bert/pooler/dense/kernel:0"), Var("not/in/checkpoint:0")]
  assignment, initialized = modeling.get_assignment_map_from_checkpoint(
    tvars, str(CKPT_DIR / "bert_model.ckpt")
  )
  assert dict(assignment) == {"bert/pooler/dense/kernel": "bert/pooler/dense/kernel"}
  assert "bert/pooler/dense/kernel:0" in initialized
