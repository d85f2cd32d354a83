"""tf-slim golden programs, shared by TensorFlow (make_slim_golden.py) and varscope_jax
(tests/test_slim_golden.py).

A program is ``fn(M, D)``: ``M`` is an adapter with TF1's names (``M.slim`` is
``tf_slim`` or ``vs.contrib.slim``, ``M.variable_scope``, ``M.constant``, ``M.name(v)``
a variable's op name, ``M.flag(b)`` a bool known only when the graph runs), ``D`` makes
fixed numpy inputs. It returns a dict whose leaves are tensors (values recorded) or plain
Python values (names, keys). A program that raises records the error's type and first
line. Options: ``random`` (only shapes of outputs compared), ``run`` (False: TF cannot
run it on CPU, e.g. NCHW convolutions; only names and shapes are compared),
``updates`` (collections whose update ops the TF run executes besides UPDATE_OPS).

This module imports neither TensorFlow nor varscope_jax.
"""
import functools

import numpy as np

PROGRAMS = {}


def program(id, random=False, run=True, updates=()):
  def deco(fn):
    if id in PROGRAMS:
      raise ValueError("duplicate program %r" % id)
    PROGRAMS[id] = (fn, {"random": random, "run": run, "updates": list(updates)})
    return fn
  return deco


class Data:
  @staticmethod
  def x(*shape, seed=0, scale=1.0):
    return np.random.RandomState(seed).uniform(-scale, scale, size=shape).astype(np.float32)

  @staticmethod
  def ids(*shape, n=5, seed=0):
    return np.random.RandomState(seed).randint(0, n, size=shape).astype(np.int32)


def flatten(tree, prefix=""):
  if isinstance(tree, dict):
    out = []
    for k in sorted(tree):
      out += flatten(tree[k], prefix + "/" + str(k) if prefix else str(k))
    return out
  if isinstance(tree, (tuple, list)) and tree and not all(is_plain(v) for v in tree):
    out = []
    for i, v in enumerate(tree):
      out += flatten(v, "%s/%d" % (prefix, i))
    return out
  return [(prefix, tree)]


def is_plain(v):
  if isinstance(v, (list, tuple)):
    return all(is_plain(x) for x in v)
  return v is None or isinstance(v, (bool, int, float, str))


def _names(M, vs):
  return [M.name(v) for v in vs]


def _summary(M, out):
  """Output plus the graph's slim-relevant state as plain names."""
  G = M.GraphKeys
  return {"out": out,
          "model_variables": _names(M, M.get_collection(G.MODEL_VARIABLES)),
          "losses": M.loss_names(),
          "loss_values": M.get_collection(G.REGULARIZATION_LOSSES)}


def X(D, *shape, seed=0):
  return D.x(*shape, seed=seed)


# ------------------------------------------------------------------- conv2d argument grid
_CONV_GRID = {
    "default": {},
    "k1": dict(kernel_size=[1, 1]),
    "k23": dict(kernel_size=[2, 3]),
    "k_int": dict(kernel_size=3),
    "stride2": dict(stride=2),
    "stride21": dict(stride=[2, 1]),
    "valid": dict(padding="VALID"),
    "valid_stride2": dict(padding="VALID", stride=2),
    "rate2": dict(rate=2),
    "rate2_valid": dict(rate=2, padding="VALID"),
    "no_act": dict(activation_fn=None),
    "tanh": dict(activation_fn="tanh"),
    "no_bias": dict(biases_initializer=None),
    "bias_const": dict(biases_initializer="const"),
    "not_trainable": dict(trainable=False),
    "scope": dict(scope="conv1"),
    "nhwc": dict(data_format="NHWC"),
    "one_output": dict(num_outputs=1),
    "wreg": dict(weights_regularizer=0.5),
    "breg": dict(biases_regularizer=0.25),
    "both_reg": dict(weights_regularizer=0.5, biases_regularizer=0.25),
    "vcoll_list": dict(variables_collections=["mine"]),
    "vcoll_dict": dict(variables_collections={"weights": ["w_only"], "biases": ["b_only"]}),
    "ocoll": dict(outputs_collections="ends"),
    "ocoll_list": dict(outputs_collections=["ends", "more"]),
    "bn": dict(normalizer_fn="bn"),
    "bn_params": dict(normalizer_fn="bn", normalizer_params={"scale": True, "decay": 0.9}),
    "bn_eval": dict(normalizer_fn="bn", normalizer_params={"is_training": False}),
    "ln": dict(normalizer_fn="ln"),
}


def _conv_kwargs(M, kw):
  kw = dict(kw)
  if kw.get("activation_fn") == "tanh":
    kw["activation_fn"] = M.tanh
  if kw.get("biases_initializer") == "const":
    kw["biases_initializer"] = M.constant_initializer(0.5)
  if kw.get("normalizer_fn") == "bn":
    kw["normalizer_fn"] = M.slim.batch_norm
  if kw.get("normalizer_fn") == "ln":
    kw["normalizer_fn"] = M.slim.layer_norm
  for k in ("weights_regularizer", "biases_regularizer"):
    if k in kw:
      kw[k] = M.slim.l2_regularizer(kw[k])
  return kw


def _colls(M, kw):
  out = {}
  for key in ("mine", "w_only", "b_only"):
    if key in str(kw.get("variables_collections")):
      out[key] = _names(M, M.get_collection(key))
  return out


def _make_conv(name, kw):
  @program("conv2d_" + name, updates=())
  def prog(M, D):
    args = _conv_kwargs(M, kw)
    n = args.pop("num_outputs", 4)
    k = args.pop("kernel_size", [3, 3])
    x = M.constant(X(D, 2, 7, 6, 3))
    y = M.slim.conv2d(x, n, k, **args)
    out = {"y": y, "colls": _colls(M, kw)}
    for c in ("ends", "more"):
      if c in str(kw.get("outputs_collections")):
        d = M.slim.utils.convert_collection_to_dict(c)
        out[c] = list(d)
        out[c + "_values"] = list(d.values())
    return _summary(M, out)


for _n, _kw in _CONV_GRID.items():
  _make_conv(_n, _kw)


@program("conv2d_nchw", run=False)
def _(M, D):
  x = M.constant(X(D, 2, 3, 7, 6))
  return {"y": M.slim.conv2d(x, 4, [3, 3], data_format="NCHW")}


@program("conv2d_twice_names")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  y = M.slim.conv2d(M.slim.conv2d(x, 3, [3, 3]), 3, [3, 3])
  return _summary(M, {"y": y})


@program("conv2d_in_scopes")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  with M.variable_scope("net"):
    with M.name_scope("ns"):
      y = M.slim.conv2d(x, 3, [3, 3])
    y = M.slim.conv2d(y, 3, [3, 3], scope="c")
  with M.variable_scope("net", reuse=True):
    z = M.slim.conv2d(x, 3, [3, 3], scope="Conv")
  return _summary(M, {"y": y, "z": z})


@program("conv2d_reuse_scope")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  a = M.slim.conv2d(x, 3, [3, 3], scope="shared")
  b = M.slim.conv2d(x, 3, [3, 3], scope="shared", reuse=True)
  return _summary(M, {"a": a, "b": b})


@program("conv2d_auto_reuse")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  with M.variable_scope("m", reuse=M.AUTO_REUSE):
    a = M.slim.conv2d(x, 3, [3, 3], scope="c")
    b = M.slim.conv2d(x, 3, [3, 3], scope="c")
  return _summary(M, {"a": a, "b": b})


