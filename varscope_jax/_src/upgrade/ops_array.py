"""The op table's array ops: shapes, joins, constants, casts, selection."""

from __future__ import annotations

from varscope_jax._src.upgrade.op_spec import Args
from varscope_jax._src.upgrade.op_spec import Unsupported
from varscope_jax._src.upgrade.op_spec import call
from varscope_jax._src.upgrade.op_spec import dtype_text
from varscope_jax._src.upgrade.op_spec import is_int_dtype
from varscope_jax._src.upgrade.op_spec import is_literal
from varscope_jax._src.upgrade.op_spec import literal
from varscope_jax._src.upgrade.op_spec import op


def _dtype(a: Args, param: str = "dtype") -> str | None:
  return dtype_text(a[param]) if a.given(param) else None


def _expand_dims(a: Args) -> str:
  axis = a.either("axis", "dim")
  if axis is None:
    raise Unsupported("tf.expand_dims() needs axis= (TF raises ValueError without it)")
  return call("jnp.expand_dims", a["input"], axis)


def _squeeze(a: Args) -> str:
  axis = a.either("axis", "squeeze_dims")
  if axis is not None and is_literal(axis) and isinstance(literal(axis), list):
    axis = repr(tuple(literal(axis)))
  return call("jnp.squeeze", a["input"], axis=axis)


def _transpose(a: Args) -> str:
  out = call("jnp.transpose", a["a"], *([a["perm"]] if a.given("perm") else []))
  return f"jnp.conj({out})" if a.flag("conjugate") else out


def _shape(a: Args) -> str:
  dtype = _dtype(a, "out_type") or "jnp.int32"
  return f"jnp.asarray(jnp.shape({a['input'].strip()}), dtype={dtype})"


def _cast(a: Args) -> str:
  dtype = dtype_text(a["dtype"])
  if is_int_dtype(dtype) or not dtype.startswith("jnp."):
    return call("vs.ops.cast", a["x"], dtype)
  return call("jnp.asarray", a["x"], dtype=dtype)


def _zeros(fn):
  return lambda a: call(fn, a["shape"], dtype=_dtype(a))


def _like(fn):
  return lambda a: call(fn, a["tensor"], dtype=_dtype(a))


def _constant(a: Args) -> str:
  a.default_only("verify_shape")
  if a.given("shape"):
    return call("vs.ops.constant", a["value"], dtype=_dtype(a), shape=a["shape"])
  return call("jnp.asarray", a["value"], dtype=_dtype(a))


def _range(a: Args) -> str:
  pos = [a["start"]]
  if a.given("limit"):
    pos.append(a["limit"])
    if a.given("delta") and a["delta"].strip() != "1":
      pos.append(a["delta"])
  elif a.given("delta") and a["delta"].strip() != "1":
    pos = ["0", a["start"], a["delta"]]
  return call("jnp.arange", *pos, dtype=_dtype(a))


def _where_v2(a: Args) -> str:
  if not a.given("x") or not a.given("y"):
    raise Unsupported(
      "tf.where(condition) without x and y returns the indices of the "
      "true elements: a data-dependent shape, not possible under jit "
      "(use jnp.argwhere outside jit, or jnp.where(condition, x, y))"
    )
  return call("jnp.where", a["condition"], a["x"], a["y"])


def _cumsum(fn):
  def build(a: Args) -> str:
    if a.flag("exclusive") or a.flag("reverse"):
      return call(
        f"vs.ops.{fn.split('.')[-1]}",
        a["x"],
        axis=a["axis"],
        exclusive="True" if a.flag("exclusive") else None,
        reverse="True" if a.flag("reverse") else None,
      )
    return call(fn, a["x"], axis=a["axis"])

  return build


def _clip(a: Args) -> str:
  lo, hi = a["clip_value_min"], a["clip_value_max"]
  if is_literal(lo) and is_literal(hi) and literal(lo) <= literal(hi):
    return call("jnp.clip", a["t"], lo, hi)
  return call("jnp.maximum", call("jnp.minimum", a["t"], hi), lo)


def _reverse(a: Args) -> str:
  axis = a["axis"]
  if is_literal(axis) and isinstance(literal(axis), list):
    axis = repr(tuple(literal(axis)))
  return call("jnp.flip", a["tensor"], axis)


