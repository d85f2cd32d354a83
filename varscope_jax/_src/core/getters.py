"""Ready-made custom getters: EMA weights for evaluation, and casting on read.

A custom getter is ``getter_fn(getter, name, *args, **kwargs)``: it calls ``getter``
to get (or make) the variable, and may return something else in its place. Scope
getters chain innermost first; a getter given to ``get_variable`` replaces the chain.
"""

from __future__ import annotations

from typing import Mapping

import jax.numpy as jnp

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.params import tree as params_lib


def ema_getter(averages: Mapping, *, strict: bool = True):
  """A custom getter that returns the moving average of each variable instead of it.

  Open the evaluation scope with it, and the same model code reads EMA weights::

      with vs.variable_scope("model", reuse=True, custom_getter=vs.ema_getter(ema)):
        logits = model(x)

  Args:
    averages: a params tree of averages (e.g. from ``optax.ema`` or your own update),
      keyed like params (``averages["model"]["fc1"]["w"]``).
    strict: if True, a variable with no average is an error; if False, the variable
      itself is returned (e.g. for batch-norm statistics that are not averaged).

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f():
  ...   return vs.get_variable("w", [2])
  >>> def f_ema(averages):
  ...   with vs.variable_scope("", custom_getter=vs.ema_getter(averages)):
  ...     return vs.get_variable("w", [2])
  >>> params = vs.transform(f).init(jax.random.PRNGKey(0))
  >>> ema = {"w": jnp.array([0.5, 0.5])}
  >>> vs.transform(f_ema).apply(params, ema).tolist()
  [0.5, 0.5]
  """

  if not isinstance(strict, bool):
    raise TypeError(f"ema_getter: strict must be True or False, got {strict!r}.")
  if not isinstance(averages, Mapping):
    raise TypeError(
      f"ema_getter: averages must be a mapping (a params tree of moving "
      f"averages, keyed like params), got {type(averages).__name__}."
    )

  def getter(getter, name, *args, **kwargs):
    var = getter(name, *args, **kwargs)
    try:
      avg = params_lib.lookup(averages, name)
    except KeyError:
      if strict:
        raise ValueError(
          f"ema_getter: variable {name} has no moving average in the averages tree "
          "(no leaf averages" + params_lib.index_str(name) + "). Average it, or use "
          "ema_getter(averages, strict=False) to read the variable itself."
        ) from None
      return var
    if tuple(jnp.shape(avg)) != tuple(jnp.shape(var)):
      raise ValueError(
        f"ema_getter: the average of {name} has shape {jnp.shape(avg)}, "
        f"but the variable has shape {jnp.shape(var)}; averages must be keyed and "
        "shaped like params."
      )
    return avg

  return getter


def cast_getter(dtype, *, only_floating: bool = True):
  """A custom getter that casts each variable to ``dtype`` when read (mixed precision).

  The params stay in their own dtype (e.g. float32 master weights); the model computes
  in ``dtype``; gradients flow back through the cast to the float32 leaves.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f():
  ...   with vs.variable_scope("m", custom_getter=vs.cast_getter(jnp.bfloat16)):
  ...     return vs.get_variable("w", [2])
  >>> t = vs.transform(f)
  >>> params = t.init(jax.random.PRNGKey(0))
  >>> params["m"]["w"].dtype, t.apply(params).dtype
  (dtype('float32'), dtype(bfloat16))
  """
  target = dtypes_lib.as_dtype(dtype, what="cast_getter: dtype")
  if not isinstance(only_floating, bool):
    raise TypeError(f"cast_getter: only_floating must be True or False, got {only_floating!r}.")

  def getter(getter, *args, **kwargs):
    var = getter(*args, **kwargs)
    value = var.value() if hasattr(var, "value") and callable(var.value) else var
    if only_floating and not jnp.issubdtype(value.dtype, jnp.floating):
      return var
    return value.astype(target)

  return getter
