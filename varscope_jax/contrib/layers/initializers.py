"""``tf.contrib.layers.initializers`` (tf-slim's): ``xavier_initializer`` and contrib's
``variance_scaling_initializer``.

>>> from varscope_jax.contrib import layers
>>> layers.initializers.xavier_initializer is layers.xavier_initializer
True
"""

from varscope_jax._src.contrib.layers.initializers import (
  variance_scaling_initializer as variance_scaling_initializer,
)
from varscope_jax._src.contrib.layers.initializers import xavier_initializer as xavier_initializer
from varscope_jax._src.contrib.layers.initializers import (
  xavier_initializer_conv2d as xavier_initializer_conv2d,
)

__all__ = ["variance_scaling_initializer", "xavier_initializer", "xavier_initializer_conv2d"]
