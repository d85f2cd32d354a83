"""One TF op's entry in the upgrader's table: TF's signature, the jax spelling, the rewrite.

An ``Op`` binds the source text of a call's arguments by TF's own signature (parameter
order, names, defaults, deprecated aliases) and builds the replacement expression's source
text. The replacement uses only ``jax``, ``jnp`` (``jax.numpy``) and ``vs``
(``varscope_jax``).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Callable, Mapping, Sequence

_REQUIRED = object()


class Unsupported(Exception):
  """A call that the table knows but cannot rewrite faithfully; ``reason`` says why."""

  def __init__(self, reason: str):
    super().__init__(reason)
    self.reason = reason


def _parse_signature(sig: str):
  """``"x, axis=None, *, name=None"`` -> ((param, default source or _REQUIRED), ...), varargs."""
  fn = ast.parse(f"def f({sig}): pass").body[0]
  assert isinstance(fn, ast.FunctionDef)
  args = fn.args
  params = []
  positional = args.posonlyargs + args.args
  defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
  for a, d in zip(positional, defaults):
    params.append((a.arg, _REQUIRED if d is None else ast.unparse(d)))
  for a, d in zip(args.kwonlyargs, args.kw_defaults):
    params.append((a.arg, _REQUIRED if d is None else ast.unparse(d)))
  varargs = args.vararg.arg if args.vararg else None
  n_positional = len(positional)
  return tuple(params), varargs, n_positional


def is_literal(text: str) -> bool:
  """Whether ``text`` is a Python literal (``True``, ``-1``, ``[0, 1]``, ``'SAME'``)."""
  try:
    ast.literal_eval(text.strip())
  except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
    return False
  return True


def literal(text: str):
  """The value of a literal's source text (check ``is_literal`` first)."""
  return ast.literal_eval(text.strip())


_ATOMS = (
  ast.Name,
  ast.Attribute,
  ast.Call,
  ast.Subscript,
  ast.Constant,
  ast.List,
  ast.Tuple,
  ast.Dict,
  ast.Set,
  ast.ListComp,
  ast.GeneratorExp,
)


def paren(text: str) -> str:
  """``text`` parenthesized unless it is an atom (a name, call, subscript, literal)."""
  try:
    node = ast.parse(text.strip(), mode="eval").body
  except SyntaxError:
    return f"({text})"
  if isinstance(node, _ATOMS) and not (
    isinstance(node, ast.Constant)
    and isinstance(node.value, (int, float, complex))
    and text.strip().startswith("-")
  ):
    return text.strip()
  return f"({text.strip()})"


_DTYPE_PREFIX = re.compile(
  r"^(?:tf|tensorflow|vs|varscope_jax|jnp|np|numpy|tf\.dtypes|tf\.compat\.v1|"
  r"tf\.compat\.v1\.dtypes|tensorflow\.compat\.v1)\.(\w+)$"
)
_DTYPE_NAMES = {
  "float16": "jnp.float16",
  "half": "jnp.float16",
  "bfloat16": "jnp.bfloat16",
  "float32": "jnp.float32",
  "float64": "jnp.float64",
  "double": "jnp.float64",
  "int8": "jnp.int8",
  "int16": "jnp.int16",
  "int32": "jnp.int32",
  "int64": "jnp.int64",
  "uint8": "jnp.uint8",
  "uint16": "jnp.uint16",
  "uint32": "jnp.uint32",
  "uint64": "jnp.uint64",
  "bool": "jnp.bool_",
  "bool_": "jnp.bool_",
  "complex64": "jnp.complex64",
  "complex128": "jnp.complex128",
}
_INT_DTYPES = {
  "jnp.int8",
  "jnp.int16",
  "jnp.int32",
  "jnp.int64",
  "jnp.uint8",
  "jnp.uint16",
  "jnp.uint32",
  "jnp.uint64",
}


def dtype_text(text: str) -> str:
  """A TF dtype's source (``tf.float32``, ``vs.int32``, ``"float32"``) as ``jnp.<dtype>``.

  Anything else (a variable holding a dtype) is kept as written.
  """
  t = text.strip()
  m = _DTYPE_PREFIX.match(t)
  name = m.group(1) if m else None
  if name is None:
    try:
      value = ast.literal_eval(t)
    except (ValueError, SyntaxError):
      value = None
    if isinstance(value, str):
      name = value
  if name is None:
    return t
  if name in ("string", "variant", "resource", "qint8", "quint8", "qint32"):
    raise Unsupported(f"dtype {t} has no JAX counterpart")
  return _DTYPE_NAMES.get(name, t)


def is_int_dtype(text: str) -> bool:
  """Whether a dtype's source text (after ``dtype_text``) names an integer dtype."""
  return dtype_text(text) in _INT_DTYPES


