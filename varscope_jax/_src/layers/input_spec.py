"""``InputSpec``: what a layer accepts (dtype, shape, rank, axis sizes), checked in
tf-keras's order with tf-keras's text."""

from __future__ import annotations

from varscope_jax._src.base import tf_errors
from varscope_jax._src.base import dtypes as dtypes_lib


class InputSpec:
  """The dtype, shape, rank and axis sizes a layer accepts (``tf.keras.layers.InputSpec``).

  Args:
    dtype: the dtype the input must have (a name or dtype), or None.
    shape: the shape it must have (``None`` for any size of an axis); sets ``ndim``.
    ndim: exact rank, or None.
    max_ndim: largest rank, or None.
    min_ndim: least rank, or None.
    axes: ``{axis: size}`` the input must have (after the layer is built).
    allow_last_axis_squeeze: a last axis of size 1 may be missing on either side.
    name: the input's name (for dict inputs).
    optional: the input may be ``None``.

  Raises:
    TypeError: ``axes`` with keys that are not ints (TF's text).
    ValueError: an axis beyond ``ndim`` / ``max_ndim`` (TF's text).

  >>> from varscope_jax.layers import InputSpec
  >>> InputSpec(min_ndim=2, axes={-1: 3})
  InputSpec(min_ndim=2, axes={-1: 3})
  >>> InputSpec(dtype="float32", shape=(None, 3))
  InputSpec(dtype=float32, shape=(None, 3), ndim=2)
  """

  def __init__(
    self,
    dtype=None,
    shape=None,
    ndim=None,
    max_ndim=None,
    min_ndim=None,
    axes=None,
    allow_last_axis_squeeze=False,
    name=None,
    optional=False,
  ):
    self.dtype = dtypes_lib.as_tf_dtype(dtype).name if dtype is not None else None
    if shape is not None:
      shape = tuple(None if d is None else int(d) for d in shape)
      self.ndim = len(shape)
      self.shape = shape
    else:
      self.ndim = ndim
      self.shape = None
    self.max_ndim = max_ndim
    self.min_ndim = min_ndim
    self.name = name
    self.allow_last_axis_squeeze = allow_last_axis_squeeze
    self.optional = optional
    try:
      axes = axes or {}
      self.axes = {int(k): axes[k] for k in axes}
    except (ValueError, TypeError):
      raise TypeError(tf_errors.INPUT_SPEC_AXES % (axes,)) from None
    if self.axes and (self.ndim is not None or self.max_ndim is not None):
      max_dim = (self.ndim if self.ndim else self.max_ndim) - 1  # pyright: ignore[reportOptionalOperand]
      max_axis = max(self.axes)
      if max_axis > max_dim:
        raise ValueError(tf_errors.INPUT_SPEC_MAX_AXIS % (max_axis, max_dim))

  def __repr__(self):
    spec = [
      ("dtype=" + str(self.dtype)) if self.dtype else "",
      ("shape=" + str(self.shape)) if self.shape else "",
      ("ndim=" + str(self.ndim)) if self.ndim else "",
      ("max_ndim=" + str(self.max_ndim)) if self.max_ndim else "",
      ("min_ndim=" + str(self.min_ndim)) if self.min_ndim else "",
      ("axes=" + str(self.axes)) if self.axes else "",
    ]
    return "InputSpec(%s)" % ", ".join(x for x in spec if x)


def _flatten(inputs):
  if isinstance(inputs, (list, tuple)):
    out = []
    for x in inputs:
      out.extend(_flatten(x))
    return out
  if isinstance(inputs, dict):
    out = []
    for k in sorted(inputs):
      out.extend(_flatten(inputs[k]))
    return out
  return [inputs]


def assert_input_compatibility(input_spec, inputs, layer_name, scope_name=None):
  """Raises tf-keras's ``ValueError`` when ``inputs`` do not fit ``input_spec``.

  The checks run in tf-keras's order (rank, max rank, min rank, dtype, axes, shape); the
  first line is TF's; a second line names the layer's variable scope (where its
  variables live), which TF's text does not.
  """
  if not input_spec:
    return
  specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
  xs = _flatten(inputs)
  where = (
    "\n(layer %r, variable scope %r)" % (layer_name, scope_name) if scope_name is not None else ""
  )
  if len(xs) != len(specs):
    raise ValueError(tf_errors.LAYER_INPUT_COUNT % (layer_name, len(specs), len(xs)) + where)
  for index, (x, spec) in enumerate(zip(xs, specs)):
    if spec is None or (x is None and spec.optional):
      continue
    shape = tuple(x.shape)
    ndim = len(shape)
    head = tf_errors.INPUT_INCOMPATIBLE % (index, layer_name)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
      raise ValueError(head + tf_errors.INPUT_NDIM % (spec.ndim, ndim, shape) + where)
    if spec.max_ndim is not None and ndim > spec.max_ndim:
      raise ValueError(head + tf_errors.INPUT_MAX_NDIM % (spec.max_ndim, ndim) + where)
    if spec.min_ndim is not None and ndim < spec.min_ndim:
      raise ValueError(head + tf_errors.INPUT_MIN_NDIM % (spec.min_ndim, ndim, shape) + where)
    if spec.dtype is not None:
      found = dtypes_lib.as_tf_dtype(x.dtype)
      if found.name != spec.dtype:
        raise ValueError(head + tf_errors.INPUT_DTYPE % (spec.dtype, found) + where)
    for axis, value in spec.axes.items():
      if value is not None and shape[int(axis)] != value:
        raise ValueError(head + tf_errors.INPUT_AXIS % (axis, value, shape) + where)
    if spec.shape is not None:
      spec_shape, got = spec.shape, list(shape)
      if spec.allow_last_axis_squeeze:
        if got and got[-1] == 1:
          got = got[:-1]
        if spec_shape and spec_shape[-1] == 1:
          spec_shape = spec_shape[:-1]
      for spec_dim, dim in zip(spec_shape, got):
        if spec_dim is not None and spec_dim != dim:
          raise ValueError(head + tf_errors.INPUT_SHAPE % (spec.shape, shape) + where)
