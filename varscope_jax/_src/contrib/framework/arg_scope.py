"""``arg_scope`` / ``add_arg_scope``: tf-slim's scoped default arguments.

tf-slim keeps one module-global stack of ``{op key: {argument: value}}`` dicts. Here the
stack is per thread (like every other scope in varscope_jax) and a failed ``with`` never
leaves it changed. The rules are tf-slim's:

* ``arg_scope([ops], **kwargs)`` copies the current scope and, for each op, merges
  ``kwargs`` over the op's current defaults (inner scopes win); ``arg_scope(scope_dict)``
  re-enters a scope dict yielded earlier (it outlives its ``with``).
* A function decorated with ``add_arg_scope`` reads the current scope at call time: its
  scoped defaults, then the call's own keyword arguments over them.
* An op's key is ``arg_scope_func_key(op)``: ``str`` of the undecorated function, so the
  decorated and undecorated function share one key, and every name bound to one layer
  (``conv2d is convolution2d``) shares it.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading

from varscope_jax._src.base import tf_errors

_DECORATED_OPS: dict = {}  # op key -> the names arg_scope may set (tf-slim's _kwarg_names)
_ACCEPTED: dict = {}  # op key -> every keyword the function accepts (None: **kwargs)


class _ArgStack(threading.local):
  def __init__(self):
    self.stack = [{}]


_STATE = _ArgStack()


def current_arg_scope():
  """The innermost arg scope of this thread: ``{op key: {argument: value}}``.

  >>> from varscope_jax.contrib import slim
  >>> with slim.arg_scope([slim.conv2d], padding="VALID"):
  ...   scope = slim.current_arg_scope()
  >>> scope[slim.arg_scope_func_key(slim.conv2d)]
  {'padding': 'VALID'}
  """
  return _STATE.stack[-1]


def arg_scope_func_key(op):
  """The key of ``op`` in an arg scope dict (tf-slim's: ``str`` of the undecorated function).

  >>> from varscope_jax.contrib import slim
  >>> slim.arg_scope_func_key(slim.conv2d) == slim.arg_scope_func_key(slim.convolution2d)
  True
  """
  return getattr(op, "_key_op", str(op))


def _name_op(op):
  return (getattr(op, "__module__", None), getattr(op, "__name__", repr(op)))


def _kwarg_names(func):
  """tf-slim's rule: the positional parameters that have defaults."""
  code = getattr(func, "__code__", None)
  if code is None:
    return ()
  n = len(func.__defaults__) if func.__defaults__ else 0
  return code.co_varnames[code.co_argcount - n : code.co_argcount] if n else ()


def _accepted_names(func):
  try:
    params = inspect.signature(func).parameters.values()
  except (TypeError, ValueError):
    return None
  if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
    return None
  return frozenset(
    p.name
    for p in params
    if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
  )


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
  """Sets default keyword arguments of the listed ops (tf-slim's ``arg_scope``).

  Args:
    list_ops_or_scope: a list or tuple of ops decorated with ``add_arg_scope``, or a
      scope dict yielded by an earlier ``arg_scope`` (then ``kwargs`` must be empty).
    **kwargs: the defaults, merged over the ops' current ones.

  Yields:
    The new scope dict (``{arg_scope_func_key(op): {argument: value}}``); pass it to a
    later ``arg_scope(sc)`` to re-enter it.

  Raises:
    TypeError: tf-slim's ``list_ops_or_scope must either be a list/tuple or reused scope
      (i.e. dict)``.
    ValueError: an op not decorated with ``add_arg_scope`` (named by module and name),
      or a scope dict with ``kwargs``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> from varscope_jax.contrib import slim
  >>> def net(x):
  ...   with slim.arg_scope([slim.conv2d], padding="VALID", activation_fn=None) as sc:
  ...     y = slim.conv2d(x, 4, [3, 3], scope="conv1")
  ...   with slim.arg_scope(sc):                    # re-entered after its with
  ...     return slim.conv2d(y, 4, [3, 3], padding="SAME", scope="conv2")
  >>> t = vs.transform(net)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((1, 8, 8, 3)))
  >>> t.apply(params, jnp.ones((1, 8, 8, 3))).shape
  (1, 6, 6, 4)
  """
  stack = _STATE.stack
  if isinstance(list_ops_or_scope, dict):
    if kwargs:
      raise ValueError(tf_errors.ARG_SCOPE_REUSE_KWARGS)
    current_scope = list_ops_or_scope.copy()
  else:
    if not isinstance(list_ops_or_scope, (list, tuple)):
      raise TypeError(tf_errors.ARG_SCOPE_NOT_LIST)
    current_scope = current_arg_scope().copy()
    for op in list_ops_or_scope:
      if not has_arg_scope(op):
        raise ValueError(
          tf_errors.NOT_ARG_SCOPED % (_name_op(op),) + "\n(arg_scope lists only functions "
          "decorated with vs.contrib.framework.add_arg_scope; the slim layers are)"
        )
      key = arg_scope_func_key(op)
      if key in current_scope:
        merged = current_scope[key].copy()
        merged.update(kwargs)
        current_scope[key] = merged
      else:
        current_scope[key] = kwargs.copy()
  stack.append(current_scope)
  try:
    yield current_scope
  finally:
    # Pop exactly what was pushed, even if an inner arg_scope was left open by an error.
    while len(stack) > 1 and stack[-1] is not current_scope:
      stack.pop()
    if len(stack) > 1:
      stack.pop()


def add_arg_scope(func):
  """Decorates ``func`` so that ``arg_scope`` can set its keyword arguments.

  The call's own keyword arguments win over the scope's. The decorated function keeps
  ``func``'s name, docstring and signature (``__wrapped__``).

  >>> from varscope_jax.contrib import slim
  >>> @slim.add_arg_scope
  ... def scaled(x, factor=1.0):
  ...   return x * factor
  >>> with slim.arg_scope([scaled], factor=3.0):
  ...   scaled(2.0), scaled(2.0, factor=0.5)
  (6.0, 1.0)
  """
  if not callable(func):
    raise TypeError("add_arg_scope: expected a function to decorate, got %r." % (func,))
  key_func = arg_scope_func_key(func)

  @functools.wraps(func)
  def func_with_args(*args, **kwargs):
    current_scope = _STATE.stack[-1]
    if key_func in current_scope:
      scoped = current_scope[key_func]
      accepted = _ACCEPTED[key_func]
      if accepted is not None:
        for name in scoped:
          if name not in accepted:
            raise TypeError(
              tf_errors.UNEXPECTED_KEYWORD
              % (func.__name__, name)
              + "\n(it comes from an arg_scope on %s: %s does not take %r; remove it from "
              "that arg_scope)" % (func.__name__, func.__name__, name)
            )
      current_args = scoped.copy()
      current_args.update(kwargs)
      kwargs = current_args
    return func(*args, **kwargs)

  _DECORATED_OPS[key_func] = _kwarg_names(func)
  _ACCEPTED[key_func] = _accepted_names(func)
  func_with_args._key_op = key_func  # type: ignore[attr-defined]
  return func_with_args


def has_arg_scope(func):
  """Whether ``func`` was decorated with ``add_arg_scope``.

  >>> from varscope_jax.contrib import slim
  >>> slim.has_arg_scope(slim.conv2d), slim.has_arg_scope(len)
  (True, False)
  """
  return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func):
  """The keyword arguments ``arg_scope`` may set for ``func`` (those with defaults).

  >>> from varscope_jax.contrib import slim
  >>> slim.arg_scoped_arguments(slim.max_pool2d)
  ('stride', 'padding', 'data_format', 'outputs_collections', 'scope')
  """
  if not has_arg_scope(func):
    raise ValueError("arg_scoped_arguments: " + tf_errors.NOT_ARG_SCOPED % (_name_op(func),) + ".")
  return _DECORATED_OPS[arg_scope_func_key(func)]
