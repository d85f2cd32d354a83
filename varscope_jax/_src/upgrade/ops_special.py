"""The op table's entries that map to ``vs.ops`` (TF semantics no jax function has)."""

from __future__ import annotations

from varscope_jax._src.upgrade.op_spec import Args
from varscope_jax._src.upgrade.op_spec import Unsupported
from varscope_jax._src.upgrade.op_spec import call
from varscope_jax._src.upgrade.op_spec import dtype_text
from varscope_jax._src.upgrade.op_spec import is_literal
from varscope_jax._src.upgrade.op_spec import literal
from varscope_jax._src.upgrade.op_spec import op

_XY = "x, y, name=None"
_INT_DIV = (
  "integer division by zero: TF's CPU kernel raises InvalidArgumentError; "
  "under jit JAX cannot raise and the value is unspecified"
)


def _pass(fn: str, *params: str, keywords: tuple[str, ...] = ()):
  """``vs.ops.<fn>(params..., keyword=...)``, keywords only where the call gave them."""

  def build(a: Args) -> str:
    kw = {k: a[k] for k in keywords if a.given(k)}
    return call(f"vs.ops.{fn}", *(a[p] for p in params), **kw)

  return build


def _gather(a: Args) -> str:
  a.default_only("validate_indices")
  bd = a["batch_dims"].strip()
  return call(
    "vs.ops.gather",
    a["params"],
    a["indices"],
    axis=a["axis"] if a.given("axis") else None,
    batch_dims=None if bd == "0" else bd,
  )


def _gather_nd(a: Args) -> str:
  a.default_only("bad_indices_policy")
  bd = a["batch_dims"].strip()
  return call("vs.ops.gather_nd", a["params"], a["indices"], batch_dims=None if bd == "0" else bd)


def _one_hot(a: Args) -> str:
  kw = {k: a[k] for k in ("on_value", "off_value", "axis") if a.given(k)}
  if a.given("dtype"):
    kw["dtype"] = dtype_text(a["dtype"])
  return call("vs.ops.one_hot", a["indices"], a["depth"], **kw)


def _split(a: Args) -> str:
  axis = a["axis"].strip()
  return call(
    "vs.ops.split", a["value"], a["num_or_size_splits"], axis=None if axis == "0" else axis
  )


def _pad(a: Args) -> str:
  mode = a["mode"].strip()
  cv = a["constant_values"].strip()
  if is_literal(mode) and str(literal(mode)).upper() == "CONSTANT":
    return call("jnp.pad", a["tensor"], a["paddings"], constant_values=None if cv == "0" else cv)
  return call(
    "vs.ops.pad", a["tensor"], a["paddings"], mode=mode, constant_values=None if cv == "0" else cv
  )


def _seq_mask(a: Args) -> str:
  return call(
    "vs.ops.sequence_mask",
    a["lengths"],
    *([a["maxlen"]] if a.given("maxlen") else []),
    dtype=dtype_text(a["dtype"]) if a.given("dtype") else None,
  )


def _moments(a: Args) -> str:
  keep = a.either("keepdims", "keep_dims")
  if keep is not None and is_literal(keep):
    keep = "True" if literal(keep) else None
  return call("vs.ops.moments", a["x"], a["axes"], keepdims=keep)


def _sparse_xent(a: Args) -> str:
  return call(
    "vs.ops.sparse_softmax_cross_entropy_with_logits", labels=a["labels"], logits=a["logits"]
  )


def _xent_v1(a: Args) -> str:
  if a.given("axis"):
    raise Unsupported(
      "tf.nn.softmax_cross_entropy_with_logits(axis=...): TF1's op "
      "raises ValueError (\"Cannot specify both 'dim' and 'axis'\": dim "
      "defaults to -1); use dim="
    )
  axis = a["dim"]
  if axis.strip() == "-1":
    axis = None
  return call(
    "vs.ops.softmax_cross_entropy_with_logits",
    labels=f"jax.lax.stop_gradient({a['labels'].strip()})",
    logits=a["logits"],
    axis=axis,
  )


def _xent_v2(a: Args) -> str:
  axis = a.either("axis", "dim")
  if axis is not None and axis.strip() == "-1":
    axis = None
  return call(
    "vs.ops.softmax_cross_entropy_with_logits", labels=a["labels"], logits=a["logits"], axis=axis
  )


