"""The public surface: every public function and class documents itself with an example."""

import inspect

import pytest

import varscope_jax as vs
from varscope_jax import initializers

# Constants, enums and dtypes: data, not functions.
NOT_FUNCTIONS = {
  "AUTO_REUSE",
  "GraphKeys",
  "VariableSynchronization",
  "VariableAggregation",
  "initializers",
}


def public_callables(module):
  for name in dir(module):
    if name.startswith("_") or name in NOT_FUNCTIONS:
      continue
    obj = getattr(module, name)
    if inspect.ismodule(obj) or not callable(obj):
      continue
    if not getattr(obj, "__module__", "").startswith("varscope_jax"):
      continue  # re-exported dtypes (jnp.float32 ...)
    yield name, obj


def test_every_public_callable_has_a_docstring_with_an_example():
  missing = [name for name, obj in public_callables(vs) if ">>>" not in (obj.__doc__ or "")]
  assert missing == [], f"public names without a >>> example in their docstring: {missing}"


def test_initializers_namespace_has_examples():
  missing = [
    name for name, obj in public_callables(initializers) if ">>>" not in (obj.__doc__ or "")
  ]
  assert missing == []


def test_ops_namespace_has_examples():
  missing = [name for name, obj in public_callables(vs.ops) if ">>>" not in (obj.__doc__ or "")]
  assert missing == [] and len(vs.ops.__all__) >= 29, missing


def test_tf1_surface_is_importable_under_tf_names():
  for name in [
    "variable_scope",
    "name_scope",
    "get_variable",
    "Variable",
    "AUTO_REUSE",
    "get_variable_scope",
    "VariableScope",
    "make_template",
    "constant_initializer",
    "zeros_initializer",
    "ones_initializer",
    "random_normal_initializer",
    "truncated_normal_initializer",
    "random_uniform_initializer",
    "glorot_uniform_initializer",
    "glorot_normal_initializer",
    "variance_scaling_initializer",
    "orthogonal_initializer",
    "get_local_variable",
    "get_collection",
    "GraphKeys",
    "no_regularizer",
    "reset_default_graph",
    "global_variables",
    "trainable_variables",
    "assign",
    "assign_add",
    "assign_sub",
  ]:
    assert hasattr(vs, name), name
  for name in [
    "constant",
    "zeros",
    "ones",
    "random_normal",
    "truncated_normal",
    "random_uniform",
    "glorot_uniform",
    "glorot_normal",
    "variance_scaling",
    "orthogonal",
  ]:
    assert hasattr(vs.initializers, name), name


@pytest.mark.slow
def test_import_does_not_load_heavy_dependencies():
  """orbax, tensorstore, safetensors and rich load only when a function needs them."""
  import subprocess
  import sys

  code = (
    "import sys, varscope_jax as vs; "
    "heavy = [m for m in ('orbax', 'tensorstore', 'safetensors', 'rich') "
    "if m in sys.modules]; print(heavy); "
    "vs.save_checkpoint; print('orbax' in sys.modules)"
  )
  out = subprocess.run(
    [sys.executable, "-c", code], capture_output=True, text=True, check=True
  ).stdout.split("\n")
  assert out[0] == "[]", out
  assert out[1] == "True"  # and the lazy name still works


def test_all_lists_every_public_name_and_they_resolve():
  for name in [n for n in dir(vs) if not n.startswith("_")]:
    assert getattr(vs, name) is not None, name
  assert "get_variable" in vs.__all__ and "save_checkpoint" in dir(vs)
  assert vs.bool.name == "bool"  # TF's dtype, reachable though not star-imported


@pytest.mark.slow
def test_all_is_written_out_and_star_import_keeps_builtins_and_stays_light():
  """``__all__`` is a literal list; ``from varscope_jax import *`` rebinds no builtin
  (TF's ``bool`` stays ``vs.bool``) and loads no heavy dependency (the lazy names stay
  lazy)."""
  import ast
  import builtins
  import pathlib
  import subprocess
  import sys

  tree = ast.parse(pathlib.Path(vs.__file__).read_text())
  assigned = [
    n
    for n in tree.body
    if isinstance(n, ast.Assign)
    and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)
  ]
  assert len(assigned) == 1 and isinstance(assigned[0].value, ast.List)
  assert not [n for n in vs.__all__ if hasattr(builtins, n)]
  code = (
    "import sys\nfrom varscope_jax import *\n"
    "print(isinstance(True, bool), [m for m in ('flax', 'optax', 'orbax', 'rich', "
    "'safetensors', 'tensorstore') if m in sys.modules])"
  )
  out = subprocess.run(
    [sys.executable, "-c", code], capture_output=True, text=True, check=True
  ).stdout.strip()
  assert out == "True []", out
