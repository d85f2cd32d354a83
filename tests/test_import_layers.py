"""The package's layers import only downward, with no cycles and no hidden imports.

``varscope_jax/_src`` is split into layers (see ``varscope_jax/_src/README.md``); each may
import only the layers listed for it below. Imports inside functions are allowed only
for heavy optional dependencies at the public boundary (``LAZY_OK``), never for the
package's own modules (that is how cycles hide).
"""

import ast
import collections
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "varscope_jax"
SRC = ROOT / "_src"

# layer -> the layers it may import (itself included).
ALLOWED = {
  "base": {"base"},
  "params": {"base", "params"},
  "initializers": {"base", "initializers"},
  "core": {"base", "params", "initializers", "core"},
  "transform": {"base", "params", "initializers", "core", "transform"},
  "layers": {"base", "params", "initializers", "core", "transform", "layers"},
  "nn": {"base", "params", "initializers", "core", "transform", "layers", "nn"},
  "contrib": {"base", "params", "initializers", "core", "transform", "layers", "nn", "contrib"},
  "bridges": {"base", "params", "initializers", "core", "transform", "bridges"},
  "optim": {"base", "optim"},
  "io": {"base", "params", "optim", "io"},
  "upgrade": {"upgrade"},
  "ops": {"base", "ops"},  # base: tf_errors (TF's texts)
}
# Third-party modules that may be imported lazily inside functions (heavy, optional).
LAZY_OK = {
  "orbax",
  "tensorstore",
  "etils",
  "safetensors",
  "rich",
  "flax",
  "optax",
  "google_crc32c",
  "ml_dtypes",
  "matplotlib",
  "tqdm",
  "jax.experimental.compilation_cache",
}


def _modules():
  for path in sorted(SRC.rglob("*.py")):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
      parts = parts[:-1]
    yield ".".join(parts), path


def _imports(path, modname):
  """(imported module, line, inside a function?) for every import in the file."""
  tree = ast.parse(path.read_text())
  is_pkg = path.name == "__init__.py"
  out = []

  def visit(node, in_fn):
    for child in ast.iter_child_nodes(node):
      fn = in_fn or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
      if isinstance(child, ast.Import):
        for a in child.names:
          out.append((a.name, child.lineno, in_fn))
      elif isinstance(child, ast.ImportFrom):
        if child.level:
          base = modname.split(".") if is_pkg else modname.split(".")[:-1]
          base = base[: len(base) - child.level + 1]
          mod = ".".join(base + ([child.module] if child.module else []))
        else:
          mod = child.module or ""
        out.append((mod, child.lineno, in_fn))
        for a in child.names:  # ``from pkg import submodule``
          out.append((mod + "." + a.name, child.lineno, in_fn))
      visit(child, fn)

  visit(tree, False)
  return out


def _layer(mod):
  parts = mod.split(".")
  if parts[:2] != ["varscope_jax", "_src"] or len(parts) < 3:
    return None
  return parts[2]


MODULES = dict(_modules())


def _internal(mod):
  """The package module ``mod`` names (a module, or the module holding a name)."""
  while mod and mod not in MODULES:
    mod = mod.rpartition(".")[0]
  return mod or None


def test_every_module_is_in_a_known_layer():
  for mod in MODULES:
    layer = _layer(mod)
    assert layer is None or layer in ALLOWED or mod == "varscope_jax._src", (
      f"{mod}: layer {layer!r} is not in tests/test_import_layers.py's ALLOWED table; "
      "add it there with the layers it may import."
    )


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_imports_point_down(mod):
  layer = _layer(mod)
  for imported, line, _ in _imports(MODULES[mod], mod):
    target = _internal(imported) if imported.startswith("varscope_jax") else None
    if target is None:
      if imported.startswith("varscope_jax") and not imported.startswith("varscope_jax._src"):
        pytest.fail(
          f"{mod}:{line} imports the public package ({imported}); the "
          "implementation imports only varscope_jax._src modules."
        )
      continue
    to = _layer(target)
    if layer is not None and to is not None:
      assert to in ALLOWED[layer], (
        f"{mod}:{line} imports {target}: layer '{layer}' may import only "
        f"{sorted(ALLOWED[layer])}, not '{to}'."
      )


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_no_hidden_imports_inside_functions(mod):
  for imported, line, in_fn in _imports(MODULES[mod], mod):
    if not in_fn:
      continue
    assert not imported.startswith("varscope_jax"), (
      f"{mod}:{line} imports {imported} inside a function: import it at the top."
    )
    assert any(imported == ok or imported.startswith(ok + ".") for ok in LAZY_OK), (
      f"{mod}:{line} imports {imported} inside a function; only heavy optional "
      f"dependencies may be imported lazily ({sorted(LAZY_OK)})."
    )


