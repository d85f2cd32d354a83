"""``vs.upgrade``: what each TF1 construct becomes, the report, files and the command line."""

import ast
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

import varscope_jax as vs
from varscope_jax import upgrade

ROOT = pathlib.Path(__file__).resolve().parents[2]


def up(source: str):
  text, report = upgrade.upgrade_source(textwrap.dedent(source), "m.py")
  return text, report


def body(text: str) -> str:
  """The rewritten text without its import lines."""
  return "\n".join(l for l in text.splitlines() if not l.startswith(("import ", "from ")))


def test_imports_become_varscope_jax_jax_and_jnp_only_as_used():
  text, report = up("""\
      \"\"\"Doc.\"\"\"
      from __future__ import print_function
      import numpy as np
      import tensorflow.compat.v1 as tf
      from tensorflow.contrib import layers as contrib_layers

      def f(x):
        return contrib_layers.layer_norm(tf.nn.relu(tf.matmul(x, x)))
      """)
  # a module alias stays, imported from the varscope_jax module of the same name
  assert text.splitlines()[:6] == [
    '"""Doc."""',
    "from __future__ import print_function",
    "import numpy as np",
    "import jax",
    "import jax.numpy as jnp",
    "from varscope_jax.contrib import layers as contrib_layers",
  ]
  assert "return contrib_layers.layer_norm(jax.nn.relu(jnp.matmul(x, x)))" in text
  assert [e.old for e in report.entries if e.kind == "import"] == [
    "import tensorflow.compat.v1",
    "from tensorflow.contrib import layers as contrib_layers",
  ]


def test_names_varscope_jax_provides_come_from_its_public_api():
  names = upgrade.names()
  for tf_name, vs_name in [
    ("get_variable", "get_variable"),
    ("layers.dense", "layers.dense"),
    ("compat.v1.layers.Conv2D", "layers.Conv2D"),
    ("nn.rnn_cell.LSTMCell", "nn.rnn_cell.LSTMCell"),
    ("GraphKeys.UPDATE_OPS", "GraphKeys.UPDATE_OPS"),
    ("AUTO_REUSE", "AUTO_REUSE"),
  ]:
    assert names.resolve(tf_name) == vs_name, tf_name
  # tf.contrib.rnn re-exports tf.nn.rnn_cell
  assert names.resolve("contrib.rnn.BasicLSTMCell") in (
    "contrib.rnn.BasicLSTMCell",
    "nn.rnn_cell.BasicLSTMCell",
  )
  # every public name of vs.layers is one (no hand list)
  for name in vs.layers.__all__:
    assert names.resolve("layers." + name) == "layers." + name
  # varscope_jax's own names are not TF's: tf.split splits a tensor, not a params tree
  for name in ("split", "summary.scalar", "placeholder", "Session"):
    assert names.resolve(name) is None, name


def test_renames_keep_comments_and_layout():
  src = """\
      import tensorflow as tf

      def net(x, reuse=None):
        # the model
        with tf.variable_scope("net", reuse=reuse):  # scope
          h = tf.layers.dense(x, 3,
                              activation=tf.nn.relu,   # hidden
                              kernel_initializer=tf.glorot_uniform_initializer())
          return tf.reshape(h,  # flat
                            [-1], name="out")
      """
  text, _ = up(src)
  assert body(text) == textwrap.dedent("""\

      def net(x, reuse=None):
        # the model
        with vs.variable_scope("net", reuse=reuse):  # scope
          h = vs.layers.dense(x, 3,
                              activation=jax.nn.relu,   # hidden
                              kernel_initializer=vs.glorot_uniform_initializer())
          return jnp.reshape(h,  # flat
                            [-1])""")


