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
    "ops": {"base", "ops"},   # base: tf_errors (TF's texts)
}
# Third-party modules that may be imported lazily inside functions (heavy, optional).
LAZY_OK = {"orbax", "tensorstore", "etils", "safetensors", "rich", "flax", "optax",
           "google_crc32c", "ml_dtypes", "matplotlib", "tqdm",
           "jax.experimental.compilation_cache"}


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
          base = base[:len(base) - child.level + 1]
          mod = ".".join(base + ([child.module] if child.module else []))
        else:
          mod = child.module or ""
        out.append((mod, child.lineno, in_fn))
        for a in child.names:   # ``from pkg import submodule``
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
        "add it there with the layers it may import.")


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_imports_point_down(mod):
  layer = _layer(mod)
  for imported, line, _ in _imports(MODULES[mod], mod):
    target = _internal(imported) if imported.startswith("varscope_jax") else None
    if target is None:
      if imported.startswith("varscope_jax") and not imported.startswith("varscope_jax._src"):
        pytest.fail(f"{mod}:{line} imports the public package ({imported}); the "
                    "implementation imports only varscope_jax._src modules.")
      continue
    to = _layer(target)
    if layer is not None and to is not None:
      assert to in ALLOWED[layer], (
          f"{mod}:{line} imports {target}: layer '{layer}' may import only "
          f"{sorted(ALLOWED[layer])}, not '{to}'.")


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_no_hidden_imports_inside_functions(mod):
  for imported, line, in_fn in _imports(MODULES[mod], mod):
    if not in_fn:
      continue
    assert not imported.startswith("varscope_jax"), (
        f"{mod}:{line} imports {imported} inside a function: import it at the top.")
    assert any(imported == ok or imported.startswith(ok + ".") for ok in LAZY_OK), (
        f"{mod}:{line} imports {imported} inside a function; only heavy optional "
        f"dependencies may be imported lazily ({sorted(LAZY_OK)}).")


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
        cycle = stack[stack.index(nxt):] + [nxt]
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
        f"{sorted(m for _, m in uses)}); import it under one name everywhere.")
  owners = collections.defaultdict(set)
  for target, uses in aliases.items():
    for name, _ in uses:
      owners[name].add(target)
  for name, targets in sorted(owners.items()):
    assert len(targets) == 1, f"the name {name!r} stands for {sorted(targets)}; give each its own."
