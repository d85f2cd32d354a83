"""Golden data for vs's DType objects: every attribute TF1 code reads, from real TF.

Run with the TF venv: TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python make_dtypes_golden.py
Writes dtypes.json beside this script.
"""
import json
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

NAMES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
         "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128"]


def _num(x):
  if isinstance(x, (bool, np.bool_)):
    return bool(x)
  if isinstance(x, (int, np.integer)):
    return int(x)
  if isinstance(x, (float, np.floating)):
    return float(x)
  if isinstance(x, str):
    return x
  return float(x)   # ml_dtypes scalars (bfloat16)


def _attr(d, name):
  try:
    v = getattr(d, name)
  except Exception as e:  # noqa: BLE001 (recorded: TF raises for some dtypes)
    return {"raises": type(e).__name__, "message": str(e).splitlines()[0]}
  if isinstance(v, tf.DType):
    return {"dtype": v.name}
  if name == "as_numpy_dtype":
    return {"numpy": np.dtype(v).name}
  if name == "limits":
    return {"value": [_num(x) for x in v]}
  return {"value": _num(v)}


ATTRS = ["name", "size", "is_bool", "is_complex", "is_floating", "is_integer",
         "is_unsigned", "is_quantized", "is_numpy_compatible", "base_dtype", "real_dtype",
         "as_numpy_dtype", "as_datatype_enum", "max", "min", "limits"]

out = {}
for n in NAMES:
  d = tf.as_dtype(n)
  rec = {a: _attr(d, a) for a in ATTRS}
  rec["repr"] = repr(d)
  rec["str"] = str(d)
  rec["compatible_with"] = [m for m in NAMES if d.is_compatible_with(tf.as_dtype(m))]
  rec["ref_dtype_base"] = d._as_ref.base_dtype.name
  rec["eq_numpy"] = bool(d == np.dtype(d.as_numpy_dtype))
  rec["eq_name"] = bool(d == n)
  out[n] = rec
# tf.as_dtype accepts these spellings (each gives the named dtype).
out["_as_dtype"] = {"float32_ref": tf.as_dtype("float32_ref").name,
                    "np.float32": tf.as_dtype(np.float32).name,
                    "np.dtype('int64')": tf.as_dtype(np.dtype("int64")).name,
                    "half": tf.as_dtype("half").name, "double": tf.as_dtype("double").name}
try:
  tf.as_dtype("floatx")
except TypeError as e:
  out["_as_dtype_error"] = str(e).splitlines()[0]

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "dtypes.json"), "w") as f:
  json.dump(out, f, indent=1, sort_keys=True)
