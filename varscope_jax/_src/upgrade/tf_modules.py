"""Where a TF1 import points in TF's public namespace.

An import of TensorFlow, tf-slim or ``tensorflow.contrib`` binds a local name to a
module or a symbol; the upgrader reads every reference through that name as a dotted
TF name relative to ``tf`` (``""`` is ``tf`` itself): ``slim.conv2d`` is
``contrib.slim.conv2d``, ``array_ops.concat`` is ``concat``, ``nn_ops.relu`` is
``nn.relu``. TF's own internal modules (``tensorflow.python.ops.array_ops``), which
tf-slim imports, are read as the public namespace that re-exports them.
"""

from __future__ import annotations

# Import path -> TF namespace (relative to ``tf``). Longest matching prefix wins.
MODULES: dict[str, str] = {
  "tensorflow": "",
  "tensorflow.compat.v1": "",
  "tensorflow.compat.v2": "",
  "tensorflow.compat": "compat",
  "tensorflow.contrib": "contrib",
  "tensorflow.contrib.slim": "contrib.slim",
  "tensorflow.contrib.layers": "contrib.layers",
  "tensorflow.contrib.framework": "contrib.framework",
  "tensorflow.contrib.rnn": "contrib.rnn",
  "tf_slim": "contrib.slim",
  "tf_slim.layers": "contrib.layers",
  "tf_slim.layers.layers": "contrib.layers",
  "tf_slim.layers.initializers": "contrib.layers.initializers",
  "tf_slim.layers.regularizers": "contrib.layers.regularizers",
  "tf_slim.layers.normalization": "contrib.layers",
  "tf_slim.layers.utils": "contrib.layers.utils",
  "tf_slim.ops": "contrib.framework",
  "tf_slim.ops.arg_scope": "contrib.framework",
  "tf_slim.ops.variables": "contrib.framework",
  "tf_slim.nets": "contrib.slim.nets",
  "tensorflow.python": "",
  "tensorflow.python.ops": "",
  "tensorflow.python.ops.array_ops": "",
  "tensorflow.python.ops.math_ops": "",
  "tensorflow.python.ops.init_ops": "",
  "tensorflow.python.ops.variable_scope": "",
  "tensorflow.python.ops.variables": "",
  "tensorflow.python.ops.random_ops": "random",
  "tensorflow.python.ops.state_ops": "",
  "tensorflow.python.ops.control_flow_ops": "",
  "tensorflow.python.ops.check_ops": "debugging",
  "tensorflow.python.ops.clip_ops": "",
  "tensorflow.python.ops.nn": "nn",
  "tensorflow.python.ops.nn_ops": "nn",
  "tensorflow.python.ops.nn_impl": "nn",
  "tensorflow.python.ops.rnn": "nn",
  "tensorflow.python.ops.rnn_cell": "nn.rnn_cell",
  "tensorflow.python.ops.rnn_cell_impl": "nn.rnn_cell",
  "tensorflow.python.ops.image_ops": "image",
  "tensorflow.python.ops.standard_ops": "",
  "tensorflow.python.framework": "",
  "tensorflow.python.framework.ops": "",
  "tensorflow.python.framework.dtypes": "",
  "tensorflow.python.framework.constant_op": "",
  "tensorflow.python.framework.tensor_shape": "",
  "tensorflow.python.layers": "layers",
  "tensorflow.python.layers.core": "layers",
  "tensorflow.python.layers.convolutional": "layers",
  "tensorflow.python.layers.pooling": "layers",
  "tensorflow.python.layers.normalization": "layers",
  "tensorflow.python.training": "train",
  "tensorflow.python.platform": "",
  "tensorflow.python.platform.gfile": "gfile",
  "tensorflow.python.platform.tf_logging": "logging",
  "tensorflow.python.summary": "summary",
  "tensorflow.python.summary.summary": "summary",
  "tensorflow.python.util.all_util": "util.all_util",
}

# Prefixes a TF name can carry that mean nothing for the mapping.
REDUNDANT_PREFIXES = ("compat.v1.", "compat.v2.")


def is_tf_module(path: str) -> bool:
  """Whether an import path is TensorFlow's, tf-slim's or contrib's."""
  root = path.split(".")[0]
  return root in ("tensorflow", "tf_slim")


# Packages of TF's internal modules: ``tensorflow.python.ops.gen_nn_ops`` (a module
# not listed above) is read as its package's namespace.
INTERNAL_PACKAGES = frozenset(
  {
    "tensorflow.python",
    "tensorflow.python.ops",
    "tensorflow.python.framework",
    "tensorflow.python.training",
    "tensorflow.python.layers",
    "tensorflow.python.platform",
    "tensorflow.python.summary",
    "tensorflow.python.util",
    "tensorflow.python.keras",
  }
)


def namespace(path: str) -> str | None:
  """The TF name an import path (a module or a name in one) stands for; None if not TF's.

  >>> namespace("tensorflow.compat.v1"), namespace("tf_slim"), namespace("numpy")
  ('', 'contrib.slim', None)
  >>> namespace("tensorflow.python.ops.array_ops.concat"), namespace("tf_slim.ops.arg_scope.arg_scope")
  ('concat', 'contrib.framework.arg_scope')
  """
  if not is_tf_module(path):
    return None
  parts = path.split(".")
  for cut in range(len(parts), 0, -1):
    head = ".".join(parts[:cut])
    if head in MODULES:
      rest = parts[cut:]
      if head in INTERNAL_PACKAGES and rest:
        rest = rest[1:]  # an internal module of the package: its names are the package's
      return ".".join(([MODULES[head]] if MODULES[head] else []) + rest)
  return None


def canonical(name: str) -> str:
  """A TF name without ``compat.v1.`` (``tf.compat.v1.layers.dense`` is ``layers.dense``)."""
  for prefix in REDUNDANT_PREFIXES:
    while name.startswith(prefix):
      name = name[len(prefix) :]
  if name in ("compat.v1", "compat.v2"):
    return ""
  return name
