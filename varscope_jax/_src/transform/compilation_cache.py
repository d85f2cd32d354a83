"""JAX's persistent compilation cache, for notebooks that restart.

varscope_jax compiles one small program per initializer signature (and your jitted
steps compile as usual). With the persistent cache on, a restarted kernel or a new
process reads those programs from disk instead of compiling them again.
"""

from __future__ import annotations

import numbers
import os

import jax


def enable_compilation_cache(
  path: str | os.PathLike | None = None, *, min_compile_time_secs: float = 0.0
) -> str:
  """Turns on JAX's persistent compilation cache (``jax_compilation_cache_dir``).

  Args:
    path: the cache folder (created if needed); default
      ``$XDG_CACHE_HOME/varscope_jax/xla`` (``~/.cache/varscope_jax/xla``).
    min_compile_time_secs: only programs that took at least this long to compile are
      stored (JAX's default is 1 s, which would skip varscope_jax's small initializer
      programs; 0 stores all of them).

  Returns:
    The cache folder.

  >>> import tempfile, varscope_jax as vs
  >>> folder = vs.enable_compilation_cache(tempfile.mkdtemp())
  >>> import jax; jax.config.jax_compilation_cache_dir == folder
  True
  >>> vs.disable_compilation_cache()
  """
  if not (path is None or isinstance(path, (str, os.PathLike))):
    raise TypeError(
      f"enable_compilation_cache: path must be a folder (str or os.PathLike) "
      f"or None for the default, got {path!r}."
    )
  if (
    isinstance(min_compile_time_secs, bool)
    or not isinstance(min_compile_time_secs, numbers.Real)
    or not min_compile_time_secs >= 0
  ):
    raise ValueError(
      f"enable_compilation_cache: min_compile_time_secs must be a number "
      f">= 0 (0 stores every program), got {min_compile_time_secs!r}."
    )
  if path is None:
    base = os.environ.get("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))
    path = os.path.join(base, "varscope_jax", "xla")
  path = os.fspath(path)
  os.makedirs(path, exist_ok=True)
  jax.config.update("jax_compilation_cache_dir", path)
  jax.config.update("jax_persistent_cache_min_compile_time_secs", float(min_compile_time_secs))
  jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
  return path


def disable_compilation_cache() -> None:
  """Turns the persistent compilation cache off again (for this process).

  >>> import varscope_jax as vs
  >>> vs.disable_compilation_cache()
  """
  jax.config.update("jax_compilation_cache_dir", None)
  try:
    from jax.experimental.compilation_cache import compilation_cache as cc

    cc.reset_cache()
  except Exception:  # pragma: no cover - older/newer JAX layouts
    pass
