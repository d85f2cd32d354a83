"""The op-table golden cases: one list shared by the TF recorder and the JAX test.

A case calls ``tf.<op>(*args, **kwargs)`` where ``args``/``kwargs`` are source text (as
the upgrader sees it) naming the inputs ``x0, x1, ...``; ``inputs`` gives each input's
shape, dtype and distribution. ``make_ops_golden.py`` (TF) draws the inputs, records
TF's outputs or error type; ``tests/test_ops_golden.py`` evaluates ``rewrite_call``'s
replacement on JAX with the same inputs.
"""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class Case:
  op: str
  args: list
  kwargs: dict
  inputs: dict          # name -> (shape, dtype, dist) or a literal list/array
  rtol: float = 1e-6    # relative (atol = rtol * max|expected|, for values near 0)
  random: bool = False  # compared by distribution, not by value
  known: str = ""       # a documented difference: text the op's note must contain


def draw(spec, rng):
  """One input array from its spec: (shape, dtype, dist) or an explicit value."""
  if not (isinstance(spec, tuple) and len(spec) == 3 and isinstance(spec[2], str)):
    return np.asarray(spec[0], dtype=spec[1]) if isinstance(spec, tuple) else np.asarray(spec)
  shape, dtype, dist = spec
  if dist == "n":
    v = rng.standard_normal(shape) * 2
  elif dist == "p":
    v = rng.uniform(0.1, 4.0, shape)
  elif dist == "g1":     # > 1
    v = rng.uniform(1.0, 5.0, shape)
  elif dist == "u":
    v = rng.uniform(-1.0, 1.0, shape)
  elif dist == "i":
    v = rng.integers(-7, 8, shape)
  elif dist == "nz":    # non-zero ints
    v = rng.integers(1, 6, shape) * rng.choice([-1, 1], shape)
  elif dist == "b":
    v = rng.random(shape) < 0.5
  elif dist.startswith("idx"):
    v = rng.integers(0, int(dist[3:]), shape)
  else:
    raise ValueError(dist)
  return np.asarray(v).astype(dtype)


F, I, B = "float32", "int32", "bool"


def c(op, args, kwargs=None, rtol=1e-6, random=False, known="", **inputs):
  return Case(op, list(args), dict(kwargs or {}), inputs, rtol, random, known)


UNARY = {  # op -> (dist, also int32?)
    "abs": ("n", True), "exp": ("n", False), "log": ("p", False), "log1p": ("p", False),
    "expm1": ("n", False), "sqrt": ("p", False), "rsqrt": ("p", False),
    "square": ("n", True), "tanh": ("n", False), "sigmoid": ("n", False),
    "sin": ("n", False), "cos": ("n", False), "erf": ("n", False),
    "negative": ("n", True), "sign": ("n", True), "floor": ("n", False),
    "ceil": ("n", False), "round": ("n", False), "reciprocal": ("p", False),
    "is_nan": ("n", False), "is_finite": ("n", False), "is_inf": ("n", False),
    "nn.relu": ("n", True), "nn.relu6": ("n", False), "nn.elu": ("n", False),
    "nn.selu": ("n", False), "nn.softplus": ("n", False), "nn.softsign": ("n", False),
    "nn.swish": ("n", False), "nn.leaky_relu": ("n", False),
    "acos": ("u", False), "asin": ("u", False), "atan": ("n", False),
    "sinh": ("n", False), "cosh": ("n", False), "tan": ("u", False),
    "asinh": ("n", False), "acosh": ("g1", False), "atanh": ("u", False),
    "erfc": ("n", False), "lgamma": ("p", False), "digamma": ("p", False),
    "math.log_sigmoid": ("n", False),
}
BINARY = {  # op -> (dist of x, dist of y, also int32?)
    "add": ("n", "n", True), "subtract": ("n", "n", True), "multiply": ("n", "n", True),
    "maximum": ("n", "n", True), "minimum": ("n", "n", True),
    "squared_difference": ("n", "n", True), "equal": ("i", "i", True),
    "not_equal": ("i", "i", True), "less": ("n", "n", True),
    "less_equal": ("i", "i", True), "greater": ("n", "n", True),
    "greater_equal": ("i", "i", True), "pow": ("p", "n", False),
    "realdiv": ("n", "p", False), "divide": ("n", "p", False),
    "floordiv": ("n", "p", True), "floormod": ("n", "p", True),
    "truncatediv": ("n", "p", True), "truncatemod": ("n", "p", True),
    "atan2": ("n", "n", False),
}
LOGICAL = ["logical_and", "logical_or", "logical_xor"]
REDUCE = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
          "reduce_logsumexp"]
