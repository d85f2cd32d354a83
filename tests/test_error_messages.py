"""The errors' convention, checked.

* TF's verbatim texts live only in ``varscope_jax/_src/base/tf_errors.py``: no string
  literal in the rest of the package (docstrings and ``__doc__`` text aside) contains a
  fixed piece (16+ characters, 2+ words, between placeholders) of a ``tf_errors``
  constant, and no ``raise`` of ValueError/TypeError/KeyError/NotImplementedError/
  RuntimeError writes a fixed piece (20+ characters) of an error text that real TF raised
  in the golden data (``tests/golden/**/*.json``, ``tests/train/data``): such a text must
  be added to ``tf_errors`` and raised from there.
* Every constant in ``tf_errors`` is used, and formats with ``%`` (or ``str.format``).
* Every bad call of ``tests/test_public_validation.py`` raises a message that is TF's text
  (a ``tf_errors`` constant, optionally after ``"<op>: "``), Python's own argument error,
  or the project's own form: it names the function, the argument or the variable (a name
  of the call: the function, a parameter of it, or a string passed to it), says how to fix
  it (``must``, ``use``, ``pass`` ...), and, for a ``TypeError``, what it got.
"""

from __future__ import annotations

import ast
import inspect
import json
import pathlib
import re
import types

import pytest

import varscope_jax as vs
from varscope_jax._src.base import tf_errors
from tests import test_public_validation as validation

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "varscope_jax"
TF_ERRORS = PACKAGE / "_src" / "base" / "tf_errors.py"
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p != TF_ERRORS)
RAISED = {"ValueError", "TypeError", "KeyError", "NotImplementedError", "RuntimeError"}
# A %-placeholder or a {} field: what varies in a template.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdirfgeExXc]|\{[^{}]*\}")
MIN_PIECE = 16  # shorter pieces ("got %s", ", but received") are common English

TF_TEXTS = {
  name: value
  for name, value in vars(tf_errors).items()
  if name.isupper() and isinstance(value, str)
}


def _pieces(template: str, min_len: int = MIN_PIECE) -> list[str]:
  """The fixed parts of a template long enough (and of two words or more) to be telling."""
  return [
    p.strip() for p in PLACEHOLDER.split(template) if len(p.strip()) >= min_len and " " in p.strip()
  ]


def _docstrings(tree: ast.AST) -> set[int]:
  """Docstrings, and strings assigned to ``__doc__`` (they may quote TF's errors)."""
  ids = set()
  for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and any(
      getattr(t, "attr", None) == "__doc__" for t in node.targets
    ):
      ids.update(id(n) for n in ast.walk(node.value))
    if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
      body = node.body
      if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        ids.add(id(body[0].value))
  return ids


def _strings(tree: ast.AST):
  """(line, text) of every string literal and f-string piece, docstrings left out."""
  skip = _docstrings(tree)
  for node in ast.walk(tree):
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
      yield node.lineno, node.value


@pytest.fixture(scope="module")
def parsed():
  return {p: ast.parse(p.read_text()) for p in SOURCES}


def test_tf_texts_are_only_in_tf_errors(parsed):
  pieces = {piece: name for name, text in TF_TEXTS.items() for piece in _pieces(text)}
  found = []
  for path, tree in parsed.items():
    for line, text in _strings(tree):
      for piece, name in pieces.items():
        if piece in text:
          found.append(f"{path.relative_to(ROOT)}:{line} repeats tf_errors.{name}")
  assert not found, "TF's text inline; use the tf_errors constant:\n" + "\n".join(found)


def _golden_tf_texts() -> set[str]:
  texts = set()

  def walk(obj):
    if isinstance(obj, dict):
      for key, value in obj.items():
        if key in ("msg", "message", "first_line") and isinstance(value, str):
          texts.add(value)
        walk(value)
    elif isinstance(obj, list):
      if (
        len(obj) >= 2
        and isinstance(obj[0], str)
        and obj[0].endswith("Error")
        and isinstance(obj[1], str)
      ):
        texts.add(obj[1])
      for value in obj:
        walk(value)

  files = list((ROOT / "tests" / "golden").rglob("*.json"))
  files += list((ROOT / "tests" / "train" / "data").rglob("*.json"))
  for path in files:
    walk(json.loads(path.read_text()))
  for line in (ROOT / "tests" / "golden" / "programs.jsonl").read_text().splitlines():
    walk(json.loads(line))
  return texts


def _message_pieces(node: ast.AST) -> list[str]:
  """The literal text of a raise's message (a constant, f-string, %, + or .format)."""
  if isinstance(node, ast.Constant) and isinstance(node.value, str):
    return [node.value]
  if isinstance(node, ast.JoinedStr):
    return [v.value for v in node.values if isinstance(v, ast.Constant)]
  if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
    return _message_pieces(node.left) + (
      _message_pieces(node.right) if isinstance(node.op, ast.Add) else []
    )
  if (
    isinstance(node, ast.Call)
    and isinstance(node.func, ast.Attribute)
    and node.func.attr == "format"
  ):
    return _message_pieces(node.func.value)
  return []


def _raised_name(node: ast.AST) -> str | None:
  func = node.func if isinstance(node, ast.Call) else node
  return getattr(func, "id", None) or getattr(func, "attr", None)


