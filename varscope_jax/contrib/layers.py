"""``tf.contrib.layers`` (tf-slim's layers) as ported: ``layer_norm``, what BERT calls.

>>> import varscope_jax as vs
>>> vs.contrib.layers.layer_norm is vs.contrib.layers.layer_norm
True
"""
from varscope_jax._src.layers.contrib import layer_norm as layer_norm
