"""No crash, no unbounded memory, and errors that name the variable: huge variables,
the checked-initializer set, constants TF refuses, shape-only params given to apply."""

import gc
import os
import subprocess
import sys
import weakref

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.slow
def test_random_variable_of_2_60_elements_is_a_value_error_not_an_abort():
  # In a subprocess: before the check, XLA aborted the interpreter (SIGABRT).
  code = (
    "import jax, varscope_jax as vs\n"
    "t = vs.transform(lambda: vs.get_variable('w', [2**30, 2**30], "
    "initializer=vs.random_normal_initializer()))\n"
    "try:\n  t.init(jax.random.key(0))\n"
    "except ValueError as e:\n  print(e)\n"
  )
  run = subprocess.run(
    [sys.executable, "-c", code],
    capture_output=True,
    timeout=300,
    env=dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO),
  )
  assert run.returncode == 0, run.stderr.decode()[-2000:]
  assert run.stdout.decode().startswith(
    "Variable w: shape (1073741824, 1073741824) has 1,152,921,504,606,846,976 elements, "
    "more than XLA can index in one array (2**60 - 1)"
  )


@pytest.mark.parametrize(
  "initializer", [vs.zeros_initializer(), vs.ones_initializer(), vs.constant_initializer(3.0)]
)
def test_eager_huge_deterministic_variable_is_a_value_error_naming_it(initializer):
  with pytest.raises(
    ValueError,
    match=r"Variable big: shape \[1099511627776, 1024\] of "
    r"float32 takes 4,503,599,627,370,496 bytes, which cannot be allocated",
  ):
    vs.get_variable("big", [2**40, 2**10], initializer=initializer)


@pytest.mark.slow
def test_checked_initializer_signatures_keep_no_initializer_alive():
  from varscope_jax._src.initializers import calling, make

  refs = []
  for _ in range(5):
    captured = np.ones(250_000, np.float32)  # 1 MB each

    def init(key, shape, dtype, captured=captured):
      return jnp.zeros(shape, dtype) + captured[0]

    vs.transform(lambda: vs.get_variable("w", [2], initializer=init)).init(jax.random.key(0))  # noqa: F821 (init is deleted below, after the call)
    refs.append(weakref.ref(captured))
    del init, captured
  make.clear_cache()
  gc.collect()
  assert all(r() is None for r in refs)
  assert len(calling.CHECKED_SIGNATURES) <= calling.CHECKED_SIGNATURES.MAX_STRONG
  assert make.MAX_COMPILED <= 256


# TF 2.21 graph mode (tf.compat.v1.get_variable('c', [2], initializer=
# tf.compat.v1.constant_initializer(value))): the constant is accepted, the variable is not.
@pytest.mark.parametrize(
  "value, error, first_line",
  [
    ("x", TypeError, "Expected float32, but got x of type 'str'."),
    (["a", "b"], TypeError, "Expected float32, but got a of type 'str'."),
    (b"x", TypeError, "Expected float32, but got b'x' of type 'bytes'."),
    ([1, "x"], TypeError, "Expected float32, but got x of type 'str'."),
    (np.array(["x"]), ValueError, "could not convert string to float: np.str_('x')"),
  ],
)
def test_string_constant_is_tfs_error_naming_the_variable(value, error, first_line):
  init = vs.constant_initializer(value)  # accepted, as in TF
  for make in (
    lambda: vs.get_variable("c", [2], initializer=init),
    lambda: vs.transform(lambda: vs.get_variable("c", [2], initializer=init)).init(
      jax.random.key(0)
    ),
  ):
    vs.reset_default_graph()
    with pytest.raises(error) as e:
      make()
    lines = str(e.value).splitlines()
    assert lines[0] == first_line
    assert lines[1].startswith("Variable c: its initializer constant_initializer(")


def test_apply_with_shape_only_params_names_the_variable():
  t = vs.transform(lambda x: x * vs.get_variable("w", [2]))
  shapes = jax.eval_shape(t.init, jax.random.key(0), jnp.ones(2))
  assert jax.eval_shape(t.apply, shapes, jnp.ones(2)).shape == (2,)  # shapes only: fine
  with pytest.raises(
    TypeError,
    match=r"Variable w: params\['w'\] is a jax.ShapeDtypeStruct "
    r"\(shape \(2,\), float32: a shape and dtype, no value",
  ):
    t.apply(shapes, jnp.ones(2))
