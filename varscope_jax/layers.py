"""TF1's layers, ``tf.compat.v1.layers`` with TF's names, defaults and numerics (``vs.layers``).

Rename ``tf.layers`` / ``tf.compat.v1.layers`` to ``vs.layers``: every layer makes its
variables with ``vs.get_variable`` in the variable scope TF would give it (``dense``,
``dense_1``, ``conv2d``, ``batch_normalization`` ...), so scopes, reuse, custom getters,
regularizers and TF1 checkpoints work unchanged. See ``docs/layers.md``.

>>> import jax, jax.numpy as jnp
>>> import varscope_jax as vs
>>> def net(x):
...   h = vs.layers.conv2d(x, 4, 3, padding="same", activation=jax.nn.relu)
...   h = vs.layers.max_pooling2d(h, 2, 2)
...   return vs.layers.dense(vs.layers.flatten(h), 10)
>>> params = vs.transform(net).init(jax.random.PRNGKey(0), jnp.ones((1, 8, 8, 3)))
>>> jax.tree_util.tree_map(jnp.shape, params)
{'conv2d': {'bias': (4,), 'kernel': (3, 3, 3, 4)}, 'dense': {'bias': (10,), 'kernel': (64, 10)}}
"""

from varscope_jax._src.layers.base import Layer
from varscope_jax._src.layers.conv_functions import (
  conv1d,
  conv2d,
  conv2d_transpose,
  conv3d,
  conv3d_transpose,
  separable_conv1d,
  separable_conv2d,
)
from varscope_jax._src.layers.convolutional import (
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  SeparableConv1D,
  SeparableConv2D,
)
from varscope_jax._src.layers.core import Dense, Dropout, Flatten, dense, dropout, flatten
from varscope_jax._src.layers.input_spec import InputSpec
from varscope_jax._src.layers.normalization import BatchNormalization, batch_normalization
from varscope_jax._src.layers.pooling import (
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
  average_pooling1d,
  average_pooling2d,
  average_pooling3d,
  max_pooling1d,
  max_pooling2d,
  max_pooling3d,
)

__all__ = [
  "AveragePooling1D",
  "AveragePooling2D",
  "AveragePooling3D",
  "BatchNormalization",
  "Conv1D",
  "Conv2D",
  "Conv2DTranspose",
  "Conv3D",
  "Conv3DTranspose",
  "Dense",
  "Dropout",
  "Flatten",
  "InputSpec",
  "Layer",
  "MaxPooling1D",
  "MaxPooling2D",
  "MaxPooling3D",
  "SeparableConv1D",
  "SeparableConv2D",
  "average_pooling1d",
  "average_pooling2d",
  "average_pooling3d",
  "batch_normalization",
  "conv1d",
  "conv2d",
  "conv2d_transpose",
  "conv3d",
  "conv3d_transpose",
  "dense",
  "dropout",
  "flatten",
  "max_pooling1d",
  "max_pooling2d",
  "max_pooling3d",
  "separable_conv1d",
  "separable_conv2d",
]