RANDOM = ["random.normal", "random.truncated_normal", "random.uniform"]


# XLA's lgamma/digamma are other approximations than TF's (Eigen's): near lgamma's zeros
# (x = 1, 2) the measured differences reach 1.4e-5 relative (4.6e-7 absolute).
RTOL = {"lgamma": 2e-5, "digamma": 5e-6}


def _unary_cases():
  out = []
  for name, (dist, ints) in UNARY.items():
    for shape in [(), (5,), (2, 3, 4)]:
      out.append(c(name, ["x0"], rtol=RTOL.get(name, 1e-6), x0=(shape, F, dist)))
    if ints:
      out.append(c(name, ["x0"], x0=((3, 4), I, "i")))
  out.append(c("is_nan", ["x0"], x0=([np.nan, 1.0, np.inf], F)))
  out.append(c("is_inf", ["x0"], x0=([np.nan, -np.inf, np.inf, 2.0], F)))
  out.append(c("round", ["x0"], x0=([0.5, 1.5, 2.5, -0.5, -1.5, 2.4], F)))
  out.append(c("nn.leaky_relu", ["x0"], {"alpha": "0.1"}, x0=((6,), F, "n")))
  out.append(c("nn.leaky_relu", ["x0", "1.5"], x0=((6,), F, "n")))
  out.append(c("nn.relu", ["x0"], {"name": "'r'"}, x0=((4,), F, "n")))
  out.append(c("sqrt", ["x0"], x0=((3,), I, "i"), known="JAX promotes"))
  return out


def _binary_cases():
  out = []
  shapes = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1, 4), (3, 1)), ((), (4,))]
  for name, (dx, dy, ints) in BINARY.items():
    for sx, sy in shapes:
      out.append(c(name, ["x0", "x1"], x0=(sx, F, dx), x1=(sy, F, dy)))
    if ints:
      out.append(c(name, ["x0", "x1"], x0=((3, 4), I, "i"),
                   x1=((3, 4), I, "nz" if "div" in name or "mod" in name else "i")))
    out.append(c(name, ["x0", "x1"], x0=((2, 3), F, dx), x1=((4,), F, dy)))   # error
  out.append(c("floordiv", ["x0", "x1"], x0=([7, -7, 7, -7, 0], I), x1=([2, 2, -2, -2, 3], I)))
  out.append(c("floormod", ["x0", "x1"], x0=([7, -7, 7, -7, 0], I), x1=([2, 2, -2, -2, 3], I)))
  out.append(c("floormod", ["x0", "x1"], x0=([7.5, -7.5, 0.0, 5.0], F),
               x1=([-2.0, 2.0, 3.0, np.inf], F)))
  out.append(c("truncatemod", ["x0", "x1"], x0=([7, -7, 7, -7], I), x1=([2, 2, -2, -2], I)))
  out.append(c("divide", ["x0", "x1"], x0=((3,), I, "i"), x1=((3,), I, "nz"),
               known="float64"))
  out.append(c("add", ["x0", "x1"], x0=((2,), F, "n"), x1=((2,), I, "i"),
               known="JAX promotes"))
  out.append(c("truediv", ["x0", "x1"], x0=((2, 3), F, "n"), x1=((3,), F, "p")))
  out.append(c("truediv", ["x0", "x1"], x0=((3,), I, "i"), x1=((3,), I, "nz"),
               known="float64"))
  for name in LOGICAL:
    out.append(c(name, ["x0", "x1"], x0=((2, 3), B, "b"), x1=((3,), B, "b")))
    out.append(c(name, ["x0", "x1"], x0=((4,), B, "b"), x1=((4,), B, "b")))
  out.append(c("logical_not", ["x0"], x0=((2, 3), B, "b")))
  return out


