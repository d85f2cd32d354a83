"""The op table's further math (inverse trigonometry, gamma functions, variance, linear
algebra) and the ``tf.nn`` convolution, pooling and batch-norm functions."""

from __future__ import annotations

from varscope_jax._src.upgrade.op_spec import Args
from varscope_jax._src.upgrade.op_spec import Unsupported
from varscope_jax._src.upgrade.op_spec import call
from varscope_jax._src.upgrade.op_spec import elementwise
from varscope_jax._src.upgrade.op_spec import is_literal
from varscope_jax._src.upgrade.op_spec import literal
from varscope_jax._src.upgrade.op_spec import op


def _u(name, jax_fn, note=""):
  return elementwise(name, jax_fn, note=note, aliases=(f"math.{name}",))


UNARY = [
  _u("acos", "jnp.arccos"),
  _u("asin", "jnp.arcsin"),
  _u("atan", "jnp.arctan"),
  _u("sinh", "jnp.sinh"),
  _u("cosh", "jnp.cosh"),
  _u("tan", "jnp.tan"),
  _u("asinh", "jnp.arcsinh"),
  _u("acosh", "jnp.arccosh"),
  _u("atanh", "jnp.arctanh"),
  _u("erfc", "jax.lax.erfc"),
  _u(
    "lgamma",
    "jax.lax.lgamma",
    note="another approximation than TF's: up to 1.4e-5 relative near its zeros at 1 and 2",
  ),
  _u("digamma", "jax.lax.digamma", note="another approximation than TF's: up to 2.2e-6 relative"),
  op(
    "math.log_sigmoid",
    "jax.nn.log_sigmoid",
    "x, name=None",
    lambda a: call("jax.nn.log_sigmoid", a["x"]),
  ),
  op(
    "atan2",
    "jnp.arctan2",
    "y, x, name=None",
    lambda a: call("jnp.arctan2", a["y"], a["x"]),
    aliases=("math.atan2",),
  ),
]


def _moment(fn):
  def build(a: Args) -> str:
    keep = a["keepdims"].strip()
    if is_literal(keep):
      keep = "True" if literal(keep) else None
    return call(fn, a["input_tensor"], axis=a["axis"] if a.given("axis") else None, keepdims=keep)

  return build


def _count_nonzero(a: Args) -> str:
  x = a.either("input_tensor", "input")
  if x is None:
    raise Unsupported("tf.count_nonzero() needs input_tensor=")
  axis = a.either("axis", "reduction_indices")
  keep = a.either("keepdims", "keep_dims")
  if keep is not None and is_literal(keep):
    keep = "True" if literal(keep) else None
  return call("jnp.count_nonzero", x, axis=axis, keepdims=keep)


def _inv(a: Args) -> str:
  a.default_only("adjoint")
  return call("jnp.linalg.inv", a["input"])


def _diag_part(a: Args) -> str:
  a.default_only("k", "padding_value", "align")
  return call("jnp.diagonal", a["input"], axis1="-2", axis2="-1")


MATH = UNARY + [
  op(
    "math.reduce_variance",
    "jnp.var",
    "input_tensor, axis=None, keepdims=False, name=None",
    _moment("jnp.var"),
  ),
  op(
    "math.reduce_std",
    "jnp.std",
    "input_tensor, axis=None, keepdims=False, name=None",
    _moment("jnp.std"),
  ),
  op(
    "count_nonzero",
    "jnp.count_nonzero",
    "input_tensor=None, axis=None, "
    "keepdims=None, dtype=tf.int64, name=None, reduction_indices=None, keep_dims=None, "
    "input=None",
    _count_nonzero,
    aliases=("math.count_nonzero",),
    note="int32 unless jax_enable_x64 is set (TF's default dtype is int64)",
  ),
  op(
    "linalg.inv",
    "jnp.linalg.inv",
    "input, adjoint=False, name=None",
    _inv,
    kind="linalg",
    aliases=("matrix_inverse",),
  ),
  op(
    "linalg.det",
    "jnp.linalg.det",
    "input, name=None",
    lambda a: call("jnp.linalg.det", a["input"]),
    kind="linalg",
    aliases=("matrix_determinant",),
  ),
  op(
    "linalg.cholesky",
    "jnp.linalg.cholesky",
    "input, name=None",
    lambda a: call("jnp.linalg.cholesky", a["input"]),
    kind="linalg",
    aliases=("cholesky",),
    note="a matrix that is not positive definite: TF raises InvalidArgumentError, jnp returns NaNs",
  ),
  op(
    "trace",
    "jnp.trace(x, axis1=-2, axis2=-1)",
    "x, name=None",
    lambda a: call("jnp.trace", a["x"], axis1="-2", axis2="-1"),
    kind="linalg",
    aliases=("linalg.trace",),
    note="over the last two dimensions, as TF (jnp.trace's default is the first two)",
  ),
  op(
    "linalg.diag_part",
    "jnp.diagonal(x, axis1=-2, axis2=-1)",
    "input, name='diag_part', k=0, padding_value=0, align='RIGHT_LEFT'",
    _diag_part,
    kind="linalg",
    aliases=("matrix_diag_part",),
    note="k=0 only",
  ),
]


def _ints(a: Args, param: str) -> list[int]:
  v = a.lit(param)
  return [v] if isinstance(v, int) else list(v)


