"""``tf.contrib.layers.regularizers`` (tf-slim's): ``l1_regularizer``, ``l2_regularizer``,
``l1_l2_regularizer``, ``sum_regularizer``, ``apply_regularization``.

>>> from varscope_jax.contrib import layers
>>> layers.regularizers.l2_regularizer is layers.l2_regularizer
True
"""

from varscope_jax._src.contrib.layers.regularizers import (
  apply_regularization as apply_regularization,
)
from varscope_jax._src.contrib.layers.regularizers import l1_l2_regularizer as l1_l2_regularizer
from varscope_jax._src.contrib.layers.regularizers import l1_regularizer as l1_regularizer
from varscope_jax._src.contrib.layers.regularizers import l2_regularizer as l2_regularizer
from varscope_jax._src.contrib.layers.regularizers import sum_regularizer as sum_regularizer

__all__ = [
  "apply_regularization",
  "l1_l2_regularizer",
  "l1_regularizer",
  "l2_regularizer",
  "sum_regularizer",
]
