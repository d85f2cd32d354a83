"""The op table's ``tf.nn`` ops (activations, softmax, losses) and random ops."""

from __future__ import annotations

from varscope_jax._src.upgrade.op_spec import Args
from varscope_jax._src.upgrade.op_spec import Unsupported
from varscope_jax._src.upgrade.op_spec import call
from varscope_jax._src.upgrade.op_spec import dtype_text
from varscope_jax._src.upgrade.op_spec import is_int_dtype
from varscope_jax._src.upgrade.op_spec import op
from varscope_jax._src.upgrade.op_spec import paren

_F = "features, name=None"


def _act(name, jax_fn, note="", aliases=()):
  return op(
    name, jax_fn, _F, lambda a: call(jax_fn, a["features"]), kind="nn", note=note, aliases=aliases
  )


def _softmax(jax_fn):
  def build(a: Args) -> str:
    axis = a.either("axis", "dim")
    return call(jax_fn, a["logits"], axis=axis)

  return build


def _leaky_relu(a: Args) -> str:
  alpha = a["alpha"].strip()
  return call("jax.nn.leaky_relu", a["features"], negative_slope=None if alpha == "0.01" else alpha)


def _swish(a: Args) -> str:
  if a["beta"].strip() in ("1.0", "1"):
    return call("jax.nn.silu", a["features"])
  raise Unsupported(
    "tf.nn.swish(beta=...) other than 1.0 is not rewritten; write x * jax.nn.sigmoid(beta * x)"
  )


def _bias_add(a: Args) -> str:
  fmt = a["data_format"].strip()
  if a.given("data_format") and fmt.strip("'\"") not in ("NHWC", "NWC", "NDHWC", "N..C"):
    return call("vs.ops.bias_add", a["value"], a["bias"], data_format=fmt)
  return call("jnp.add", a["value"], a["bias"])


NN = [
  _act("nn.relu", "jax.nn.relu"),
  _act("nn.relu6", "jax.nn.relu6"),
  _act("nn.elu", "jax.nn.elu"),
  _act("nn.selu", "jax.nn.selu"),
  _act("nn.softplus", "jax.nn.softplus", aliases=("math.softplus",)),
  _act("nn.softsign", "jax.nn.soft_sign", aliases=("math.softsign",)),
  op(
    "nn.leaky_relu", "jax.nn.leaky_relu", "features, alpha=0.2, name=None", _leaky_relu, kind="nn"
  ),
  op("nn.swish", "jax.nn.silu", "features, beta=1.0", _swish, kind="nn", aliases=("nn.silu",)),
  op(
    "nn.softmax",
    "jax.nn.softmax",
    "logits, axis=None, name=None, dim=None",
    _softmax("jax.nn.softmax"),
    kind="nn",
    aliases=("math.softmax",),
  ),
  op(
    "nn.log_softmax",
    "jax.nn.log_softmax",
    "logits, axis=None, name=None, dim=None",
    _softmax("jax.nn.log_softmax"),
    kind="nn",
    aliases=("math.log_softmax",),
  ),
  op(
    "nn.bias_add",
    "jnp.add",
    "value, bias, data_format=None, name=None",
    _bias_add,
    kind="nn",
    note="channels-first data_format goes through vs.ops.bias_add",
  ),
  op(
    "nn.l2_loss",
    "jnp.sum(jnp.square(t)) / 2",
    "t, name=None",
    lambda a: f"jnp.sum(jnp.square({a['t'].strip()})) / 2",
    kind="nn",
  ),
  op(
    "nn.xw_plus_b",
    "jnp.matmul(x, weights) + biases",
    "x, weights, biases, name=None",
    lambda a: f"jnp.matmul({a['x'].strip()}, {a['weights'].strip()}) + {paren(a['biases'])}",
    kind="nn",
  ),
  op(
    "nn.top_k",
    "jax.lax.top_k",
    "input, k=1, sorted=True, index_type=tf.int32, name=None",
    lambda a: call("jax.lax.top_k", a["input"], a["k"]),
    kind="nn",
    aliases=("math.top_k",),
    note="always sorted (TF leaves the order unspecified for sorted=False); ties: "
    "the lower index first, as TF",
  ),
]


def _key() -> str:
  return "vs.next_rng_key()"


def _scale_shift(expr: str, a: Args) -> str:
  std, mean = a["stddev"].strip(), a["mean"].strip()
  if std not in ("1.0", "1"):
    expr = f"{expr} * {paren(std)}"
  if mean not in ("0.0", "0"):
    expr = f"{expr} + {paren(mean)}"
  return expr


def _normal(a: Args) -> str:
  dtype = dtype_text(a["dtype"]) if a.given("dtype") else None
  return _scale_shift(call("jax.random.normal", _key(), a["shape"], *([dtype] if dtype else [])), a)


def _truncated(a: Args) -> str:
  dtype = dtype_text(a["dtype"]) if a.given("dtype") else None
  return _scale_shift(
    call(
      "jax.random.truncated_normal", _key(), "-2.0", "2.0", a["shape"], *([dtype] if dtype else [])
    ),
    a,
  )


def _uniform(a: Args) -> str:
  dtype = dtype_text(a["dtype"]) if a.given("dtype") else None
  if dtype is not None and is_int_dtype(dtype):
    if not a.given("maxval"):
      raise Unsupported(
        "tf.random.uniform() with an integer dtype needs maxval= (TF raises ValueError)"
      )
    return call("jax.random.randint", _key(), a["shape"], a["minval"], a["maxval"], dtype)
  minval = a["minval"].strip()
  return call(
    "jax.random.uniform",
    _key(),
    a["shape"],
    *([dtype] if dtype else []),
    minval=None if minval in ("0", "0.0") else minval,
    maxval=a["maxval"] if a.given("maxval") else None,
  )


_SEED = (
  "keys come from vs.next_rng_key() (pass rng= to apply); seed= is dropped, and "
  "the values differ from TF's generator (the distribution is the same)"
)
_RANDOM_SIG = "shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed=None, name=None"

RANDOM = [
  op(
    "random.normal",
    "jax.random.normal",
    _RANDOM_SIG,
    _normal,
    kind="random",
    note=_SEED,
    aliases=("random_normal",),
  ),
  op(
    "random.truncated_normal",
    "jax.random.truncated_normal",
    _RANDOM_SIG,
    _truncated,
    kind="random",
    note="truncated at two standard deviations, as TF; " + _SEED,
    aliases=("truncated_normal",),
  ),
  op(
    "random.uniform",
    "jax.random.uniform",
    "shape, minval=0, maxval=None, dtype=tf.float32, seed=None, name=None",
    _uniform,
    kind="random",
    note="an integer dtype uses jax.random.randint; " + _SEED,
    aliases=("random_uniform",),
  ),
  op(
    "random.shuffle",
    "jax.random.permutation",
    "value, seed=None, name=None",
    lambda a: call("jax.random.permutation", _key(), a["value"]),
    kind="random",
    note="shuffles along the first axis, as TF; " + _SEED,
    aliases=("random_shuffle",),
  ),
]
