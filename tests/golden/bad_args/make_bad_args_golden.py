"""Records TF's outcome of each statement of ``statements.py`` into ``golden.json``.

  TF_USE_LEGACY_KERAS=1 /path/to/tf/python tests/golden/bad_args/make_bad_args_golden.py

TF 2.21, graph mode (``tf.compat.v1.disable_eager_execution()``), a fresh graph per
statement.
"""
import json
import os
import sys

import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import statements as st  # noqa: E402

tf.compat.v1.disable_eager_execution()
out = []
for s in st.statements():
  with tf.Graph().as_default():
    kind, first = st.run(s, tf.compat.v1)
  out.append({"statement": s, "type": kind, "first_line": first})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json"), "w") as f:
  json.dump({"tf_version": tf.__version__, "statements": out}, f, indent=1)
print(len(out), "statements;", sum(o["type"] != "ok" for o in out), "errors")
