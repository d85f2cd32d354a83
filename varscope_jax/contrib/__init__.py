"""The parts of TF1's ``tf.contrib`` that ported models call (``vs.contrib.layers``).

>>> import varscope_jax as vs
>>> vs.contrib.layers.layer_norm.__name__
'layer_norm'
"""
from varscope_jax.contrib import layers as layers