@program("conv2d_reuse_bn")
def _(M, D):
  x = M.constant(X(D, 2, 5, 5, 2))
  a = M.slim.conv2d(x, 3, [3, 3], normalizer_fn=M.slim.batch_norm, scope="c")
  b = M.slim.conv2d(x, 3, [3, 3], normalizer_fn=M.slim.batch_norm, scope="c", reuse=True,
                    normalizer_params={"is_training": False})
  return _summary(M, {"a": a, "b": b})


@program("conv2d_reuse_wrong_kernel_error")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  M.slim.conv2d(x, 3, [3, 3], scope="c")
  return {"y": M.slim.conv2d(x, 3, [5, 5], scope="c", reuse=True)}


@program("conv_reuse_wrong_rank_error")
def _(M, D):
  M.slim.conv2d(M.constant(X(D, 1, 5, 5, 2)), 3, [3, 3], scope="c")
  return {"y": M.slim.conv1d(M.constant(X(D, 1, 5, 2)), 3, 3, scope="c", reuse=True)}


@program("conv2d_reuse_missing_error")
def _(M, D):
  return {"y": M.slim.conv2d(M.constant(X(D, 1, 5, 5, 2)), 3, [3, 3], scope="c",
                             reuse=True)}


@program("conv2d_exists_error")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  M.slim.conv2d(x, 3, [3, 3], scope="c")
  with M.variable_scope("", reuse=False):
    pass
  return {"y": M.slim.conv2d(x, 3, [3, 3], scope="c")}


@program("conv2d_rank3_error")
def _(M, D):
  return {"y": M.slim.conv2d(M.constant(X(D, 5, 5, 2)), 3, [3, 3])}


@program("convolution_rank2_error")
def _(M, D):
  return {"y": M.slim.convolution(M.constant(X(D, 5, 2)), 3, [3])}


@program("conv2d_bad_data_format_error")
def _(M, D):
  return {"y": M.slim.conv2d(M.constant(X(D, 1, 5, 5, 2)), 3, [3, 3], data_format="HWC")}


@program("conv1d")
def _(M, D):
  return _summary(M, {"y": M.slim.conv1d(M.constant(X(D, 2, 9, 3)), 4, 3, stride=2)})


@program("conv1d_valid_rate")
def _(M, D):
  return _summary(M, {"y": M.slim.conv1d(M.constant(X(D, 2, 9, 3)), 4, 2, rate=2,
                                         padding="VALID")})


@program("conv3d")
def _(M, D):
  return _summary(M, {"y": M.slim.conv3d(M.constant(X(D, 1, 4, 5, 5, 2)), 3, [2, 3, 3])})


@program("convolution_any_rank")
def _(M, D):
  a = M.slim.convolution(M.constant(X(D, 2, 9, 3)), 4, 3)
  b = M.slim.convolution(M.constant(X(D, 1, 5, 5, 3)), 4, 3)
  c = M.slim.convolution(M.constant(X(D, 1, 3, 4, 4, 3)), 2, 3)
  return _summary(M, {"a": a, "b": b, "c": c})


@program("conv2d_is_convolution2d")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  with M.slim.arg_scope([M.slim.convolution2d], padding="VALID"):
    y = M.slim.conv2d(x, 3, [3, 3])
  return {"y": y, "same": M.slim.conv2d is M.slim.convolution2d}


# -------------------------------------------------------------------- conv2d_transpose
for _n, _kw in {"default": {}, "stride2": dict(stride=2), "valid_stride2":
                dict(stride=2, padding="VALID"), "k23": dict(kernel_size=[2, 3]),
                "bn": dict(normalizer_fn="bn"), "no_act": dict(activation_fn=None),
                "wreg": dict(weights_regularizer=0.1), "scope": dict(scope="up")}.items():
  def _mk(name, kw):
    @program("conv2d_transpose_" + name)
    def prog(M, D):
      args = _conv_kwargs(M, kw)
      k = args.pop("kernel_size", 3)
      return _summary(M, {"y": M.slim.conv2d_transpose(M.constant(X(D, 2, 4, 5, 3)), 2, k,
                                                       **args)})
  _mk(_n, _kw)


@program("conv2d_transpose_bad_format_error")
def _(M, D):
  return {"y": M.slim.conv2d_transpose(M.constant(X(D, 2, 4, 5, 3)), 2, 3,
                                       data_format="NWC")}


# ------------------------------------------------------------------- separable_conv2d
for _n, _kw in {"default": dict(num_outputs=4), "dm2": dict(num_outputs=4,
                                                             depth_multiplier=2),
                "stride2": dict(num_outputs=4, stride=2),
                "rate2": dict(num_outputs=4, rate=2),
                "bn": dict(num_outputs=4, normalizer_fn="bn"),
                "no_bias": dict(num_outputs=4, biases_initializer=None),
                "reg": dict(num_outputs=4, weights_regularizer=0.1),
                "depthwise": dict(num_outputs=None),
                "depthwise_dm2": dict(num_outputs=None, depth_multiplier=2),
                "depthwise_stride2_valid": dict(num_outputs=None, stride=2, padding="VALID"),
                "depthwise_rate2": dict(num_outputs=None, rate=2),
                "depthwise_bn": dict(num_outputs=None, normalizer_fn="bn"),
                "depthwise_vcoll": dict(num_outputs=None,
                                        variables_collections={"weights": ["mine"]}),
                "vcoll": dict(num_outputs=4, variables_collections=["mine"])}.items():
  def _mk(name, kw):
    @program("separable_conv2d_" + name)
    def prog(M, D):
      args = _conv_kwargs(M, kw)
      n = args.pop("num_outputs")
      y = M.slim.separable_conv2d(M.constant(X(D, 2, 6, 6, 3)), n, [3, 3], **args)
      return _summary(M, {"y": y, "colls": _colls(M, kw)})
  _mk(_n, _kw)


# ---------------------------------------------------------------------- conv2d_in_plane
for _n, _kw in {"default": {}, "stride2_valid": dict(stride=2, padding="VALID"),
                "bn": dict(normalizer_fn="bn"), "no_bias": dict(biases_initializer=None),
                "reg": dict(weights_regularizer=0.1, scope="inplane")}.items():
  def _mk(name, kw):
    @program("conv2d_in_plane_" + name)
    def prog(M, D):
      args = _conv_kwargs(M, kw)
      y = M.slim.conv2d_in_plane(M.constant(X(D, 2, 6, 6, 3)), [3, 2], **args)
      return _summary(M, {"y": y})
  _mk(_n, _kw)


# -------------------------------------------------------------------- fully_connected
_FC_GRID = {
    "default": {}, "no_act": dict(activation_fn=None), "tanh": dict(activation_fn="tanh"),
    "no_bias": dict(biases_initializer=None), "bias_const": dict(biases_initializer="const"),
    "not_trainable": dict(trainable=False), "scope": dict(scope="fc1"),
    "wreg": dict(weights_regularizer=0.5), "both_reg": dict(weights_regularizer=0.5,
                                                            biases_regularizer=0.1),
    "vcoll_list": dict(variables_collections=["mine"]),
    "vcoll_dict": dict(variables_collections={"weights": ["w_only"]}),
    "ocoll": dict(outputs_collections="ends"), "bn": dict(normalizer_fn="bn"),
    "bn_scale": dict(normalizer_fn="bn", normalizer_params={"scale": True}),
    "ln": dict(normalizer_fn="ln"),
}
for _n, _kw in _FC_GRID.items():
  def _mk(name, kw):
    @program("fully_connected_" + name)
    def prog(M, D):
      args = _conv_kwargs(M, kw)
      y = M.slim.fully_connected(M.constant(X(D, 4, 5)), 3, **args)
      out = {"y": y, "colls": _colls(M, kw)}
      if kw.get("outputs_collections"):
        out["ends"] = list(M.slim.utils.convert_collection_to_dict("ends"))
      return _summary(M, out)
  _mk(_n, _kw)


