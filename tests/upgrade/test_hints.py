"""A TF name that vs lacks raises an AttributeError saying what to use (from the op table
and the advice table); the advice table is the one list of what to do about TF's non-ops."""

import ast
import pathlib
import re

import pytest

import varscope_jax as vs
from varscope_jax._src.upgrade.manual import ADVICE
from varscope_jax._src.upgrade.op_table import OPS

UPGRADER = "python -m varscope_jax.upgrade"

NAMED = [
  (lambda: vs.matmul, "tf.matmul is jnp.matmul in JAX"),
  (lambda: vs.reduce_mean, "tf.reduce_mean is jnp.mean in JAX"),
  (lambda: vs.nn.relu, "tf.nn.relu is jax.nn.relu in JAX"),
  (lambda: vs.nn.softmax, "tf.nn.softmax is jax.nn.softmax in JAX"),
  (
    lambda: vs.nn.sparse_softmax_cross_entropy_with_logits,
    "vs.ops.sparse_softmax_cross_entropy_with_logits",
  ),
  (lambda: vs.train.AdamOptimizer, "vs.tf1_optimizers.adam"),
  (lambda: vs.train.GradientDescentOptimizer, "optax.sgd"),
  (lambda: vs.train.Saver, "vs.save_tf1_checkpoint"),
  (lambda: vs.placeholder, "an argument of the function given to vs.transform"),
  (lambda: vs.Session, "t.apply(params, *inputs) replaces sess.run"),
  (lambda: vs.global_variables_initializer, "t.init(rng, *inputs)"),
  (lambda: vs.gradients, "jax.grad"),
  (lambda: vs.random, "jax.random"),
]


@pytest.mark.parametrize("get,says", NAMED)
def test_tf_name_hint(get, says):
  with pytest.raises(AttributeError) as e:
    get()
  assert re.match(r"module 'varscope_jax(\.nn|\.train)?' has no attribute '\w+': ", str(e.value)), (
    str(e.value)
  )
  assert says in str(e.value) and UPGRADER in str(e.value), str(e.value)


def test_every_op_missing_from_vs_names_its_jax_function():
  for key, op in OPS.items():
    head, _, name = key.rpartition(".")
    module = {"": vs, "nn": vs.nn}.get(head)
    if module is None or hasattr(module, name):
      continue
    with pytest.raises(AttributeError, match=re.escape(f"tf.{key} is {op.jax} in JAX")):
      getattr(module, name)


def test_every_non_op_hint_is_reachable_and_mentions_the_upgrader():
  for key, advice in ADVICE.items():
    head, _, name = key.rpartition(".")
    module = {"": vs, "train": vs.train}.get(head)
    if module is None or hasattr(module, name):
      # under vs.contrib, or a name vs has (vs.train.init_from_checkpoint): the
      # upgrader's report gives these
      continue
    with pytest.raises(AttributeError) as e:
      getattr(module, name)
    assert f"tf.{key}: {advice.text}. " in str(e.value) and UPGRADER in str(e.value)


UPGRADE_SRC = pathlib.Path(vs.__file__).parent / "_src" / "upgrade"


def _literal_keys(node):
  return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def test_the_advice_table_is_the_one_list_of_what_to_do_about_a_tf_name():
  # one entry per TF name in ADVICE's literal (a repeated key would silently drop one),
  # and no other table in the upgrader keyed by those names holds a text of its own
  tables = []
  for path in sorted(UPGRADE_SRC.glob("*.py")):
    for node in ast.walk(ast.parse(path.read_text())):
      if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        tables.append((path.name, names, node.value))
  advice = [d for file, names, d in tables if file == "manual.py" and names == ["ADVICE"]]
  assert len(advice) == 1
  keys = _literal_keys(advice[0])
  assert len(keys) == len(advice[0].keys) == len(set(keys)) == len(ADVICE), sorted(
    k for k in keys if keys.count(k) > 1
  )
  for file, names, table in tables:
    if table is advice[0]:
      continue
    texts = {
      k.value
      for k, v in zip(table.keys, table.values)
      if isinstance(k, ast.Constant)
      and k.value in ADVICE
      and isinstance(v, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Name))
    }
    assert not texts, f"{file}: {names} gives its own text for {sorted(texts)}"


@pytest.mark.parametrize("key", sorted(k for k, a in ADVICE.items() if a.keep))
def test_the_upgrader_and_the_attribute_error_say_the_same(key):
  text, report = vs.upgrade.upgrade_source(f"import tensorflow as tf\ny = tf.{key}(x)\n")
  [entry] = report.flagged()
  assert entry.note == ADVICE[key].text and entry.kind == "needs a person"
  assert f"# varscope_jax.upgrade: tf.{key}: {ADVICE[key].text}\n" in text


def test_unknown_and_private_names_keep_pythons_message():
  for get, text in [
    (lambda: vs.no_such_name, "module 'varscope_jax' has no attribute 'no_such_name'"),
    (lambda: vs.__wrapped__, "'__wrapped__'"),
    (lambda: vs.nn.no_such, "module 'varscope_jax.nn' has no attribute 'no_such'"),
  ]:
    with pytest.raises(AttributeError) as e:
      get()
    assert str(e.value).endswith(text.split(" has no attribute ")[-1])
    assert UPGRADER not in str(e.value)
  assert not hasattr(vs, "__wrapped__")