def _eye(a: Args) -> str:
  if a.given("batch_shape"):
    raise Unsupported(
      "tf.eye(batch_shape=...) is not rewritten; use "
      "jnp.broadcast_to(jnp.eye(n, m), (*batch_shape, n, m))"
    )
  m = a["num_columns"] if a.given("num_columns") else None
  return call("jnp.eye", a["num_rows"], *([m] if m else []), dtype=_dtype(a))


def _matrix_transpose(a: Args) -> str:
  out = f"jnp.swapaxes({a['a'].strip()}, -1, -2)"
  return f"jnp.conj({out})" if a.flag("conjugate") else out


def _stack(a: Args) -> str:
  axis = a["axis"].strip()
  return call("jnp.stack", a["values"], axis=None if axis == "0" else axis)


def _unstack(a: Args) -> str:
  axis = a["axis"].strip()
  return f"list({call('jnp.unstack', a['value'], axis=None if axis == '0' else axis)})"


def _concat(a: Args) -> str:
  return call("jnp.concatenate", a["values"], axis=a["axis"])


def _to(dtype: str):
  def build(a: Args) -> str:
    if dtype.startswith("jnp.int"):
      return call("vs.ops.cast", a["x"], dtype)
    return call("jnp.asarray", a["x"], dtype=dtype)

  return build


_X64 = "int64 and float64 need jax_enable_x64 (JAX keeps 32 bits otherwise, with a warning)"

