"""A loop body traced as TF traces its while-loop body: once.

``dynamic_rnn`` calls the cell on step 0 outside its ``lax.scan`` (that call makes the
variables) and again when the scan traces its body. TF traces the body once, so the
second call must see what the first saw: :func:`snapshot` takes the graph's naming state
(op and name-scope names, variable-scope default-name counters, layer names) before step
0, and :func:`as_first_trace` restores it and makes the current scope reuse, so a cell
that opens ``variable_scope(scope or "MyCell")``, a ``default_name`` scope or an unnamed
``vs.layers.dense`` in its own ``__call__`` finds the variables step 0 made under the
same names.
"""

from __future__ import annotations

import contextlib
import copy

from varscope_jax._src.core.graph import get_default_graph
from varscope_jax._src.core.variable_scope import get_variable_scope, scope_store, variable_scope
from varscope_jax._src.layers.base import layer_names_snapshot, restore_layer_names


def snapshot():
  graph = get_default_graph()
  return (
    graph.names_snapshot(),
    copy.copy(scope_store(graph).variable_scopes_count),
    layer_names_snapshot(),
  )


@contextlib.contextmanager
def as_first_trace(saved):
  """Names as at ``saved`` and the current variable scope reusing, inside."""
  names, counts, layer_names = saved
  graph = get_default_graph()
  graph.restore_names(names)
  scope_store(graph).restore_counts(copy.copy(counts))
  restore_layer_names(layer_names)
  with variable_scope(get_variable_scope(), reuse=True, auxiliary_name_scope=False):
    yield
