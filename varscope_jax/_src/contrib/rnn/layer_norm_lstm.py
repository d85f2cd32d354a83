"""``tf.contrib.rnn.LayerNormBasicLSTMCell``: an LSTM with layer normalization and
recurrent dropout, as TF r1.15's ``contrib/rnn/python/ops/rnn_cell.py`` defines it.

Its variables are made in ``call`` with ``get_variable`` (it is an ``RNNCell``, not a
``LayerRNNCell``), under the cell's scope ``layer_norm_basic_lstm_cell``: ``kernel``
``[depth + n, 4n]`` (the scope's initializer, else glorot-uniform), ``bias [4n]`` only
without layer norm (no initializer given: glorot-uniform, as TF), and for each of
``input``, ``transform``, ``forget``, ``output`` and ``state`` a ``gamma`` (``norm_gain``)
and ``beta`` (``norm_shift``), normalized by ``tf.contrib.layers.layer_norm`` (epsilon
1e-12). Golden data: tests/golden/contrib_rnn/.
"""

from __future__ import annotations

import logging

import jax
import jax.numpy as jnp

from varscope_jax._src.contrib.layers.layer_norm import layer_norm
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core.variables import value_of
from varscope_jax._src.initializers import constant_initializer
from varscope_jax._src.nn.cell_base import LSTMStateTuple, RNNCell
from varscope_jax._src.nn.dropout import dropout

logger = logging.getLogger("varscope_jax")


class LayerNormBasicLSTMCell(RNNCell):
  """LSTM unit with layer normalization and recurrent dropout (``tf.contrib.rnn``'s).

  Layer normalization (Ba et al., 2016) is applied to the four gate pre-activations and
  to the new memory before its nonlinearity; recurrent dropout (Semeniuta et al., 2016)
  drops the candidate ``g = activation(j)``: ``c' = c * sigmoid(f + forget_bias) +
  sigmoid(i) * dropout(g)``, ``h' = activation(ln(c')) * sigmoid(o)``. The dropout mask
  is new at every time step (keys from ``vs.next_rng_key()``: pass ``rng=`` to apply).

  Args:
    num_units: the number of units.
    forget_bias: added to the forget gate.
    input_size: deprecated and unused (a warning, as TF).
    activation: the inner nonlinearity (default ``tanh``).
    layer_norm: apply layer normalization (without it, the kernel has a bias).
    norm_gain, norm_shift: the initial values of the ``gamma`` and ``beta``.
    dropout_keep_prob: keep probability of the recurrent dropout; a float 1.0 is none.
    dropout_prob_seed: accepted for porting (keys are seeded by name here).
    reuse: reuse the variables of an existing scope of the cell's name.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> def f(x):
  ...   cell = vs.contrib.rnn.LayerNormBasicLSTMCell(4)
  ...   return vs.nn.dynamic_rnn(cell, x, dtype=vs.float32)[0]
  >>> t = vs.transform(f)
  >>> params = t.init(jax.random.PRNGKey(0), jnp.ones((2, 5, 3)))
  >>> sorted(n for n, _ in vs.flatten_params(params))[:3]
  ['rnn/layer_norm_basic_lstm_cell/forget/beta', 'rnn/layer_norm_basic_lstm_cell/forget/gamma', 'rnn/layer_norm_basic_lstm_cell/input/beta']
  >>> t.apply(params, jnp.ones((2, 5, 3))).shape
  (2, 5, 4)
  """

  def __init__(
    self,
    num_units,
    forget_bias=1.0,
    input_size=None,
    activation=jnp.tanh,
    layer_norm=True,
    norm_gain=1.0,
    norm_shift=0.0,
    dropout_keep_prob=1.0,
    dropout_prob_seed=None,
    reuse=None,
  ):
    super().__init__(_reuse=reuse)
    if input_size is not None:
      logger.warning("%s: The input_size parameter is deprecated.", self)
    if not callable(activation):
      raise TypeError(
        "LayerNormBasicLSTMCell: activation must be callable (e.g. "
        "jnp.tanh), got %r." % (activation,)
      )
    self._num_units = num_units
    self._activation = activation
    self._forget_bias = forget_bias
    self._keep_prob = dropout_keep_prob
    self._seed = dropout_prob_seed
    self._layer_norm = layer_norm
    self._norm_gain = norm_gain
    self._norm_shift = norm_shift

  @property
  def state_size(self):
    return LSTMStateTuple(self._num_units, self._num_units)

  @property
  def output_size(self):
    return self._num_units

  def _norm(self, inp, scope, dtype):
    shape = [inp.shape[-1]]
    with vs_lib.variable_scope(scope):
      store_lib.get_variable(
        "gamma", shape=shape, dtype=dtype, initializer=constant_initializer(self._norm_gain)
      )
      store_lib.get_variable(
        "beta", shape=shape, dtype=dtype, initializer=constant_initializer(self._norm_shift)
      )
    return layer_norm(inp, reuse=True, scope=scope)

  def _linear(self, args):
    out_size = 4 * self._num_units
    weights = store_lib.get_variable("kernel", [args.shape[-1], out_size], dtype=args.dtype)
    out = args @ value_of(weights)
    if not self._layer_norm:
      out = out + value_of(store_lib.get_variable("bias", [out_size], dtype=args.dtype))
    return out

  def call(self, inputs, state):
    c, h = state
    args = jnp.concatenate([inputs, h], 1)
    dtype = args.dtype
    i, j, f, o = jnp.split(self._linear(args), 4, axis=1)
    if self._layer_norm:
      i = self._norm(i, "input", dtype)
      j = self._norm(j, "transform", dtype)
      f = self._norm(f, "forget", dtype)
      o = self._norm(o, "output", dtype)
    g = self._activation(j)
    if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
      g = dropout(g, self._keep_prob, seed=self._seed)
    new_c = c * jax.nn.sigmoid(f + self._forget_bias) + jax.nn.sigmoid(i) * g  # pyright: ignore[reportOperatorIssue]
    if self._layer_norm:
      new_c = self._norm(new_c, "state", dtype)
    new_h = self._activation(new_c) * jax.nn.sigmoid(o)  # pyright: ignore[reportOperatorIssue]
    return new_h, LSTMStateTuple(new_c, new_h)
