"""The source rewriter: one TF1 module's text in, varscope_jax/JAX text and a report out.

Built on libcst, so comments, blank lines and layout are kept: only the expressions that
change are replaced. Every reference through a TF import (``tf.X``, ``slim.X``,
``array_ops.X``) is read as a dotted TF name (``tf_modules``) and resolved, in order:

1. a construct with no meaning in JAX (``manual``): left in place, marked;
2. a context manager that means nothing in JAX: a null context, marked;
3. ``tf.shape(x)``: the static shape;
4. plain Python on the host (``host``): ``gfile`` -> ``open``;
5. an op of the op table (``op_table.rewrite_call``): ``jnp`` / ``jax.nn`` / ``vs.ops``;
6. a name varscope_jax provides (``vs_names``): ``vs.X``;
7. anything else: left in place, marked as unknown.

The static-shape idioms of TF tensors (``x.get_shape().as_list()``, ``.shape[i].value``,
``.shape.ndims``) are rewritten wherever they appear.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

import libcst as cst
from libcst.metadata import (
  ExpressionContext,
  ExpressionContextProvider,
  MetadataWrapper,
  PositionProvider,
  ScopeProvider,
)

from varscope_jax._src.upgrade import host
from varscope_jax._src.upgrade import manual
from varscope_jax._src.upgrade import op_table
from varscope_jax._src.upgrade import report as rep
from varscope_jax._src.upgrade import tf_modules
from varscope_jax._src.upgrade.vs_names import VsNames

MARK = "varscope_jax.upgrade:"

# The imports a rewritten module may need, by the name it uses.
_IMPORT_LINES = {
  "contextlib": "import contextlib",
  "glob": "import glob",
  "os": "import os",
  "jax": "import jax",
  "jnp": "import jax.numpy as jnp",
  "vs": "import varscope_jax as vs",
}
_IMPORT_ORDER = ("contextlib", "glob", "os", "jax", "jnp", "vs")

# TF names whose calls create variables (for control flow that must not create them).
_CREATES_VARIABLES = (
  "get_variable",
  "get_local_variable",
  "Variable",
  "layers.",
  "contrib.",
  "nn.dynamic_rnn",
  "nn.static_rnn",
  "nn.bidirectional_dynamic_rnn",
  "make_template",
  "nn.rnn_cell.",
)

_ATOMS = (
  cst.Name,
  cst.Attribute,
  cst.Call,
  cst.Subscript,
  cst.Integer,
  cst.Float,
  cst.SimpleString,
  cst.ConcatenatedString,
  cst.FormattedString,
  cst.List,
  cst.Tuple,
  cst.Dict,
  cst.Set,
  cst.ListComp,
  cst.SetComp,
  cst.DictComp,
  cst.GeneratorExp,
  cst.Ellipsis,
)


@dataclasses.dataclass(frozen=True)
class Context:
  """What the rewriter knows besides the source: varscope_jax's names, the tree's modules."""

  vs_names: VsNames
  module_name: str | None = None  # this file's dotted module name, if in a package
  is_package: bool = False  # this file is a package's ``__init__.py``
  local_modules: frozenset[str] = frozenset()  # modules of the tree being rewritten


def _short(code: str, limit: int = 72) -> str:
  code = " ".join(code.split())
  return code if len(code) <= limit else code[: limit - 3] + "..."


def _dotted(node: cst.BaseExpression) -> str | None:
  if isinstance(node, cst.Name):
    return node.value
  if isinstance(node, cst.Attribute):
    base = _dotted(node.value)
    return None if base is None else f"{base}.{node.attr.value}"
  return None


def _parse(text: str) -> cst.BaseExpression:
  expr = cst.parse_expression(text)
  if not isinstance(expr, _ATOMS):
    expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
  return expr


def _is_shape_expr(node: cst.BaseExpression) -> bool:
  """``x.shape`` or ``x.get_shape()`` (after rewriting: ``x.shape``)."""
  if isinstance(node, cst.Attribute) and node.attr.value == "shape":
    return True
  return (
    isinstance(node, cst.Call)
    and isinstance(node.func, cst.Attribute)
    and node.func.attr.value == "get_shape"
    and not node.args
  )


class _Imports(cst.CSTVisitor):
  """Local names bound to TF modules/names by the imports of a module."""

  def __init__(self, ctx: Context):
    self.ctx = ctx
    self.aliases: dict[str, str] = {}  # local name -> TF name ("" is tf itself)
    self.kept: dict[str, str] = {}  # local name -> the varscope_jax name it imports
    self.present: set[str] = set()  # which of _IMPORT_LINES the file has already

  def _keep(self, local: str, ns: str, from_import: bool) -> None:
    """Keeps ``local`` when it names a varscope_jax module (``slim``) or, imported by
    ``from``, a name varscope_jax provides (``arg_scope``): the import then imports it
    from varscope_jax and the code using it stays as it is."""
    names = self.ctx.vs_names
    resolved = names.resolve(ns) if ns else None
    if resolved is None or manual.lookup(ns) is not None:
      return
    if names.is_module(resolved):
      self.kept[local] = resolved
    elif (
      from_import
      and ns not in op_table.OPS
      and ("." not in resolved or names.is_module(resolved.rpartition(".")[0]))
    ):
      self.kept[local] = resolved

  def visit_Import(self, node: cst.Import) -> None:
    for alias in node.names:
      path = _dotted(alias.name) or ""
      ns = tf_modules.namespace(path)
      local = alias.asname.name.value if alias.asname else path.split(".")[0]
      if path in self.ctx.local_modules:
        continue
      if ns is not None:
        if alias.asname:
          self.aliases[local] = ns
          self._keep(local, ns, from_import=False)
        else:  # ``import tensorflow``: references spell the whole path
          self.aliases[local] = tf_modules.namespace(local) or ""
      elif path in ("contextlib", "glob", "os", "jax") and not alias.asname:
        self.present.add(path)
      elif path == "jax.numpy" and local == "jnp":
        self.present.add("jnp")
      elif path == "varscope_jax" and local == "vs":
        self.present.add("vs")

  def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
      return
    path = _dotted(node.module) or ""
    if tf_modules.namespace(path) is None:
      return
    for alias in node.names:
      name = alias.name.value if isinstance(alias.name, cst.Name) else _dotted(alias.name)
      local = alias.asname.name.value if alias.asname else name
      if path in self.ctx.local_modules or f"{path}.{name}" in self.ctx.local_modules:
        continue  # a module of the tree being rewritten
      ns = tf_modules.namespace(f"{path}.{name}")
      if ns is not None:
        self.aliases[local] = ns
        self._keep(local, ns, from_import=True)


class _VariableCreators(cst.CSTVisitor):
  """Functions of a module whose bodies call something that creates variables."""

  def __init__(self, resolve):
    self.resolve = resolve
    self.functions: set[str] = set()
    self._stack: list[str] = []

  def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
    self._stack.append(node.name.value)

  def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
    self._stack.pop()

  def visit_Call(self, node: cst.Call) -> None:
    name = self.resolve(node.func)
    if self._stack and name is not None and _creates_variables(name):
      self.functions.update(self._stack)


_REMOVED = "__varscope_jax_upgrade_removed__"


def _is_removed(stmt) -> bool:
  return (
    isinstance(stmt, cst.SimpleStatementLine)
    and len(stmt.body) == 1
    and isinstance(stmt.body[0], cst.Expr)
    and isinstance(stmt.body[0].value, cst.Name)
    and stmt.body[0].value.value == _REMOVED
  )


def _carry_comments(body):
  """``body`` without the lines whose TF imports were removed; their comment lines go
  onto the next statement (or are dropped at the end of a block)."""
  out, carry = [], []
  for stmt in body:
    if _is_removed(stmt):
      carry += list(stmt.leading_lines)
      continue
    if carry and isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
      stmt = stmt.with_changes(leading_lines=carry + list(stmt.leading_lines))
      carry = []
    out.append(stmt)
  return out


def _creates_variables(tf_name: str) -> bool:
  return any(
    tf_name == p or (p.endswith(".") and tf_name.startswith(p)) for p in _CREATES_VARIABLES
  )


class Rewriter(cst.CSTTransformer):
  """Rewrites one module; ``report`` holds its entries afterwards."""

  METADATA_DEPENDENCIES = (PositionProvider, ExpressionContextProvider, ScopeProvider)

  def __init__(self, path: str, module: cst.Module, ctx: Context, imports: _Imports):
    super().__init__()
    self.path = path
    self.module = module
    self.ctx = ctx
    self.aliases = imports.aliases
    self.kept = imports.kept
    self.used_kept: set[str] = set()  # kept aliases the rewritten code still uses
    self.present = imports.present
    self.needed: set[str] = set()
    self.report = rep.Report(files=[path])
    self._refs: dict[cst.CSTNode, str] = {}  # original node -> its TF name
    self._call_funcs: set[cst.CSTNode] = set()  # funcs of calls (resolved by the call)
    self._keep: set[cst.CSTNode] = set()  # calls left in place for a person
    self._skip_names: set[cst.CSTNode] = set()  # attribute/keyword names
    self._notes: list[list[str]] = []  # comment lines of the open statements
    self.creators: set[str] = set()

  # ---- helpers
  def code(self, node: cst.CSTNode) -> str:
    return self.module.code_for_node(node)

  def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
    try:
      pos = self.get_metadata(PositionProvider, node)
    except KeyError:
      return 0, 0
    return pos.start.line, pos.start.column

  def _add(self, node, kind, old, new="", note=""):
    line, col = self._pos(node)
    self.report.entries.append(
      rep.Entry(self.path, line, col, kind, _short(old), _short(new), note)
    )

  def _mark(self, text: str) -> None:
    if self._notes and text not in self._notes[-1]:
      self._notes[-1].append(text)

  def _flag(self, node, kind, tf_name, note):
    self._add(node, kind, self.code(node), note=note)
    self._mark(f"tf.{tf_name}: {note}" if tf_name else note)

  def _use(self, text: str) -> str:
    for name in ("jax", "jnp", "vs", "os", "glob", "contextlib"):
      if f"{name}." in text or text == name:
        self.needed.add(name)
    if "jax.numpy" in text:
      self.needed.add("jax")
    return text

  def tf_name(self, node: cst.BaseExpression) -> str | None:
    """The TF name an expression spells through a TF import, or None."""
    if isinstance(node, cst.Name):
      if node.value not in self.aliases or not self._is_import_binding(node):
        return None
      return tf_modules.canonical(self.aliases[node.value])
    if isinstance(node, cst.Attribute):
      base = self.tf_name(node.value)
      if base is None:
        return None
      return tf_modules.canonical(f"{base}.{node.attr.value}" if base else node.attr.value)
    return None

  def _is_import_binding(self, node: cst.Name) -> bool:
    try:
      scope = self.get_metadata(ScopeProvider, node)
    except KeyError:
      return True
    if scope is None:
      return True
    assignments = scope[node.value]  # pyright: ignore[reportInvalidTypeArguments]
    if not assignments:
      return True
    nodes = [getattr(a, "node", None) for a in assignments]  # pyright: ignore[reportGeneralTypeIssues]
    return all(isinstance(n, (cst.Import, cst.ImportFrom)) for n in nodes)

  # ---- statements: comment lines above the statement that holds a flagged construct
  def _push(self, node) -> None:
    self._notes.append([])

  def _pop(self, updated):
    notes = self._notes.pop()
    if not notes:
      return updated
    have = {line.comment.value for line in updated.leading_lines if line.comment}
    lines = list(updated.leading_lines)
    for note in notes:
      comment = f"# {MARK} {note}"
      if comment not in have:
        lines.append(cst.EmptyLine(comment=cst.Comment(comment)))
    return updated.with_changes(leading_lines=lines)

  def visit_SimpleStatementLine(self, node):
    self._push(node)

  def leave_SimpleStatementLine(self, original_node, updated_node):
    out = self._pop(updated_node)
    if not updated_node.body:  # only TF imports: its comment lines move to the next line
      if any(line.comment for line in updated_node.leading_lines):
        return updated_node.with_changes(body=[cst.Expr(cst.Name(_REMOVED))])
      return cst.RemoveFromParent()
    return out

  def visit_With(self, node):
    self._push(node)

  def leave_With(self, original_node, updated_node):
    return self._pop(updated_node)

  def visit_If(self, node):
    self._push(node)

  def leave_If(self, original_node, updated_node):
    return self._pop(updated_node)

  def visit_For(self, node):
    self._push(node)

  def leave_For(self, original_node, updated_node):
    return self._pop(updated_node)

  def visit_While(self, node):
    self._push(node)

  def leave_While(self, original_node, updated_node):
    return self._pop(updated_node)

  def visit_FunctionDef(self, node):
    self._push(node)

  def leave_FunctionDef(self, original_node, updated_node):
    return self._pop(updated_node)

  def visit_ClassDef(self, node):
    self._push(node)

  def leave_ClassDef(self, original_node, updated_node):
    return self._pop(updated_node)

  def leave_IndentedBlock(self, original_node, updated_node):
    body = _carry_comments(updated_node.body)
    if not body:  # its only statement was a TF import
      body = [cst.SimpleStatementLine([cst.Pass()])]
    return updated_node.with_changes(body=body)

  # ---- imports
  def visit_Import(self, node):
    return False

  def visit_ImportFrom(self, node):
    return False

  def leave_Import(self, original_node, updated_node):
    kept = []
    for alias in updated_node.names:
      path = _dotted(alias.name) or ""
      if path in self.ctx.local_modules:  # a module of the tree being rewritten
        asname = alias.asname.name.value if alias.asname else None
        if len(updated_node.names) > 1 or (asname is None and "." in path):
          kept.append(alias)  # ``import a.b`` binds ``a``: left as it is
          continue
        new = self._relative_import(path, asname)
        if new is None:
          kept.append(alias)
          continue
        self._add(
          original_node,
          rep.IMPORT,
          self.code(original_node),
          self.code(new),
          "a module of the tree being rewritten",
        )
        return new
      if tf_modules.is_tf_module(path):
        local = alias.asname.name.value if alias.asname else None
        if local in self.kept:
          new = self._vs_import([(local, self.kept[local])])
          self._add(original_node, rep.IMPORT, self.code(original_node), self.code(new))
          return new
        self._add(original_node, rep.IMPORT, f"import {path}", "(removed)")
        continue
      kept.append(alias)
    if len(kept) == len(updated_node.names):
      return updated_node
    if not kept:
      return cst.RemoveFromParent()
    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return updated_node.with_changes(names=kept)

  def leave_ImportFrom(self, original_node, updated_node):
    if updated_node.relative or updated_node.module is None:
      return updated_node
    path = _dotted(updated_node.module) or ""
    local = self._local_from(path, updated_node)
    if local is not None:
      self._add(
        original_node,
        rep.IMPORT,
        self.code(original_node),
        self.code(local),
        "a module of the tree being rewritten",
      )
      return local
    if not tf_modules.is_tf_module(path):
      return updated_node
    pairs = []
    if not isinstance(updated_node.names, cst.ImportStar):
      for alias in updated_node.names:
        name = (
          alias.asname.name.value
          if alias.asname
          else (alias.name.value if isinstance(alias.name, cst.Name) else None)
        )
        if name in self.kept:
          pairs.append((name, self.kept[name]))
    if pairs:
      new = self._vs_import(pairs)
      self._add(original_node, rep.IMPORT, _short(self.code(original_node)), _short(self.code(new)))
      return new
    self._add(original_node, rep.IMPORT, _short(self.code(original_node)), "(removed)")
    return cst.RemoveFromParent()

  @staticmethod
  def _vs_import(pairs):
    """``from varscope_jax.<parent> import <name> as <local>, ...`` (one statement per parent)."""
    by_parent: dict[str, list[str]] = {}
    for local, target in pairs:
      parent, _, name = target.rpartition(".")
      by_parent.setdefault(parent, []).append(name if name == local else f"{name} as {local}")
    stmts = []
    for parent, names in by_parent.items():
      module = "varscope_jax" + (f".{parent}" if parent else "")
      stmts.append(cst.parse_statement(f"from {module} import {', '.join(names)}").body[0])
    return stmts[0] if len(stmts) == 1 else cst.FlattenSentinel(stmts)

  def _relative(self, target: str) -> tuple[int, str]:
    """(dots, module) of a relative import of ``target`` from this module."""
    here = (self.ctx.module_name or "").split(".")
    package = here if self.ctx.is_package else here[:-1]
    parts = target.split(".")
    common = 0
    while common < min(len(package), len(parts)) and package[common] == parts[common]:
      common += 1
    return len(package) - common + 1, ".".join(parts[common:])

  def _relative_import(self, target, asname):
    dots, module = self._relative(target)
    if not module:  # the package itself
      return None
    head, _, last = module.rpartition(".")
    text = f"from {'.' * dots}{head} import {last}"
    if asname and asname != last:
      text += f" as {asname}"
    return cst.parse_statement(text).body[0]

  def _local_from(self, path, node):
    """``from tree.mod import x``, as a relative import, when ``tree.mod`` is rewritten too."""
    if isinstance(node.names, cst.ImportStar):
      return None
    names = [a.name.value for a in node.names if isinstance(a.name, cst.Name)]
    if path in self.ctx.local_modules:
      dots, module = self._relative(path)
      return node.with_changes(
        relative=[cst.Dot()] * dots, module=cst.parse_expression(module) if module else None
      )
    if names and all(f"{path}.{n}" in self.ctx.local_modules for n in names):
      dots, module = self._relative(path + "." + names[0])
      parent = module.rpartition(".")[0]
      return node.with_changes(
        relative=[cst.Dot()] * dots, module=cst.parse_expression(parent) if parent else None
      )
    return None

  # ---- names and attributes
  def visit_Arg(self, node):
    if node.keyword is not None:
      self._skip_names.add(node.keyword)

  def visit_Attribute(self, node):
    name = self.tf_name(node)
    if name is not None:
      self._refs[node] = name
      return False
    self._skip_names.add(node.attr)
    return True

  def visit_Name(self, node):
    if node in self._skip_names or node.value not in self.aliases:
      return
    try:
      ctx = self.get_metadata(ExpressionContextProvider, node)
    except KeyError:
      ctx = None
    if ctx is not ExpressionContext.LOAD:
      return
    name = self.tf_name(node)
    if name is not None:
      self._refs[node] = name

  def leave_Name(self, original_node, updated_node):
    return self._leave_ref(original_node, updated_node)

  def leave_Attribute(self, original_node, updated_node):
    if original_node in self._refs:
      return self._leave_ref(original_node, updated_node)
    # ``x.shape.ndims`` / ``x.get_shape().ndims`` / ``.shape.rank``: the rank
    if updated_node.attr.value in ("ndims", "rank") and _is_shape_expr(updated_node.value):
      value = updated_node.value
      base = value.value if isinstance(value, cst.Attribute) else value.func.value
      new = cst.Attribute(value=base, attr=cst.Name("ndim"))
      self._add(original_node, rep.SHAPE, self.code(original_node), self.code(new))
      return new
    # ``x.shape[i].value`` / ``x.get_shape()[i].value``: the dimension itself
    if (
      updated_node.attr.value == "value"
      and isinstance(updated_node.value, cst.Subscript)
      and _is_shape_expr(updated_node.value.value)
    ):
      new = updated_node.value
      self._add(original_node, rep.SHAPE, self.code(original_node), self.code(new))
      return new
    return updated_node

  def _leave_ref(self, original_node, updated_node):
    name = self._refs.get(original_node)
    if name is None or original_node in self._call_funcs:
      return updated_node
    old = self.code(original_node)
    advice = manual.lookup(name)
    if advice is not None:
      self._flag(original_node, rep.MANUAL, name, advice)
      return updated_node
    if name in host.VALUES:
      text, _ = host.VALUES[name]
      self._add(original_node, rep.RENAMED, old, text)
      return _parse(self._use(text))
    vs_name = self.ctx.vs_names.resolve(name)
    if vs_name is not None:
      if self._spelled_by_kept_alias(original_node, vs_name):
        return updated_node
      new = f"vs.{vs_name}"
      self._add(original_node, rep.RENAMED, old, new)
      return _parse(self._use(new))
    if name in op_table.OPS:  # a function passed as a value: ``activation=tf.tanh``
      text = self._op_reference(name)
      if text is not None:
        self._add(original_node, rep.OP, old, text)
        return _parse(self._use(text))
      self._flag(
        original_node,
        rep.UNSUPPORTED,
        name,
        f"a reference to tf.{name}: call {op_table.OPS[name].jax} in a lambda",
      )
      return updated_node
    self._unknown(original_node, name)
    return updated_node

  def _unknown(self, node, name: str) -> None:
    """A TF name with no rewrite: what to use instead where ``manual.ADVICE`` knows it
    (``tf.while_loop`` -> ``jax.lax.while_loop``), else "no equivalent known"."""
    advice = manual.find(name)
    if advice is not None:
      self._flag(node, rep.MANUAL, name, advice.text)
    else:
      self._flag(
        node, rep.UNKNOWN, name, "no varscope_jax or JAX equivalent known: rewrite by hand"
      )

  def _spelled_by_kept_alias(self, node, vs_name: str) -> bool:
    """Whether ``node`` (``slim.conv2d``) already spells ``vs_name`` through a kept alias."""
    dotted = _dotted(node)
    if dotted is None:
      return False
    head, _, rest = dotted.partition(".")
    target = self.kept.get(head)
    if target is not None and vs_name == (f"{target}.{rest}" if rest else target):
      self.used_kept.add(head)
      return True
    return False

  def _op_reference(self, name: str) -> str | None:
    op = op_table.OPS[name]
    for params in (["x"], ["x", "y"]):
      try:
        text = op_table.rewrite_call(name, params, {})
      except (op_table.Unsupported, TypeError, IndexError, KeyError, ValueError):
        continue
      if text is None:
        return None
      if text == f"{op.jax}({', '.join(params)})":
        return op.jax
      return f"lambda {', '.join(params)}: {text}"
    return None

  # ---- calls
  def visit_Call(self, node):
    self._call_funcs.add(node.func)
    name = self.tf_name(node.func)
    if name is None:
      method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
      keywords = {a.keyword.value for a in node.args if a.keyword is not None}
      if method in manual.METHODS:
        self._flag(node, rep.MANUAL, None, f".{method}(): {manual.METHODS[method]}")
        self._keep.add(node)
        return False
      if method in ("run", "eval") and keywords & set(manual.SESSION_KEYWORDS):
        self._flag(node, rep.MANUAL, None, manual.SESSION_RUN_ADVICE)
        self._keep.add(node)
        return False
      return True
    advice = manual.lookup(name)
    if advice is not None:
      self._flag(node, rep.MANUAL, name, advice)
      self._keep.add(node)
      return False
    if name in manual.VARIABLE_CONTROL_FLOW and self._args_create_variables(node):
      self._flag(node, rep.MANUAL, name, manual.CONTROL_FLOW_ADVICE)
      self._keep.add(node)
      return False
    return True

  def _args_create_variables(self, node: cst.Call) -> bool:
    found = []
    rewriter = self

    class Finder(cst.CSTVisitor):
      def visit_Call(self, call):
        name = rewriter.tf_name(call.func)
        if name is not None and _creates_variables(name):
          found.append(call)
        elif isinstance(call.func, cst.Name) and call.func.value in rewriter.creators:
          found.append(call)

      def visit_Name(self, n):
        if n.value in rewriter.creators:
          found.append(n)

    for arg in node.args:
      arg.value.visit(Finder())
    return bool(found)

  def leave_Call(self, original_node, updated_node):
    if original_node in self._keep:
      return updated_node
    name = self._refs.get(original_node.func)
    if name is None:
      return self._method_idiom(original_node, updated_node)
    old = self.code(original_node)
    args = [self.code(a.value) for a in updated_node.args if a.keyword is None and not a.star]
    kwargs = {
      a.keyword.value: self.code(a.value) for a in updated_node.args if a.keyword is not None
    }
    if name in manual.NULL_CONTEXTS:
      new = "contextlib.nullcontext()"
      advice = manual.ADVICE[name].text
      self._add(original_node, rep.NULL_CONTEXT, old, new, advice)
      self._mark(f"tf.{name}: {advice}")
      return _parse(self._use(new))
    if name == "shape" and len(updated_node.args) >= 1 and args:
      value = updated_node.args[0].value
      new_node = (
        cst.Attribute(value=value, attr=cst.Name("shape"))
        if isinstance(value, (cst.Name, cst.Attribute, cst.Subscript, cst.Call))
        else _parse(self._use(f"jnp.shape({args[0]})"))
      )
      self._add(original_node, rep.SHAPE, old, self.code(new_node), "static under jit")
      return new_node
    if name in host.CALLS:
      call = host.CALLS[name]
      text = host.render(call, args, kwargs)
      self.needed.update(call.imports)
      self._add(original_node, rep.HOST, old, text, call.note)
      return _parse(self._use(text))
    if name in op_table.OPS and any(a.star for a in updated_node.args):
      self._flag(
        original_node,
        rep.UNSUPPORTED,
        name,
        "*args/**kwargs: the upgrader needs the arguments spelled out",
      )
      return updated_node
    try:
      text = op_table.rewrite_call(name, args, kwargs)
    except op_table.Unsupported as e:
      self._flag(original_node, rep.UNSUPPORTED, name, str(getattr(e, "reason", e)))
      return updated_node
    if text is not None:
      new = self._keep_layout(updated_node, _parse(self._use(text)))
      self._add(original_node, rep.OP, old, self.code(new))
      return new
    vs_name = self.ctx.vs_names.resolve(name)
    if vs_name is not None:
      if self._spelled_by_kept_alias(original_node.func, vs_name):
        return updated_node
      func = _parse(self._use(f"vs.{vs_name}"))
      self._add(original_node, rep.RENAMED, self.code(original_node.func), f"vs.{vs_name}")
      return updated_node.with_changes(func=func)
    self._unknown(original_node, name)
    return updated_node

  def _keep_layout(self, old: cst.Call, new: cst.BaseExpression) -> cst.BaseExpression:
    """``new`` with ``old``'s own argument nodes where it passes them unchanged.

    A rename with the same arguments (``tf.reshape(x, s)`` -> ``jnp.reshape(x, s)``,
    maybe dropping ``name=``) keeps the arguments' line breaks and comments.
    """
    if not isinstance(new, cst.Call) or new.lpar:
      return new
    pool = [(a.keyword.value if a.keyword else None, self.code_of(a.value), a) for a in old.args]
    kept, i = [], 0
    for arg in new.args:
      key = (arg.keyword.value if arg.keyword else None, self.code_of(arg.value))
      while i < len(pool) and pool[i][:2] != key:
        i += 1
      if i == len(pool):
        return new
      kept.append(pool[i][2])
      i += 1
    if kept:
      kept[-1] = kept[-1].with_changes(comma=old.args[-1].comma)
    return new.with_changes(args=kept, whitespace_before_args=old.whitespace_before_args)

  @staticmethod
  def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)

  def _method_idiom(self, original_node, updated_node):
    func = updated_node.func
    if not isinstance(func, cst.Attribute) or updated_node.args:
      return updated_node
    method = func.attr.value
    if method == "get_shape":
      new = cst.Attribute(value=func.value, attr=cst.Name("shape"))
      self._add(original_node, rep.SHAPE, self.code(original_node), self.code(new))
      return new
    if method == "as_list":
      new = cst.Call(func=cst.Name("list"), args=[cst.Arg(func.value)])
      note = "" if _is_shape_expr(func.value) else "assumed a TensorShape"
      self._add(original_node, rep.SHAPE, self.code(original_node), self.code(new), note)
      return new
    if method == "num_elements" and _is_shape_expr(func.value):
      base = func.value.value
      new = cst.Attribute(value=base, attr=cst.Name("size"))
      self._add(original_node, rep.SHAPE, self.code(original_node), self.code(new))
      return new
    return updated_node

  # ---- the module: the imports the rewritten code needs
  def _drop_unused_kept(self, body):
    """Imports of kept aliases that no rewritten reference uses any more (``nn_ops``)."""
    out = []
    for stmt in body:
      small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and stmt.body else None
      if (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and small.module is not None
        and (_dotted(small.module) or "").startswith("varscope_jax")
        and not isinstance(small.names, cst.ImportStar)
      ):
        names = [
          a
          for a in small.names
          if (a.asname.name.value if a.asname else a.name.value) in self.used_kept
          or (a.asname.name.value if a.asname else a.name.value) not in self.kept
        ]
        if not names:  # its comment lines go onto the next statement
          if any(line.comment for line in stmt.leading_lines):
            out.append(stmt.with_changes(body=[cst.Expr(cst.Name(_REMOVED))]))
          continue
        if len(names) != len(small.names):
          names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
          stmt = stmt.with_changes(body=[small.with_changes(names=names)])
      out.append(stmt)
    return out

  def leave_Module(self, original_node, updated_node):
    body = _carry_comments(self._drop_unused_kept(updated_node.body))
    updated_node = updated_node.with_changes(body=body)
    missing = [n for n in _IMPORT_ORDER if n in self.needed and n not in self.present]
    if not missing:
      return updated_node
    lines = [cst.parse_statement(_IMPORT_LINES[n] + "\n") for n in missing]
    body = list(updated_node.body)
    at = self._import_position(body)
    for i, stmt in enumerate(body[:at]):  # before the imports from varscope_jax modules
      small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and stmt.body else None
      if (
        isinstance(small, cst.ImportFrom)
        and small.module is not None
        and not small.relative
        and (_dotted(small.module) or "").startswith("varscope_jax")
      ):
        at = i
        break
    return updated_node.with_changes(body=body[:at] + lines + body[at:])

  @staticmethod
  def _import_position(body) -> int:
    """After the docstring, ``__future__`` imports and the leading imports."""
    at = 0
    for i, stmt in enumerate(body):
      if not isinstance(stmt, cst.SimpleStatementLine):
        break
      small = stmt.body[0] if stmt.body else None
      if i == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString):
        at = 1
        continue
      if isinstance(small, (cst.Import, cst.ImportFrom)):
        at = i + 1
        continue
      break
    return at


def rewrite(source: str, path: str, ctx: Context) -> tuple[str, rep.Report]:
  """One module's source upgraded, and its report."""
  module = cst.parse_module(source)
  wrapper = MetadataWrapper(module)
  imports = _Imports(ctx)
  wrapper.module.visit(imports)
  if not imports.aliases:
    return source, rep.Report(files=[path])
  rewriter = Rewriter(path, wrapper.module, ctx, imports)
  creators = _VariableCreators(lambda node: _resolve_static(node, imports.aliases))
  wrapper.module.visit(creators)
  rewriter.creators = creators.functions
  new = wrapper.visit(rewriter)
  return new.code, rewriter.report


def _resolve_static(node, aliases: Mapping[str, str]) -> str | None:
  dotted = _dotted(node)
  if dotted is None:
    return None
  head, _, rest = dotted.partition(".")
  if head not in aliases:
    return None
  base = aliases[head]
  return tf_modules.canonical(".".join(p for p in (base, rest) if p))
