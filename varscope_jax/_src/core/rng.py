"""``next_rng_key``: keys for randomness inside a model, from the call's rng and the scope."""
from __future__ import annotations

from varscope_jax._src.base.keys import variable_key
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core.step_context import fold_in_step


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
        "Pass it: apply(params, ..., rng=jax.random.PRNGKey(step)).")
  with graph._lock:
    scope = graph.name_stack
    count = graph.rng_counts.get(scope, 0)
    graph.rng_counts[scope] = count + 1
  return fold_in_step(variable_key(rng, "%s#%d" % (scope, count)))
