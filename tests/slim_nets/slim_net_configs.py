"""The net configurations shared by ``make_slim_nets_golden.py`` (on tf_slim) and the tests.

``build(name, modules, slim, inputs, is_training)`` calls tf_slim's net function from
``modules[name]`` (tf_slim's own module in TF, the same source loaded on varscope_jax in the
tests) as its docstring shows, inside its ``*_arg_scope()``. ``slim`` is ``tf_slim`` or
``varscope_jax.contrib.slim``: only ``arg_scope`` and ``add_arg_scope`` are taken from it.
"""

from __future__ import annotations

import types

import numpy as np

NUM_CLASSES = 5

CONFIGS = {
  "resnet_v2": {"seed": 1, "input_shape": [2, 32, 32, 3], "full_input_shape": [1, 224, 224, 3]},
  "inception_v3": {
    "seed": 2,
    "input_shape": [2, 107, 107, 3],
    "full_input_shape": [1, 299, 299, 3],
  },
  "alexnet": {
    "seed": 3,
    "input_shape": [2, 224, 224, 3],
    "full_input_shape": [1, 224, 224, 3],
    "width_divisor": 32,
  },
  "overfeat": {
    "seed": 4,
    "input_shape": [2, 231, 231, 3],
    "full_input_shape": [1, 231, 231, 3],
    "width_divisor": 64,
  },
}


def make_inputs(shape):
  """Deterministic image-like inputs in [-1, 1] (an integer hash, exact on every platform)."""
  i = np.arange(int(np.prod(shape)), dtype=np.uint64)
  k = ((i * np.uint64(2654435761)) % np.uint64(2**32)) >> np.uint64(24)
  return (k.astype(np.float32) / np.float32(127.5) - np.float32(1.0)).reshape(shape)


def narrow_layers(layers, slim, divisor, keep=("fc8",)):
  """A copy of the module ``layers`` whose ``conv2d`` divides ``num_outputs`` by ``divisor``.

  alexnet and overfeat write their widths as literals; binding the net module's
  ``layers`` name to this copy makes them small enough to commit their checkpoints. The
  layers named in ``keep`` (the classifier) keep their width.
  """
  conv2d = layers.conv2d

  @slim.add_arg_scope
  def narrow_conv2d(inputs, num_outputs, *args, **kwargs):
    if kwargs.get("scope") not in keep:
      num_outputs = max(1, num_outputs // divisor)
    return conv2d(inputs, num_outputs, *args, **kwargs)

  copy = types.ModuleType(layers.__name__)
  copy.__dict__.update({k: v for k, v in vars(layers).items() if not k.startswith("__")})
  copy.conv2d = narrow_conv2d
  return copy


def build(name, modules, slim, inputs, is_training, full_size=False):
  """Runs net ``name`` (from ``modules``) on ``inputs``; returns ``(logits, end_points)``."""
  mod = modules[name]
  cfg = CONFIGS[name]
  if name == "resnet_v2":
    with slim.arg_scope(mod.resnet_arg_scope()):
      if full_size:
        return mod.resnet_v2_50(inputs, 1000, is_training=is_training)
      blocks = [
        mod.resnet_v2_block("block1", base_depth=4, num_units=2, stride=2),
        mod.resnet_v2_block("block2", base_depth=8, num_units=2, stride=1),
      ]
      return mod.resnet_v2(inputs, blocks, NUM_CLASSES, is_training=is_training, scope="resnet_v2")
  if name == "inception_v3":
    with slim.arg_scope(mod.inception_v3_arg_scope()):
      if full_size:
        return mod.inception_v3(inputs, 1000, is_training=is_training)
      return mod.inception_v3(
        inputs,
        NUM_CLASSES,
        is_training=is_training,
        dropout_keep_prob=1.0,
        depth_multiplier=0.05,
        min_depth=2,
      )
  fn = {"alexnet": "alexnet_v2", "overfeat": "overfeat"}[name]
  scope_fn = getattr(mod, fn + "_arg_scope")
  if full_size:
    with slim.arg_scope(scope_fn()):
      return getattr(mod, fn)(inputs, 1000, is_training=is_training)
  wide = mod.layers
  mod.layers = narrow_layers(wide, slim, cfg["width_divisor"])
  try:
    with slim.arg_scope(scope_fn()):
      return getattr(mod, fn)(inputs, NUM_CLASSES, is_training=is_training, dropout_keep_prob=1.0)
  finally:
    mod.layers = wide