ARRAY = [
  op(
    "reshape",
    "jnp.reshape",
    "tensor, shape, name=None",
    lambda a: call("jnp.reshape", a["tensor"], a["shape"]),
    kind="array",
    aliases=("manip.reshape",),
  ),
  op(
    "transpose",
    "jnp.transpose",
    "a, perm=None, name='transpose', conjugate=False",
    _transpose,
    kind="array",
  ),
  op(
    "matrix_transpose",
    "jnp.swapaxes(a, -1, -2)",
    "a, name='matrix_transpose', conjugate=False",
    _matrix_transpose,
    kind="array",
    aliases=("linalg.matrix_transpose", "linalg.transpose"),
  ),
  op(
    "expand_dims",
    "jnp.expand_dims",
    "input, axis=None, name=None, dim=None",
    _expand_dims,
    kind="array",
  ),
  op(
    "squeeze",
    "jnp.squeeze",
    "input, axis=None, name=None, squeeze_dims=None",
    _squeeze,
    kind="array",
  ),
  op("concat", "jnp.concatenate", "values, axis, name='concat'", _concat, kind="array"),
  op("stack", "jnp.stack", "values, axis=0, name='stack'", _stack, kind="array"),
  op(
    "unstack",
    "jnp.unstack",
    "value, num=None, axis=0, name='unstack'",
    _unstack,
    kind="array",
    note="a list of arrays, as TF; num is only checked by TF",
  ),
  op(
    "tile",
    "jnp.tile",
    "input, multiples, name=None",
    lambda a: call("jnp.tile", a["input"], a["multiples"]),
    kind="array",
    aliases=("manip.tile",),
  ),
  op(
    "reverse",
    "jnp.flip",
    "tensor, axis, name=None",
    _reverse,
    kind="array",
    aliases=("reverse_v2", "manip.reverse"),
  ),
  op(
    "broadcast_to",
    "jnp.broadcast_to",
    "input, shape, name=None",
    lambda a: call("jnp.broadcast_to", a["input"], a["shape"]),
    kind="array",
  ),
  op(
    "shape",
    "jnp.shape",
    "input, name=None, out_type=None",
    _shape,
    kind="array",
    note="the static shape as an int32 array (concrete under jit: shape[0] is an "
    "ordinary number); x.shape is the tuple",
  ),
  op(
    "size",
    "jnp.size",
    "input, name=None, out_type=None",
    lambda a: call("jnp.size", a["input"]),
    kind="array",
    note="a Python int (static), not a tensor",
  ),
  op(
    "rank",
    "jnp.ndim",
    "input, name=None",
    lambda a: call("jnp.ndim", a["input"]),
    kind="array",
    note="a Python int (static), not a tensor",
  ),
  op(
    "cast",
    "jnp.asarray(x, dtype) / vs.ops.cast",
    "x, dtype, name=None",
    _cast,
    kind="array",
    note="a cast to an integer dtype (or a dtype known only at run time) "
    "goes through vs.ops.cast: TF's CPU results for floats to "
    "ints (toward zero; NaN and out of range give the minimum); " + _X64,
    aliases=("dtypes.cast",),
  ),
  op(
    "to_float", "jnp.asarray(x, jnp.float32)", "x, name='ToFloat'", _to("jnp.float32"), kind="array"
  ),
  op("to_int32", "vs.ops.cast(x, jnp.int32)", "x, name='ToInt32'", _to("jnp.int32"), kind="array"),
  op(
    "to_int64",
    "vs.ops.cast(x, jnp.int64)",
    "x, name='ToInt64'",
    _to("jnp.int64"),
    kind="array",
    note=_X64,
  ),
  op(
    "zeros",
    "jnp.zeros",
    "shape, dtype=tf.float32, name=None, layout=None",
    _zeros("jnp.zeros"),
    kind="array",
  ),
  op(
    "ones",
    "jnp.ones",
    "shape, dtype=tf.float32, name=None, layout=None",
    _zeros("jnp.ones"),
    kind="array",
  ),
  op(
    "zeros_like",
    "jnp.zeros_like",
    "tensor, dtype=None, name=None, optimize=True",
    _like("jnp.zeros_like"),
    kind="array",
  ),
  op(
    "ones_like",
    "jnp.ones_like",
    "tensor, dtype=None, name=None, optimize=True",
    _like("jnp.ones_like"),
    kind="array",
  ),
  op(
    "fill",
    "jnp.full",
    "dims, value, name=None, layout=None",
    lambda a: call("jnp.full", a["dims"], a["value"]),
    kind="array",
  ),
  op(
    "constant",
    "jnp.asarray",
    "value, dtype=None, shape=None, name='Const', verify_shape=False",
    _constant,
    kind="array",
    note="with shape=, vs.ops.constant fills or reshapes as TF",
  ),
  op(
    "range",
    "jnp.arange",
    "start, limit=None, delta=1, dtype=None, name='range'",
    _range,
    kind="array",
  ),
  op(
    "linspace",
    "jnp.linspace",
    "start, stop, num, name=None, axis=0",
    lambda a: call(
      "jnp.linspace",
      a["start"],
      a["stop"],
      a["num"],
      axis=a["axis"] if a["axis"].strip() != "0" else None,
    ),
    kind="array",
    aliases=("lin_space",),
  ),
  op(
    "eye",
    "jnp.eye",
    "num_rows, num_columns=None, batch_shape=None, dtype=tf.float32, name=None",
    _eye,
    kind="array",
    aliases=("linalg.eye",),
  ),
  op(
    "identity",
    "jnp.asarray",
    "input, name=None",
    lambda a: call("jnp.asarray", a["input"]),
    kind="array",
  ),
  op(
    "stop_gradient",
    "jax.lax.stop_gradient",
    "input, name=None",
    lambda a: call("jax.lax.stop_gradient", a["input"]),
    kind="array",
  ),
  op("where_v2", "jnp.where", "condition, x=None, y=None, name=None", _where_v2, kind="array"),
  op(
    "clip_by_value",
    "jnp.clip",
    "t, clip_value_min, clip_value_max, name=None",
    _clip,
    kind="array",
    note="where clip_value_min > clip_value_max, TF gives clip_value_min (jnp.clip "
    "the max): bounds that are not literals keep TF's order",
  ),
  op(
    "cumsum",
    "jnp.cumsum",
    "x, axis=0, exclusive=False, reverse=False, name=None",
    _cumsum("jnp.cumsum"),
    kind="math",
    aliases=("math.cumsum",),
    note="exclusive/reverse must be literals; with either, vs.ops.cumsum",
  ),
  op(
    "cumprod",
    "jnp.cumprod",
    "x, axis=0, exclusive=False, reverse=False, name=None",
    _cumsum("jnp.cumprod"),
    kind="math",
    aliases=("math.cumprod",),
    note="exclusive/reverse must be literals; with either, vs.ops.cumprod",
  ),
  op(
    "tensordot",
    "jnp.tensordot",
    "a, b, axes, name=None",
    lambda a: call("jnp.tensordot", a["a"], a["b"], a["axes"]),
    kind="linalg",
    aliases=("linalg.tensordot",),
  ),
]
