"""``vs.nn``: TF1's ``tf.nn`` RNN API and the helpers around it.

``vs.nn.rnn_cell`` holds the cells; the drivers run them on ``jax.lax.scan`` with TF's
variable names and numerics.
"""

import importlib as _importlib

from varscope_jax._src.nn.dropout import dropout as dropout
from varscope_jax._src.nn.embedding import embedding_lookup as embedding_lookup
from varscope_jax._src.nn.rnn import bidirectional_dynamic_rnn as bidirectional_dynamic_rnn
from varscope_jax._src.nn.rnn import dynamic_rnn as dynamic_rnn
from varscope_jax._src.nn.rnn import static_bidirectional_rnn as static_bidirectional_rnn
from varscope_jax._src.nn.rnn import static_rnn as static_rnn
from varscope_jax.nn import rnn_cell as rnn_cell

__all__ = [
  "bidirectional_dynamic_rnn",
  "dropout",
  "dynamic_rnn",
  "embedding_lookup",
  "rnn_cell",
  "static_bidirectional_rnn",
  "static_rnn",
]


def __getattr__(name):
  """TF names this module lacks raise an AttributeError saying what to use instead."""
  raise _importlib.import_module("varscope_jax._src.upgrade.hints").missing_attribute(
    __name__, name
  )
