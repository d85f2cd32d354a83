"""``python -m varscope_jax.upgrade SRC... [-o OUT] [--report report.md]``."""
import sys

from varscope_jax.upgrade import main

if __name__ == "__main__":
  sys.exit(main())