def _reduce_cases():
  out = []
  x = ((2, 3, 4), F, "n")
  for name in REDUCE:
    for kw in [{}, {"axis": "0"}, {"axis": "-1"}, {"axis": "[0, 2]"},
               {"axis": "1", "keepdims": "True"}, {"axis": "-2", "keep_dims": "True"},
               {"reduction_indices": "[1]"}, {"axis": "3"}]:
      out.append(c(name, ["x0"], kw, x0=x))
    out.append(c(name, ["x0", "1", "True"], x0=x))
    if name != "reduce_logsumexp":
      out.append(c(name, ["x0"], {"axis": "1"}, x0=((3, 4), I, "i"),
                   known="truncated" if name == "reduce_mean" else ""))
  out.append(c("reduce_mean", ["x0"], x0=((3, 4), F, "p")))
  for name in ["math.reduce_variance", "math.reduce_std"]:
    for kw in [{}, {"axis": "0"}, {"axis": "[0, 2]"}, {"axis": "-1", "keepdims": "True"}]:
      out.append(c(name, ["x0"], kw, x0=x))
  for kw in [{}, {"axis": "1"}, {"axis": "-1", "keepdims": "True"}]:
    out.append(c("count_nonzero", ["x0"], kw, x0=((3, 4), I, "i"), known="int64"))
  for name in ["reduce_all", "reduce_any"]:
    for kw in [{}, {"axis": "0"}, {"axis": "-1", "keepdims": "True"}]:
      out.append(c(name, ["x0"], kw, x0=((3, 4), B, "b")))
  for name in ["argmax", "argmin"]:
    for kw in [{}, {"axis": "1"}, {"axis": "-1"}, {"dimension": "0"},
               {"axis": "1", "output_type": "tf.int32"}]:
      out.append(c(name, ["x0"], kw, x0=((3, 5), F, "n")))
    out.append(c(name, ["x0", "2"], x0=((2, 3, 4), I, "i")))
  return out


def _linalg_cases():
  out = []
  for kw, sa, sb in [({}, (2, 3), (3, 4)), ({"transpose_a": "True"}, (3, 2), (3, 4)),
                     ({"transpose_b": "True"}, (2, 3), (4, 3)),
                     ({"transpose_a": "True", "transpose_b": "True"}, (3, 2), (4, 3)),
                     ({}, (5, 2, 3), (5, 3, 4)), ({"adjoint_b": "True"}, (2, 3), (4, 3)),
                     ({}, (2, 3), (4, 5))]:
    out.append(c("matmul", ["x0", "x1"], kw, x0=(sa, F, "n"), x1=(sb, F, "n")))
  out.append(c("matmul", ["x0", "x1", "True"], x0=((3, 2), F, "n"), x1=((3, 4), F, "n")))
  out.append(c("matmul", ["x0", "x1"], x0=((2, 3), I, "i"), x1=((3, 2), I, "i")))
  out.append(c("einsum", ["'ij,jk->ik'", "x0", "x1"], x0=((2, 3), F, "n"),
               x1=((3, 4), F, "n")))
  out.append(c("einsum", ["'BFNH,BTNH->BNFT'", "x0", "x1"], x0=((2, 3, 2, 4), F, "n"),
               x1=((2, 5, 2, 4), F, "n")))
  out.append(c("einsum", ["'bi->b'", "x0"], x0=((3, 4), F, "n")))
  out.append(c("add_n", ["[x0, x1, x2]"], x0=((2, 3), F, "n"), x1=((2, 3), F, "n"),
               x2=((2, 3), F, "n")))
  out.append(c("tensordot", ["x0", "x1", "1"], x0=((2, 3), F, "n"), x1=((3, 4), F, "n")))
  out.append(c("tensordot", ["x0", "x1", "[[1, 2], [0, 1]]"], x0=((2, 3, 4), F, "n"),
               x1=((3, 4, 5), F, "n")))
  for lo, up in [("-1", "0"), ("0", "-1"), ("1", "2"), ("0", "0"), ("-1", "-1")]:
    out.append(c("matrix_band_part", ["x0", lo, up], x0=((2, 4, 5), F, "n")))
  out.append(c("matrix_band_part", ["x0", "5", "0"], x0=((4, 4), F, "n")))   # error
  spd = (np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]), F)
  out += [c("linalg.inv", ["x0"], x0=spd), c("linalg.det", ["x0"], x0=spd),
          c("linalg.cholesky", ["x0"], x0=spd),
          c("linalg.det", ["x0"], x0=((2, 3, 3), F, "n")),
          c("trace", ["x0"], x0=((2, 3, 3), F, "n")), c("trace", ["x0"], x0=((3, 4), F, "n")),
          c("linalg.diag_part", ["x0"], x0=((2, 3, 4), F, "n"))]
  return out


