import pytest

import varscope_jax as vs


@pytest.fixture(autouse=True)
def fresh_default_graph():
  """Every test starts (and ends) with an empty eager default graph."""
  vs.reset_default_graph()
  yield
  vs.reset_default_graph()
