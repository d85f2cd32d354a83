"""The parts of TF1's ``tf.contrib`` that ported models call.

* ``vs.contrib.slim``: ``import tf_slim as slim`` / ``tf.contrib.slim``.
* ``vs.contrib.layers``: ``tf.contrib.layers`` (tf-slim's layers, initializers,
  regularizers, ``layer_norm``).
* ``vs.contrib.framework``: ``tf.contrib.framework`` (``arg_scope``, ``model_variable``,
  ``get_variables_to_restore`` ...).
* ``vs.contrib.rnn``: ``tf.contrib.rnn`` (TF1's cells, and ``LayerNormBasicLSTMCell``).

>>> import varscope_jax as vs
>>> vs.contrib.slim.conv2d is vs.contrib.layers.conv2d is vs.contrib.layers.convolution2d
True
"""

from varscope_jax.contrib import framework as framework
from varscope_jax.contrib import layers as layers
from varscope_jax.contrib import rnn as rnn
from varscope_jax.contrib import slim as slim