def _array_cases():
  out = []
  x = ((2, 3, 4), F, "n")
  out += [c("reshape", ["x0", "[6, 4]"], x0=x), c("reshape", ["x0", "[-1]"], x0=x),
          c("reshape", ["x0", "[4, -1, 2]"], x0=x), c("reshape", ["x0", "[5, 5]"], x0=x)]
  out += [c("transpose", ["x0"], x0=x), c("transpose", ["x0", "[0, 2, 1]"], x0=x),
          c("transpose", ["x0"], {"perm": "[2, 0, 1]"}, x0=x),
          c("transpose", ["x0", "[0, 1]"], x0=x)]
  out += [c("matrix_transpose", ["x0"], x0=x)]
  out += [c("expand_dims", ["x0", "0"], x0=x), c("expand_dims", ["x0", "-1"], x0=x),
          c("expand_dims", ["x0"], {"axis": "1"}, x0=x),
          c("expand_dims", ["x0"], {"dim": "2"}, x0=x)]
  y = ((2, 1, 3, 1), F, "n")
  out += [c("squeeze", ["x0"], x0=y), c("squeeze", ["x0", "[1]"], x0=y),
          c("squeeze", ["x0"], {"axis": "-1"}, x0=y),
          c("squeeze", ["x0"], {"squeeze_dims": "[1, 3]"}, x0=y),
          c("squeeze", ["x0", "[0]"], x0=y)]
  two = dict(x0=((2, 3), F, "n"), x1=((2, 5), F, "n"))
  out += [c("concat", ["[x0, x1]", "1"], **two), c("concat", ["[x0, x1]", "-1"], **two),
          c("concat", ["[x0, x0]", "0"], x0=((2, 3), F, "n")),
          c("concat", ["[x0, x1]", "0"], **two)]
  same = dict(x0=((2, 3), F, "n"), x1=((2, 3), F, "n"))
  out += [c("stack", ["[x0, x1]"], **same), c("stack", ["[x0, x1]", "1"], **same),
          c("stack", ["[x0, x1]"], {"axis": "-1"}, **same),
          c("stack", ["[x0, x1]"], **two)]
  out += [c("unstack", ["x0"], x0=x), c("unstack", ["x0"], {"axis": "1"}, x0=x),
          c("unstack", ["x0"], {"axis": "-1", "num": "4"}, x0=x)]
  out += [c("tile", ["x0", "[1, 2, 3]"], x0=x), c("tile", ["x0", "[2]"], x0=((3,), I, "i"))]
  out += [c("reverse", ["x0", "[1]"], x0=x), c("reverse", ["x0", "[0, -1]"], x0=x)]
  out += [c("broadcast_to", ["x0", "[4, 2, 3]"], x0=((2, 3), F, "n")),
          c("broadcast_to", ["x0", "[4, 3]"], x0=((2, 3), F, "n"))]
  out += [c("shape", ["x0"], x0=x), c("shape", ["x0"], {"out_type": "tf.int32"}, x0=x),
          c("size", ["x0"], x0=x, known="Python int"),
          c("rank", ["x0"], x0=x, known="Python int")]
  fl = ([np.nan, np.inf, -np.inf, 3e9, -3e9, 2.7, -2.7, 300.5, -1.5, 0.49], F)
  for d in ["tf.int32", "tf.uint8", "tf.int8", "tf.int16", "tf.bool", "tf.float16"]:
    out.append(c("cast", ["x0", d], x0=fl))
  out += [c("cast", ["x0"], {"dtype": "tf.float32"}, x0=((2, 3), I, "i")),
          c("cast", ["x0", "tf.int32"], x0=((2, 3), B, "b")),
          c("cast", ["x0", "'float32'"], x0=((3,), I, "i")),
          c("cast", ["x0", "tf.int32"], x0=((2, 3), F, "n")),
          c("to_float", ["x0"], x0=((3,), I, "i")),
          c("to_int32", ["x0"], x0=((2, 3), F, "n")),
          c("to_int64", ["x0"], x0=((2, 3), F, "n"))]
  for name in ["zeros", "ones"]:
    out += [c(name, ["[2, 3]"]), c(name, ["[2]", "tf.int32"]), c(name, ["()"]),
            c(name, ["[3]"], {"dtype": "tf.bool"})]
  for name in ["zeros_like", "ones_like"]:
    out += [c(name, ["x0"], x0=x), c(name, ["x0"], {"dtype": "tf.int32"}, x0=x)]
  out += [c("fill", ["[2, 3]", "1.5"]), c("fill", ["[2]", "7"])]
  out += [c("constant", ["[1.0, 2.0]"]), c("constant", ["3"]),
          c("constant", ["[1, 2]"], {"dtype": "tf.float32"}),
          c("constant", ["0.5"], {"shape": "[2, 2]"}),
          c("constant", ["[1, 2, 3, 4]"], {"shape": "[2, 2]"}),
          c("constant", ["[1, 2]"], {"shape": "[2, 2]"}),
          c("constant", ["[1, 2, 3]"], {"shape": "[2]"})]
  out += [c("range", ["5"]), c("range", ["2", "9", "3"]), c("range", ["5.0"]),
          c("range", ["1", "4"], {"dtype": "tf.float32"}),
          c("range", ["0.5", "2.0", "0.25"]), c("range", ["3"], {"limit": "7"})]
  out += [c("linspace", ["0.0", "1.0", "5"]), c("linspace", ["-1.0", "3.0", "3"])]
  out += [c("eye", ["3"]), c("eye", ["2", "4"]), c("eye", ["2"], {"dtype": "tf.int32"})]
  out += [c("identity", ["x0"], x0=x), c("identity", ["x0", "'named'"], x0=x),
          c("stop_gradient", ["x0"], x0=x)]
  cond = dict(x0=((2, 3), B, "b"), x1=((2, 3), F, "n"), x2=((2, 3), F, "n"))
  out += [c("where", ["x0", "x1", "x2"], **cond),
          c("where", ["x0", "x1", "x2"], x0=((2,), B, "b"), x1=((2, 3), F, "n"),
            x2=((2, 3), F, "n")),
          c("where", ["x0", "x1", "x2"], x0=((2, 3), B, "b"), x1=((3,), F, "n"),
            x2=((2, 3), F, "n")),
          c("where_v2", ["x0", "x1", "x2"], **cond),
          c("where_v2", ["x0", "x1", "x2"], x0=((2, 1), B, "b"), x1=((3,), F, "n"),
            x2=((2, 3), F, "n"))]
  out += [c("clip_by_value", ["x0", "-0.5", "0.5"], x0=x),
          c("clip_by_value", ["x0", "x1", "x2"], x0=((2, 3), F, "n"),
            x1=((2, 3), F, "u"), x2=((2, 3), F, "p"))]
  for name in ["cumsum", "cumprod"]:
    for kw in [{}, {"axis": "1"}, {"axis": "-1", "exclusive": "True"},
               {"reverse": "True"}, {"axis": "1", "exclusive": "True", "reverse": "True"}]:
      out.append(c(name, ["x0"], kw, x0=((3, 4), F, "u")))
    out.append(c(name, ["x0", "0", "True"], x0=((4,), I, "i")))
  p = ((5, 3), F, "n")
  out += [c("gather", ["x0", "x1"], x0=p, x1=((4,), I, "idx5")),
          c("gather", ["x0", "x1"], {"axis": "1"}, x0=p, x1=((2, 2), I, "idx3")),
          c("gather", ["x0", "x1"], {"axis": "-1"}, x0=p, x1=((2,), I, "idx3")),
          c("gather", ["x0", "x1"], x0=((4,), F, "n"), x1=(3, I)),
          c("gather", ["x0", "x1"], {"batch_dims": "1"}, x0=((2, 4, 3), F, "n"),
            x1=((2, 5), I, "idx4")),
          c("gather", ["x0", "x1"], {"batch_dims": "1", "axis": "2"},
            x0=((2, 4, 3), F, "n"), x1=((2, 5), I, "idx3")),
          c("gather", ["x0", "x1"], {"batch_dims": "-1"}, x0=((2, 4, 3), F, "n"),
            x1=((2, 5), I, "idx4")),
          c("gather", ["x0", "x1"], x0=p, x1=([1, 7], I)),      # TF: out of range
          c("gather", ["x0", "x1"], x0=p, x1=([-1], I))]        # TF: out of range
  out += [c("gather_nd", ["x0", "x1"], x0=((3, 4), F, "n"), x1=([[0, 1], [2, 3]], I)),
          c("gather_nd", ["x0", "x1"], x0=((3, 4), F, "n"), x1=([[1], [0]], I)),
          c("gather_nd", ["x0", "x1"], {"batch_dims": "1"}, x0=((2, 3, 4), F, "n"),
            x1=([[[1]], [[2]]], I))]
  out += [c("one_hot", ["x0", "4"], x0=([0, 3, -1, 5, 2], I)),
          c("one_hot", ["x0", "3"], {"on_value": "5.0", "off_value": "-1.0"},
            x0=((2, 2), I, "idx3")),
          c("one_hot", ["x0", "3"], {"axis": "0"}, x0=((2, 2), I, "idx3")),
          c("one_hot", ["x0", "3"], {"dtype": "tf.int32"}, x0=((4,), I, "idx3")),
          c("one_hot", ["x0", "3"], {"on_value": "1", "off_value": "0"}, x0=((4,), I, "idx3"))]
  s = ((6, 4), F, "n")
  out += [c("split", ["x0", "2"], x0=s), c("split", ["x0", "[1, 2, 3]"], x0=s),
          c("split", ["x0", "[2, -1]"], {"axis": "0"}, x0=s),
          c("split", ["x0", "2", "1"], x0=s), c("split", ["x0", "4"], x0=s),
          c("split", ["x0", "[1, 1]"], x0=s), c("split", ["x0", "3"], {"axis": "-1"},
                                                   x0=((2, 6), F, "n"))]
  q = ((3, 4), F, "n")
  for mode in ["'CONSTANT'", "'REFLECT'", "'SYMMETRIC'", "'reflect'", "'symmetric'"]:
    out.append(c("pad", ["x0", "[[1, 2], [2, 1]]"], {"mode": mode}, x0=q))
  out += [c("pad", ["x0", "[[1, 1], [0, 2]]"], x0=q),
          c("pad", ["x0", "[[1, 1], [0, 2]]"], {"constant_values": "3.5"}, x0=q),
          c("pad", ["x0", "[[3, 0], [0, 0]]"], {"mode": "'REFLECT'"}, x0=q),
          c("pad", ["x0", "[[3, 0], [0, 0]]"], {"mode": "'SYMMETRIC'"}, x0=q),
          c("pad", ["x0", "[[4, 0], [0, 0]]"], {"mode": "'SYMMETRIC'"}, x0=q)]
  out += [c("slice", ["x0", "[0, 1, 1]", "[2, 2, 3]"], x0=x),
          c("slice", ["x0", "[1, 0, 0]", "[-1, -1, 2]"], x0=x),
          c("slice", ["x0", "[1, 0, 0]", "[2, 1, 1]"], x0=x)]
  out += [c("sequence_mask", ["x0", "5"], x0=([0, 2, 5], I)),
          c("sequence_mask", ["x0"], x0=([1, 3], I)),
          c("sequence_mask", ["x0", "4"], {"dtype": "tf.float32"}, x0=([[1, 2], [3, 0]], I))]
  return out