@program("fully_connected_rank3")
def _(M, D):
  return _summary(M, {"y": M.slim.fully_connected(M.constant(X(D, 2, 3, 5)), 4)})


@program("fully_connected_float_outputs_error")
def _(M, D):
  return {"y": M.slim.fully_connected(M.constant(X(D, 2, 5)), 3.0)}


@program("fully_connected_twice_and_reuse")
def _(M, D):
  x = M.constant(X(D, 2, 5))
  a = M.slim.fully_connected(x, 3)
  b = M.slim.fully_connected(x, 3)
  c = M.slim.fully_connected(x, 3, scope="fully_connected", reuse=True)
  return _summary(M, {"a": a, "b": b, "c": c})


@program("fully_connected_reuse_wrong_shape_error")
def _(M, D):
  M.slim.fully_connected(M.constant(X(D, 2, 5)), 3, scope="fc")
  return {"y": M.slim.fully_connected(M.constant(X(D, 2, 4)), 3, scope="fc", reuse=True)}


@program("shorthands_linear_relu")
def _(M, D):
  x = M.constant(X(D, 2, 5))
  return _summary(M, {"a": M.slim.linear(x, 3), "b": M.slim.relu(x, 3),
                      "c": M.slim.relu6(x, 2, scope="r6")})


# ------------------------------------------------------------------------- batch_norm
_BN_GRID = {
    "default": {}, "scale": dict(scale=True), "no_center": dict(center=False, scale=True),
    "eval": dict(is_training=False), "decay9": dict(decay=0.9),
    "eps": dict(epsilon=1e-5), "relu": dict(activation_fn="relu"),
    "fused_false": dict(fused=False), "fused_false_scale": dict(fused=False, scale=True),
    "upd_none": dict(updates_collections=None),
    "upd_none_scale": dict(updates_collections=None, scale=True),
    "upd_mine": dict(updates_collections="my_updates"),
    "upd_none_unfused": dict(updates_collections=None, fused=False),
    "upd_mine_unfused": dict(updates_collections="my_updates", fused=False),
    "upd_none_eval": dict(updates_collections=None, is_training=False),
    "zero_debias": dict(zero_debias_moving_mean=True),
    "zero_debias_unfused": dict(zero_debias_moving_mean=True, fused=False),
    "flag_true": dict(is_training="flag_true"), "flag_false": dict(is_training="flag_false"),
    "flag_true_upd_none": dict(is_training="flag_true", updates_collections=None),
    "flag_false_upd_none": dict(is_training="flag_false", updates_collections=None),
    "flag_true_unfused_mine": dict(is_training="flag_true", fused=False,
                                   updates_collections="my_updates"),
    "param_init": dict(scale=True, param_initializers="init"),
    "param_reg": dict(scale=True, param_regularizers="reg"),
    "param_reg_upd_none": dict(scale=True, param_regularizers="reg",
                               updates_collections=None),
    "vcoll_list": dict(variables_collections=["mine"], scale=True),
    "vcoll_dict": dict(variables_collections={"beta": ["b"], "moving_mean": ["mm"]}),
    "vcoll_list_fused_path": dict(variables_collections=["mine"], scale=True,
                                  updates_collections=None),
    "not_trainable": dict(trainable=False, scale=True),
    "scope": dict(scope="bn1"), "ocoll": dict(outputs_collections="ends"),
    "renorm": dict(renorm=True, fused=False),
    "renorm_upd_none_error": dict(renorm=True, updates_collections=None, fused=False),
    "batch_weights": dict(batch_weights="w"),
    "batch_weights_upd_none": dict(batch_weights="w", updates_collections=None),
}


def _bn_kwargs(M, D, kw, batch):
  kw = dict(kw)
  if kw.get("activation_fn") == "relu":
    kw["activation_fn"] = M.relu
  if kw.get("is_training") == "flag_true":
    kw["is_training"] = M.flag(True)
  if kw.get("is_training") == "flag_false":
    kw["is_training"] = M.flag(False)
  if kw.get("param_initializers") == "init":
    kw["param_initializers"] = {"beta": M.constant_initializer(0.5),
                                "gamma": M.constant_initializer(2.0),
                                "moving_mean": M.constant_initializer(0.1),
                                "moving_variance": M.constant_initializer(3.0)}
  if kw.get("param_regularizers") == "reg":
    kw["param_regularizers"] = {"beta": M.slim.l2_regularizer(0.5),
                                "gamma": M.slim.l1_regularizer(0.25)}
  if kw.get("batch_weights") == "w":
    kw["batch_weights"] = M.constant(np.linspace(0.5, 1.5, batch).astype(np.float32))
  return kw


def _make_bn(name, kw, shape):
  tag = {2: "r2", 3: "r3", 4: "r4", 5: "r5"}[len(shape)]
  upd = ["my_updates"] if kw.get("updates_collections") == "my_updates" else []

  @program("batch_norm_%s_%s" % (tag, name), updates=upd)
  def prog(M, D):
    args = _bn_kwargs(M, D, kw, shape[0])
    x = M.constant(X(D, *shape, seed=3) * 2.0 + 0.5)
    y = M.slim.batch_norm(x, **args)
    out = {"y": y, "update_ops": len(M.get_collection(M.GraphKeys.UPDATE_OPS)),
           "my_updates": len(M.get_collection("my_updates"))}
    for c in ("mine", "b", "mm"):
      if c in str(kw.get("variables_collections")):
        out["coll_" + c] = _names(M, M.get_collection(c))
    if kw.get("outputs_collections"):
      out["ends"] = list(M.slim.utils.convert_collection_to_dict("ends"))
    return _summary(M, out)


for _n, _kw in _BN_GRID.items():
  _make_bn(_n, _kw, (6, 4, 3, 5))
for _n in ("default", "scale", "eval", "fused_false", "upd_none", "upd_mine", "zero_debias",
           "flag_true", "flag_false", "batch_weights", "param_reg", "vcoll_dict"):
  _make_bn(_n, _BN_GRID[_n], (6, 5))
for _n in ("default", "scale", "upd_none", "eval", "flag_true"):
  _make_bn(_n, _BN_GRID[_n], (4, 3, 5))
for _n in ("default", "upd_none", "fused_false"):
  _make_bn(_n, _BN_GRID[_n], (2, 3, 3, 2, 4))


@program("batch_norm_nchw_unfused")
def _(M, D):
  x = M.constant(X(D, 4, 3, 5, 5, seed=2))
  return _summary(M, {"y": M.slim.batch_norm(x, data_format="NCHW", fused=False, scale=True,
                                             updates_collections=None)})


@program("batch_norm_nchw_layer_unfused")
def _(M, D):
  x = M.constant(X(D, 4, 3, 5, 5, seed=2))
  return _summary(M, {"y": M.slim.batch_norm(x, data_format="NCHW", fused=False)})


@program("batch_norm_bad_data_format_error")
def _(M, D):
  return {"y": M.slim.batch_norm(M.constant(X(D, 2, 3, 4, 5)), data_format="NWC")}


@program("batch_norm_reuse")
def _(M, D):
  x = M.constant(X(D, 4, 5))
  a = M.slim.batch_norm(x, scope="bn")
  b = M.slim.batch_norm(x, scope="bn", reuse=True, is_training=False)
  return _summary(M, {"a": a, "b": b, "n_updates": len(M.get_collection("update_ops"))})


@program("batch_norm_twice_names")
def _(M, D):
  x = M.constant(X(D, 4, 2, 2, 5))
  a = M.slim.batch_norm(x)
  b = M.slim.batch_norm(a, updates_collections=None)
  c = M.slim.batch_norm(b, fused=False)
  return _summary(M, {"c": c})


