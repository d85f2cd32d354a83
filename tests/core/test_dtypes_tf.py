"""vs's dtypes are TF's DType objects: TF's attribute values (golden from real TF), equal
to and hashed as numpy's dtypes, and taken wherever JAX takes a dtype."""

import json
import os
import pickle

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import varscope_jax as vs

GOLDEN = json.load(
  open(
    os.path.join(
      os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "golden", "dtypes", "dtypes.json"
    )
  )
)
NAMES = sorted(n for n in GOLDEN if not n.startswith("_"))
ATTRS = [
  "name",
  "size",
  "is_bool",
  "is_complex",
  "is_floating",
  "is_integer",
  "is_unsigned",
  "is_quantized",
  "is_numpy_compatible",
  "base_dtype",
  "real_dtype",
  "as_numpy_dtype",
  "as_datatype_enum",
  "max",
  "min",
  "limits",
]


def _vs(name):
  return getattr(vs, "bool" if name == "bool" else name)


@pytest.mark.parametrize("name", NAMES)
def test_attributes_are_tfs(name):
  d, want = _vs(name), GOLDEN[name]
  for attr in ATTRS:
    w = want[attr]
    if "raises" in w:
      with pytest.raises(
        getattr(__builtins__, w["raises"], None)
        or {"TypeError": TypeError, "ValueError": ValueError}[w["raises"]]
      ) as e:
        getattr(d, attr)
      assert str(e.value).splitlines()[0] == w["message"], attr
      continue
    got = getattr(d, attr)
    if "dtype" in w:
      assert isinstance(got, vs.DType) and got.name == w["dtype"], attr
    elif "numpy" in w:
      assert np.dtype(got).name == w["numpy"] and isinstance(got, type), attr
    elif attr == "limits":
      assert list(got) == w["value"], attr
    else:
      assert got == w["value"] and type(got) is type(w["value"]), (attr, got)
  assert repr(d) == want["repr"] and str(d) == want["str"]
  assert [m for m in NAMES if d.is_compatible_with(_vs(m))] == want["compatible_with"]
  assert (d == np.dtype(d.as_numpy_dtype)) is want["eq_numpy"]
  assert (d == name) is want["eq_name"]


@pytest.mark.parametrize("name", NAMES)
def test_equal_and_hashed_as_numpy_and_jax_dtypes(name):
  d = _vs(name)
  npd = np.dtype(d.as_numpy_dtype)
  assert d == npd and npd == d and hash(d) == hash(npd)
  assert d == jnp.dtype(npd) and d == npd.type and npd.type == d
  assert np.dtype(d) == npd and jnp.dtype(d) == npd
  assert {npd: 1}[d] == 1 and {d: 1}[npd] == 1
  others = [_vs(m) for m in NAMES if m != name]
  assert all(d != o for o in others) and d != None and d != 1  # noqa: E711
  assert pickle.loads(pickle.dumps(d)) is d
  assert vs.as_dtype(d) is d and vs.as_dtype(npd) is d and vs.as_dtype(name) is d


def test_dtype_sets_as_tf1_code_writes_them():
  x = jnp.zeros(3, jnp.int32)
  assert x.dtype in {vs.uint8, vs.int32, vs.int64}
  assert x.dtype not in {vs.float32, vs.float16}
  assert np.zeros(2, np.uint8).dtype in (vs.uint8,)
  assert jnp.float32 == vs.float32 and vs.float32 == jnp.float32 and vs.float32 == "float32"
  assert vs.float32.base_dtype is vs.float32 and vs.half is vs.float16


@pytest.mark.slow
def test_accepted_wherever_jax_takes_a_dtype():
  key = jax.random.PRNGKey(0)
  assert jnp.zeros(2, vs.float16).dtype == np.float16
  assert jnp.ones((2,), dtype=vs.bfloat16).dtype == jnp.bfloat16
  assert jnp.arange(3).astype(vs.uint8).dtype == np.uint8
  assert np.arange(3).astype(vs.int16).dtype == np.int16
  assert jnp.asarray([1, 2], dtype=vs.float32).dtype == np.float32
  assert jax.random.normal(key, (2,), vs.float32).dtype == np.float32
  assert jax.lax.convert_element_type(jnp.ones(2), vs.int32).dtype == np.int32
  assert jax.jit(lambda a: a.astype(vs.int8))(jnp.ones(2)).dtype == np.int8
  assert jax.ShapeDtypeStruct((2,), vs.float32).dtype == np.float32
  assert jnp.issubdtype(vs.float32, jnp.floating) and jnp.finfo(vs.float32).bits == 32
  assert jax.nn.initializers.normal()(key, (2,), vs.float32).dtype == np.float32
  v = vs.transform(lambda: vs.get_variable("w", [2], dtype=vs.int32)).init(key)["w"]
  assert v.dtype == vs.int32 and v.dtype in {vs.int32}


def test_tf_style_initializer_receives_a_dtype_object():
  seen = []

  def init(shape, dtype=None, partition_info=None):
    seen.append(dtype)
    return np.zeros(shape, dtype.as_numpy_dtype) + dtype.max

  v = vs.transform(lambda: vs.get_variable("w", [2], dtype=vs.uint8, initializer=init)).init(
    jax.random.PRNGKey(0)
  )["w"]
  assert seen[0] is vs.uint8 and v.tolist() == [255, 255]


def test_as_dtype_errors_as_tf():
  with pytest.raises(
    TypeError,
    match=r"^"
    + GOLDEN["_as_dtype_error"].replace("(", r"\(").replace(")", r"\)").replace("`", "`"),
  ):
    vs.as_dtype("floatx")
  for spelled, name in GOLDEN["_as_dtype"].items():
    value = eval(spelled, {"np": np}) if spelled.startswith("np") else spelled
    # TF keeps float32_ref as a ref dtype; JAX has none: it is float32.
    assert vs.as_dtype(value).name == name.replace("_ref", "")
  with pytest.raises(AttributeError):
    vs.float32.foo = 1