def _l2_normalize(a: Args) -> str:
  axis = a.either("axis", "dim")
  eps = a["epsilon"].strip()
  return call("vs.ops.l2_normalize", a["x"], axis=axis, epsilon=None if eps == "1e-12" else eps)


def _resize(fn: str):
  def build(a: Args) -> str:
    kw = {
      k: a[k]
      for k in ("align_corners", "half_pixel_centers", "method", "preserve_aspect_ratio")
      if k in a.op.defaults and a.given(k) and a[k].strip() != a.op.defaults[k]
    }
    return call(f"vs.ops.{fn}", a["images"], a["size"], **kw)

  return build


def _sparse_loss(a: Args) -> str:
  a.default_only("weights", "reduction")
  xent = call(
    "vs.ops.sparse_softmax_cross_entropy_with_logits", labels=a["labels"], logits=a["logits"]
  )
  return f"jnp.mean({xent})"


def _where_v1(a: Args) -> str:
  if not a.given("x") or not a.given("y"):
    raise Unsupported(
      "tf.where(condition) without x and y returns the indices of the "
      "true elements: a data-dependent shape, not possible under jit "
      "(use jnp.argwhere outside jit)"
    )
  return call("vs.ops.where", a["condition"], a["x"], a["y"])


def _slice(a: Args) -> str:
  return call("vs.ops.slice", a["input_"], a["begin"], a["size"])


def _band(a: Args) -> str:
  lo, up = a["num_lower"].strip(), a["num_upper"].strip()
  if lo == "-1" and up == "0":
    return call("jnp.tril", a["input"])
  if lo == "0" and up == "-1":
    return call("jnp.triu", a["input"])
  return call("vs.ops.matrix_band_part", a["input"], lo, up)


def _clip_global(a: Args) -> str:
  return call(
    "vs.ops.clip_by_global_norm",
    a["t_list"],
    a["clip_norm"],
    use_norm=a["use_norm"] if a.given("use_norm") else None,
  )


def _clip_norm(a: Args) -> str:
  return call(
    "vs.ops.clip_by_norm", a["t"], a["clip_norm"], axes=a["axes"] if a.given("axes") else None
  )


_IDX = (
  "an index out of range is TF's error when the indices are concrete (under jit: "
  "zeros, TF's GPU result)"
)