@program("batch_norm_moving_vars_arg_scope")
def _(M, D):
  # the nets' arg scopes (inception, resnet): the moving statistics in "moving_vars", on
  # each of batch norm's paths (layer, fused, unfused) and under reuse (not training:
  # TF runs two update ops of one variable in one step in either order)
  s = M.slim
  params = {"decay": 0.9, "scale": True, "variables_collections": {
      "beta": None, "gamma": None, "moving_mean": ["moving_vars"],
      "moving_variance": ["moving_vars"]}}
  x = M.constant(X(D, 2, 5, 5, 4))
  with s.arg_scope([s.conv2d, s.fully_connected], normalizer_fn=s.batch_norm,
                   normalizer_params=params):
    h = s.conv2d(x, 4, [3, 3], scope="layer_path")
    h = s.conv2d(h, 4, [3, 3], scope="layer_path", reuse=True,
                 normalizer_params=dict(params, is_training=False))
    h = s.batch_norm(h, updates_collections=None, scope="fused_path",
                     variables_collections=["bn_vars"])
    h = s.batch_norm(h, fused=False, updates_collections=None, scope="unfused_path",
                     variables_collections=params["variables_collections"])
    y = s.fully_connected(s.flatten(h), 3, scope="fc")
  return _summary(M, {"y": y, "moving_vars": _names(M, M.get_collection("moving_vars")),
                      "bn_vars": _names(M, M.get_collection("bn_vars"))})


# ---------------------------------------------------------------------------- pooling
for _op in ("max_pool2d", "avg_pool2d"):
  for _n, _kw in {"k2": dict(kernel_size=2), "k3": dict(kernel_size=3),
                  "k23": dict(kernel_size=[2, 3]), "stride1": dict(kernel_size=2, stride=1),
                  "same": dict(kernel_size=3, padding="SAME"),
                  "same_s1": dict(kernel_size=3, stride=1, padding="SAME"),
                  "ocoll": dict(kernel_size=2, outputs_collections="ends"),
                  "scope": dict(kernel_size=2, scope="pool1",
                                outputs_collections="ends")}.items():
    def _mk(op, name, kw):
      @program("%s_%s" % (op, name))
      def prog(M, D):
        kw2 = dict(kw)
        k = kw2.pop("kernel_size")
        y = getattr(M.slim, op)(M.constant(X(D, 2, 7, 6, 3)), k, **kw2)
        out = {"y": y}
        if kw.get("outputs_collections"):
          out["ends"] = list(M.slim.utils.convert_collection_to_dict("ends"))
        return out
    _mk(_op, _n, _kw)


@program("max_pool2d_nchw", run=False)
def _(M, D):
  return {"y": M.slim.max_pool2d(M.constant(X(D, 2, 3, 6, 6)), 2, data_format="NCHW")}


@program("pool_bad_data_format_error")
def _(M, D):
  return {"y": M.slim.max_pool2d(M.constant(X(D, 2, 6, 6, 3)), 2, data_format="NCDHW")}


@program("pool_names_unique")
def _(M, D):
  x = M.constant(X(D, 1, 8, 8, 2))
  with M.variable_scope("net") as sc:
    ends = sc.original_name_scope + "_end_points"
    with M.slim.arg_scope([M.slim.max_pool2d, M.slim.avg_pool2d], outputs_collections=ends):
      a = M.slim.max_pool2d(x, 2)
      b = M.slim.max_pool2d(a, 2)
      c = M.slim.avg_pool2d(b, 2)
  return {"c": c, "ends": list(M.slim.utils.convert_collection_to_dict(ends))}


@program("pool3d")
def _(M, D):
  x = M.constant(X(D, 1, 4, 4, 4, 2))
  return {"a": M.slim.max_pool3d(x, 2), "b": M.slim.avg_pool3d(x, [2, 2, 1], stride=1)}


@program("pool_rank3_error")
def _(M, D):
  return {"y": M.slim.max_pool2d(M.constant(X(D, 6, 6, 3)), 2)}


# --------------------------------------------------------------- dropout, flatten, misc
@program("dropout_eval")
def _(M, D):
  return {"y": M.slim.dropout(M.constant(X(D, 3, 4)), 0.5, is_training=False)}


@program("dropout_keep1")
def _(M, D):
  return {"y": M.slim.dropout(M.constant(X(D, 3, 4)), 1.0)}


@program("dropout_train", random=True)
def _(M, D):
  return {"y": M.slim.dropout(M.constant(X(D, 3, 4)), 0.7, outputs_collections="ends"),
          "ends": list(M.slim.utils.convert_collection_to_dict("ends"))}


@program("dropout_noise_shape", random=True)
def _(M, D):
  return {"y": M.slim.dropout(M.constant(X(D, 3, 4)), 0.5, noise_shape=[3, 1],
                              scope="drop")}


@program("dropout_flag_false")
def _(M, D):
  return {"y": M.slim.dropout(M.constant(X(D, 3, 4)), 0.5, is_training=M.flag(False))}


@program("flatten_r4")
def _(M, D):
  return {"y": M.slim.flatten(M.constant(X(D, 2, 3, 4, 5)), outputs_collections="ends"),
          "ends": list(M.slim.utils.convert_collection_to_dict("ends"))}


@program("flatten_r2_scope")
def _(M, D):
  return {"y": M.slim.flatten(M.constant(X(D, 2, 3)), scope="flat",
                              outputs_collections="ends"),
          "ends": list(M.slim.utils.convert_collection_to_dict("ends"))}


@program("flatten_then_layers_name")
def _(M, D):
  x = M.slim.flatten(M.constant(X(D, 2, 3, 4)))
  return _summary(M, {"y": M.tflayers.dense(x, 2)})


@program("softmax_2d")
def _(M, D):
  return {"y": M.slim.softmax(M.constant(X(D, 3, 4)))}


@program("softmax_3d")
def _(M, D):
  return {"y": M.slim.softmax(M.constant(X(D, 2, 3, 4)), scope="sm")}


@program("softmax_rank1_error")
def _(M, D):
  return {"y": M.slim.softmax(M.constant(X(D, 4)))}


@program("one_hot")
def _(M, D):
  return {"y": M.slim.one_hot_encoding(M.constant(D.ids(6)), 5)}


@program("one_hot_values_ocoll")
def _(M, D):
  y = M.slim.one_hot_encoding(M.constant(D.ids(2, 3)), 4, on_value=2.0, off_value=-1.0,
                              outputs_collections="ends")
  return {"y": y, "ends": list(M.slim.utils.convert_collection_to_dict("ends"))}


for _n, _kw in {"r2": ((3, 5), {}), "r4": ((2, 3, 3, 4), {}),
                "nchw": ((2, 4, 3, 3), dict(data_format="NCHW")),
                "act": ((3, 5), dict(activation_fn="relu")),
                "reg": ((3, 5), dict(regularizer=0.5)),
                "init": ((3, 5), dict(initializer="const")),
                "scope_reuse": ((3, 5), dict(scope="b")),
                "nchw_r2_error": ((3, 5), dict(data_format="NCHW")),
                "vcoll": ((3, 5), dict(variables_collections=["mine"]))}.items():
  def _mk(name, shape, kw):
    @program("bias_add_" + name)
    def prog(M, D):
      kw2 = dict(kw)
      if kw2.get("activation_fn") == "relu":
        kw2["activation_fn"] = M.relu
      if "regularizer" in kw2:
        kw2["regularizer"] = M.slim.l2_regularizer(kw2["regularizer"])
      if kw2.get("initializer") == "const":
        kw2["initializer"] = M.constant_initializer(0.3)
      x = M.constant(X(D, *shape))
      y = M.slim.bias_add(x, **kw2)
      out = {"y": y}
      if name == "scope_reuse":
        out["z"] = M.slim.bias_add(x, scope="b", reuse=True)
      if "variables_collections" in kw:
        out["mine"] = _names(M, M.get_collection("mine"))
      return _summary(M, out)
  _mk(_n, *_kw)


