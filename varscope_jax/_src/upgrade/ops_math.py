"""The op table's math ops: elementwise functions, comparisons, reductions, matmul."""

from __future__ import annotations

from varscope_jax._src.upgrade.op_spec import Args
from varscope_jax._src.upgrade.op_spec import Unsupported
from varscope_jax._src.upgrade.op_spec import call
from varscope_jax._src.upgrade.op_spec import dtype_text
from varscope_jax._src.upgrade.op_spec import elementwise
from varscope_jax._src.upgrade.op_spec import is_literal
from varscope_jax._src.upgrade.op_spec import literal
from varscope_jax._src.upgrade.op_spec import op

_XY = "x, y, name=None"


def _unary(name, jax_fn, note="", aliases=()):
  return elementwise(name, jax_fn, note=note, aliases=aliases)


def _binary(name, jax_fn, note="", aliases=()):
  return elementwise(name, jax_fn, signature=_XY, note=note, aliases=aliases)


UNARY = [
  _unary("abs", "jnp.abs", aliases=("math.abs",)),
  _unary("exp", "jnp.exp", aliases=("math.exp",)),
  _unary("log", "jnp.log", aliases=("math.log",)),
  _unary("log1p", "jnp.log1p", aliases=("math.log1p",)),
  _unary("expm1", "jnp.expm1", aliases=("math.expm1",)),
  _unary("sqrt", "jnp.sqrt", aliases=("math.sqrt",)),
  _unary("rsqrt", "jax.lax.rsqrt", aliases=("math.rsqrt",)),
  _unary("square", "jnp.square", aliases=("math.square",)),
  _unary("tanh", "jnp.tanh", aliases=("math.tanh", "nn.tanh")),
  _unary("sigmoid", "jax.nn.sigmoid", aliases=("math.sigmoid", "nn.sigmoid")),
  _unary("sin", "jnp.sin", aliases=("math.sin",)),
  _unary("cos", "jnp.cos", aliases=("math.cos",)),
  _unary("erf", "jax.lax.erf", aliases=("math.erf",)),
  _unary("negative", "jnp.negative", aliases=("math.negative",)),
  _unary("sign", "jnp.sign", aliases=("math.sign",)),
  _unary("floor", "jnp.floor", aliases=("math.floor",)),
  _unary("ceil", "jnp.ceil", aliases=("math.ceil",)),
  _unary("round", "jnp.round", note="rounds half to even, as TF", aliases=("math.round",)),
  _unary("reciprocal", "jnp.reciprocal", aliases=("math.reciprocal",)),
  _unary("logical_not", "jnp.logical_not", aliases=("math.logical_not",)),
  _unary("is_nan", "jnp.isnan", aliases=("math.is_nan",)),
  _unary("is_finite", "jnp.isfinite", aliases=("math.is_finite",)),
  _unary("is_inf", "jnp.isinf", aliases=("math.is_inf",)),
]

BINARY = [
  _binary("add", "jnp.add", aliases=("math.add",)),
  _binary("subtract", "jnp.subtract", aliases=("math.subtract",)),
  _binary("multiply", "jnp.multiply", aliases=("math.multiply",)),
  _binary("maximum", "jnp.maximum", aliases=("math.maximum",)),
  _binary("minimum", "jnp.minimum", aliases=("math.minimum",)),
  op(
    "squared_difference",
    "jnp.square(x - y)",
    _XY,
    lambda a: f"jnp.square(jnp.subtract({a['x'].strip()}, {a['y'].strip()}))",
    aliases=("math.squared_difference",),
  ),
  _binary("equal", "jnp.equal", aliases=("math.equal",)),
  _binary("not_equal", "jnp.not_equal", aliases=("math.not_equal",)),
  _binary("less", "jnp.less", aliases=("math.less",)),
  _binary("less_equal", "jnp.less_equal", aliases=("math.less_equal",)),
  _binary("greater", "jnp.greater", aliases=("math.greater",)),
  _binary("greater_equal", "jnp.greater_equal", aliases=("math.greater_equal",)),
  _binary("logical_and", "jnp.logical_and", aliases=("math.logical_and",)),
  _binary("logical_or", "jnp.logical_or", aliases=("math.logical_or",)),
  _binary("logical_xor", "jnp.logical_xor", aliases=("math.logical_xor",)),
  _binary(
    "pow",
    "jnp.power",
    aliases=("math.pow",),
    note="integer x to a negative integer power: TF raises InvalidArgumentError, jnp returns 0",
  ),
  _binary("realdiv", "jnp.true_divide"),
]


_TRUEDIV = (
  "integer inputs: TF returns float64 for int32/int64 (float32 for int8/int16); "
  "jnp returns float32 unless jax_enable_x64 is set"
)


def _divide(a: Args) -> str:
  return call("jnp.true_divide", a["x"], a["y"])


DIVISION = [
  op("divide", "jnp.true_divide", _XY, _divide, aliases=("math.divide",), note=_TRUEDIV),
  op("truediv", "jnp.true_divide", _XY, _divide, aliases=("math.truediv",), note=_TRUEDIV),
]