def test_no_import_cycles():
  graph = {}
  for mod, path in MODULES.items():
    deps = set()
    for imported, _, in_fn in _imports(path, mod):
      target = _internal(imported) if imported.startswith("varscope_jax._src") else None
      if target and target != mod and not in_fn:
        deps.add(target)
    graph[mod] = deps
  # A package imports its own submodules' parents first: __init__ -> child is no cycle
  # unless the child imports the package back; keep the edges as they are.
  state, stack = {}, []

  def dfs(node):
    state[node] = 1
    stack.append(node)
    for nxt in graph.get(node, ()):
      if state.get(nxt) == 1:
        cycle = stack[stack.index(nxt) :] + [nxt]
        pytest.fail("import cycle: " + " -> ".join(cycle))
      if nxt not in state:
        dfs(nxt)
    stack.pop()
    state[node] = 2

  for node in sorted(graph):
    if node not in state:
      dfs(node)


def _module_aliases():
  """{module: {the names it is imported as}} over the package (``from pkg import mod``)."""
  aliases = collections.defaultdict(set)
  for mod, path in MODULES.items():
    for node in ast.walk(ast.parse(path.read_text())):
      if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("varscope_jax._src"):
        for a in node.names:
          target = node.module + "." + a.name
          if target in MODULES:
            aliases[target].add((a.asname or a.name, mod))
  return aliases


def test_one_alias_per_module():
  """A module is imported under one name everywhere, and no name means two modules."""
  aliases = _module_aliases()
  for target, uses in sorted(aliases.items()):
    names = sorted({name for name, _ in uses})
    assert len(names) == 1, (
      f"{target} is imported as {names} (in "
      f"{sorted(m for _, m in uses)}); import it under one name everywhere."
    )
  owners = collections.defaultdict(set)
  for target, uses in aliases.items():
    for name, _ in uses:
      owners[name].add(target)
  for name, targets in sorted(owners.items()):
    assert len(targets) == 1, f"the name {name!r} stands for {sorted(targets)}; give each its own."


# ---------------------------------------------------------------------------- private names
def _package_modules(root):
  """{dotted name: path} of every module of the package at ``root`` (facades and ``_src``)."""
  out = {}
  for path in sorted(root.rglob("*.py")):
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
      parts = parts[:-1]
    out[".".join(parts)] = path
  return out


def _is_private(name):
  return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _function_locals(fn):
  """The names a function binds itself (arguments, assignments): they hide module aliases."""
  names = set()
  args = fn.args
  for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
    if arg is not None:
      names.add(arg.arg)
  stack = list(fn.body) if isinstance(fn.body, list) else [fn.body]
  while stack:
    node = stack.pop()
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
      names.add(node.id)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
      names.add(node.name)
      continue
    if not isinstance(node, ast.Lambda):
      stack.extend(ast.iter_child_nodes(node))
  return names


