"""Randomness of a graph: ``set_random_seed`` (the eager graph's seed) and ``next_rng_key``
(keys for randomness inside a model, from the call's rng and the scope)."""

from __future__ import annotations

import numpy as np

from varscope_jax._src.base.keys import variable_key
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core.step_context import fold_in_step


# Per graph: name scope -> how many keys next_rng_key gave in it.
_COUNTS = graph_lib.SlotKey("rng key counts")


def _new_counts(graph) -> dict:
  del graph
  return {}


def next_rng_key():
  """A fresh key for randomness inside a model (dropout), derived from the rng of the
  current call and the current name scope: ``variable_key(rng, "scope#n")`` for
  the n-th key asked for in that scope. Keys do not depend on unrelated code elsewhere.
  Inside an RNN driver (``vs.nn.dynamic_rnn`` and the others) the time step is folded
  in, so a cell that draws a dropout mask gets a new one at every step, as in TF.

  Inside ``apply`` the rng is ``apply(..., rng=key)``; inside ``init`` it is init's rng;
  in the eager default graph it comes from ``vs.set_random_seed``.

  Raises:
    ValueError: inside an ``apply`` called without ``rng=``.

  >>> import jax
  >>> import varscope_jax as vs
  >>> def noisy(x):
  ...   with vs.name_scope("dropout"):
  ...     return x + jax.random.normal(vs.next_rng_key(), x.shape)
  >>> t = vs.transform(noisy)
  >>> params = t.init(jax.random.PRNGKey(0), jax.numpy.zeros(2))
  >>> a = t.apply(params, jax.numpy.zeros(2), rng=jax.random.PRNGKey(1))
  >>> b = t.apply(params, jax.numpy.zeros(2), rng=jax.random.PRNGKey(1))
  >>> bool((a == b).all())
  True
  """
  graph = graph_lib.get_default_graph()
  rng = graph.rng
  if rng is None:
    raise ValueError(
      "vs.next_rng_key() needs a random key, but this apply was called without one. "
      "Pass it: apply(params, ..., rng=jax.random.PRNGKey(step))."
    )
  with graph.lock:
    scope = graph.name_stack
    counts = graph.slot(_COUNTS, _new_counts)
    count = counts.get(scope, 0)
    counts[scope] = count + 1
  return fold_in_step(variable_key(rng, "%s#%d" % (scope, count)))


def set_random_seed(seed: int) -> None:
  """Seeds the current graph: variable ``name`` starts from ``PRNGKey(seed)`` folded in
  with the name's hash -- the same value ``transform(...).init(PRNGKey(seed))`` gives.

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph(); vs.set_random_seed(1)
  >>> a = vs.get_variable("w", [2]).numpy()
  >>> vs.reset_default_graph(); vs.set_random_seed(1)
  >>> bool((vs.get_variable("w", [2]).numpy() == a).all())
  True
  """
  if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
    raise TypeError(f"set_random_seed: seed must be an int, got {seed!r}.")
  if not -(2**63) <= int(seed) < 2**64:
    raise ValueError(
      f"set_random_seed: seed {seed} does not fit in 64 bits; use a seed in [-2**63, 2**64)."
    )
  graph_lib.get_default_graph().rng_seed = int(seed)
