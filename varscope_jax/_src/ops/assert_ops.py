"""TF's comparison assertions (``tf.assert_less_equal`` ...), checked when the values are known.

TF1 checks an assertion on constants while the graph is built and raises
``InvalidArgumentError``; on other tensors it adds an ``Assert`` op that runs with the
graph. Here values known when the function runs (Python numbers, arrays outside ``jit``,
static shapes under ``jit``) are checked at once and a failure is a ``ValueError`` with
TF's message; traced values are checked when the compiled function runs
(``jax.debug.callback``), where a failure stops it with the same message. The
assertions return None: JAX orders operations by data flow, so nothing has to depend on
them (``tf.control_dependencies([assert_op])`` becomes a null context).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.ops.checks import as_array

_SYMBOLS = {
  "assert_equal": "==",
  "assert_none_equal": "!=",
  "assert_less": "<",
  "assert_less_equal": "<=",
  "assert_greater": ">",
  "assert_greater_equal": ">=",
}
_COMPARE = {
  "==": np.equal,
  "!=": np.not_equal,
  "<": np.less,
  "<=": np.less_equal,
  ">": np.greater,
  ">=": np.greater_equal,
}


def _failure(opname, message, x, y) -> str:
  symbol = _SYMBOLS[opname]
  lines = [message] if message else []
  lines += [
    tf_errors.CONDITION_FAILED % symbol,
    "x = ",
    str(np.asarray(x)),
    "y = ",
    str(np.asarray(y)),
  ]
  return "\n".join(lines)


def _check_now(opname, message, x, y):
  if not bool(np.all(_COMPARE[_SYMBOLS[opname]](np.asarray(x), np.asarray(y)))):
    raise ValueError(_failure(opname, message, x, y))


def _binary_assert(opname, x, y, message, summarize):
  del summarize  # how many entries TF prints; the whole arrays are shown here
  if message is not None and not isinstance(message, str):
    raise TypeError(f"{opname}: message must be a str or None, got {type(message).__name__}")
  traced = isinstance(x, jax.core.Tracer) or isinstance(y, jax.core.Tracer)
  xs = as_array(x, opname, "x").shape
  ys = as_array(y, opname, "y").shape
  try:
    jnp.broadcast_shapes(xs, ys)
  except ValueError:
    a, b = (xs[-1] if xs else 1), (ys[-1] if ys else 1)
    raise ValueError(
      tf_errors.DIMENSIONS_EQUAL % (a, b) + f" ({opname}: x has shape {xs}, y has shape {ys})"
    ) from None
  if traced:
    jax.debug.callback(functools.partial(_check_now, opname, message), x, y)
    return None
  _check_now(opname, message, x, y)  # known values (numbers, static shapes): now
  return None


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
  """TF's ``tf.assert_equal``: raises unless ``x == y`` everywhere (broadcast).

  >>> import varscope_jax as vs
  >>> vs.ops.assert_equal(3, 3) is None
  True
  >>> vs.ops.assert_equal([1, 2], 1, message="ids")
  Traceback (most recent call last):
  ...
  ValueError: ids
  Condition x == y did not hold element-wise:
  ...
  """
  del data, name
  return _binary_assert("assert_equal", x, y, message, summarize)


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None):
  """TF's ``tf.assert_none_equal``: raises if ``x == y`` anywhere.

  >>> import varscope_jax as vs
  >>> vs.ops.assert_none_equal([1, 2], 3) is None
  True
  """
  del data, name
  return _binary_assert("assert_none_equal", x, y, message, summarize)


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
  """TF's ``tf.assert_less``: raises unless ``x < y`` everywhere.

  >>> import varscope_jax as vs
  >>> vs.ops.assert_less(1, 2) is None
  True
  """
  del data, name
  return _binary_assert("assert_less", x, y, message, summarize)


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None):
  """TF's ``tf.assert_less_equal``: raises unless ``x <= y`` everywhere.

  BERT checks its sequence length this way; a static length is checked at once:

  >>> import varscope_jax as vs
  >>> vs.ops.assert_less_equal(128, 512) is None
  True
  >>> vs.ops.assert_less_equal(600, 512)
  Traceback (most recent call last):
  ...
  ValueError: Condition x <= y did not hold element-wise:
  x =
  600
  y =
  512
  """
  del data, name
  return _binary_assert("assert_less_equal", x, y, message, summarize)


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
  """TF's ``tf.assert_greater``: raises unless ``x > y`` everywhere.

  >>> import varscope_jax as vs
  >>> vs.ops.assert_greater(2, 1) is None
  True
  """
  del data, name
  return _binary_assert("assert_greater", x, y, message, summarize)


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None):
  """TF's ``tf.assert_greater_equal``: raises unless ``x >= y`` everywhere.

  >>> import varscope_jax as vs
  >>> vs.ops.assert_greater_equal(2, 2) is None
  True
  """
  del data, name
  return _binary_assert("assert_greater_equal", x, y, message, summarize)
