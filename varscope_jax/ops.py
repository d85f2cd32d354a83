"""``vs.ops``: TF ops whose semantics no jax function has, with TF's semantics.

Integer-style division and modulo, TF's float-to-int cast, ``gather`` with
``batch_dims``, ``one_hot`` on -1, ``split`` by sizes, ``pad`` modes, TF1's ``where``,
the cross-entropy losses, ``moments``, band parts, TF1's image resizing and norm
clipping. Everything else of TF's math maps to ``jnp`` / ``jax.nn`` / ``jax.lax``
(``python -m varscope_jax.upgrade`` rewrites a TF1 file; ``docs/porting.md`` has the table).
"""

from varscope_jax._src.ops.array_ops import constant as constant
from varscope_jax._src.ops.assert_ops import assert_equal as assert_equal
from varscope_jax._src.ops.assert_ops import assert_greater as assert_greater
from varscope_jax._src.ops.assert_ops import assert_greater_equal as assert_greater_equal
from varscope_jax._src.ops.assert_ops import assert_less as assert_less
from varscope_jax._src.ops.assert_ops import assert_less_equal as assert_less_equal
from varscope_jax._src.ops.assert_ops import assert_none_equal as assert_none_equal
from varscope_jax._src.ops.array_ops import gather as gather
from varscope_jax._src.ops.array_ops import gather_nd as gather_nd
from varscope_jax._src.ops.array_ops import matrix_band_part as matrix_band_part
from varscope_jax._src.ops.array_ops import one_hot as one_hot
from varscope_jax._src.ops.array_ops import pad as pad
from varscope_jax._src.ops.array_ops import sequence_mask as sequence_mask
from varscope_jax._src.ops.array_ops import slice as slice  # noqa: A004 (TF's name)
from varscope_jax._src.ops.array_ops import split as split
from varscope_jax._src.ops.array_ops import where as where
from varscope_jax._src.ops.image_ops import resize_bilinear as resize_bilinear
from varscope_jax._src.ops.image_ops import resize_images as resize_images
from varscope_jax._src.ops.image_ops import resize_nearest_neighbor as resize_nearest_neighbor
from varscope_jax._src.ops.math_ops import cast as cast
from varscope_jax._src.ops.math_ops import cumprod as cumprod
from varscope_jax._src.ops.math_ops import cumsum as cumsum
from varscope_jax._src.ops.math_ops import floordiv as floordiv
from varscope_jax._src.ops.math_ops import floormod as floormod
from varscope_jax._src.ops.math_ops import truncatediv as truncatediv
from varscope_jax._src.ops.math_ops import truncatemod as truncatemod
from varscope_jax._src.ops.nn_ops import avg_pool as avg_pool
from varscope_jax._src.ops.nn_ops import batch_normalization as batch_normalization
from varscope_jax._src.ops.nn_ops import bias_add as bias_add
from varscope_jax._src.ops.nn_ops import clip_by_global_norm as clip_by_global_norm
from varscope_jax._src.ops.nn_ops import clip_by_norm as clip_by_norm
from varscope_jax._src.ops.nn_ops import depthwise_conv2d as depthwise_conv2d
from varscope_jax._src.ops.nn_ops import global_norm as global_norm
from varscope_jax._src.ops.nn_ops import l2_normalize as l2_normalize
from varscope_jax._src.ops.nn_ops import moments as moments
from varscope_jax._src.ops.nn_ops import (
  sigmoid_cross_entropy_with_logits as sigmoid_cross_entropy_with_logits,
)
from varscope_jax._src.ops.nn_ops import (
  softmax_cross_entropy_with_logits as softmax_cross_entropy_with_logits,
)
from varscope_jax._src.ops.nn_ops import (
  sparse_softmax_cross_entropy_with_logits as sparse_softmax_cross_entropy_with_logits,
)

__all__ = [
  "assert_equal",
  "assert_greater",
  "assert_greater_equal",
  "assert_less",
  "assert_less_equal",
  "assert_none_equal",
  "avg_pool",
  "batch_normalization",
  "bias_add",
  "cast",
  "clip_by_global_norm",
  "clip_by_norm",
  "constant",
  "cumprod",
  "depthwise_conv2d",
  "cumsum",
  "floordiv",
  "floormod",
  "gather",
  "gather_nd",
  "global_norm",
  "l2_normalize",
  "matrix_band_part",
  "moments",
  "one_hot",
  "pad",
  "resize_bilinear",
  "resize_images",
  "resize_nearest_neighbor",
  "sequence_mask",
  "sigmoid_cross_entropy_with_logits",
  "slice",
  "softmax_cross_entropy_with_logits",
  "sparse_softmax_cross_entropy_with_logits",
  "split",
  "truncatediv",
  "truncatemod",
  "where",
]