def private_reaches(path, modname, modules):
  """``[(line, "module._name")]``: every private name of another package module that the
  file at ``path`` (module ``modname``, or None for a file outside the package) imports
  (``from pkg.mod import _name``) or reaches (``mod._name``, ``getattr(mod, "_name")``,
  ``setattr``/``hasattr``/``delattr`` and ``monkeypatch.setattr("pkg.mod._name", ...)``).

  Dunders are not private; a module's own private names are its own; a module imported
  under a private alias (``import ... as _cli``) is no reach: the module name is public.
  """
  tree = ast.parse(path.read_text())
  is_pkg = path.name == "__init__.py"
  package = next(iter(modules)).split(".")[0]
  bound, out = {}, []  # alias -> the package module it names
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      for a in node.names:
        if a.name.split(".")[0] == package:
          bound[a.asname or package] = a.name if a.asname else package
    elif isinstance(node, ast.ImportFrom):
      if node.level:
        base = (modname or "").split(".")
        base = base if is_pkg else base[:-1]
        base = base[: len(base) - node.level + 1]
        mod = ".".join(base + ([node.module] if node.module else []))
      else:
        mod = node.module or ""
      if mod.split(".")[0] != package:
        continue
      for a in node.names:
        full = mod + "." + a.name
        if full in modules:
          bound[a.asname or a.name] = full
        elif _is_private(a.name) and mod != modname:
          out.append((node.lineno, full))

  def module_of(node, hidden):
    if isinstance(node, ast.Name):
      return None if node.id in hidden else bound.get(node.id)
    if isinstance(node, ast.Attribute):
      mod = module_of(node.value, hidden)
      if mod is not None and mod + "." + node.attr in modules:
        return mod + "." + node.attr
    return None

  def reach(line, mod, name):
    if mod is not None and mod != modname and _is_private(name) and mod + "." + name not in modules:
      out.append((line, mod + "." + name))

  def visit(node, hidden):
    for child in ast.iter_child_nodes(node):
      inner = hidden
      if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        inner = hidden | _function_locals(child)
      if isinstance(child, ast.Attribute):
        reach(child.lineno, module_of(child.value, inner), child.attr)
      if isinstance(child, ast.Call):
        fn = child.func
        fname = (
          fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
        )
        args = child.args
        if (
          fname in ("getattr", "setattr", "hasattr", "delattr")
          and len(args) >= 2
          and isinstance(args[1], ast.Constant)
          and isinstance(args[1].value, str)
        ):
          reach(child.lineno, module_of(args[0], inner), args[1].value)
        if (
          fname in ("setattr", "delattr")
          and args
          and isinstance(args[0], ast.Constant)
          and isinstance(args[0].value, str)
        ):
          mod, _, name = args[0].value.rpartition(".")
          reach(child.lineno, mod if mod in modules else None, name)
      visit(child, inner)

  visit(tree, frozenset())
  return sorted(set(out))


def private_offences(root):
  """``["module -> imported_module._name (line N)", ...]`` over the package at ``root``."""
  modules = _package_modules(root)
  return [
    f"{mod} -> {target} (line {line})"
    for mod, path in modules.items()
    for line, target in private_reaches(path, mod, modules)
  ]


def test_no_module_imports_another_modules_private_name():
  """What one module uses of another is a public name of it (``_src`` is private already)."""
  offences = private_offences(ROOT)
  assert not offences, (
    f"{len(offences)} private names are used outside their module; give each a public "
    "name (with a docstring) in the module that owns it:\n" + "\n".join(offences)
  )


def test_private_reaches_are_found(tmp_path):
  """The check above sees every spelling of a reach, and only reaches."""
  pkg = tmp_path / "pkg"
  (pkg / "sub").mkdir(parents=True)
  (pkg / "__init__.py").write_text("")
  (pkg / "sub" / "__init__.py").write_text("")
  (pkg / "sub" / "owner.py").write_text("_x = 1\n__version__ = 1\nx = _x\n")
  (pkg / "sub" / "user.py").write_text(
    "import pkg.sub.owner\n"
    "import pkg.sub.owner as own\n"
    "from pkg.sub import owner\n"
    "from pkg.sub import owner as _owner\n"
    "from pkg.sub.owner import _x\n"
    "from .owner import _x as y\n"
    "from pkg.sub.owner import x, __version__\n"
    "a = owner._x + own._x + _owner._x + pkg.sub.owner._x + owner.__version__ + owner.x\n"
    "b = getattr(owner, '_x')\n"
    "def f(monkeypatch, owner):\n"
    "  monkeypatch.setattr('pkg.sub.owner._x', 2)\n"
    "  return owner._x\n"
  )
  found = [
    (line, target)
    for line, target in private_reaches(
      pkg / "sub" / "user.py", "pkg.sub.user", _package_modules(pkg)
    )
  ]
  assert [line for line, _ in found] == [5, 6, 8, 9, 11]
  assert {target for _, target in found} == {"pkg.sub.owner._x"}
  assert private_offences(pkg) == [
    f"pkg.sub.user -> pkg.sub.owner._x (line {line})" for line in (5, 6, 8, 9, 11)
  ]