def test_no_raise_repeats_a_golden_tf_text(parsed):
  golden = "\n".join(_golden_tf_texts())
  assert len(golden) > 10_000, "the golden data's error texts were not found"
  found = []
  for path, tree in parsed.items():
    for node in ast.walk(tree):
      if not (
        isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and _raised_name(node.exc) in RAISED
        and node.exc.args
      ):
        continue
      for text in _message_pieces(node.exc.args[0]):
        for piece in _pieces(text, 20):
          if piece in golden:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {piece!r}")
  assert not found, (
    "TF's text (as the golden data recorded it) written inline; add it to "
    "tf_errors and raise the constant:\n" + "\n".join(found)
  )


def test_every_tf_text_is_used_and_formats(parsed):
  used = {
    node.attr
    for tree in parsed.values()
    for node in ast.walk(tree)
    if isinstance(node, ast.Attribute)
    and isinstance(node.value, ast.Name)
    and node.value.id == "tf_errors"
  }
  assert sorted(set(TF_TEXTS) - used) == [], "constants in tf_errors that nothing raises"
  for name, text in TF_TEXTS.items():
    fields = PLACEHOLDER.findall(text)
    if "%" in text:
      args = tuple(0 if f[-1] in "dieEfgxXc" else "x" for f in fields)
      assert "%" not in text % args, name
    else:
      text.format(*(["x"] * len(fields)))


# ---- the bad calls of test_public_validation


def _tf_prefixes() -> list[re.Pattern]:
  out = []
  for text in TF_TEXTS.values():
    first = text.split("\n")[0]
    parts = [re.escape(p) for p in PLACEHOLDER.split(first)]
    out.append(re.compile(r"(?:[\w.]+: )?" + "(?s:.*?)".join(parts)))
  return out


TF_PREFIXES = _tf_prefixes()
PYTHON_ARGUMENT_ERROR = re.compile(
  r"takes \d+ positional arguments? but \d+ (?:was|were) given|"
  r"missing \d+ required positional argument|"
  r"got an unexpected keyword argument"
)
NUMPY_FIRST_LINE = re.compile(r"setting an array element with a sequence")
FIX = re.compile(
  r"\b(?:(?:must|should|use|pass|write|call|give|leave|expects?|expected|set|"
  r"only|such as|one of|needs?|requires?|remove|check|make)\b|e\.g\.)",
  re.I,
)
# What it got: "got X" / "received X", or the value quoted first ("dtype 'nope' is not ...").
GOT = re.compile(r"\b(?:got|received)\b|\w '[^']*' is not\b")
MODULES = (
  vs,
  vs.ops,
  vs.initializers,
  vs.tf1_optimizers,
  vs.train,
  vs.upgrade,
  vs.nn,
  vs.layers,
  vs.contrib.layers,
)


INITIALIZER_FACTORIES = [getattr(vs.initializers, n) for n in vs.initializers.__all__]


def _names_of_the_call(fn) -> set[str]:
  """The function names, parameters and string arguments a bad call uses."""
  names, codes = set(), [fn.__code__]
  while codes:
    code = codes.pop()
    names.update(code.co_names)
    for const in code.co_consts:
      if isinstance(const, types.CodeType):
        codes.append(const)
      elif isinstance(const, str) and const.isidentifier():
        names.add(const)
      elif isinstance(const, tuple):
        names.update(c for c in const if isinstance(c, str))
  callables = [getattr(m, n, None) for n in list(names) for m in MODULES]
  if any(
    isinstance(c, vs.initializers.Initializer) or c in INITIALIZER_FACTORIES for c in callables
  ):
    callables.append(vs.initializers.Initializer.__call__)  # init(key, shape, dtype)
  for obj in callables:
    if callable(obj):
      try:
        names.update(inspect.signature(obj).parameters)
      except (TypeError, ValueError):
        pass
  return names - {"vs", "t", "jnp", "np", "I", "KEY", "P", "_var", "_enter", "X"}


def _is_tf_text(message: str, call) -> bool:
  """Whether the first line is TF's text (or NumPy's, as TF raises it); after the caller's
  own ``message=``, as TF's asserts put it, the second line."""
  lines = message.split("\n")
  if len(lines) > 1 and lines[0] in _strings_of(call):
    lines = lines[1:]
  return bool(NUMPY_FIRST_LINE.match(lines[0]) or any(p.match(lines[0]) for p in TF_PREFIXES))


def _strings_of(fn) -> set[str]:
  return {c for c in fn.__code__.co_consts if isinstance(c, str)}


def _bad_calls():
  for param in validation._rows():
    yield param


@pytest.mark.parametrize("bad", list(_bad_calls()))
def test_bad_call_message_follows_the_form(bad, tmp_path):
  vs.reset_default_graph()
  try:
    bad.call(tmp_path)
  except (TypeError, ValueError) as e:
    message, error = str(e), e
  else:
    pytest.skip("no error (test_public_validation reports it)")
  if PYTHON_ARGUMENT_ERROR.search(message) or _is_tf_text(message, bad.call):
    return  # Python's, or TF's (its lines after TF's text say where, as TF's node does)
  names = _names_of_the_call(bad.call)
  named = [n for n in names if re.search(r"(?<![\w.])%s(?!\w)" % re.escape(n), message)]
  assert named or str(tmp_path) in message, f"{message!r} names none of {sorted(names)}"
  assert FIX.search(message), f"{message!r} does not say how to fix it"
  if isinstance(error, TypeError):
    assert GOT.search(message), f"{message!r} does not say what it got"
