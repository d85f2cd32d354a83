"""Pooling layers are differentiable under ``jax.jit`` (a train step through max-pooling)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs


@pytest.mark.slow
@pytest.mark.parametrize("pool", [vs.layers.max_pooling2d, vs.layers.average_pooling2d])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_grad_through_pooling_under_jit(pool, padding):
  x = jnp.arange(2 * 5 * 5 * 3, dtype=jnp.float32).reshape(2, 5, 5, 3) % 7
  f = lambda x: jnp.sum(pool(x, 2, 2, padding=padding) ** 2)
  eager, jitted = jax.grad(f)(x), jax.jit(jax.grad(f))(x)
  np.testing.assert_allclose(eager, jitted, rtol=1e-6)
  assert float(jnp.abs(jitted).sum()) > 0
