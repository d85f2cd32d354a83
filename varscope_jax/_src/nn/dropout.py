"""``vs.nn.dropout``: TF1's ``tf.nn.dropout`` (``keep_prob`` or ``rate``), keys from ``next_rng_key``."""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core.rng import next_rng_key


def dropout_with_key(x, rate, key, noise_shape=None):
  """Zeroes each element with probability ``rate`` and scales the rest by ``1 / (1 - rate)``.

  As TF: the mask is ``uniform(noise_shape) >= rate`` (``noise_shape`` broadcasts to
  ``x``'s shape), and the kept values are ``x * (1 / (1 - rate))``.
  """
  x = jnp.asarray(x)
  shape = (
    x.shape
    if noise_shape is None
    else tuple(x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
  )
  keep = jax.random.uniform(key, shape, dtype=x.dtype) >= rate
  scale = 1 / (1 - jnp.asarray(rate, x.dtype))
  return jnp.where(keep, x * scale, jnp.zeros((), x.dtype))


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
  """TF1's ``tf.nn.dropout``: zero elements with probability ``rate`` (= ``1 - keep_prob``).

  The kept elements are scaled by ``1 / (1 - rate)``. A Python ``rate`` of 0 returns ``x``
  unchanged (no rng needed). The key is ``vs.next_rng_key()`` (pass ``rng=`` to
  ``apply``); ``seed`` and ``name`` are accepted for porting.

  Args:
    x: a floating point array.
    keep_prob: the probability of keeping each element (TF1's argument; deprecated in TF).
    noise_shape: shape of the random mask, broadcast against ``x`` (e.g. ``[batch, 1]``).
    seed: ignored (keys come from ``vs.next_rng_key()``).
    name: ignored.
    rate: the probability of dropping each element, in ``[0, 1)``.

  Returns:
    An array like ``x``.

  Raises:
    ValueError: both or neither of ``keep_prob`` and ``rate``, or a rate outside ``[0, 1)``.

  >>> import jax, jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> t = vs.transform(lambda x: vs.nn.dropout(x, keep_prob=0.5))
  >>> y = t.apply({}, jnp.ones((2, 4)), rng=jax.random.PRNGKey(0))
  >>> sorted(set(y.ravel().tolist()) | {0.0, 2.0})
  [0.0, 2.0]
  """
  del seed, name
  if keep_prob is not None and rate is not None:
    raise ValueError(tf_errors.DROPOUT_BOTH)
  if keep_prob is not None:
    rate = 1 - keep_prob
  if rate is None:
    raise ValueError("dropout needs `rate` (or TF1's `keep_prob`); got neither.")
  if isinstance(rate, numbers.Real) and not isinstance(rate, bool):
    rate = float(rate)
    if not 0 <= rate < 1:
      raise ValueError(tf_errors.DROPOUT_RATE % (rate,))
    if rate == 0:
      return jnp.asarray(x)
  x = jnp.asarray(x)
  if not jnp.issubdtype(x.dtype, jnp.floating):
    raise ValueError(
      "x has to be a floating point tensor since it's going to be scaled. "
      "Got a %s tensor instead." % np.dtype(x.dtype).name
    )
  return dropout_with_key(x, rate, next_rng_key(), noise_shape)
