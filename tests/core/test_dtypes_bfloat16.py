"""bfloat16 (and ml_dtypes' other numeric types) are dtypes a variable can have."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.base import dtypes


@pytest.mark.parametrize(
  "dtype", [vs.bfloat16, "bfloat16", jnp.dtype(jnp.bfloat16), jnp.float8_e4m3fn]
)
def test_ml_dtypes_are_accepted(dtype):
  assert dtypes.as_dtype(dtype) == jnp.dtype(dtype)


@pytest.mark.parametrize("dtype", ["string", np.void, "V4", object])
def test_non_numeric_dtypes_are_still_refused(dtype):
  with pytest.raises(TypeError, match="is not a dtype JAX can hold"):
    dtypes.as_dtype(dtype)


def test_bfloat16_variable_in_eager_graph_and_transform():
  with vs.Graph().as_default():
    w = vs.get_variable("w", [3], dtype=vs.bfloat16, initializer=vs.ones_initializer())
    assert w.dtype == jnp.bfloat16
  t = vs.transform(lambda: vs.get_variable("w", [3], dtype=vs.bfloat16))
  assert t.init(jax.random.PRNGKey(0))["w"].dtype == jnp.bfloat16
