import pytest

import varscope_jax as vs


@pytest.fixture(autouse=True)
def fresh_default_graph():
  """Every test starts (and ends) with an empty eager default graph."""
  vs.reset_default_graph()
  yield
  vs.reset_default_graph()


# Scripts that need TensorFlow (they make the golden data); never imported by the tests.
collect_ignore_glob = ["tf1_ckpt/make_*.py", "golden/make_golden.py"]
