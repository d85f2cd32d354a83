"""``InputSpec``: what a layer accepts (rank, channel sizes), checked with tf-keras's text."""
from __future__ import annotations


class InputSpec:
  """The rank and axis sizes a layer accepts (``tf.keras.layers.InputSpec``).

  Args:
    ndim: exact rank, or None.
    min_ndim: least rank, or None.
    axes: ``{axis: size}`` the input must have (after the layer is built).

  >>> from varscope_jax.layers import InputSpec
  >>> InputSpec(min_ndim=2, axes={-1: 3})
  InputSpec(min_ndim=2, axes={-1: 3})
  """

  def __init__(self, ndim=None, min_ndim=None, axes=None):
    self.ndim = ndim
    self.min_ndim = min_ndim
    self.axes = dict(axes or {})

  def __repr__(self):
    spec = [("ndim=" + str(self.ndim)) if self.ndim is not None else "",
            ("min_ndim=" + str(self.min_ndim)) if self.min_ndim is not None else "",
            ("axes=" + str(self.axes)) if self.axes else ""]
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

  The first line is TF's; a second line names the layer's variable scope (where its
  variables live), which TF's text does not.
  """
  if not input_spec:
    return
  specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
  xs = _flatten(inputs)
  where = ("\n(layer %r, variable scope %r)" % (layer_name, scope_name)
           if scope_name is not None else "")
  if len(xs) != len(specs):
    raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
                     f"received {len(xs)} input tensors." + where)
  for index, (x, spec) in enumerate(zip(xs, specs)):
    if spec is None:
      continue
    shape = tuple(x.shape)
    ndim = len(shape)
    head = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
    if spec.ndim is not None and ndim != spec.ndim:
      raise ValueError(head + f"expected ndim={spec.ndim}, found ndim={ndim}. Full shape "
                       f"received: {shape}" + where)
    if spec.min_ndim is not None and ndim < spec.min_ndim:
      raise ValueError(head + f"expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                       f"Full shape received: {shape}" + where)
    for axis, value in spec.axes.items():
      if value is not None and shape[int(axis)] != value:
        raise ValueError(f'Input {index} of layer "{layer_name}" is incompatible with the '
                         f"layer: expected axis {axis} of input shape to have value {value}, "
                         f"but received input with shape {shape}" + where)