def _axis_keepdims(a: Args, axis_alias="reduction_indices", keep_alias="keep_dims"):
  axis = a.either("axis", axis_alias)
  keep = a.either("keepdims", keep_alias)
  if keep is not None and is_literal(keep):
    keep = "True" if literal(keep) else None
  return axis, keep


def _reduction(name, jax_fn, note="", aliases=()):
  def build(a: Args) -> str:
    axis, keep = _axis_keepdims(a)
    return call(jax_fn, a["input_tensor"], axis=axis, keepdims=keep)

  return op(
    name,
    jax_fn,
    "input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None",
    build,
    note=note,
    aliases=aliases,
  )


_INT_MEAN = (
  "integer inputs: TF returns the mean in the input's integer dtype "
  "(truncated); jnp.mean returns a float"
)
REDUCTIONS = [
  _reduction("reduce_sum", "jnp.sum", aliases=("math.reduce_sum",)),
  _reduction("reduce_mean", "jnp.mean", note=_INT_MEAN, aliases=("math.reduce_mean",)),
  _reduction("reduce_max", "jnp.max", aliases=("math.reduce_max",)),
  _reduction("reduce_min", "jnp.min", aliases=("math.reduce_min",)),
  _reduction("reduce_prod", "jnp.prod", aliases=("math.reduce_prod",)),
  _reduction("reduce_all", "jnp.all", aliases=("math.reduce_all",)),
  _reduction("reduce_any", "jnp.any", aliases=("math.reduce_any",)),
  _reduction("reduce_logsumexp", "jax.nn.logsumexp", aliases=("math.reduce_logsumexp",)),
]


def _arg(jax_fn):
  def build(a: Args) -> str:
    axis = a.either("axis", "dimension")
    out = call(jax_fn, a["input"], axis="0" if axis is None else axis)
    if a.given("output_type"):
      out = f"{out}.astype({dtype_text(a['output_type'])})"
    return out

  return build


_ARG_NOTE = (
  "the index dtype is int32 unless jax_enable_x64 is set (TF's default "
  "output_type is int64); axis=None means axis 0, as TF"
)
ARG = [
  op(
    "argmax",
    "jnp.argmax",
    "input, axis=None, name=None, dimension=None, output_type=tf.int64",
    _arg("jnp.argmax"),
    note=_ARG_NOTE,
    aliases=("math.argmax",),
  ),
  op(
    "argmin",
    "jnp.argmin",
    "input, axis=None, name=None, dimension=None, output_type=tf.int64",
    _arg("jnp.argmin"),
    note=_ARG_NOTE,
    aliases=("math.argmin",),
  ),
]


def _matmul(a: Args) -> str:
  a.default_only("output_type", "grad_a", "grad_b")
  x, y = a["a"].strip(), a["b"].strip()
  if a.flag("transpose_a") and a.flag("adjoint_a"):
    raise Unsupported("tf.matmul(): transpose_a and adjoint_a are both True (TF raises ValueError)")
  if a.flag("transpose_b") and a.flag("adjoint_b"):
    raise Unsupported("tf.matmul(): transpose_b and adjoint_b are both True (TF raises ValueError)")
  if a.flag("transpose_a"):
    x = f"jnp.swapaxes({x}, -1, -2)"
  elif a.flag("adjoint_a"):
    x = f"jnp.conj(jnp.swapaxes({x}, -1, -2))"
  if a.flag("transpose_b"):
    y = f"jnp.swapaxes({y}, -1, -2)"
  elif a.flag("adjoint_b"):
    y = f"jnp.conj(jnp.swapaxes({y}, -1, -2))"
  return call("jnp.matmul", x, y)


def _einsum(a: Args) -> str:
  return call("jnp.einsum", a["equation"], *a.varargs)


def _add_n(a: Args) -> str:
  return f"jnp.sum(jnp.stack({a['inputs'].strip()}), axis=0)"


LINALG = [
  op(
    "matmul",
    "jnp.matmul",
    "a, b, transpose_a=False, transpose_b=False, "
    "adjoint_a=False, adjoint_b=False, a_is_sparse=False, b_is_sparse=False, "
    "output_type=None, grad_a=False, grad_b=False, name=None",
    _matmul,
    note="transpose_*/adjoint_* must be literals; the *_is_sparse hints are dropped",
    aliases=("linalg.matmul",),
    kind="linalg",
  ),
  op(
    "einsum",
    "jnp.einsum",
    "equation, *inputs, name=None",
    _einsum,
    aliases=("linalg.einsum",),
    kind="linalg",
  ),
  op(
    "add_n",
    "jnp.sum(jnp.stack(inputs), axis=0)",
    "inputs, name=None",
    _add_n,
    note="as TF, the inputs must have one shape (no broadcasting)",
    aliases=("math.add_n",),
  ),
]

MATH = UNARY + BINARY + DIVISION + REDUCTIONS + ARG + LINALG
