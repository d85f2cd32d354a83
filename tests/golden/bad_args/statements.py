"""Seeded get_variable / variable_scope statements with one or several bad arguments.

Each statement is a line of Python over the names ``V`` (``tf.compat.v1`` or
``varscope_jax``) and run in a fresh graph; ``make_bad_args_golden.py`` records what TF
raises (its exception type and first line), ``tests/core/test_bad_args_vs_tf.py`` replays
them on varscope_jax. Several problems in one statement check that the checks run in
TF's order (TF validates the name first), so the exception *type* matches.
"""
from __future__ import annotations

import random

NAMES = ["'w'", "''", "3", "None", "'a b'", "'w:0'", "['w']", "'/w'"]
SHAPES = ["[2, 3]", "None", "'x'", "[2, 'a']", "[-1]", "2.5", "[2.5]", "[]", "[None]"]
DTYPES = ["V.float32", "'x'", "V.int32", "3", "None", "'float32'"]
INITS = ["None", "V.zeros_initializer()", "V.constant_initializer(2.5)", "'x'", "3",
         "V.ones_initializer()", "[1.0, 2.0]"]
TRAINABLE = ["None", "True", "'x'"]
COLLECTIONS = ["None", "['c']", "'c'", "3"]
SCOPES = ["'s'", "3", "''", "None", "['s']"]
REUSE = ["None", "True", "'x'", "V.AUTO_REUSE", "False"]


def statements(n: int = 300, seed: int = 20261208) -> list[str]:
  rng = random.Random(seed)
  out = []
  for _ in range(n):
    args = [rng.choice(NAMES)]
    kwargs = {"shape": rng.choice(SHAPES), "dtype": rng.choice(DTYPES),
              "initializer": rng.choice(INITS)}
    if rng.random() < 0.3:
      kwargs["trainable"] = rng.choice(TRAINABLE)
    if rng.random() < 0.3:
      kwargs["collections"] = rng.choice(COLLECTIONS)
    call = "V.get_variable(" + ", ".join(args + [f"{k}={v}" for k, v in kwargs.items()]) + ")"
    if rng.random() < 0.5:
      scope, reuse = rng.choice(SCOPES), rng.choice(REUSE)
      default = ", default_name='d'" if scope == "None" else ""
      call = f"with V.variable_scope({scope}{default}, reuse={reuse}):\n  {call}"
    out.append(call)
  return out


def run(statement: str, V) -> tuple[str, str]:
  """``(exception type name or "ok", first line of its message)``."""
  try:
    exec(statement, {"V": V})  # noqa: S102 - the statements above, nothing from files
  except Exception as e:  # noqa: BLE001 - recorded
    return type(e).__name__, (str(e).splitlines() or [""])[0]
  return "ok", ""
