"""How ``get_variable`` calls an initializer: TF's calling convention or JAX's.

The rule (stated in ``get_variable``'s docstring):

* ``vs`` initializers (``Initializer`` subclasses) are called ``init(key, shape, dtype)``;
* a callable with a parameter named ``partition_info``, or whose first parameter is named
  ``shape``, is TF-style: ``init(shape, dtype=..., partition_info=None)`` as TF calls it
  (``partition_info`` only when it is a parameter), with ``shape`` a list and ``dtype`` a
  ``vs.DType``;
* any other callable is key-style when its first two positional parameters are required
  (``jax.nn.initializers``, ``lambda key, shape, dtype: ...``) and TF-style when at most
  one is.

An error raised inside an initializer is raised again (same type where it can be made
again from its message, else with a note) with a line naming the variable and how it
was called.

``initial_value`` is what ``get_variable`` does with its initializer, in TF's order: a
value is taken as the initial value; a missing initializer is the default for the dtype;
a key initializer is checked abstractly (once per signature) and left to the backend;
a TF-style one is called now and its value checked against the shape. ``validate`` is
TF's constant check, run once the variable's op name is taken.
"""

from __future__ import annotations

import collections
import inspect
import threading
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import errors
from varscope_jax._src.base import tf_errors
from varscope_jax._src.base.shapes import fully_defined, shape_str
from varscope_jax._src.initializers.base import is_initializer
from varscope_jax._src.initializers.deterministic import default_initializer

KEY = "key"
TF = "tf"

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _parameters(fn):
  try:
    return list(inspect.signature(fn).parameters.values())
  except (TypeError, ValueError):
    return None


def classify(initializer) -> str:
  """``KEY`` for ``init(key, shape, dtype)``, ``TF`` for ``init(shape, dtype=...)``.

  >>> classify(lambda shape, dtype: None), classify(lambda k, s, d: None)
  ('tf', 'key')
  """
  if is_initializer(initializer):
    return KEY
  params = _parameters(initializer)
  if params is None:
    return TF
  if any(p.name == "partition_info" for p in params):
    return TF
  if params and params[0].kind in _POSITIONAL and params[0].name == "shape":
    return TF
  required = 0
  for p in params:
    if p.kind not in _POSITIONAL or p.default is not inspect.Parameter.empty:
      break
    required += 1
  return KEY if required >= 2 else TF


def takes_partition_info(fn) -> bool:
  params = _parameters(fn)
  return params is not None and any(p.name == "partition_info" for p in params)


def needs_no_arguments(fn) -> bool:
  params = _parameters(fn)
  return params is not None and all(
    p.default is not inspect.Parameter.empty
    or p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    for p in params
  )


def reraise_naming(err: BaseException, name: str, initializer, call: str):
  """Raises ``err`` again with a line naming the variable ``name`` and ``call``."""
  where = f"(raised by the initializer {initializer!r} of variable {name}, called as {call})"
  cls = type(err)
  if (
    cls.__module__ == "builtins"
    and cls.__str__ is BaseException.__str__
    and len(err.args) == 1
    and isinstance(err.args[0], str)
  ):
    try:
      new = cls(f"{err.args[0]}\n{where}")
    except Exception:  # noqa: BLE001 (a builtin that cannot be made from a message)
      new = None
    if new is not None:
      raise new.with_traceback(err.__traceback__) from err
  err.add_note(where)
  raise err


def tf_call_text(shape, dtype, with_partition_info: bool) -> str:
  extra = ", partition_info=None" if with_partition_info else ""
  return f"init({list(shape)!r}, dtype={dtypes_lib.as_tf_dtype(dtype)!r}{extra})"


def call_tf_style(name: str, initializer, shape, dtype):
  """``initializer(list(shape), dtype=DType[, partition_info=None])``, as TF calls it."""
  partition = takes_partition_info(initializer)
  tf_dtype = dtypes_lib.as_tf_dtype(dtype)
  try:
    if partition:
      return initializer(list(shape), dtype=tf_dtype, partition_info=None)
    return initializer(list(shape), dtype=tf_dtype)
  except Exception as e:  # noqa: BLE001 (raised again, naming the variable)
    reraise_naming(e, name, initializer, tf_call_text(shape, dtype, partition))


def call_without_arguments(name: str, initializer):
  try:
    return initializer()
  except Exception as e:  # noqa: BLE001 (raised again, naming the variable)
    reraise_naming(e, name, initializer, "init()")


# ---- what get_variable does with its initializer ---------------------------------------


def is_value(initializer) -> bool:
  """Whether ``get_variable``'s ``initializer`` is a value (TF: anything not callable)."""
  return initializer is not None and not callable(initializer)


def _unwrap(value):
  """A value that presents itself as an array (``vs.Variable``): that array."""
  if not isinstance(value, (jax.Array, np.ndarray)) and hasattr(type(value), "__jax_array__"):
    return value.__jax_array__()
  return value