def _spatial(vals: list[int], nhwc: bool, param: str, fn: str) -> tuple[int, int]:
  if len(vals) == 1:
    return (vals[0], vals[0])
  if len(vals) == 2:
    return tuple(vals)
  if len(vals) == 4:
    return tuple(vals[1:3]) if nhwc else tuple(vals[2:4])
  raise Unsupported(f"tf.{fn}(): {param} must have 1, 2 or 4 entries")


def _format(a: Args, fn: str) -> bool:
  fmt = a.lit("data_format")
  if fmt in (None, "NHWC"):
    return True
  if fmt == "NCHW":
    return False
  raise Unsupported(f"tf.{fn}(): data_format={fmt!r} is not rewritten (NHWC or NCHW)")


def _padding(a: Args, fn: str) -> str:
  pad = a.lit("padding")
  if pad not in ("SAME", "VALID"):
    raise Unsupported(f"tf.{fn}(): padding={pad!r} is not rewritten ('SAME' or 'VALID')")
  return repr(pad)


def _conv2d(a: Args) -> str:
  fn = "nn.conv2d"
  w = a.either("filters", "filter")
  if w is None:
    raise Unsupported("tf.nn.conv2d() needs filters= (or filter=)")
  nhwc = _format(a, fn)
  strides = _spatial(_ints(a, "strides"), nhwc, "strides", fn)
  dilations = _spatial(_ints(a, "dilations"), nhwc, "dilations", fn)
  dn = ("NHWC", "HWIO", "NHWC") if nhwc else ("NCHW", "HWIO", "NCHW")
  return call(
    "jax.lax.conv_general_dilated",
    a["input"],
    w,
    window_strides=repr(strides),
    padding=_padding(a, fn),
    rhs_dilation=None if dilations == (1, 1) else repr(dilations),
    dimension_numbers=repr(dn),
  )


def _pool_args(a: Args, fn: str):
  x = a["value"] if "value" in a.op.defaults else a["input"]
  if "input" in a.op.defaults and "value" in a.op.defaults:
    x = a.either("value", "input")
  nhwc = _format(a, fn)
  k = _spatial(_ints(a, "ksize"), nhwc, "ksize", fn)
  s = _spatial(_ints(a, "strides"), nhwc, "strides", fn)
  window = (1, *k, 1) if nhwc else (1, 1, *k)
  stride = (1, *s, 1) if nhwc else (1, 1, *s)
  return x, window, stride, _padding(a, fn), nhwc


def _max_pool(fn):
  def build(a: Args) -> str:
    x, window, stride, pad, _ = _pool_args(a, fn)
    return call(
      "jax.lax.reduce_window", x, "-jnp.inf", "jax.lax.max", repr(window), repr(stride), pad
    )

  return build


def _avg_pool(fn):
  def build(a: Args) -> str:
    x, window, stride, pad, nhwc = _pool_args(a, fn)
    return call(
      "vs.ops.avg_pool", x, repr(window), repr(stride), pad, data_format=None if nhwc else "'NCHW'"
    )

  return build


def _batch_norm(a: Args) -> str:
  return call(
    "vs.ops.batch_normalization",
    a["x"],
    a["mean"],
    a["variance"],
    a["offset"],
    a["scale"],
    a["variance_epsilon"],
  )


_CONV = "XLA's convolution: float32 sums in another order than TF's CPU kernel (a few ulps)"
NN = [
  op(
    "nn.conv2d",
    "jax.lax.conv_general_dilated",
    "input, filter=None, strides=None, "
    "padding=None, use_cudnn_on_gpu=True, data_format='NHWC', dilations=[1, 1, 1, 1], "
    "name=None, filters=None",
    _conv2d,
    kind="nn",
    note="strides, padding ('SAME'/'VALID'), dilations and data_format must be literals; " + _CONV,
  ),
  op(
    "nn.max_pool",
    "jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, ...)",
    "value, ksize, strides, padding, data_format='NHWC', name=None, input=None",
    _max_pool("nn.max_pool"),
    kind="nn",
    note="float inputs; ksize/strides literals",
  ),
  op(
    "nn.max_pool2d",
    "jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, ...)",
    "input, ksize, strides, padding, data_format='NHWC', name=None",
    _max_pool("nn.max_pool2d"),
    kind="nn",
    note="float inputs; ksize/strides literals",
  ),
  op(
    "nn.avg_pool",
    "vs.ops.avg_pool",
    "value, ksize, strides, padding, data_format='NHWC', name=None, input=None",
    _avg_pool("nn.avg_pool"),
    kind="nn",
    aliases=("nn.avg_pool2d",),
    note="SAME windows average the elements inside the input only, as TF",
  ),
  op(
    "nn.depthwise_conv2d",
    "vs.ops.depthwise_conv2d",
    "input, filter, strides, padding, rate=None, name=None, data_format=None, dilations=None",
    lambda a: call(
      "vs.ops.depthwise_conv2d",
      a["input"],
      a["filter"],
      a["strides"],
      a["padding"],
      **{k: a[k] for k in ("rate", "data_format", "dilations") if a.given(k)},
    ),
    kind="nn",
    note="XLA's grouped convolution: float32 sums in another order than TF's depthwise "
    "kernel (up to 2.1e-6 relative measured)",
  ),
  op(
    "nn.batch_normalization",
    "vs.ops.batch_normalization",
    "x, mean, variance, offset, scale, variance_epsilon, name=None",
    _batch_norm,
    kind="nn",
  ),
]