def _nn_cases():
  out = []
  lg = ((4, 5), F, "n")
  for name in ["nn.softmax", "nn.log_softmax"]:
    out += [c(name, ["x0"], x0=lg), c(name, ["x0"], {"axis": "0"}, x0=lg),
            c(name, ["x0"], {"dim": "-1"}, x0=((2, 3, 4), F, "n")),
            c(name, ["x0", "1"], x0=((2, 3, 4), F, "n"))]
  out += [c("nn.bias_add", ["x0", "x1"], x0=((2, 3, 4), F, "n"), x1=((4,), F, "n")),
          c("nn.bias_add", ["x0", "x1"], {"data_format": "'NCHW'"},
            x0=((2, 3, 2, 2), F, "n"), x1=((3,), F, "n")),
          c("nn.bias_add", ["x0", "x1"], x0=((2, 3), F, "n"), x1=((4,), F, "n"))]
  out += [c("nn.l2_loss", ["x0"], x0=((3, 4), F, "n")),
          c("nn.xw_plus_b", ["x0", "x1", "x2"], x0=((2, 3), F, "n"), x1=((3, 4), F, "n"),
            x2=((4,), F, "n"))]
  out += [c("nn.top_k", ["x0", "2"], x0=((3, 5), F, "n")),
          c("nn.top_k", ["x0"], {"k": "3"}, x0=((5,), F, "n")),
          c("nn.top_k", ["x0", "2"], x0=([1.0, 3.0, 3.0, 2.0], F))]
  m = ((3, 4, 5), F, "n")
  out += [c("nn.moments", ["x0", "[0]"], x0=m), c("nn.moments", ["x0", "[0, 1]"], x0=m),
          c("nn.moments", ["x0", "[-1]"], {"keep_dims": "True"}, x0=m),
          c("nn.moments", ["x0"], {"axes": "[0, 2]", "keepdims": "True"}, x0=m)]
  out += [c("nn.sparse_softmax_cross_entropy_with_logits", [],
            {"labels": "x0", "logits": "x1"}, x0=((4,), I, "idx5"), x1=lg),
          c("nn.sparse_softmax_cross_entropy_with_logits", [],
            {"labels": "x0", "logits": "x1"}, x0=((2, 3), I, "idx5"),
            x1=((2, 3, 5), F, "n")),
          c("nn.sparse_softmax_cross_entropy_with_logits", [],
            {"labels": "x0", "logits": "x1"}, x0=([0, 7], I), x1=((2, 5), F, "n")),
          c("nn.sparse_softmax_cross_entropy_with_logits", [],
            {"labels": "x0", "logits": "x1"}, x0=((3,), I, "idx5"), x1=lg)]
  out += [c("losses.sparse_softmax_cross_entropy", [], {"labels": "x0", "logits": "x1"},
            x0=((4,), I, "idx5"), x1=lg),
          c("losses.sparse_softmax_cross_entropy", ["x0", "x1"], x0=((2, 3), I, "idx5"),
            x1=((2, 3, 5), F, "n"))]
  probs = ((4, 5), F, "p")
  for name in ["nn.softmax_cross_entropy_with_logits",
               "nn.softmax_cross_entropy_with_logits_v2"]:
    out += [c(name, [], {"labels": "x0", "logits": "x1"}, x0=probs, x1=lg),
            c(name, [], {"labels": "x0", "logits": "x1", "axis": "0"}, x0=probs, x1=lg),
            c(name, [], {"labels": "x0", "logits": "x1", "dim": "-1"},
              x0=((2, 3, 5), F, "p"), x1=((2, 3, 5), F, "n"))]
  out += [c("nn.sigmoid_cross_entropy_with_logits", [], {"labels": "x0", "logits": "x1"},
            x0=((3, 4), F, "u"), x1=((3, 4), F, "n")),
          c("nn.sigmoid_cross_entropy_with_logits", [], {"labels": "x0", "logits": "x1"},
            x0=((3, 4), F, "u"), x1=((4,), F, "n"))]
  out += [c("nn.l2_normalize", ["x0"], x0=m), c("nn.l2_normalize", ["x0", "-1"], x0=m),
          c("nn.l2_normalize", ["x0"], {"axis": "[0, 2]"}, x0=m),
          c("nn.l2_normalize", ["x0"], {"dim": "1", "epsilon": "1e-3"}, x0=m),
          c("nn.l2_normalize", ["x0", "0"], x0=([0.0, 0.0], F))]
  out += [c("clip_by_global_norm", ["[x0, x1]", "1.0"], x0=((2, 3), F, "n"),
            x1=((4,), F, "n")),
          c("clip_by_global_norm", ["[x0, x1]", "100.0"], x0=((2, 3), F, "n"),
            x1=((4,), F, "n")),
          c("clip_by_global_norm", ["[x0]", "1.0"], {"use_norm": "x1"}, x0=((3,), F, "n"),
            x1=(2.0, F)),
          c("global_norm", ["[x0, x1]"], x0=((2, 3), F, "n"), x1=((4,), F, "n")),
          c("clip_by_norm", ["x0", "1.0"], x0=((2, 3), F, "n")),
          c("clip_by_norm", ["x0", "1.0"], {"axes": "[1]"}, x0=((2, 3), F, "n")),
          c("clip_by_norm", ["x0", "100.0"], x0=((2, 3), F, "n")),
          c("clip_by_norm", ["x0", "1.0"], x0=([0.0, 0.0], F))]
  img = ((2, 4, 6, 3), F, "n")
  w = ((3, 3, 3, 4), F, "n")
  for kw in [{"strides": "[1, 1, 1, 1]", "padding": "'SAME'"},
             {"strides": "[1, 2, 2, 1]", "padding": "'SAME'"},
             {"strides": "[1, 2, 2, 1]", "padding": "'VALID'"},
             {"strides": "1", "padding": "'SAME'", "dilations": "[1, 2, 2, 1]"}]:
    out.append(c("nn.conv2d", ["x0", "x1"], kw, x0=img, x1=w))
  out.append(c("nn.conv2d", [], {"input": "x0", "filters": "x1", "strides": "[1, 1, 2, 2]",
                                 "padding": "'SAME'", "data_format": "'NCHW'"},
               x0=((1, 3, 5, 6), F, "n"), x1=w))
  for name in ["nn.max_pool", "nn.max_pool2d", "nn.avg_pool", "nn.avg_pool2d"]:
    for k, s, p in [("[1, 2, 2, 1]", "[1, 2, 2, 1]", "'VALID'"), ("3", "2", "'SAME'"),
                    ("[3, 3]", "[1, 1]", "'SAME'")]:
      out.append(c(name, ["x0", k, s, p], x0=((2, 5, 7, 3), F, "n")))
  out.append(c("nn.avg_pool", ["x0", "2", "2", "'SAME'"], {"data_format": "'NCHW'"},
               x0=((1, 2, 5, 5), F, "n")))
  # Depthwise: XLA's grouped convolution adds the 9 products in another order than
  # TF's depthwise kernel: up to 2.1e-6 relative (near-zero outputs, ~1e-7 absolute).
  dw = dict(x0=((2, 5, 6, 3), F, "n"), x1=((3, 3, 3, 2), F, "n"))
  out += [c("nn.depthwise_conv2d", ["x0", "x1", "[1, 1, 1, 1]", "'SAME'"], rtol=3e-6, **dw),
          c("nn.depthwise_conv2d", ["x0", "x1", "[1, 2, 2, 1]", "'VALID'"], rtol=3e-6, **dw),
          c("nn.depthwise_conv2d", ["x0", "x1", "[1, 1, 1, 1]", "'SAME'"],
            {"rate": "[2, 2]"}, rtol=3e-6, **dw),
          c("nn.depthwise_conv2d", ["x0", "x1", "[1, 1, 1, 1]", "'SAME'"],
            x0=((2, 5, 6, 4), F, "n"), x1=((3, 3, 3, 2), F, "n"))]
  bn = dict(x0=((2, 3, 4), F, "n"), x1=((4,), F, "n"), x2=((4,), F, "p"), x3=((4,), F, "n"),
            x4=((4,), F, "p"))
  out += [c("nn.batch_normalization", ["x0", "x1", "x2", "x3", "x4", "1e-3"], **bn),
          c("nn.batch_normalization", ["x0", "x1", "x2", "None", "None", "0.001"], **bn)]
  for size in ["[2, 3]", "[8, 12]", "[5, 7]", "[4, 6]"]:
    for kw in [{}, {"method": "1"}, {"align_corners": "True"},
               {"method": "1", "align_corners": "True"}]:
      out.append(c("image.resize_images", ["x0", size], kw, x0=img))
  out.append(c("image.resize_images", ["x0", "[3, 3]"], x0=((4, 6, 1), F, "n")))
  out.append(c("image.resize_images", ["x0", "[3, 3]"], {"method": "1"},
               x0=((1, 4, 6, 1), I, "i")))
  for name in ["image.resize_nearest_neighbor", "image.resize_bilinear"]:
    for size in ["[2, 3]", "[8, 12]", "[5, 7]"]:
      for kw in [{}, {"align_corners": "True"}, {"half_pixel_centers": "True"}]:
        out.append(c(name, ["x0", size], kw, x0=img))
  return out


