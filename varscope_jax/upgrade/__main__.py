"""``python -m varscope_jax.upgrade SRC... [-o OUT] [--report report.md]``."""

import sys

from varscope_jax._src.upgrade import cli
from varscope_jax.upgrade import names

if __name__ == "__main__":
  sys.exit(cli.run_module(None, names()))
