"""ResNet-50 v2 (25.6M parameters) for ``slim_bench.py``: tf_slim's and Flax linen's.

* ``varscope``: tf_slim's own ``resnet_v2_50`` (the installed tf-slim source, rewritten
  by ``vs.upgrade``, ``tests/slim_nets/slim_port.py``) inside ``resnet_arg_scope()``, on
  ``vs.contrib.slim``.
* ``linen``: the same architecture written with ``flax.linen`` (``nn.Conv``,
  ``nn.BatchNorm``): the pre-activation bottleneck units of ``resnet_v2`` (batch norm +
  relu before each unit, a 1x1 projection shortcut where the depth changes, max-pool 1x1
  subsampling otherwise, explicit padding for strided 3x3 convolutions), the same
  initializers (variance scaling, fan-in, factor 2, truncated normal) and the same
  parameters: 25,613,800 values in 272 leaves.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "slim_nets"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

BLOCKS = ((64, 3, 2), (128, 4, 2), (256, 6, 2), (512, 3, 1))  # base depth, units, stride
NUM_CLASSES = 1000
EPSILON, DECAY = 1e-5, 0.997


def example_input(batch=2, size=224):
  return jax.random.normal(jax.random.PRNGKey(1), (batch, size, size, 3), jnp.float32)


def slim_resnet_v2_50():
  """``(net_fn, slim)``: ``net_fn(x, is_training) -> (logits, end_points)`` on tf_slim's source."""
  import slim_port as port
  from varscope_jax.contrib import slim

  resnet_v2 = port.load("resnet_v2")

  def net(x, is_training):
    with slim.arg_scope(resnet_v2.resnet_arg_scope()):
      return resnet_v2.resnet_v2_50(x, NUM_CLASSES, is_training=is_training)

  return net


def linen_resnet_v2_50():
  import flax.linen as nn

  kernel_init = nn.initializers.variance_scaling(2.0, "fan_in", "truncated_normal")

  def conv(features, size, stride=1, bias=True, padding="SAME", name=None):
    return nn.Conv(
      features,
      (size, size),
      (stride, stride),
      padding=padding,
      use_bias=bias,
      kernel_init=kernel_init,
      name=name,
    )

  def conv_same(x, features, size, stride, bias, name):
    if stride == 1:
      return conv(features, size, 1, bias, "SAME", name)(x)
    total = size - 1
    x = jnp.pad(
      x, ((0, 0), (total // 2, total - total // 2), (total // 2, total - total // 2), (0, 0))
    )
    return conv(features, size, stride, bias, "VALID", name)(x)

  class Unit(nn.Module):
    depth: int
    bottleneck: int
    stride: int

    @nn.compact
    def __call__(self, x, train):
      bn = lambda name: nn.BatchNorm(
        use_running_average=not train, momentum=DECAY, epsilon=EPSILON, name=name
      )
      preact = nn.relu(bn("preact")(x))
      if x.shape[-1] == self.depth:
        shortcut = x if self.stride == 1 else x[:, :: self.stride, :: self.stride, :]
      else:
        shortcut = conv(self.depth, 1, self.stride, name="shortcut")(preact)
      r = nn.relu(bn("conv1_bn")(conv(self.bottleneck, 1, bias=False, name="conv1")(preact)))
      r = nn.relu(bn("conv2_bn")(conv_same(r, self.bottleneck, 3, self.stride, False, "conv2")))
      r = conv(self.depth, 1, name="conv3")(r)
      return shortcut + r

  class ResNetV2(nn.Module):
    @nn.compact
    def __call__(self, x, train):
      x = conv_same(x, 64, 7, 2, True, "conv1")
      x = nn.max_pool(x, (3, 3), (2, 2), padding="SAME")
      for b, (base, units, stride) in enumerate(BLOCKS):
        for u in range(units):
          x = Unit(
            base * 4, base, stride if u == units - 1 else 1, name=f"block{b + 1}_unit{u + 1}"
          )(x, train)
      x = nn.relu(
        nn.BatchNorm(
          use_running_average=not train, momentum=DECAY, epsilon=EPSILON, name="postnorm"
        )(x)
      )
      x = jnp.mean(x, axis=(1, 2), keepdims=True)
      return conv(NUM_CLASSES, 1, name="logits")(x)

  return ResNetV2()