def test_comments_above_a_removed_import_stay():
  text, _ = up("""\
      \"\"\"Doc.\"\"\"
      import os
      # pylint: disable=g-direct-tensorflow-import
      from tensorflow.python.ops import array_ops
      from tensorflow.python.ops import nn_ops  # trailing

      def f(x):
        # the body's only import
        import tensorflow as tf
        return nn_ops.relu(array_ops.concat([x, x], 0))
      """)
  assert "# pylint: disable=g-direct-tensorflow-import\n\ndef f(x):" in text
  assert "  # the body's only import\n  return jax.nn.relu(" in text
  ast.parse(text)


def test_static_shapes():
  text, report = up("""\
      import tensorflow as tf
      a = x.get_shape().as_list()
      b = x.shape.as_list()
      c = x.get_shape()[1].value
      d = x.shape[-1].value
      e = tf.shape(x)[0]
      f = x.shape.ndims + x.get_shape().ndims
      g = tf.shape(x + 1)
      h = x.get_shape()
      n = x.shape.num_elements()
      """)
  assert body(text).split("\n") == [
    "a = list(x.shape)",
    "b = list(x.shape)",
    "c = x.shape[1]",
    "d = x.shape[-1]",
    "e = x.shape[0]",
    "f = x.ndim + x.ndim",
    "g = jnp.shape(x + 1)",
    "h = x.shape",
    "n = x.size",
  ]
  assert {e.kind for e in report.entries} == {"shape", "import"}


@pytest.mark.parametrize(
  "line, advice",
  [
    ("x = tf.placeholder(tf.float32, [None, 3])", "make it an argument of the function"),
    ("sess = tf.Session()", "t = vs.transform(model_fn)"),
    ("out = sess.run(y, feed_dict={x: 1})", "a session run: call t.apply"),
    ("train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)", ".minimize(): use jax.grad"),
    ("opt = tf.train.AdamOptimizer(1e-3)", "vs.tf1_optimizers.adam"),
    ("grads = opt.compute_gradients(loss)", "jax.grad of the loss"),
    ("g = tf.gradients(loss, [w])", "jax.grad"),
    ("tf.summary.scalar('loss', loss)", "log it from the training loop"),
    ("saver = tf.train.Saver()", "vs.save_tf1_checkpoint"),
    ("init = tf.global_variables_initializer()", "t.init(rng"),
    ("y = tf.cond(p, lambda: tf.layers.dense(x, 3), lambda: x)", "creates variables"),
    ("y = tf.while_loop(c, body, [x])", "creates variables"),
  ],
)
def test_what_has_no_meaning_in_jax_is_left_marked_and_listed(line, advice):
  text, report = up(f"""\
      import tensorflow as tf
      def body(i):
        return tf.get_variable("w", [2]) + i
      {line}
      """)
  lines = text.splitlines()
  at = lines.index(line)
  assert lines[at - 1].startswith("# varscope_jax.upgrade: ") and advice in lines[at - 1], lines[
    at - 1
  ]
  flagged = report.flagged()
  assert len(flagged) == 1 and flagged[0].line == 4 and advice in flagged[0].note
  assert flagged[0].kind == "needs a person"


def test_control_flow_without_variables_says_what_jax_has():
  text, report = up("""\
      import tensorflow as tf
      y = tf.while_loop(c, lambda i: i + 1, [x])
      """)
  assert "creates variables" not in text
  assert "# varscope_jax.upgrade: tf.while_loop: jax.lax.while_loop(" in text
  assert [e.kind for e in report.flagged()] == ["needs a person"]


def test_null_contexts_keep_the_body_running():
  text, report = up("""\
      import tensorflow as tf
      with tf.control_dependencies([check]):
        y = tf.identity(x)
      """)
  assert (
    body(text)
    .split("\n")[0]
    .startswith(
      "# varscope_jax.upgrade: tf.control_dependencies: JAX orders operations by data flow"
    )
  )
  assert "with contextlib.nullcontext():" in text and "import contextlib" in text
  assert [e.kind for e in report.entries if e.kind == "no-op"] == ["no-op"]


