"""The upgrader's op table: binding by TF's signature and the text of the rewrites."""

import pytest

from varscope_jax._src.upgrade.op_table import OPS
from varscope_jax._src.upgrade.op_table import Unsupported
from varscope_jax._src.upgrade.op_table import canonical_ops
from varscope_jax._src.upgrade.op_table import rewrite_call

REWRITES = [
  ("matmul", ["a", "b"], {"transpose_b": "True"}, "jnp.matmul(a, jnp.swapaxes(b, -1, -2))"),
  ("matmul", ["a", "b", "True"], {}, "jnp.matmul(jnp.swapaxes(a, -1, -2), b)"),
  (
    "reduce_mean",
    ["x"],
    {"axis": "-1", "keep_dims": "True"},
    "jnp.mean(x, axis=-1, keepdims=True)",
  ),
  (
    "math.reduce_sum",
    ["x", "[1, 2]"],
    {"keepdims": "False", "name": "'s'"},
    "jnp.sum(x, axis=[1, 2])",
  ),
  ("reduce_max", ["x"], {"reduction_indices": "1"}, "jnp.max(x, axis=1)"),
  ("compat.v1.nn.relu", ["x"], {"name": "'r'"}, "jax.nn.relu(x)"),
  ("nn.softmax", ["x"], {"dim": "1"}, "jax.nn.softmax(x, axis=1)"),
  ("argmax", ["x"], {}, "jnp.argmax(x, axis=0)"),
  ("cast", ["x", "tf.float32"], {}, "jnp.asarray(x, dtype=jnp.float32)"),
  ("cast", ["x"], {"dtype": "vs.int32"}, "vs.ops.cast(x, jnp.int32)"),
  ("concat", ["[a, b]", "-1"], {}, "jnp.concatenate([a, b], axis=-1)"),
  ("einsum", ["'ab,bc->ac'", "x", "y"], {}, "jnp.einsum('ab,bc->ac', x, y)"),
  (
    "random.normal",
    ["[2, 3]"],
    {"stddev": "a + b"},
    "jax.random.normal(vs.next_rng_key(), [2, 3]) * (a + b)",
  ),
  ("nn.xw_plus_b", ["x", "w", "b - 1"], {}, "jnp.matmul(x, w) + (b - 1)"),
]


@pytest.mark.parametrize("name,args,kwargs,expected", REWRITES)
def test_rewrite_text(name, args, kwargs, expected):
  assert rewrite_call(name, args, kwargs) == expected


def test_not_in_table_is_none():
  assert rewrite_call("get_variable", ["'w'"], {}) is None


UNSUPPORTED = [
  ("matmul", ["a", "b"], {"transpose_b": "flag"}, r"transpose_b=flag must be a literal"),
  ("matmul", ["*ab"], {}, r"starred argument"),
  ("matmul", ["a", "b"], {"**": "kw"}, r"\*\*kw cannot be bound"),
  ("matmul", ["a", "b"], {"transpose_c": "True"}, r"has no argument 'transpose_c'"),
  ("matmul", ["a"], {}, r"missing its argument 'b'"),
  ("matmul", ["a", "b"], {"a": "c"}, r"multiple values for argument 'a'"),
  ("reduce_sum", ["x"], {"axis": "1", "reduction_indices": "1"}, r"both axis= and"),
  ("where_v2", ["c"], {}, r"data-dependent shape"),
  ("reshape", ["x", "s", "n", "extra"], {}, r"at most 3 positional"),
]


@pytest.mark.parametrize("name,args,kwargs,match", UNSUPPORTED)
def test_unsupported(name, args, kwargs, match):
  with pytest.raises(Unsupported, match=match):
    rewrite_call(name, args, kwargs)


def test_every_op_has_a_jax_spelling_and_a_kind():
  for o in canonical_ops():
    assert o.jax and o.kind in ("math", "array", "nn", "image", "random", "linalg"), o
    assert OPS[o.tf_name] is o


def test_sources_ops_are_in_the_table():
  """The TF names that BERT, ALBERT, the slim nets, TF's r1.13 ResNet and the TF1 tutorials
  use (``tests/golden/ops/source_ops.json``, from ``count_source_ops.py``): every op is in
  the table; the two that are not are named (both gone from TF 1.15)."""
  import json
  import pathlib
  from varscope_jax._src.upgrade.op_table import lookup

  path = pathlib.Path(__file__).parents[1] / "golden" / "ops" / "source_ops.json"
  report = json.loads(path.read_text())
  assert {
    "bert",
    "albert",
    "tf_slim.nets",
    "resnet_r1.13",
    "tutorial_layers",
    "tutorial_rnn",
  } <= set(report)
  not_covered = set()
  for source, entry in report.items():
    for name, cls in entry["class"].items():
      if cls == "op":
        assert lookup(name) is not None, f"{source}: tf.{name} left the table"
      elif cls == "other":
        not_covered.add(name)
  assert not_covered == {"concat_v2", "contrib.legacy_seq2seq.sequence_loss_by_example"}


def test_porting_doc_op_table_is_generated_from_the_table():
  """docs/porting.md's op-table section is what op_docs renders (regenerate with
  ``python -m varscope_jax._src.upgrade.op_docs``)."""
  from varscope_jax._src.upgrade import op_docs

  text = op_docs.DOC.read_text()
  assert op_docs.section(text) == op_docs.render(), (
    "docs/porting.md's op table is stale: run python -m varscope_jax._src.upgrade.op_docs"
  )
