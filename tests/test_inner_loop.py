"""The inner loop's selection (tests/conftest.py): ``-m "not slow"`` and ``--quick`` leave out
every docs test and all but the fixed sample of each large parametrized family."""

import pathlib

import pytest

from tests import conftest

TESTS = pathlib.Path(__file__).resolve().parent
ROOT = TESTS.parent


class _Recorder:
  """Collects what a nested collection selected and deselected."""

  def __init__(self):
    self.collected, self.selected, self.deselected = [], [], []

  def pytest_itemcollected(self, item):
    self.collected.append(item.nodeid)  # in collection (parametrization) order

  def pytest_deselected(self, items):
    self.deselected.extend(item.nodeid for item in items)

  def pytest_collection_finish(self, session):
    self.selected = [item.nodeid for item in session.items]


def _collect(*args):
  recorder = _Recorder()
  code = pytest.main(
    [
      "--collect-only",
      "-q",
      "-p",
      "no:cacheprovider",
      "--rootdir",
      str(ROOT),
      "-c",
      str(ROOT / "pyproject.toml"),
      *args,
    ],
    plugins=[recorder],
  )
  assert code == 0, f"collecting {args} failed with exit code {code}"
  return recorder


# Three nested collections, a few seconds: this check runs in the full run.
pytestmark = pytest.mark.slow

FILES = [str(TESTS / "docs" / "test_version.py"), str(TESTS / "core" / "test_golden.py")]


@pytest.fixture(scope="module")
def selections():
  return {
    "all": _collect(*FILES),
    "not slow": _collect("-m", "not slow", *FILES),
    "quick": _collect("--quick", *FILES),
  }


def test_not_slow_and_quick_select_the_same_tests(selections):
  assert selections["not slow"].selected == selections["quick"].selected
  assert sorted(selections["not slow"].deselected) == sorted(selections["quick"].deselected)


def test_every_docs_test_is_left_out_of_the_inner_loop(selections):
  docs = [n for n in selections["all"].selected if n.startswith("tests/docs/")]
  assert docs
  assert not [n for n in selections["not slow"].selected if n.startswith("tests/docs/")]
  assert set(docs) <= set(selections["not slow"].deselected)


def test_a_golden_family_keeps_every_tenth_case_in_order(selections):
  family = [n for n in selections["all"].collected if "::test_random_program[" in n]
  assert len(family) > conftest.SAMPLE_EVERY
  kept = [n for n in selections["not slow"].selected if "::test_random_program[" in n]
  assert kept == family[:: conftest.SAMPLE_EVERY]


def test_the_full_run_keeps_every_test(selections):
  assert sorted(selections["all"].selected) == sorted(selections["all"].collected)
  assert sorted(selections["all"].selected) == sorted(
    selections["not slow"].selected + selections["not slow"].deselected
  )
