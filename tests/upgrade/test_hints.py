"""A TF name that vs lacks raises an AttributeError saying what to use (from the op table)."""
import re

import pytest

import varscope_jax as vs
from varscope_jax._src.upgrade.hints import NOT_OPS
from varscope_jax._src.upgrade.op_table import OPS

UPGRADER = "python -m varscope_jax.upgrade"

NAMED = [
    (lambda: vs.matmul, "tf.matmul is jnp.matmul in JAX"),
    (lambda: vs.reduce_mean, "tf.reduce_mean is jnp.mean in JAX"),
    (lambda: vs.nn.relu, "tf.nn.relu is jax.nn.relu in JAX"),
    (lambda: vs.nn.softmax, "tf.nn.softmax is jax.nn.softmax in JAX"),
    (lambda: vs.nn.sparse_softmax_cross_entropy_with_logits,
     "vs.ops.sparse_softmax_cross_entropy_with_logits"),
    (lambda: vs.train.AdamOptimizer, "vs.tf1_optimizers.adam"),
    (lambda: vs.train.GradientDescentOptimizer, "optax.sgd"),
    (lambda: vs.train.Saver, "vs.save_tf1_checkpoint"),
    (lambda: vs.placeholder, "arguments of the function given to vs.transform"),
    (lambda: vs.Session, "t.apply(params, *inputs) replaces sess.run"),
    (lambda: vs.global_variables_initializer, "t.init(rng, *inputs)"),
    (lambda: vs.gradients, "jax.grad"),
    (lambda: vs.random, "jax.random"),
]


@pytest.mark.parametrize("get,says", NAMED)
def test_tf_name_hint(get, says):
  with pytest.raises(AttributeError) as e:
    get()
  assert re.match(r"module 'varscope_jax(\.nn|\.train)?' has no attribute '\w+': ",
                  str(e.value)), str(e.value)
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
  for key, text in NOT_OPS.items():
    head, _, name = key.rpartition(".")
    module = {"": vs, "train": vs.train}.get(head)
    if module is None:   # under vs.contrib: the upgrader's report gives these hints
      continue
    with pytest.raises(AttributeError) as e:
      getattr(module, name)
    assert text in str(e.value) and UPGRADER in str(e.value)


def test_unknown_and_private_names_keep_pythons_message():
  for get, text in [(lambda: vs.no_such_name, "module 'varscope_jax' has no attribute "
                     "'no_such_name'"), (lambda: vs.__wrapped__, "'__wrapped__'"),
                    (lambda: vs.nn.no_such, "module 'varscope_jax.nn' has no attribute "
                     "'no_such'")]:
    with pytest.raises(AttributeError) as e:
      get()
    assert str(e.value).endswith(text.split(" has no attribute ")[-1])
    assert UPGRADER not in str(e.value)
  assert not hasattr(vs, "__wrapped__")