def _random_cases():
  out = []
  for name in RANDOM:
    out += [c(name, ["[20000]"], random=True),
            c(name, ["[200, 100]"], {"dtype": "tf.float32"}, random=True)]
  out += [c("random.normal", ["[20000]"], {"mean": "1.5", "stddev": "0.5"}, random=True),
          c("random.truncated_normal", ["[20000]"], {"stddev": "0.02"}, random=True),
          c("random.uniform", ["[20000]"], {"minval": "-3.0", "maxval": "2.0"}, random=True),
          c("random.uniform", ["[20000]"], {"maxval": "10", "dtype": "tf.int32"},
            random=True),
          c("random.shuffle", ["x0"], random=True, x0=(np.arange(20000), I))]
  return out


def _assert_cases():
  """TF checks constants while the graph is built: these fail (InvalidArgumentError, with
  TF's message) or have shapes that do not broadcast (ValueError)."""
  out = []
  failing = {"assert_equal": ([1, 2, 3], 1), "assert_none_equal": ([1, 2, 3], 2),
             "assert_less": ([1, 5], 5), "assert_less_equal": (600, 512),
             "assert_greater": ([3.0, 0.5], 1.0), "assert_greater_equal": ([1, 2], [2, 1])}
  for name, (x, y) in failing.items():
    dtype = F if isinstance(np.asarray(x).flat[0], float) else I
    out += [c(name, ["x0", "x1"], x0=(x, dtype), x1=(y, dtype)),
            c(name, ["x0", "x1"], {"message": "'ids out of range'"}, x0=(x, dtype),
              x1=(y, dtype))]
  out += [c("assert_less_equal", ["x0", "x1"], x0=((3,), F, "n"), x1=((2,), F, "n")),
          c("debugging.assert_less_equal", ["x0", "x1"], {"message": "'too long'"},
            x0=(600, I), x1=(512, I))]
  return out


def cases() -> list[Case]:
  return (_unary_cases() + _binary_cases() + _reduce_cases() + _linalg_cases()
          + _array_cases() + _nn_cases() + _random_cases() + _assert_cases())