def _is_strings(value) -> bool:
  """Whether a constant initial value is made of strings (TF's ``tf.string``)."""
  if isinstance(value, (str, bytes)):
    return True
  if isinstance(value, (list, tuple)):
    return bool(value) and all(_is_strings(v) for v in value)
  return isinstance(value, np.ndarray) and value.dtype.kind in "USO"


def check_value_dtype(initializer, dtype, name) -> None:
  """TF's check of a value initializer against an explicit ``dtype`` (the value's
  inferred dtype must be it; strings never match)."""
  value = _unwrap(initializer)
  if _is_strings(value):
    raise ValueError(
      tf_errors.INITIALIZER_DTYPE
      % (
        "<dtype: 'string'>",
        dtype if isinstance(dtype, (str, int)) else errors.tf_dtype_repr(dtype),
      )
    )
  init_dtype = dtypes_lib.infer_value_dtype(value)
  want = dtypes_lib.as_dtype(dtype, variable=name)
  if init_dtype != want:
    raise ValueError(
      tf_errors.INITIALIZER_DTYPE % (errors.tf_dtype_repr(init_dtype), errors.tf_dtype_repr(want))
    )


def to_initial_array(value, dtype, name):
  """An initial value as an array of ``dtype`` (TF's convert_to_tensor rules); a jax
  array (concrete or traced) stays one.

  >>> to_initial_array([1, 2], None, "w").dtype
  dtype('int32')
  """
  value = _unwrap(value)
  if isinstance(value, jax.Array):
    return value if dtype is None else value.astype(dtype)
  if dtype is None:
    dtype = dtypes_lib.infer_value_dtype(value)
  try:
    arr = np.asarray(value, dtype=dtypes_lib.as_dtype(dtype))
  except (TypeError, ValueError) as e:
    raise TypeError(
      f"Variable {name}: cannot use {value!r} as an initial value of dtype "
      f"{np.dtype(dtype).name}: {e}"
    ) from None
  return arr


_SHARED_DEFAULTS: dict = {}


def shared_default(name, dtype):
  """TF1's default initializer for ``dtype`` (one shared instance per dtype)."""
  init = _SHARED_DEFAULTS.get(dtype)
  if init is None:
    init = default_initializer(name, dtype)  # raises for complex, naming the variable
    _SHARED_DEFAULTS[dtype] = init
  return init


def initial_value(name, initializer, shape, dtype):
  """``(key_initializer, None)`` when the value needs a key (the backend makes it), or
  ``(None, array)`` when TF computes it now (a value, or a TF-style initializer).

  ``shape`` is a tuple (or None), ``dtype`` a numpy dtype; raises TF's errors.

  >>> import varscope_jax as vs
  >>> initial_value("w", vs.zeros_initializer(), (2,), np.dtype("float32"))
  (zeros_initializer(dtype=float32), None)
  >>> initial_value("w", lambda shape, dtype: np.ones(shape), (2,), np.dtype("float32"))
  (None, array([1., 1.], dtype=float32))
  """
  if is_value(initializer):
    return None, to_initial_array(initializer, None, name)
  if initializer is None:
    if shape is None:
      raise ValueError(tf_errors.NO_INITIALIZER_NO_SHAPE % name)
    initializer = shared_default(name, dtype)
  if inspect.isclass(initializer):
    initializer = initializer()
  kind = classify(initializer)
  if fully_defined(shape):
    if kind == KEY:
      check_key_initializer(name, initializer, shape, dtype)
      return initializer, None
    value = call_tf_style(name, initializer, shape, dtype)
    if value is not None:
      arr = to_initial_array(value, dtype, name)
      _check_initial_shape(name, initializer, arr, shape, dtype)
      return None, arr
  elif kind == TF and needs_no_arguments(initializer):
    value = call_without_arguments(name, initializer)
    return None, to_initial_array(value, None, name)
  raise ValueError(tf_errors.INVALID_INITIALIZER)


def _check_initial_shape(name, initializer, arr, shape, dtype) -> None:
  """TF's check of a TF-style initializer's value against the ``shape`` argument."""
  if tuple(arr.shape) != tuple(shape):
    call = tf_call_text(shape, dtype, takes_partition_info(initializer))
    raise ValueError(
      tf_errors.INITIAL_SHAPE
      % (tuple(arr.shape), tuple(shape))
      + "\nVariable %s: the initializer %r, called as %s, returned shape %s; it must "
      "return an array of the shape it is given." % (name, initializer, call, shape_str(arr.shape))
    )