def test_host_calls_become_python():
  text, _ = up("""\
      import tensorflow as tf
      with tf.gfile.GFile(path, "r") as f:
        pass
      if tf.io.gfile.exists(d) and tf.executing_eagerly():
        tf.gfile.MakeDirs(d)
      names = tf.train.list_variables(ckpt)
      """)
  assert body(text).split("\n") == [
    'with open(path, "r") as f:',
    "  pass",
    "if os.path.exists(d) and True:",
    "  os.makedirs(d, exist_ok=True)",
    "names = vs.train.list_variables(ckpt)",
  ]
  assert "import os" in text


def test_unknown_names_are_left_marked():
  text, report = up("""\
      import tensorflow as tf
      y = tf.no_such_op(x)
      """)
  assert "# varscope_jax.upgrade: tf.no_such_op: no varscope_jax or JAX equivalent" in text
  assert "y = tf.no_such_op(x)" in text
  assert [e.kind for e in report.flagged()] == ["unknown name"]


def test_slim_and_tf_internal_modules_are_read_as_tf_names():
  text, _ = up("""\
      import tf_slim as slim
      from tensorflow.python.ops import array_ops
      from tensorflow.python.ops import nn_ops
      from tensorflow.python.ops import variable_scope
      def f(x, layers=None):
        with variable_scope.variable_scope("s"):
          return nn_ops.relu(array_ops.concat([x, x], 1)), layers.conv2d
      """)
  assert "with vs.variable_scope(\"s\"):" in text
  assert "jax.nn.relu(jnp.concatenate([x, x], axis=1))" in text
  # a local name that shadows nothing TF is left alone
  assert "layers.conv2d" in text


def test_a_local_variable_that_shadows_an_import_is_not_tf():
  text, report = up("""\
      from tf_slim import layers
      def f(layers):
        return layers.conv2d
      """)
  assert "return layers.conv2d" in text and report.flagged() == []


def test_function_references_to_ops():
  text, _ = up("""\
      import tensorflow as tf
      acts = [tf.nn.relu, tf.tanh, tf.nn.softmax]
      """)
  assert "acts = [jax.nn.relu, jnp.tanh," in text
  ast.parse(text)


def test_upgrading_twice_changes_nothing_more():
  src = textwrap.dedent("""\
      import tensorflow as tf
      x = tf.placeholder(tf.float32)
      y = tf.layers.dense(x, 2)
      """)
  once, _ = upgrade.upgrade_source(src)
  twice, report = upgrade.upgrade_source(once)
  assert once.count("# varscope_jax.upgrade:") == 1
  assert twice == once and report.entries == []


def test_report_lists_every_change_by_line_and_ends_with_counts():
  _, report = up("""\
      import tensorflow as tf
      x = tf.placeholder(tf.float32)
      y = tf.layers.dense(x, 2)
      z = tf.matmul(y, y)
      """)
  md = report.markdown()
  assert "## m.py" in md
  assert "- 3:4 renamed: `tf.layers.dense` -> `vs.layers.dense`" in md
  assert "- 2:4 **needs a person** `tf.placeholder(tf.float32)`" in md
  assert "- m.py:2:4 `tf.placeholder(tf.float32)`" in md  # the list for a person
  assert md.rstrip().splitlines()[-1] == "| **total** | 4 |"
  assert report.counts()["needs a person"] == 1 and report.counts()["op"] == 1


def test_bad_input():
  with pytest.raises(TypeError, match="`source` must be the module's text"):
    upgrade.upgrade_source(b"import tensorflow")
  with pytest.raises(TypeError, match="`sources` must be a list of paths"):
    upgrade.upgrade_files("m.py")
  with pytest.raises(FileNotFoundError, match="neither a file nor a folder"):
    upgrade.upgrade_files(["/no/such/file.py"])


