"""Shared fixtures, the ``docs`` marker for ``tests/docs/``, and ``--quick``.

Markers (registered in pyproject.toml): ``slow`` (a test of more than ~10 s) and ``docs``
(the README, docs, notebooks and examples; every test under ``tests/docs/`` has it).
``pytest --quick`` is ``pytest -m "not slow and not docs"``: the inner loop. The slow and
docs tests run after the others.
"""
import pathlib

import pytest

import varscope_jax as vs
from varscope_jax._src.core import graph as graph_lib

DOCS = pathlib.Path(__file__).resolve().parent / "docs"


def pytest_addoption(parser):
  parser.addoption("--quick", action="store_true", default=False,
                   help='the inner loop: skip the tests marked slow or docs '
                        '(as -m "not slow and not docs")')


def pytest_collection_modifyitems(config, items):
  quick = config.getoption("--quick")
  kept, dropped = [], []
  for item in items:
    if DOCS in pathlib.Path(str(item.fspath)).resolve().parents:
      item.add_marker(pytest.mark.docs)
    if quick and (item.get_closest_marker("slow") or item.get_closest_marker("docs")):
      dropped.append(item)
    else:
      kept.append(item)
  if dropped:
    config.hook.pytest_deselected(items=dropped)
  # The slow and docs tests run last (otherwise in collection order), so the progress
  # count moves steadily through the many quick tests first.
  kept.sort(key=lambda item: bool(item.get_closest_marker("slow")
                                  or item.get_closest_marker("docs")))
  items[:] = kept


@pytest.fixture(autouse=True)
def fresh_default_graph():
  """Every test starts (and ends) with an empty eager default graph."""
  vs.reset_default_graph()
  yield
  graph_lib.discard_default_graph()   # even if a test left a scope open


# Scripts that need TensorFlow (they make the golden data); never imported by the tests.
collect_ignore_glob = ["tf1_ckpt/make_*.py", "golden/make_*.py", "multidevice/*.py", "tf1_train/make_*.py",
                       "*/make_*.py"]