# ---------------------------------------------------------------------- repeat and stack
@program("repeat_scope")
def _(M, D):
  return _summary(M, {"y": M.slim.repeat(M.constant(X(D, 1, 5, 5, 2)), 3, M.slim.conv2d, 3,
                                         [3, 3], scope="conv1")})


@program("repeat_no_scope")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  y = M.slim.repeat(x, 2, M.slim.conv2d, 3, [3, 3])
  z = M.slim.repeat(y, 2, M.slim.conv2d, 3, [3, 3])
  return _summary(M, {"z": z})


@program("repeat_fully_connected_kwargs")
def _(M, D):
  return _summary(M, {"y": M.slim.repeat(M.constant(X(D, 2, 3)), 2, M.slim.fully_connected,
                                         3, activation_fn=None, scope="fc")})


@program("repeat_partial")
def _(M, D):
  layer = functools.partial(M.slim.fully_connected, activation_fn=None)
  return _summary(M, {"y": M.slim.repeat(M.constant(X(D, 2, 3)), 2, layer, 3)})


@program("repeat_max_pool")
def _(M, D):
  return {"y": M.slim.repeat(M.constant(X(D, 1, 8, 8, 2)), 2, M.slim.max_pool2d, [2, 2],
                             scope="pools", outputs_collections="ends"),
          "ends": list(M.slim.utils.convert_collection_to_dict("ends"))}


@program("repeat_in_arg_scope")
def _(M, D):
  with M.slim.arg_scope([M.slim.conv2d], padding="VALID", activation_fn=None):
    y = M.slim.repeat(M.constant(X(D, 1, 7, 7, 2)), 2, M.slim.conv2d, 3, [3, 3],
                      scope="conv")
  return _summary(M, {"y": y})


@program("stack_fc")
def _(M, D):
  return _summary(M, {"y": M.slim.stack(M.constant(X(D, 2, 3)), M.slim.fully_connected,
                                        [5, 4, 2], scope="fc")})


@program("stack_no_scope")
def _(M, D):
  return _summary(M, {"y": M.slim.stack(M.constant(X(D, 2, 3)), M.slim.fully_connected,
                                        [5, 4])})


@program("stack_conv_tuples")
def _(M, D):
  return _summary(M, {"y": M.slim.stack(M.constant(X(D, 1, 6, 6, 2)), M.slim.conv2d,
                                        [(4, [3, 3]), (3, [1, 1]), (2, [3, 3], 2)],
                                        scope="core")})


@program("stack_kwargs")
def _(M, D):
  return _summary(M, {"y": M.slim.stack(M.constant(X(D, 2, 3)), M.slim.fully_connected,
                                        [4, 2], activation_fn=M.tanh)})


@program("stack_args_error")
def _(M, D):
  return {"y": M.slim.stack(M.constant(X(D, 2, 3)), M.slim.fully_connected, 4)}


# ------------------------------------------------------------------------------ arg_scope
@program("arg_scope_basic")
def _(M, D):
  x = M.constant(X(D, 1, 7, 7, 2))
  with M.slim.arg_scope([M.slim.conv2d], padding="VALID", activation_fn=None):
    y = M.slim.conv2d(x, 3, [3, 3], scope="a")
    z = M.slim.conv2d(y, 3, [3, 3], padding="SAME", scope="b")
  return _summary(M, {"y": y, "z": z})


@program("arg_scope_nesting_merge")
def _(M, D):
  x = M.constant(X(D, 1, 7, 7, 2))
  with M.slim.arg_scope([M.slim.conv2d, M.slim.fully_connected], activation_fn=None,
                        weights_regularizer=M.slim.l2_regularizer(0.1)):
    with M.slim.arg_scope([M.slim.conv2d], padding="VALID", stride=2):
      y = M.slim.conv2d(x, 3, [3, 3])
      with M.slim.arg_scope([M.slim.conv2d], stride=1, activation_fn=M.relu):
        z = M.slim.conv2d(y, 3, [1, 1])
    f = M.slim.fully_connected(M.slim.flatten(z), 2)
  w = M.slim.conv2d(z, 2, [1, 1])
  return _summary(M, {"y": y, "z": z, "f": f, "w": w})


@program("arg_scope_reenter")
def _(M, D):
  x = M.constant(X(D, 1, 7, 7, 2))
  with M.slim.arg_scope([M.slim.conv2d], padding="VALID", activation_fn=None) as sc:
    pass

  def arg_sc():
    with M.slim.arg_scope([M.slim.conv2d], stride=2) as s:
      with M.slim.arg_scope([M.slim.max_pool2d], padding="SAME") as s2:
        return s2

  with M.slim.arg_scope(sc):
    y = M.slim.conv2d(x, 3, [3, 3])
  with M.slim.arg_scope(arg_sc()):
    z = M.slim.conv2d(x, 3, [3, 3])
    p = M.slim.max_pool2d(z, 3)
  return _summary(M, {"y": y, "z": z, "p": p})


@program("arg_scope_reaches_normalizer")
def _(M, D):
  x = M.constant(X(D, 2, 5, 5, 2))
  with M.slim.arg_scope([M.slim.batch_norm], is_training=False, scale=True):
    with M.slim.arg_scope([M.slim.conv2d], normalizer_fn=M.slim.batch_norm):
      y = M.slim.conv2d(x, 3, [3, 3])
  return _summary(M, {"y": y, "updates": len(M.get_collection("update_ops"))})


@program("arg_scope_normalizer_params")
def _(M, D):
  x = M.constant(X(D, 2, 5, 5, 2))
  with M.slim.arg_scope([M.slim.conv2d], normalizer_fn=M.slim.batch_norm,
                        normalizer_params={"decay": 0.5, "updates_collections": None}):
    y = M.slim.conv2d(x, 3, [3, 3])
    z = M.slim.conv2d(y, 3, [3, 3])
  return _summary(M, {"z": z})


@program("arg_scope_user_function")
def _(M, D):
  @M.slim.add_arg_scope
  def block(x, n, depth=2, scope=None):
    with M.variable_scope(scope, "block"):
      return M.slim.repeat(x, n, M.slim.conv2d, depth, [3, 3])

  x = M.constant(X(D, 1, 5, 5, 2))
  with M.slim.arg_scope([block], depth=3):
    y = block(x, 2)
    z = block(y, 1, depth=1, scope="last")
  return _summary(M, {"z": z, "has": M.slim.has_arg_scope(block),
                      "args": list(M.slim.arg_scoped_arguments(block))})


@program("arg_scope_current_scope")
def _(M, D):
  key = M.slim.arg_scope_func_key
  with M.slim.arg_scope([M.slim.conv2d, M.slim.fully_connected], trainable=False):
    with M.slim.arg_scope([M.slim.conv2d], padding="VALID") as sc:
      cur = M.slim.current_arg_scope()
      info = {"conv": sorted(cur[key(M.slim.conv2d)].items()),
              "fc": sorted(cur[key(M.slim.fully_connected)].items()),
              "same": cur is sc, "n": len(cur)}
  info["after"] = len(M.slim.current_arg_scope())
  info["has"] = [M.slim.has_arg_scope(M.slim.conv2d), M.slim.has_arg_scope(M.slim.stack)]
  info["conv_args"] = list(M.slim.arg_scoped_arguments(M.slim.conv2d))
  return info


