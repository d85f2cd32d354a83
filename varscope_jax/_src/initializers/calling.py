"""How ``get_variable`` calls an initializer: TF's calling convention or JAX's.

The rule (stated in ``get_variable``'s docstring):

* ``vs`` initializers (``Initializer`` subclasses) are called ``init(key, shape, dtype)``;
* a callable with a parameter named ``partition_info``, or whose first parameter is named
  ``shape``, is TF-style: ``init(shape, dtype=..., partition_info=None)`` as TF calls it
  (``partition_info`` only when it is a parameter), with ``shape`` a list and ``dtype`` a
  ``vs.DType``;
* any other callable is key-style when its first two positional parameters are required
  (``jax.nn.initializers``, ``lambda key, shape, dtype: ...``) and TF-style when at most
  one is.

An error raised inside an initializer is raised again (same type where it can be made
again from its message, else with a note) with a line naming the variable and how it
was called.
"""
from __future__ import annotations

import inspect

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.initializers.base import is_initializer

KEY = "key"
TF = "tf"

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _parameters(fn):
  try:
    return list(inspect.signature(fn).parameters.values())
  except (TypeError, ValueError):
    return None


def classify(initializer) -> str:
  """``KEY`` for ``init(key, shape, dtype)``, ``TF`` for ``init(shape, dtype=...)``.

  >>> classify(lambda shape, dtype: None), classify(lambda k, s, d: None)
  ('tf', 'key')
  """
  if is_initializer(initializer):
    return KEY
  params = _parameters(initializer)
  if params is None:
    return TF
  if any(p.name == "partition_info" for p in params):
    return TF
  if params and params[0].kind in _POSITIONAL and params[0].name == "shape":
    return TF
  required = 0
  for p in params:
    if p.kind not in _POSITIONAL or p.default is not inspect.Parameter.empty:
      break
    required += 1
  return KEY if required >= 2 else TF


def takes_partition_info(fn) -> bool:
  params = _parameters(fn)
  return params is not None and any(p.name == "partition_info" for p in params)


def needs_no_arguments(fn) -> bool:
  params = _parameters(fn)
  return params is not None and all(
      p.default is not inspect.Parameter.empty or
      p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
      for p in params)


def reraise_naming(err: BaseException, name: str, initializer, call: str):
  """Raises ``err`` again with a line naming the variable ``name`` and ``call``."""
  where = f"(raised by the initializer {initializer!r} of variable {name}, called as {call})"
  cls = type(err)
  if (cls.__module__ == "builtins" and cls.__str__ is BaseException.__str__ and
      len(err.args) == 1 and isinstance(err.args[0], str)):
    try:
      new = cls(f"{err.args[0]}\n{where}")
    except Exception:  # noqa: BLE001 (a builtin that cannot be made from a message)
      new = None
    if new is not None:
      raise new.with_traceback(err.__traceback__) from err
  err.add_note(where)
  raise err


def tf_call_text(shape, dtype, with_partition_info: bool) -> str:
  extra = ", partition_info=None" if with_partition_info else ""
  return f"init({list(shape)!r}, dtype={dtypes_lib.as_tf_dtype(dtype)!r}{extra})"


def call_tf_style(name: str, initializer, shape, dtype):
  """``initializer(list(shape), dtype=DType[, partition_info=None])``, as TF calls it."""
  partition = takes_partition_info(initializer)
  tf_dtype = dtypes_lib.as_tf_dtype(dtype)
  try:
    if partition:
      return initializer(list(shape), dtype=tf_dtype, partition_info=None)
    return initializer(list(shape), dtype=tf_dtype)
  except Exception as e:  # noqa: BLE001 (raised again, naming the variable)
    reraise_naming(e, name, initializer, tf_call_text(shape, dtype, partition))


def call_without_arguments(name: str, initializer):
  try:
    return initializer()
  except Exception as e:  # noqa: BLE001 (raised again, naming the variable)
    reraise_naming(e, name, initializer, "init()")