def test_in_place_keeps_a_backup(tmp_path):
  path = tmp_path / "m.py"
  path.write_text("import tensorflow as tf\nw = tf.get_variable('w', [2])\n")
  (tmp_path / "plain.py").write_text("x = 1\n")
  report = upgrade.upgrade_files([tmp_path])
  assert path.read_text() == "import varscope_jax as vs\nw = vs.get_variable('w', [2])\n"
  assert (tmp_path / "m.py.tf1.bak").read_text().startswith("import tensorflow as tf")
  assert not (tmp_path / "plain.py.tf1.bak").exists()
  assert sorted(pathlib.Path(f).name for f in report.files) == ["m.py", "plain.py"]


def test_a_package_tree_imports_its_rewritten_modules(tmp_path):
  pkg = tmp_path / "src" / "mynets"
  pkg.mkdir(parents=True)
  (pkg / "__init__.py").write_text("")
  (pkg / "util.py").write_text(
    "import tensorflow as tf\ndef scale(x):\n  return tf.multiply(x, 2.0)\n"
  )
  (pkg / "net.py").write_text(
    "import tensorflow as tf\nfrom mynets import util\nimport mynets.util as u2\n"
    "def net(x):\n  return util.scale(tf.layers.dense(x, 3)) + u2.scale(x)\n"
  )
  (pkg / "data.txt").write_text("kept")
  out = tmp_path / "out"
  upgrade.upgrade_files([pkg], output=out)
  net = (out / "net.py").read_text()
  assert "from . import util\n" in net and "from . import util as u2\n" in net
  assert (out / "data.txt").read_text() == "kept"
  sys.path.insert(0, str(tmp_path))
  try:
    (tmp_path / "jaxnets").symlink_to(out)
    import importlib

    mod = importlib.import_module("jaxnets.net")
    import jax.numpy as jnp

    t = vs.transform(mod.net)
    import jax

    params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 3)))
    assert t.apply(params, jnp.ones((2, 3))).shape == (2, 3)
  finally:
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("jaxnets")]:
      del sys.modules[name]


@pytest.mark.slow  # two fresh interpreters that import jax and libcst
def test_command_line(tmp_path):
  src = tmp_path / "m.py"
  src.write_text(
    "import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = tf.layers.dense(x, 2)\n"
  )
  proc = subprocess.run(
    [
      sys.executable,
      "-m",
      "varscope_jax.upgrade",
      str(src),
      "-o",
      str(tmp_path / "out"),
      "--report",
      str(tmp_path / "report.md"),
    ],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=300,
  )
  assert proc.returncode == 0, proc.stderr
  assert "1 file(s): 2 change(s), 1 construct(s) left for a person" in proc.stdout
  assert f"{src}:2:4: needs a person: tf.placeholder(tf.float32)" in proc.stdout
  assert (tmp_path / "out" / "m.py").exists()
  assert (tmp_path / "report.md").read_text().startswith("# varscope_jax.upgrade report")
  bad = subprocess.run(
    [sys.executable, "-m", "varscope_jax.upgrade", "/no/such.py"],
    capture_output=True,
    text=True,
    cwd=ROOT,
    timeout=300,
  )
  assert bad.returncode == 2 and "neither a file nor a folder" in bad.stderr


@pytest.mark.slow  # a fresh interpreter that imports jax and libcst
def test_command_line_into_a_closed_pipe_exits_quietly(tmp_path):
  # ``python -m varscope_jax.upgrade m.py | head -1``, with the reader gone before the
  # first write (a pipe whose read end is closed): no traceback, status 1.
  src = tmp_path / "m.py"
  src.write_text("import tensorflow as tf\nx = tf.placeholder(tf.float32)\n")
  read_end, write_end = os.pipe()
  os.close(read_end)
  try:
    proc = subprocess.run(
      [sys.executable, "-m", "varscope_jax.upgrade", str(src), "-o", str(tmp_path / "out")],
      stdout=write_end,
      stderr=subprocess.PIPE,
      text=True,
      cwd=ROOT,
      timeout=300,
    )
  finally:
    os.close(write_end)
  assert proc.stderr == "" and proc.returncode == 1, proc.stderr
  assert (tmp_path / "out" / "m.py").exists()