SPECIAL = [
  op(
    "floordiv",
    "vs.ops.floordiv",
    _XY,
    _pass("floordiv", "x", "y"),
    note=_INT_DIV,
    aliases=("math.floordiv",),
  ),
  op(
    "floormod",
    "vs.ops.floormod",
    _XY,
    _pass("floormod", "x", "y"),
    note=_INT_DIV,
    aliases=("math.floormod", "mod", "math.mod"),
  ),
  op("truncatediv", "vs.ops.truncatediv", _XY, _pass("truncatediv", "x", "y"), note=_INT_DIV),
  op("truncatemod", "vs.ops.truncatemod", _XY, _pass("truncatemod", "x", "y"), note=_INT_DIV),
  op(
    "gather",
    "vs.ops.gather",
    "params, indices, validate_indices=None, name=None, axis=None, batch_dims=0",
    _gather,
    kind="array",
    note=_IDX,
  ),
  op(
    "gather_nd",
    "vs.ops.gather_nd",
    "params, indices, name=None, batch_dims=0, bad_indices_policy=''",
    _gather_nd,
    kind="array",
    note=_IDX,
    aliases=("manip.gather_nd",),
  ),
  op(
    "one_hot",
    "vs.ops.one_hot",
    "indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None",
    _one_hot,
    kind="array",
    note="an index outside [0, depth) (such as -1) gives a row of off_value",
  ),
  op(
    "split",
    "vs.ops.split",
    "value, num_or_size_splits, axis=0, num=None, name='split'",
    _split,
    kind="array",
    note="a list of arrays, as TF",
  ),
  op(
    "pad",
    "jnp.pad / vs.ops.pad",
    "tensor, paddings, mode='CONSTANT', name=None, constant_values=0",
    _pad,
    kind="array",
    note="REFLECT/SYMMETRIC (any case) go through vs.ops.pad, with TF's limits",
  ),
  op(
    "slice",
    "vs.ops.slice",
    "input_, begin, size, name=None",
    _slice,
    kind="array",
    note="size must be static; a size of -1 takes the rest",
  ),
  op(
    "where",
    "vs.ops.where",
    "condition, x=None, y=None, name=None",
    _where_v1,
    kind="array",
    note="TF1's where: no broadcasting; a vector condition picks rows",
  ),
  op(
    "sequence_mask",
    "vs.ops.sequence_mask",
    "lengths, maxlen=None, dtype=tf.bool, name=None",
    _seq_mask,
    kind="array",
  ),
  op(
    "matrix_band_part",
    "jnp.tril / jnp.triu / vs.ops.matrix_band_part",
    "input, num_lower, num_upper, name=None",
    _band,
    kind="linalg",
    aliases=("linalg.band_part",),
  ),
  op(
    "nn.moments",
    "vs.ops.moments",
    "x, axes, shift=None, name=None, keep_dims=None, keepdims=None",
    _moments,
    kind="nn",
  ),
  op(
    "nn.sparse_softmax_cross_entropy_with_logits",
    "vs.ops.sparse_softmax_cross_entropy_with_logits",
    "labels=None, logits=None, name=None",
    _sparse_xent,
    kind="nn",
    note="a label out of range is TF's error when concrete (under jit: NaN, TF's GPU result)",
  ),
  op(
    "nn.softmax_cross_entropy_with_logits",
    "vs.ops.softmax_cross_entropy_with_logits",
    "labels=None, logits=None, dim=-1, name=None, axis=None",
    _xent_v1,
    kind="nn",
    note="no gradient into labels, as TF1's (v1) op",
  ),
  op(
    "nn.softmax_cross_entropy_with_logits_v2",
    "vs.ops.softmax_cross_entropy_with_logits",
    "labels, logits, axis=None, name=None, dim=None",
    _xent_v2,
    kind="nn",
  ),
  op(
    "losses.sparse_softmax_cross_entropy",
    "jnp.mean(vs.ops.sparse_softmax_cross_entropy_with_logits(...))",
    "labels, logits, weights=1.0, scope=None, loss_collection='losses', "
    "reduction='weighted_sum_by_nonzero_weights'",
    _sparse_loss,
    kind="nn",
    note="the mean loss (TF's reduction with weights=1.0; other weights or reductions "
    "are not rewritten); it is returned, not added to a LOSSES collection",
  ),
  op(
    "nn.sigmoid_cross_entropy_with_logits",
    "vs.ops.sigmoid_cross_entropy_with_logits",
    "labels=None, logits=None, name=None",
    lambda a: call(
      "vs.ops.sigmoid_cross_entropy_with_logits", labels=a["labels"], logits=a["logits"]
    ),
    kind="nn",
  ),
  op(
    "nn.l2_normalize",
    "vs.ops.l2_normalize",
    "x, axis=None, epsilon=1e-12, name=None, dim=None",
    _l2_normalize,
    kind="nn",
    aliases=("math.l2_normalize",),
  ),
  op(
    "clip_by_global_norm",
    "vs.ops.clip_by_global_norm",
    "t_list, clip_norm, use_norm=None, name=None",
    _clip_global,
    kind="math",
  ),
  op(
    "clip_by_norm",
    "vs.ops.clip_by_norm",
    "t, clip_norm, axes=None, name=None",
    _clip_norm,
    kind="math",
  ),
  op(
    "global_norm",
    "vs.ops.global_norm",
    "t_list, name=None",
    lambda a: call("vs.ops.global_norm", a["t_list"]),
    kind="math",
    aliases=("linalg.global_norm",),
  ),
  op(
    "image.resize_images",
    "vs.ops.resize_images",
    "images, size, method=0, align_corners=False, preserve_aspect_ratio=False, name=None",
    _resize("resize_images"),
    kind="image",
    note="TF1's sample positions (jax.image.resize uses half-pixel centers); methods "
    "0 (bilinear) and 1 (nearest) only",
  ),
  op(
    "image.resize_nearest_neighbor",
    "vs.ops.resize_nearest_neighbor",
    "images, size, align_corners=False, name=None, half_pixel_centers=False",
    _resize("resize_nearest_neighbor"),
    kind="image",
  ),
  op(
    "image.resize_bilinear",
    "vs.ops.resize_bilinear",
    "images, size, align_corners=False, name=None, half_pixel_centers=False",
    _resize("resize_bilinear"),
    kind="image",
  ),
]
