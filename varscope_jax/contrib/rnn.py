"""``tf.contrib.rnn``: TF1's cells (the same objects as ``vs.nn.rnn_cell``'s), the static
drivers, and contrib's own ``LayerNormBasicLSTMCell``.

>>> import varscope_jax as vs
>>> vs.contrib.rnn.LSTMCell is vs.nn.rnn_cell.LSTMCell
True
"""

from varscope_jax._src.contrib.rnn.layer_norm_lstm import (
  LayerNormBasicLSTMCell as LayerNormBasicLSTMCell,
)
from varscope_jax._src.nn.cell_base import LayerRNNCell as LayerRNNCell
from varscope_jax._src.nn.cell_base import LSTMStateTuple as LSTMStateTuple
from varscope_jax._src.nn.cell_base import RNNCell as RNNCell
from varscope_jax._src.nn.cell_wrappers import DeviceWrapper as DeviceWrapper
from varscope_jax._src.nn.cell_wrappers import DropoutWrapper as DropoutWrapper
from varscope_jax._src.nn.cell_wrappers import ResidualWrapper as ResidualWrapper
from varscope_jax._src.nn.cells import BasicLSTMCell as BasicLSTMCell
from varscope_jax._src.nn.cells import BasicRNNCell as BasicRNNCell
from varscope_jax._src.nn.cells import GRUCell as GRUCell
from varscope_jax._src.nn.cells import LSTMCell as LSTMCell
from varscope_jax._src.nn.multi_rnn_cell import MultiRNNCell as MultiRNNCell
from varscope_jax._src.nn.rnn import static_bidirectional_rnn as static_bidirectional_rnn
from varscope_jax._src.nn.rnn import static_rnn as static_rnn

__all__ = [
  "BasicLSTMCell",
  "BasicRNNCell",
  "DeviceWrapper",
  "DropoutWrapper",
  "GRUCell",
  "LSTMCell",
  "LSTMStateTuple",
  "LayerNormBasicLSTMCell",
  "LayerRNNCell",
  "MultiRNNCell",
  "RNNCell",
  "ResidualWrapper",
  "static_bidirectional_rnn",
  "static_rnn",
]