class _CheckedSignatures:
  """The (initializer, shape, dtype) signatures already checked, held without keeping an
  initializer (or what it captures) alive: weakly by initializer where it can be, and
  otherwise in a bounded least-recently-used set (a dropped one is checked again)."""

  MAX_STRONG = 256

  def __init__(self):
    self._weak: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    self._strong: collections.OrderedDict = collections.OrderedDict()
    self._lock = threading.Lock()

  def __contains__(self, signature) -> bool:
    initializer, rest = signature[0], signature[1:]
    with self._lock:
      try:
        return rest in self._weak.get(initializer, ())
      except TypeError:  # not weakly referenceable
        if signature in self._strong:
          self._strong.move_to_end(signature)
          return True
        return False

  def add(self, signature) -> None:
    initializer, rest = signature[0], signature[1:]
    with self._lock:
      try:
        self._weak.setdefault(initializer, set()).add(rest)
      except TypeError:
        self._strong[signature] = None
        while len(self._strong) > self.MAX_STRONG:
          self._strong.popitem(last=False)

  def __len__(self) -> int:
    return sum(len(v) for v in self._weak.values()) + len(self._strong)


CHECKED_SIGNATURES = _CheckedSignatures()
_RAW_KEY = jax.ShapeDtypeStruct((2,), np.uint32)


def was_checked(initializer, shape, dtype) -> bool:
  """Whether ``check_key_initializer`` has passed this signature (False if it cannot be
  told: an unhashable initializer)."""
  try:
    return (initializer, shape, dtype) in CHECKED_SIGNATURES
  except TypeError:
    return False


def ready_key_initializer(initializer, shape, dtype):
  """``(key initializer, validates)`` when ``initial_value`` would take ``initializer``
  (None: the dtype's shared default) as a key initializer and has checked it for this
  signature, so that only TF's constant check is left (``validates``: the initializer
  has one, to run at every call); else None (``initial_value`` would do more).

  >>> f32 = np.dtype("float32")
  >>> init = lambda key, shape, dtype: jnp.zeros(shape, dtype)
  >>> ready_key_initializer(init, (2,), f32) is None     # not checked yet
  True
  >>> initial_value("w", init, (2,), f32)[0] is init    # checks it
  True
  >>> ready_key_initializer(init, (2,), f32) == (init, False)
  True
  >>> ready_key_initializer(lambda shape, dtype: None, (2,), f32) is None
  True
  """
  if initializer is None:
    initializer = shared_default("", dtype)
  elif is_value(initializer) or inspect.isclass(initializer):
    return None
  if classify(initializer) != KEY:
    return None
  validates = hasattr(initializer, "validate")
  if not validates and not was_checked(initializer, shape, dtype):
    return None  # initial_value checks the initializer's output (calling it) first
  return initializer, validates


def check_key_initializer(name, initializer, shape, dtype) -> None:
  """The initializer's output, abstractly (``jax.eval_shape``, once per signature), must
  be an array of the variable's shape; in every mode, before anything is made."""
  if hasattr(initializer, "validate"):
    return  # vs.constant_initializer: TF's own check (validate) runs once the op name
    # is taken, as in TF
  signature = (initializer, shape, dtype)
  try:
    if signature in CHECKED_SIGNATURES:
      return
  except TypeError:  # an unhashable initializer: checked every time
    signature = None
  try:
    out = jax.eval_shape(lambda key: initializer(key, shape, dtype), _RAW_KEY)
  except Exception as e:  # noqa: BLE001 (raised again, naming the variable)
    reraise_naming(e, name, initializer, f"init(key, {tuple(shape)!r}, {np.dtype(dtype).name})")
  if not isinstance(out, jax.ShapeDtypeStruct):
    raise TypeError(
      f"Variable {name}: initializer {initializer!r} returned "
      f"{type(out).__name__}, not an array. An initializer called as init(key, shape, "
      "dtype) must return one array of that shape (e.g. jnp.ones(shape, dtype))."
    )
  if tuple(out.shape) != tuple(shape):
    raise ValueError(
      f"Variable {name}: initializer {initializer!r} returned shape "
      f"{shape_str(out.shape)}, but the variable has shape "
      f"{shape_str(shape)}. An initializer must return an array of the shape "
      "it is given."
    )
  if not (jnp.issubdtype(out.dtype, jnp.number) or out.dtype == np.bool_):
    raise TypeError(
      f"Variable {name}: initializer {initializer!r} returned dtype "
      f"{out.dtype}, which cannot be cast to {np.dtype(dtype).name}."
    )
  if signature is not None:
    CHECKED_SIGNATURES.add(signature)


def validate(initializer, shape, dtype, name: str | None = None) -> None:
  """The checks TF makes on an initial value as the variable is made (``Constant``: a
  float for an int32 variable is TF's ``TypeError``), in every mode; eager would meet
  them making the value, ``transform``'s traces make no value. TF's text is the first
  line; a second names the variable."""
  check = getattr(initializer, "validate", None)
  if check is None:
    return
  try:
    check(tuple(shape), dtypes_lib.canonical(dtype))
  except (TypeError, ValueError) as e:
    if name is None:
      raise
    raise type(e)(
      f"{e}\nVariable {name}: its initializer {initializer!r} cannot make a "
      f"{dtypes_lib.canonical(dtype).name} value of shape {list(shape)}."
    ) from None
