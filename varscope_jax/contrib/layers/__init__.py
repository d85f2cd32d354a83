"""``tf.contrib.layers`` (= ``tf_slim.layers``) with tf-slim's arguments, defaults, names
and numerics, on ``vs.layers`` and the core's ``get_variable``. See
``docs/slim_layers.md``.

Every layer is one function object whichever name reaches it (``conv2d is
convolution2d``), decorated with ``add_arg_scope``.

>>> import jax, jax.numpy as jnp
>>> import varscope_jax as vs
>>> from varscope_jax.contrib import layers
>>> def net(x):
...   x = layers.conv2d(x, 4, [3, 3], scope="conv1")
...   x = layers.max_pool2d(x, [2, 2], scope="pool1")
...   return layers.fully_connected(layers.flatten(x), 10, activation_fn=None, scope="fc")
>>> params = vs.transform(net).init(jax.random.PRNGKey(0), jnp.ones((1, 8, 8, 3)))
>>> jax.tree_util.tree_map(jnp.shape, params)
{'conv1': {'biases': (4,), 'weights': (3, 3, 3, 4)}, 'fc': {'biases': (10,), 'weights': (64, 10)}}
"""

import functools as _functools

import jax as _jax

from varscope_jax._src.contrib.layers.batch_norm import batch_norm as batch_norm
from varscope_jax._src.contrib.layers.bias_add import bias_add as bias_add
from varscope_jax._src.contrib.layers.convolution import conv1d as conv1d
from varscope_jax._src.contrib.layers.convolution import conv2d as conv2d
from varscope_jax._src.contrib.layers.convolution import conv2d_transpose as conv2d_transpose
from varscope_jax._src.contrib.layers.convolution import conv3d as conv3d
from varscope_jax._src.contrib.layers.convolution import conv3d_transpose as conv3d_transpose
from varscope_jax._src.contrib.layers.convolution import convolution as convolution
from varscope_jax._src.contrib.layers.convolution import convolution1d as convolution1d
from varscope_jax._src.contrib.layers.convolution import convolution2d as convolution2d
from varscope_jax._src.contrib.layers.convolution import (
  convolution2d_transpose as convolution2d_transpose,
)
from varscope_jax._src.contrib.layers.convolution import convolution3d as convolution3d
from varscope_jax._src.contrib.layers.convolution import (
  convolution3d_transpose as convolution3d_transpose,
)
from varscope_jax._src.contrib.layers.dropout import dropout as dropout
from varscope_jax._src.contrib.layers.fully_connected import fully_connected as fully_connected
from varscope_jax._src.contrib.layers.layer_norm import layer_norm as layer_norm
from varscope_jax._src.contrib.layers.normalization import group_norm as group_norm
from varscope_jax._src.contrib.layers.normalization import instance_norm as instance_norm
from varscope_jax._src.contrib.layers.pooling import avg_pool2d as avg_pool2d
from varscope_jax._src.contrib.layers.pooling import avg_pool3d as avg_pool3d
from varscope_jax._src.contrib.layers.pooling import max_pool2d as max_pool2d
from varscope_jax._src.contrib.layers.maxout import maxout as maxout
from varscope_jax._src.contrib.layers.pooling import max_pool3d as max_pool3d
from varscope_jax._src.contrib.layers.pooling import pool as pool
from varscope_jax._src.contrib.layers.scale_gradient import scale_gradient as scale_gradient
from varscope_jax._src.contrib.layers.sequence import images_to_sequence as images_to_sequence
from varscope_jax._src.contrib.layers.sequence import sequence_to_images as sequence_to_images
from varscope_jax._src.contrib.layers.spatial_softmax import spatial_softmax as spatial_softmax
from varscope_jax._src.contrib.layers.unit_norm import unit_norm as unit_norm
from varscope_jax._src.contrib.layers.repeat import repeat as repeat
from varscope_jax._src.contrib.layers.repeat import stack as stack
from varscope_jax._src.contrib.layers.separable import conv2d_in_plane as conv2d_in_plane
from varscope_jax._src.contrib.layers.separable import (
  convolution2d_in_plane as convolution2d_in_plane,
)
from varscope_jax._src.contrib.layers.separable import separable_conv2d as separable_conv2d
from varscope_jax._src.contrib.layers.separable import (
  separable_convolution2d as separable_convolution2d,
)
from varscope_jax._src.contrib.layers.shape_ops import flatten as flatten
from varscope_jax._src.contrib.layers.shape_ops import one_hot_encoding as one_hot_encoding
from varscope_jax._src.contrib.layers.shape_ops import softmax as softmax
from varscope_jax.contrib.layers import initializers as initializers
from varscope_jax.contrib.layers import regularizers as regularizers
from varscope_jax.contrib.layers import utils as utils
from varscope_jax.contrib.layers.initializers import (
  variance_scaling_initializer as variance_scaling_initializer,
)
from varscope_jax.contrib.layers.initializers import xavier_initializer as xavier_initializer
from varscope_jax.contrib.layers.initializers import (
  xavier_initializer_conv2d as xavier_initializer_conv2d,
)
from varscope_jax.contrib.layers.regularizers import apply_regularization as apply_regularization
from varscope_jax.contrib.layers.regularizers import l1_l2_regularizer as l1_l2_regularizer
from varscope_jax.contrib.layers.regularizers import l1_regularizer as l1_regularizer
from varscope_jax.contrib.layers.regularizers import l2_regularizer as l2_regularizer
from varscope_jax.contrib.layers.regularizers import sum_regularizer as sum_regularizer

# tf-slim's fully_connected shorthands (functools.partial, as in tf-slim).
elu = _functools.partial(fully_connected, activation_fn=_jax.nn.elu)
relu = _functools.partial(fully_connected, activation_fn=_jax.nn.relu)
relu6 = _functools.partial(fully_connected, activation_fn=_jax.nn.relu6)
linear = _functools.partial(fully_connected, activation_fn=None)

LAYERS = [
  "avg_pool2d",
  "avg_pool3d",
  "batch_norm",
  "bias_add",
  "conv1d",
  "conv2d",
  "conv2d_in_plane",
  "conv2d_transpose",
  "conv3d",
  "conv3d_transpose",
  "convolution",
  "convolution1d",
  "convolution2d",
  "convolution2d_in_plane",
  "convolution2d_transpose",
  "convolution3d",
  "convolution3d_transpose",
  "dropout",
  "elu",
  "flatten",
  "fully_connected",
  "group_norm",
  "images_to_sequence",
  "instance_norm",
  "layer_norm",
  "linear",
  "max_pool2d",
  "max_pool3d",
  "maxout",
  "one_hot_encoding",
  "pool",
  "relu",
  "relu6",
  "repeat",
  "scale_gradient",
  "separable_conv2d",
  "separable_convolution2d",
  "sequence_to_images",
  "softmax",
  "spatial_softmax",
  "stack",
  "unit_norm",
]
__all__ = (
  LAYERS + initializers.__all__ + regularizers.__all__ + ["initializers", "regularizers", "utils"]
)