@program("arg_scope_restored_after_error")
def _(M, D):
  try:
    with M.slim.arg_scope([M.slim.conv2d], padding="VALID"):
      with M.slim.arg_scope([M.slim.max_pool2d], stride=1):
        raise KeyError("inside")
  except KeyError:
    pass
  return {"n": len(M.slim.current_arg_scope()),
          "y": M.slim.conv2d(M.constant(X(D, 1, 5, 5, 2)), 2, [3, 3])}


@program("arg_scope_not_decorated_error")
def _(M, D):
  def plain(x, y=1):
    return x

  with M.slim.arg_scope([plain], y=2):
    pass
  return {}


@program("arg_scope_not_list_error")
def _(M, D):
  with M.slim.arg_scope(M.slim.conv2d, padding="VALID"):
    pass
  return {}


@program("arg_scope_dict_with_kwargs_error")
def _(M, D):
  with M.slim.arg_scope([M.slim.conv2d]) as sc:
    pass
  with M.slim.arg_scope(sc, padding="VALID"):
    pass
  return {}


@program("arg_scope_unknown_kwarg_error")
def _(M, D):
  with M.slim.arg_scope([M.slim.conv2d], not_an_arg=1):
    return {"y": M.slim.conv2d(M.constant(X(D, 1, 5, 5, 2)), 2, [3, 3])}


@program("arg_scope_unknown_kwarg_unused")
def _(M, D):
  with M.slim.arg_scope([M.slim.conv2d], not_an_arg=1):
    y = M.slim.fully_connected(M.constant(X(D, 2, 3)), 2)
  return {"y": y}


@program("arg_scope_model_variable")
def _(M, D):
  with M.slim.arg_scope([M.slim.model_variable], initializer=M.constant_initializer(2.0),
                        collections=["mv_coll"]):
    v = M.slim.model_variable("v", shape=[3])
    w = M.slim.model_variable("w", shape=[2], trainable=False)
  return _summary(M, {"v": v, "w": w, "coll": _names(M, M.get_collection("mv_coll"))})


@program("arg_scope_layer_norm")
def _(M, D):
  with M.slim.arg_scope([M.slim.layer_norm], center=False):
    y = M.slim.layer_norm(M.constant(X(D, 3, 4)))
  return _summary(M, {"y": y})


@program("arg_scope_dropout_pool_flatten")
def _(M, D):
  x = M.constant(X(D, 2, 6, 6, 2))
  with M.slim.arg_scope([M.slim.dropout], is_training=False):
    with M.slim.arg_scope([M.slim.max_pool2d, M.slim.avg_pool2d], stride=1, padding="SAME"):
      y = M.slim.dropout(M.slim.max_pool2d(x, 3))
      z = M.slim.avg_pool2d(y, 3)
  return {"z": M.slim.flatten(z)}


# ------------------------------------------------------------- variables and collections
@program("model_variables_vs_tf_layers")
def _(M, D):
  x = M.constant(X(D, 2, 3))
  a = M.slim.fully_connected(x, 2)
  b = M.tflayers.dense(x, 2)
  return _summary(M, {"a": a, "b": b,
                      "trainable": _names(M, M.get_collection("trainable_variables"))})


@program("get_variables_queries")
def _(M, D):
  x = M.constant(X(D, 1, 5, 5, 2))
  with M.variable_scope("net"):
    y = M.slim.conv2d(x, 2, [3, 3], scope="conv1", normalizer_fn=M.slim.batch_norm)
    y = M.slim.conv2d(y, 2, [3, 3], scope="conv2")
    M.slim.fully_connected(M.slim.flatten(y), 3, scope="logits")
  s = M.slim
  return {
      "all": _names(M, s.get_variables()),
      "net_conv1": _names(M, s.get_variables("net/conv1")),
      "suffix": _names(M, s.get_variables(suffix="weights")),
      "scope_suffix": _names(M, s.get_variables("net/conv2", suffix="biases")),
      "model": _names(M, s.get_model_variables("net/conv")),
      "trainable": _names(M, s.get_trainable_variables("net/conv1")),
      "by_name": _names(M, s.get_variables_by_name("weights")),
      "by_name_beta": _names(M, s.get_variables_by_name("beta")),
      "by_suffix": _names(M, s.get_variables_by_suffix("mean")),
      "restore_excl": _names(M, s.get_variables_to_restore(exclude=["net/logits"])),
      "restore_incl": _names(M, s.get_variables_to_restore(include=["net/conv2",
                                                                    "net/logits"])),
      "restore_both": _names(M, s.get_variables_to_restore(include=["net"],
                                                           exclude=["net/conv1/BatchNorm"])),
      "unique": M.name(s.get_unique_variable("net/conv2/weights")),
      "local": _names(M, s.get_local_variables()),
  }


@program("get_variables_scope_object")
def _(M, D):
  with M.variable_scope("a") as sc:
    M.slim.model_variable("w", shape=[1])
  with M.variable_scope("ab"):
    M.slim.model_variable("w", shape=[1])
  return {"obj": _names(M, M.slim.get_variables(sc)), "str": _names(M, M.slim.get_variables("a"))}


@program("get_unique_variable_missing_error")
def _(M, D):
  M.slim.model_variable("w", shape=[1])
  return {"v": M.name(M.slim.get_unique_variable("nope"))}


@program("get_unique_variable_ambiguous_error")
def _(M, D):
  M.slim.model_variable("w_1", shape=[1])
  M.slim.model_variable("w_12", shape=[1])
  return {"v": M.name(M.slim.get_unique_variable("w_1"))}


@program("get_variables_to_restore_type_error")
def _(M, D):
  return {"v": M.slim.get_variables_to_restore(exclude="net/logits")}


@program("get_variables_to_restore_include_type_error")
def _(M, D):
  return {"v": M.slim.get_variables_to_restore(include="net")}


@program("model_variable_collections")
def _(M, D):
  v = M.slim.model_variable("v", shape=[2, 3], collections=["extra"],
                            initializer=M.ones_initializer())
  w = M.slim.variable("w", shape=[2], collections=["extra2", M.GraphKeys.GLOBAL_VARIABLES])
  u = M.slim.variable("u", shape=[2])
  M.slim.add_model_variable(w)
  M.slim.add_model_variable(v)
  return _summary(M, {"extra": _names(M, M.get_collection("extra")),
                      "extra2": _names(M, M.get_collection("extra2")),
                      "global": _names(M, M.get_collection("variables")), "u": u})


@program("model_variable_regularizer")
def _(M, D):
  with M.variable_scope("s"):
    v = M.slim.model_variable("v", shape=[3], initializer=M.ones_initializer(),
                              regularizer=M.slim.l2_regularizer(0.5))
  return _summary(M, {"v": v})


@program("model_variable_reuse")
def _(M, D):
  with M.variable_scope("s"):
    a = M.slim.model_variable("v", shape=[3])
  with M.variable_scope("s", reuse=True):
    b = M.slim.model_variable("v", shape=[3])
  return _summary(M, {"a": a, "b": b})


@program("model_variable_custom_getter")
def _(M, D):
  def getter(getter, name, *args, **kwargs):
    kwargs["trainable"] = False
    return getter(name + "_x", *args, **kwargs)

  v = M.slim.model_variable("v", shape=[2], custom_getter=getter)
  with M.variable_scope("g", custom_getter=getter):
    y = M.slim.fully_connected(M.constant(X(D, 2, 3)), 2)
  return _summary(M, {"v": v, "y": y})


