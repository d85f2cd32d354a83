import pytest

import varscope_jax as vs


@pytest.fixture(autouse=True)
def fresh_default_graph():
  """Every test starts (and ends) with an empty eager default graph."""
  vs.reset_default_graph()
  yield
  from varscope_jax._src.core import graph as graph_lib
  graph_lib._default_graph = None   # even if a test left a scope open


# Scripts that need TensorFlow (they make the golden data); never imported by the tests.
collect_ignore_glob = ["tf1_ckpt/make_*.py", "golden/make_*.py", "multidevice/*.py", "tf1_train/make_*.py",
                       "*/make_*.py"]
