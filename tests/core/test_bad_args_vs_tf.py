"""Seeded get_variable / variable_scope statements with several bad arguments raise the
exception type TF raises (TF 2.21 graph mode, recorded in
``tests/golden/bad_args/golden.json`` by ``make_bad_args_golden.py``): the checks run in
TF's order.

The only differences allowed are varscope_jax's own refusals of what TF accepts (see
docs/tf1_differences.md): a name that is not a string, or empty, at the root scope (TF
makes a variable named ``None`` or ``:0``), and a TF dtype enum number as ``dtype``
(``dtype=3``; JAX dtypes have no such numbers). They are raised only after TF's own
checks of the other arguments have passed, so they never hide TF's error.
"""

import json
import os
import sys

import pytest

import varscope_jax as vs

HERE = os.path.join(
  os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "golden", "bad_args"
)
sys.path.insert(0, HERE)
import statements as st  # noqa: E402

with open(os.path.join(HERE, "golden.json")) as f:
  GOLDEN = json.load(f)["statements"]

OWN_REFUSALS = (
  "get_variable: name must be a string",
  "get_variable: the name is empty",
  "is not a dtype JAX can hold",
)


def test_golden_is_the_generators_output():
  assert [g["statement"] for g in GOLDEN] == st.statements()


def test_bad_arguments_raise_tfs_exception_type():
  same, own, different = 0, 0, []
  for row in GOLDEN:
    vs.reset_default_graph()
    kind, first = st.run(row["statement"], vs)
    if kind == row["type"]:
      same += 1
    elif any(r in first for r in OWN_REFUSALS):
      own += 1
    else:
      different.append((row["statement"], row["type"], row["first_line"], kind, first))
  assert not different, "\n".join(map(str, different))
  assert same >= 270 and own <= 30, (same, own)


@pytest.mark.parametrize(
  "statement, error, first_line",
  [
    # TF's constant-with-shape check comes before the refused name
    (
      "V.get_variable(None, shape=[2], initializer=3)",
      ValueError,
      "If initializer is a constant, do not specify shape.",
    ),
    ("V.get_variable('', shape=[2], dtype='x')", TypeError, None),  # TF: a TypeError too
    (
      "V.get_variable(3, dtype=V.int32, initializer='x')",
      ValueError,
      "Initializer type '<dtype: 'string'>' and explicit dtype '<dtype: 'int32'>' don't match.",
    ),
    (
      "V.get_variable(['w'], shape=[2])",
      TypeError,
      "get_variable: name must be a string, got ['w'].",
    ),
    (
      "V.get_variable(None, shape=[2])",
      TypeError,
      "get_variable: name must be a string, got None.",
    ),
  ],
)
def test_refused_names_wait_for_tfs_checks(statement, error, first_line):
  kind, first = st.run(statement, vs)
  assert kind == error.__name__, (kind, first)
  assert first_line is None or first == first_line
  assert not vs.global_variables()