# --------------------------------------------------------------------------- end points
@program("end_points_vgg_like")
def _(M, D):
  x = M.constant(X(D, 1, 8, 8, 2))
  with M.variable_scope("vgg", "vgg", [x]) as sc:
    ends = sc.original_name_scope + "_end_points"
    with M.slim.arg_scope([M.slim.conv2d, M.slim.fully_connected, M.slim.max_pool2d],
                          outputs_collections=ends):
      net = M.slim.repeat(x, 2, M.slim.conv2d, 3, [3, 3], scope="conv1")
      net = M.slim.max_pool2d(net, [2, 2], scope="pool1")
      net = M.slim.conv2d(net, 4, [4, 4], padding="VALID", scope="fc6")
      net = M.slim.dropout(net, 0.5, is_training=False, scope="dropout6")
      net = M.slim.conv2d(net, 3, [1, 1], activation_fn=None, scope="fc8")
    end_points = M.slim.utils.convert_collection_to_dict(ends)
  return {"net": net, "keys": list(end_points), "values": list(end_points.values())}


@program("end_points_two_aliases")
def _(M, D):
  x = M.constant(X(D, 2, 3))
  y = M.slim.fully_connected(x, 2, scope="fc", outputs_collections="ends")
  M.slim.utils.collect_named_outputs("ends", "logits", y)
  M.slim.utils.collect_named_outputs("ends", "net/out/", y)
  d = M.slim.utils.convert_collection_to_dict("ends")
  return {"keys": list(d), "values": list(d.values()),
          "aliases": M.slim.utils.get_tensor_aliases(y),
          "n": len(M.get_collection("ends"))}


@program("end_points_clear_collection")
def _(M, D):
  x = M.constant(X(D, 2, 3))
  M.slim.fully_connected(x, 2, scope="fc", outputs_collections="ends")
  d = M.slim.utils.convert_collection_to_dict("ends", clear_collection=True)
  return {"keys": list(d), "after": len(M.get_collection("ends"))}


@program("end_points_multiple_collections")
def _(M, D):
  x = M.constant(X(D, 2, 6, 6, 2))
  y = M.slim.conv2d(x, 2, [3, 3], scope="c1", outputs_collections=["a", "b"])
  z = M.slim.max_pool2d(y, 2, scope="p1", outputs_collections="b")
  f = M.slim.flatten(z, outputs_collections="a")
  return {"a": list(M.slim.utils.convert_collection_to_dict("a")),
          "b": list(M.slim.utils.convert_collection_to_dict("b")), "f": f}


@program("end_points_nested_scopes")
def _(M, D):
  x = M.constant(X(D, 1, 6, 6, 2))
  with M.variable_scope("net"):
    with M.variable_scope("block1"):
      y = M.slim.conv2d(x, 2, [3, 3], outputs_collections="ends")
      y = M.slim.conv2d(y, 2, [3, 3], outputs_collections="ends")
    with M.name_scope("extra"):
      y = M.slim.avg_pool2d(y, 2, outputs_collections="ends")
    y = M.slim.batch_norm(y, outputs_collections="ends", is_training=False)
  return {"keys": list(M.slim.utils.convert_collection_to_dict("ends")), "y": y}


@program("end_points_variable_alias")
def _(M, D):
  v = M.slim.model_variable("v", shape=[2])
  M.add_to_collection("vars_ends", v)
  return {"keys": list(M.slim.utils.convert_collection_to_dict("vars_ends"))}


# --------------------------------------------------------------- regularizers and initializers
@program("regularizers_on_fc")
def _(M, D):
  x = M.constant(X(D, 2, 3))
  s = M.slim
  s.fully_connected(x, 2, weights_regularizer=s.l1_regularizer(0.5), scope="a")
  s.fully_connected(x, 2, weights_regularizer=s.l1_l2_regularizer(0.5, 0.25), scope="b")
  s.fully_connected(x, 2, weights_regularizer=s.l2_regularizer(0.0), scope="c")
  s.fully_connected(x, 2, weights_regularizer=s.sum_regularizer(
      [s.l1_regularizer(0.1), None, s.l2_regularizer(0.2)]), scope="d")
  return _summary(M, {})


@program("regularizer_int_scale_error")
def _(M, D):
  return {"r": M.slim.l2_regularizer(1)}


@program("regularizer_negative_scale_error")
def _(M, D):
  return {"r": M.slim.l1_regularizer(-0.5)}


@program("apply_regularization")
def _(M, D):
  w = M.slim.model_variable("w", shape=[3], initializer=M.constant_initializer(2.0))
  total = M.slim.apply_regularization(M.slim.l2_regularizer(0.5), [w, w])
  return _summary(M, {"total": total})


@program("initializers_shapes")
def _(M, D):
  s = M.slim
  a = s.model_variable("a", shape=[4, 5], initializer=s.xavier_initializer())
  b = s.model_variable("b", shape=[3, 3, 2, 4], initializer=s.xavier_initializer(False))
  c = s.model_variable("c", shape=[4, 5], initializer=s.variance_scaling_initializer())
  d = s.model_variable("d", shape=[4, 5], initializer=s.variance_scaling_initializer(
      factor=1.0, mode="FAN_AVG", uniform=True))
  return _summary(M, {"shapes": [list(v.shape) for v in (a, b, c, d)]})


@program("variance_scaling_bad_mode_error")
def _(M, D):
  return {"i": M.slim.variance_scaling_initializer(mode="fan_in")}


@program("xavier_int_dtype_error")
def _(M, D):
  return {"i": M.slim.xavier_initializer(dtype=M.int32)}


# ----------------------------------------------------------------------- small whole nets
@program("net_lenet_like")
def _(M, D):
  x = M.constant(X(D, 2, 12, 12, 1))
  with M.variable_scope("LeNet", "LeNet", [x]):
    with M.slim.arg_scope([M.slim.conv2d, M.slim.fully_connected],
                          weights_regularizer=M.slim.l2_regularizer(1e-3)):
      net = M.slim.conv2d(x, 4, [5, 5], scope="conv1")
      net = M.slim.max_pool2d(net, [2, 2], 2, scope="pool1")
      net = M.slim.conv2d(net, 6, [3, 3], scope="conv2")
      net = M.slim.max_pool2d(net, [2, 2], 2, scope="pool2")
      net = M.slim.flatten(net)
      net = M.slim.fully_connected(net, 8, scope="fc3")
      net = M.slim.dropout(net, 0.5, is_training=False, scope="dropout3")
      net = M.slim.fully_connected(net, 3, activation_fn=None, scope="fc4")
  return _summary(M, {"logits": net, "probs": M.slim.softmax(net)})


@program("net_bn_train_step")
def _(M, D):
  x = M.constant(X(D, 4, 6, 6, 2) + 0.3)
  with M.slim.arg_scope([M.slim.conv2d], normalizer_fn=M.slim.batch_norm,
                        normalizer_params={"is_training": True, "decay": 0.9,
                                           "scale": True}):
    net = M.slim.conv2d(x, 3, [3, 3], scope="conv1")
    net = M.slim.conv2d(net, 3, [3, 3], stride=2, scope="conv2")
  net = M.slim.avg_pool2d(net, [3, 3], scope="pool")
  return _summary(M, {"net": net, "updates": len(M.get_collection("update_ops"))})


@program("net_resnet_unit_like")
def _(M, D):
  x = M.constant(X(D, 2, 6, 6, 4))
  with M.slim.arg_scope([M.slim.batch_norm], is_training=True, updates_collections=None):
    with M.variable_scope("unit_1"):
      pre = M.slim.batch_norm(x, activation_fn=M.relu, scope="preact")
      shortcut = M.slim.conv2d(pre, 8, [1, 1], stride=2, normalizer_fn=None,
                               activation_fn=None, scope="shortcut")
      r = M.slim.conv2d(pre, 2, [1, 1], stride=1, normalizer_fn=M.slim.batch_norm,
                        scope="conv1")
      r = M.slim.conv2d(r, 2, 3, stride=2, normalizer_fn=M.slim.batch_norm, scope="conv2")
      r = M.slim.conv2d(r, 8, [1, 1], normalizer_fn=None, activation_fn=None, scope="conv3")
  return _summary(M, {"out": shortcut + r})