class Args:
  """The source text of one call's arguments, bound to an op's TF signature."""

  def __init__(self, op: "Op", values: Mapping[str, str], varargs: Sequence[str]):
    self.op = op
    self._values = dict(values)
    self.varargs = list(varargs)

  def __getitem__(self, param: str) -> str:
    if param in self._values:
      return self._values[param]
    default = self.op.defaults[param]
    if default is _REQUIRED:
      raise Unsupported(f"tf.{self.op.tf_name}() is missing its argument {param!r}")
    return default

  def given(self, param: str) -> bool:
    """Whether the call passed ``param`` (a ``None`` literal counts as not passed)."""
    return param in self._values and self._values[param].strip() != "None"

  def lit(self, param: str):
    """``param``'s value when its source is a literal; raises ``Unsupported`` otherwise."""
    text = self[param]
    if is_literal(text):
      return literal(text)
    raise Unsupported(
      f"tf.{self.op.tf_name}(): {param}={text} must be a literal (True, 1, [0, 1], "
      "'SAME') to be rewritten; its value decides the JAX call"
    )

  def flag(self, param: str) -> bool:
    """A bool option that must be a literal (``transpose_b``); ``None`` counts as False."""
    return bool(self.lit(param))

  def default_only(self, *params: str) -> None:
    """Raises ``Unsupported`` unless each of ``params`` is absent or its TF default."""
    for p in params:
      if p in self._values and self._values[p].strip() != self.op.defaults[p]:
        raise Unsupported(
          f"tf.{self.op.tf_name}(): {p}={self._values[p]} is not rewritten (only the "
          f"default {p}={self.op.defaults[p]} is)"
        )

  def either(self, new: str, old: str) -> str | None:
    """The text of ``new`` or its deprecated alias ``old`` (TF refuses both), or None."""
    if self.given(new) and self.given(old):
      raise Unsupported(
        f"tf.{self.op.tf_name}(): both {new}= and its deprecated alias "
        f"{old}= are given (TF raises ValueError)"
      )
    if self.given(new):
      return self[new]
    if self.given(old):
      return self[old]
    return None


@dataclasses.dataclass(frozen=True)
class Op:
  """One TF op: its TF name, the JAX function for hints and docs, and its rewrite.

  Attributes:
    tf_name: the name after ``tf.`` (``"matmul"``, ``"nn.relu"``).
    jax: the JAX spelling a person would use (``"jnp.matmul"``).
    signature: TF's parameters in TF's order, each with its default's source text.
    build: bound ``Args`` -> the replacement expression's source text.
    note: what differs from TF or needs attention (empty when nothing does).
    kind: ``math``, ``array``, ``nn``, ``image``, ``random`` or ``linalg``.
    aliases: further TF names for the same op (``"math.reduce_mean"``).
  """

  tf_name: str
  jax: str
  signature: tuple
  build: Callable[[Args], str]
  note: str = ""
  kind: str = "math"
  aliases: tuple[str, ...] = ()
  varargs: str | None = None
  n_positional: int = 0

  @property
  def params(self) -> tuple[str, ...]:
    return tuple(p for p, _ in self.signature)

  @property
  def defaults(self) -> dict:
    return dict(self.signature)

  def bind(self, args: Sequence[str], kwargs: Mapping[str, str]) -> Args:
    """Binds argument source texts by TF's signature; ``Unsupported`` where TF would fail."""
    who = f"tf.{self.tf_name}()"
    values: dict[str, str] = {}
    varargs: list[str] = []
    positional = self.params[: self.n_positional]
    for i, text in enumerate(args):
      if text.lstrip().startswith("*"):
        raise Unsupported(
          f"{who}: a starred argument ({text.strip()}) cannot be bound "
          "to TF's parameters in the source"
        )
      if i < len(positional):
        values[positional[i]] = text
      elif self.varargs is not None:
        varargs.append(text)
      else:
        raise Unsupported(
          f"{who} takes at most {len(positional)} positional arguments ({len(args)} given)"
        )
    for key, text in kwargs.items():
      if key.startswith("**") or key == "":
        raise Unsupported(
          f"{who}: **{text.strip()} cannot be bound to TF's parameters in the source"
        )
      if key not in self.defaults:
        raise Unsupported(
          f"{who} has no argument {key!r} (TF's parameters: {', '.join(self.params)})"
        )
      if key in values:
        raise Unsupported(f"{who} got multiple values for argument {key!r}")
      values[key] = text
    bound = Args(self, values, varargs)
    for p, d in self.signature:
      if d is _REQUIRED and p not in values:
        raise Unsupported(f"{who} is missing its argument {p!r}")
    return bound

  def rewrite(self, args: Sequence[str], kwargs: Mapping[str, str]) -> str:
    return self.build(self.bind(args, kwargs))


def op(
  tf_name: str,
  jax: str,
  signature: str,
  build: Callable[[Args], str],
  *,
  note: str = "",
  kind: str = "math",
  aliases: Sequence[str] = (),
) -> Op:
  """An ``Op`` from TF's signature written as a Python parameter list."""
  params, varargs, n_positional = _parse_signature(signature)
  return Op(
    tf_name=tf_name,
    jax=jax,
    signature=params,
    build=build,
    note=note,
    kind=kind,
    aliases=tuple(aliases),
    varargs=varargs,
    n_positional=n_positional,
  )


def call(fn: str, *positional: str, **keywords: str | None) -> str:
  """``fn(positional..., key=value...)``; keywords whose value is None are left out."""
  parts = [p.strip() for p in positional]
  parts += [f"{k}={v.strip()}" for k, v in keywords.items() if v is not None]
  return f"{fn}({', '.join(parts)})"


def elementwise(
  tf_name: str,
  jax_fn: str,
  *,
  signature: str = "x, name=None",
  note: str = "",
  aliases: Sequence[str] = (),
  kind: str = "math",
) -> Op:
  """A unary or binary elementwise op whose jax function takes the same positional args."""
  params, _, _ = _parse_signature(signature)
  names = [p for p, _ in params if p != "name"]
  return op(
    tf_name,
    jax_fn,
    signature,
    lambda a: call(jax_fn, *(a[n] for n in names)),
    note=note,
    kind=kind,
    aliases=aliases,
  )
