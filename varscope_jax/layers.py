"""TF1's layers, ``tf.compat.v1.layers`` with TF's names, defaults and numerics (``vs.layers``).

Rename ``tf.layers`` / ``tf.compat.v1.layers`` to ``vs.layers``: every layer makes its
variables with ``vs.get_variable`` in the variable scope TF would give it (``dense``,
``dense_1``, ``conv2d``, ``batch_normalization`` ...), so scopes, reuse, custom getters,
regularizers and TF1 checkpoints work unchanged. See ``docs/layers.md``.

>>> import jax, jax.numpy as jnp
>>> import varscope_jax as vs
>>> def net(x):
...   h = vs.layers.dense(vs.layers.flatten(x), 16, activation=jax.nn.relu)
...   return vs.layers.dense(h, 10)
>>> params = vs.transform(net).init(jax.random.PRNGKey(0), jnp.ones((1, 8, 8, 3)))
>>> sorted(params)
['dense', 'dense_1']
"""

from varscope_jax._src.layers.base import Layer
from varscope_jax._src.layers.core import Dense, Dropout, Flatten, dense, dropout, flatten
from varscope_jax._src.layers.input_spec import InputSpec

__all__ = [
    "Dense", "Dropout", "Flatten", "InputSpec", "Layer", "dense", "dropout", "flatten",
]