@program("net_separable_mobilenet_like")
def _(M, D):
  x = M.constant(X(D, 2, 8, 8, 3))
  with M.slim.arg_scope([M.slim.conv2d, M.slim.separable_conv2d],
                        normalizer_fn=M.slim.batch_norm, activation_fn=M.relu6):
    net = M.slim.conv2d(x, 4, [3, 3], stride=2, scope="Conv2d_0")
    net = M.slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1,
                                  scope="Conv2d_1_depthwise")
    net = M.slim.conv2d(net, 6, [1, 1], scope="Conv2d_1_pointwise")
  return _summary(M, {"net": net})


# ---------------------------------------------------------------- the smaller slim ops
@program("maxout")
def _(M, D):
  x = M.constant(X(D, 2, 3, 6))
  return {"a": M.slim.maxout(x, 3), "b": M.slim.maxout(x, 1, axis=1, scope="m")}


@program("maxout_not_multiple_error")
def _(M, D):
  return {"y": M.slim.maxout(M.constant(X(D, 2, 6)), 4)}


@program("unit_norm")
def _(M, D):
  x = M.constant(X(D, 2, 3, 4))
  return {"a": M.slim.unit_norm(x, 1), "b": M.slim.unit_norm(x, 2, epsilon=0.1)}


@program("unit_norm_bad_dim_error")
def _(M, D):
  return {"y": M.slim.unit_norm(M.constant(X(D, 2, 3)), 2)}


@program("images_to_sequence_and_back")
def _(M, D):
  x = M.constant(X(D, 2, 3, 5, 4))
  seq = M.slim.images_to_sequence(x, outputs_collections="ends")
  img = M.slim.sequence_to_images(seq, 3)
  img2 = M.slim.sequence_to_images(seq, 3, output_data_format="channels_first")
  return {"seq": seq, "img": img, "img2": img2,
          "ends": list(M.slim.utils.convert_collection_to_dict("ends"))}


@program("spatial_softmax")
def _(M, D):
  x = M.constant(X(D, 2, 4, 3, 2))
  return _summary(M, {"a": M.slim.spatial_softmax(x),
                      "b": M.slim.spatial_softmax(x, temperature=0.5, name="ss",
                                                  trainable=False)})


@program("spatial_softmax_nchw")
def _(M, D):
  return _summary(M, {"a": M.slim.spatial_softmax(M.constant(X(D, 2, 2, 4, 3)),
                                                  data_format="NCHW")})


for _n, _kw in {"max_valid": dict(pooling_type="MAX"),
                "avg_same": dict(pooling_type="AVG", padding="SAME"),
                "max_same_stride": dict(pooling_type="MAX", padding="SAME", stride=2),
                "avg_dilated": dict(pooling_type="AVG", dilation_rate=2),
                "max_dilated": dict(pooling_type="MAX", dilation_rate=[2, 1]),
                "avg_1d": dict(pooling_type="AVG", rank=1),
                "max_3d": dict(pooling_type="MAX", rank=3),
                "same_dilated_error": dict(pooling_type="MAX", padding="SAME",
                                           dilation_rate=2),
                "stride_gt_window_error": dict(pooling_type="MAX", stride=3),
                "bad_type_error": dict(pooling_type="MIN")}.items():
  def _mk(name, kw):
    @program("pool_" + name)
    def prog(M, D):
      kw2 = dict(kw)
      rank = kw2.pop("rank", 2)
      shape = {1: (2, 7, 3), 2: (2, 7, 6, 3), 3: (1, 5, 4, 4, 2)}[rank]
      return {"y": M.slim.pool(M.constant(X(D, *shape)), [2] * rank, **kw2)}
  _mk(_n, _kw)


@program("scale_gradient_forward")
def _(M, D):
  x = M.constant(X(D, 2, 3))
  return {"y": M.slim.scale_gradient(x, 0.5)}


@program("local_global_filter_variables")
def _(M, D):
  a = M.slim.local_variable(np.float32([1.0, 2.0]), name="counts")
  b = M.slim.global_variable(np.float32(3.0), name="step")
  with M.variable_scope("net"):
    M.slim.conv2d(M.constant(X(D, 1, 4, 4, 2)), 2, [3, 3], scope="conv1")
    M.slim.fully_connected(M.constant(X(D, 2, 3)), 2, scope="logits")
  s = M.slim
  allv = s.get_variables()
  return {"a": a, "b": b, "local": _names(M, s.get_local_variables()),
          "global": _names(M, allv),
          "f1": _names(M, s.filter_variables(allv, include_patterns=["weights"])),
          "f2": _names(M, s.filter_variables(allv, exclude_patterns=["logits", "step"])),
          "f3": _names(M, s.filter_variables(allv, ["net"], reg_search=False)),
          "f4": _names(M, s.filter_variables(allv, ["conv1"], reg_search=False))}


@program("batch_norm_float16_fused")
def _(M, D):
  x = M.constant((X(D, 4, 3, 3, 2) * 2).astype(np.float16))
  return _summary(M, {"y": M.slim.batch_norm(x, updates_collections=None, scale=True)})


@program("batch_norm_float16_layer")
def _(M, D):
  x = M.constant((X(D, 4, 3, 3, 2) * 2).astype(np.float16))
  return _summary(M, {"y": M.slim.batch_norm(x, scale=True)})


# ------------------------------------------------------------ instance_norm, group_norm
for _n, _kw in {"default": {}, "no_center": dict(center=False),
                "no_scale_eps": dict(scale=False, epsilon=1e-3),
                "nchw": dict(data_format="NCHW"), "relu": dict(activation_fn="relu"),
                "init_ocoll": dict(param_initializers="init", outputs_collections="ends"),
                "bad_format_error": dict(data_format="NWC")}.items():
  def _mk(name, kw):
    @program("instance_norm_" + name)
    def prog(M, D):
      args = _bn_kwargs(M, D, kw, 2)
      y = M.slim.instance_norm(M.constant(X(D, 2, 4, 3, 5) * 3.0 + 1.0), **args)
      out = {"y": y}
      if kw.get("outputs_collections"):
        out["ends"] = list(M.slim.utils.convert_collection_to_dict("ends"))
      return _summary(M, out)
  _mk(_n, _kw)

for _n, (_shape, _kw) in {
    "default": ((2, 4, 3, 8), dict(groups=4)),
    "groups1": ((2, 4, 3, 8), dict(groups=1)),
    "per_channel": ((2, 4, 3, 8), dict(groups=8, scale=False)),
    "nchw_axes": ((2, 6, 4, 3), dict(groups=3, channels_axis=1, reduction_axes=(-2, -1))),
    "mean_close_to_zero": ((2, 4, 3, 8), dict(groups=2, mean_close_to_zero=True)),
    "rank3": ((2, 5, 6), dict(groups=3, reduction_axes=(-2,))),
    "scope_reuse": ((2, 4, 3, 8), dict(groups=2, scope="gn")),
    "too_many_groups_error": ((2, 4, 3, 4), dict(groups=8)),
    "not_commensurate_error": ((2, 4, 3, 6), dict(groups=4)),
    "axis_clash_error": ((2, 4, 3, 6), dict(groups=2, reduction_axes=(-3, -1))),
}.items():
  def _mk(name, shape, kw):
    @program("group_norm_" + name)
    def prog(M, D):
      x = M.constant(X(D, *shape) * 2.0 + 0.5)
      out = {"y": M.slim.group_norm(x, **kw)}
      if name == "scope_reuse":
        out["z"] = M.slim.group_norm(x, reuse=True, **kw)
      return _summary(M, out)
  _mk(_n, _shape, _kw)
