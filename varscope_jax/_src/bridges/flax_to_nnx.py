"""``to_nnx``: a function that uses ``get_variable`` as an initialised ``flax.nnx.Module``.

The module holds the function's params tree as NNX variables (``nnx.Param`` for the
trainable ones, ``nnx.BatchStat`` for the rest) in the attribute ``vars``, nested by TF
name; calling it runs ``transform(fn).apply`` on their values and sets the variables
the function assigned, as NNX modules update their state in place.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
from flax import nnx

from varscope_jax._src.params import tree as params_lib
from varscope_jax._src.transform import transform as transform_lib


class ToNNX(nnx.Module):
  """A function that uses ``get_variable``, as an NNX module (made by ``vs.to_nnx``).

  Attributes:
    fn: the function (static).
    vars: the variables, nested by TF name (``vars["head"]["w"]`` for ``head/w``).
    rngs: the ``nnx.Rngs`` whose ``rng_stream`` feeds ``vs.next_rng_key()``, or None.

  >>> import jax.numpy as jnp
  >>> from flax import nnx
  >>> import varscope_jax as vs
  >>> m = vs.to_nnx(lambda x: x * vs.get_variable("s", [], initializer=vs.ones_initializer()),
  ...               jnp.ones(2), rngs=nnx.Rngs(0))
  >>> m(jnp.ones(2)).tolist(), type(m.vars["s"]).__name__
  ([1.0, 1.0], 'Param')
  """

  def __init__(
    self,
    fn: Callable,
    *example_args,
    rngs,
    state_type=nnx.BatchStat,
    rng_stream: str = "dropout",
    **example_kwargs,
  ):
    if not callable(fn):
      raise TypeError(f"to_nnx expects a function (ToNNX: fn must be callable), got {fn!r}.")
    if not (isinstance(state_type, type) and issubclass(state_type, nnx.Variable)):
      raise TypeError(
        f"to_nnx: state_type must be an nnx.Variable subclass (such as "
        f"nnx.BatchStat), got {state_type!r}."
      )
    if not isinstance(rngs, nnx.Rngs) and (isinstance(rngs, int) or isinstance(rngs, jax.Array)):
      rngs = nnx.Rngs(rngs)
    if not isinstance(rngs, nnx.Rngs):
      raise TypeError(f"to_nnx: rngs must be an nnx.Rngs, an int seed or a key, got {rngs!r}.")
    self.fn = fn
    self.rng_stream = rng_stream
    t = transform_lib.transform(fn)
    specs = t.specs(*example_args, **example_kwargs)
    params = t.init(_draw(rngs, "params"), *example_args, **example_kwargs)
    self.vars = nnx.data(
      params_lib.unflatten(
        [
          (name, (nnx.Param if specs[name].trainable else state_type)(value))
          for name, value in params_lib.flatten(params)
        ]
      )
    )
    self.rngs = rngs

  def __call__(self, *args, **kwargs):
    t = transform_lib.transform(self.fn)
    variables = list(params_lib.flatten(self.vars))
    tree = params_lib.unflatten([(name, var[...]) for name, var in variables])
    rng = _draw(self.rngs, self.rng_stream)
    out, new = t.apply(tree, *args, rng=rng, mutable=True, **kwargs)
    for name, var in variables:
      leaf = params_lib.lookup(new, name)
      if leaf is not params_lib.lookup(tree, name):
        var[...] = leaf
    return out


def _draw(rngs, stream):
  """A key from ``rngs.<stream>``, else from its ``default`` or ``params`` stream."""
  for name in (stream, "default", "params"):
    try:
      return rngs[name]()
    except (KeyError, AttributeError):
      continue
  raise ValueError(
    f"to_nnx: rngs has no {stream!r}, 'default' or 'params' stream; "
    f"make it with nnx.Rngs(seed) or nnx.Rngs(params=..., {stream}=...)."
  )


def to_nnx(
  fn: Callable,
  *example_args,
  rngs: Any,
  state_type=nnx.BatchStat,
  rng_stream: str = "dropout",
  **example_kwargs,
) -> ToNNX:
  """A function that uses ``get_variable``, as an initialised ``flax.nnx.Module``.

  The variables are made now, by ``vs.transform(fn).init(rngs.params(), *example_args,
  **example_kwargs)``, and held in ``module.vars`` nested by TF name: ``nnx.Param`` for
  trainable variables, ``state_type`` (``nnx.BatchStat``) for the rest. So
  ``nnx.split`` / ``nnx.merge``, ``nnx.jit``, ``nnx.value_and_grad`` and
  ``nnx.Optimizer(module, tx, wrt=nnx.Param)`` work on it as on any NNX module.

  Calling the module runs ``fn`` (``transform(fn).apply``) on the variables' values;
  variables that ``fn`` assigns (``vs.assign_moving_average`` ...) are set in place.
  ``vs.next_rng_key()`` inside ``fn`` draws from ``rngs.<rng_stream>`` (falling back to
  its ``default`` or ``params`` stream); a key is drawn on every call.

  Args:
    fn: the function.
    *example_args: arguments to find the variables with (their shapes matter).
    rngs: an ``nnx.Rngs`` (or an int seed, or a key) for init and ``next_rng_key``.
    state_type: the ``nnx.Variable`` subclass of the non-trainable variables.
    rng_stream: the stream of ``rngs`` that feeds ``vs.next_rng_key()``.
    **example_kwargs: keyword arguments to find the variables with.

  Returns:
    A ``ToNNX`` module.

  >>> import jax, jax.numpy as jnp
  >>> from flax import nnx
  >>> import varscope_jax as vs
  >>> def block(x):
  ...   with vs.variable_scope("head"):
  ...     return x @ vs.get_variable("w", [x.shape[-1], 2])
  >>> model = vs.to_nnx(block, jnp.ones((1, 3)), rngs=nnx.Rngs(0))
  >>> model(jnp.ones((1, 3))).shape
  (1, 2)
  >>> jax.tree_util.tree_map(jnp.shape, nnx.state(model, nnx.Param))["vars"]["head"]["w"]
  Param(
    value=(3, 2)
  )
  """
  return ToNNX(
    fn, *example_args, rngs=rngs, state_type=state_type, rng_stream=rng_stream, **example_kwargs
  )
