"""``vs.nn.rnn_cell``: TF1's RNN cells (``tf.compat.v1.nn.rnn_cell``), same names and numerics."""

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

__all__ = [
  "BasicLSTMCell",
  "BasicRNNCell",
  "DeviceWrapper",
  "DropoutWrapper",
  "GRUCell",
  "LSTMCell",
  "LSTMStateTuple",
  "LayerRNNCell",
  "MultiRNNCell",
  "RNNCell",
  "ResidualWrapper",
]
