"""``import tf_slim as slim`` / ``tf.contrib.slim``: the layers, ``arg_scope`` and the
variable helpers under one name. See ``docs/slim_layers.md``.

``from varscope_jax.contrib import slim`` for ``import tf_slim as slim``: each name is
the same object as in ``vs.contrib.layers`` / ``vs.contrib.framework``.

>>> import jax, jax.numpy as jnp
>>> import varscope_jax as vs
>>> from varscope_jax.contrib import slim
>>> def net(x, is_training):
...   with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
...                       normalizer_params={"is_training": is_training}):
...     x = slim.repeat(x, 2, slim.conv2d, 8, [3, 3], scope="conv1")
...   return slim.max_pool2d(x, [2, 2], scope="pool1")
>>> list(vs.transform(net).specs(jnp.ones((1, 8, 8, 3)), True))[:3]
['conv1/conv1_1/weights', 'conv1/conv1_1/BatchNorm/beta', 'conv1/conv1_1/BatchNorm/moving_mean']
"""

from varscope_jax.contrib import framework as _framework
from varscope_jax.contrib import layers as _layers
from varscope_jax.contrib.framework import *  # noqa: F401,F403
from varscope_jax.contrib.layers import *  # noqa: F401,F403
from varscope_jax.contrib.layers import initializers as initializers
from varscope_jax.contrib.layers import regularizers as regularizers
from varscope_jax.contrib.layers import utils as utils

layers = _layers
framework = _framework

__all__ = sorted(set(_framework.__all__) | set(_layers.__all__) | {"layers", "framework"})
