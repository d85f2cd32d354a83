"""``variable_creator_scope``: TF1's chain of variable creators.

Inside ``with vs.variable_creator_scope(creator):`` each new variable is made by
``creator(next_creator, **kwargs)``, with the keyword arguments TF passes; the innermost
scope's creator runs first and ``next_creator`` leads to the next one out, and finally
to the default creator, which makes the variable. This holds for ``vs.Variable(...)``
and for ``get_variable`` when it creates (reuse runs no creator, as in TF). A creator
may change the arguments (name, trainable, dtype, initial_value, ...) before it calls
``next_creator``, or return a variable it made before.

Creator stacks are per graph and per thread, as in TF: a scope entered outside a
``transform``-ed function does not reach inside its traces (each trace is a new graph).

``get_variable`` passes ``initial_value`` as a callable (TF's
``functools.partial(initializer, shape, dtype=dtype)``): calling it gives the value the
variable would start from -- in the eager default graph the very value, inside
``transform``'s init trace a traced value made from init's rng, inside ``apply`` a
placeholder (the variable is its ``params`` leaf there). Pass it on unchanged to keep
varscope_jax's grouped, compiled initialization.
"""

from __future__ import annotations

from varscope_jax._src.base import dtypes as dtypes_lib
from varscope_jax._src.base import tf_errors
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import variables as var_lib
from varscope_jax._src.initializers import calling


class _Creators:
  """A thread's creator stack in one graph, outermost first."""

  __slots__ = ("stack",)

  def __init__(self, graph):
    del graph
    self.stack: tuple = ()


_CREATORS = graph_lib.SlotKey("variable creators")


def creator_stack(graph) -> tuple:
  """This thread's creators in ``graph``, outermost first (empty: none)."""
  return graph.thread_slot(_CREATORS, _Creators).stack


class variable_creator_scope:  # pylint: disable=invalid-name
  """Makes every new variable in the block through ``variable_creator``.

  TF1's ``tf.compat.v1.variable_creator_scope``. ``variable_creator(next_creator,
  **kwargs)`` gets TF's keyword arguments (``initial_value``, ``trainable``,
  ``validate_shape``, ``caching_device``, ``name``, ``variable_def``, ``dtype``,
  ``import_scope``, ``constraint``, ``synchronization``, ``aggregation``, ``shape``,
  ``experimental_enable_variable_lifting``, ``expected_shape``, ``collections``,
  ``use_resource``) and should call ``next_creator(**kwargs)`` to make the variable.
  Scopes nest: the innermost creator runs first.

  Args:
    variable_creator: ``fn(next_creator, **kwargs) -> variable``.

  Raises:
    TypeError: if ``variable_creator`` is not callable.
    RuntimeError: on exit, if the creator scopes were not exited in order (TF's text).

  >>> import varscope_jax as vs
  >>> vs.reset_default_graph()
  >>> seen = []
  >>> def log(next_creator, **kwargs):
  ...   seen.append(kwargs["name"])
  ...   return next_creator(**kwargs)
  >>> def frozen(next_creator, **kwargs):
  ...   kwargs["trainable"] = False
  ...   return next_creator(**kwargs)
  >>> with vs.variable_creator_scope(log), vs.variable_creator_scope(frozen):
  ...   with vs.variable_scope("s"):
  ...     w = vs.get_variable("w", [2])
  ...   b = vs.Variable(1.0, name="b")
  >>> seen, w.trainable, b.trainable
  (['s/w', 'b'], False, False)
  """

  def __init__(self, variable_creator):
    if not callable(variable_creator):
      raise TypeError(
        "variable_creator_scope: variable_creator must be a callable "
        f"creator(next_creator, **kwargs), got {variable_creator!r}."
      )
    self._creator = variable_creator
    self._entered = []  # (graph, old stack, new stack) per open __enter__

  def __enter__(self):
    graph = graph_lib.get_default_graph()
    creators = graph.thread_slot(_CREATORS, _Creators)
    old = creators.stack
    new = old + (self._creator,)
    creators.stack = new
    self._entered.append((creators, old, new))
    return None

  def __exit__(self, *exc):
    if not self._entered:  # exited already (TF: a finished generator; no-op)
      return None
    creators, old, new = self._entered.pop()
    if creators.stack is not new:
      raise RuntimeError(tf_errors.CREATOR_NESTING)
    creators.stack = old


def _run_chain(stack, default, kwargs):
  """TF's ``VariableV1._variable_call``: the last creator entered is called first."""
  previous = default
  for creator in stack:
    previous = _make_next(creator, previous)
  return previous(**kwargs)


def _make_next(creator, previous):
  def next_creator(**kwargs):
    return creator(previous, **kwargs)

  return next_creator


def _tf_kwargs(**kwargs):
  """The keyword arguments TF's ``VariableV1`` passes to every creator."""
  out = dict(
    initial_value=None,
    trainable=None,
    validate_shape=True,
    caching_device=None,
    name=None,
    variable_def=None,
    dtype=None,
    import_scope=None,
    constraint=None,
    synchronization=var_lib.VariableSynchronization.AUTO,
    aggregation=var_lib.VariableAggregation.NONE,
    shape=None,
    experimental_enable_variable_lifting=None,
    expected_shape=None,
    collections=None,
    use_resource=None,
  )
  out.update(kwargs)
  if out["synchronization"] is None:
    out["synchronization"] = var_lib.VariableSynchronization.AUTO
  if out["aggregation"] is None:
    out["aggregation"] = var_lib.VariableAggregation.NONE
  return out


def chained(default_creator):
  """``vs.Variable``'s creator: ``default_creator(**kwargs)`` behind the graph's chain."""

  def create(**kwargs):
    stack = creator_stack(graph_lib.get_default_graph())
    if not stack:
      return default_creator(**kwargs)
    return _run_chain(stack, default_creator, _tf_kwargs(**kwargs))

  return create


class PendingInitialValue:
  """``get_variable``'s ``initial_value`` for creators: a no-argument callable (TF's
  ``functools.partial(initializer, shape, dtype=dtype)``) giving the variable's initial
  value; passed on unchanged, the default creator uses the initializer as is."""

  def __init__(self, graph, name, initializer, shape, dtype, value):
    self._graph, self._name = graph, name
    self.initializer, self.shape, self.dtype, self.value = initializer, shape, dtype, value

  def __call__(self):
    if self.value is not None:
      return self.value
    return self._graph.initial_value(self._name, self.initializer, self.shape, self.dtype)

  def __repr__(self):
    return "<initial value of %s: %r>" % (self._name, self.initializer)


def create_for_get_variable(
  graph, req, shape, dtype, key_initializer, init_value, partition_rules, *, from_value
):
  """``get_variable`` making a new variable ``req.name`` through the creator chain.

  As TF: the creators get ``name`` (the full name), the default creator names the
  variable's op from the ``name`` it is given, and the store keeps whatever the chain
  returns under the original ``name``; the regularizer runs once, on the variable made.
  """
  name, initializer, regularizer = req.name, req.initializer, req.regularizer
  if from_value or key_initializer is None and not var_lib.fully_defined(shape):
    raw, variable_dtype = initializer, None  # a value, or a no-argument callable
  else:
    raw = PendingInitialValue(
      graph, name, key_initializer, tuple(shape), dtypes_lib.canonical(dtype), init_value
    )
    variable_dtype = dtype

  losses = []

  def regularize(value):  # the get_variable's regularizer, once, before recording
    if regularizer and not losses:
      losses.append(regularizer(value.value() if isinstance(value, var_lib.Variable) else value))

  def default_creator(**kw):
    iv = kw.get("initial_value")
    new_dtype = kw.get("dtype")
    if iv is raw and (
      new_dtype is None or dtypes_lib.canonical(new_dtype) == dtypes_lib.canonical(dtype)
    ):
      value, key_init = init_value, key_initializer
    elif isinstance(iv, PendingInitialValue) and iv.value is None:
      value, key_init = None, iv.initializer
    else:
      value, key_init = (iv() if callable(iv) else iv), None
    var_name = kw.get("name") or name
    if value is not None:
      value = calling.to_initial_array(value, new_dtype, var_name)
      var_shape, var_dtype = tuple(value.shape), dtypes_lib.canonical(value.dtype)
    else:
      var_shape, var_dtype = tuple(shape), dtypes_lib.canonical(new_dtype or dtype)
    _, _, var_trainable = var_lib.validate_sync_trainable(
      kw.get("synchronization"), kw.get("aggregation"), kw.get("trainable"), var_name
    )
    var_constraint = kw.get("constraint")
    var_lib.check_constraint(var_constraint)
    undo: list = []
    op_name = graph.scoped_name(var_name, undo=undo)
    calling.validate(key_init, var_shape, var_dtype, op_name)
    rec = graph.new_record(
      op_name,
      var_shape,
      var_dtype,
      initializer=key_init,
      init_value=value,
      trainable=var_trainable,
      collections=var_lib.normalize_collections(kw.get("collections"), var_trainable),
      constraint=var_constraint,
      use_resource=bool(kw.get("use_resource")),
      partition_rules=partition_rules,
      regularizer=regularizer,
    )
    return graph.add_variable(rec, finish=regularize, undo=undo, regularize=False)

  kwargs = _tf_kwargs(
    initial_value=raw,
    trainable=req.trainable,
    validate_shape=req.validate_shape,
    caching_device=req.caching_device,
    name=name,
    dtype=variable_dtype,
    constraint=req.constraint,
    synchronization=req.synchronization,
    aggregation=req.aggregation,
    shape=None if shape is None else tuple(shape),
    collections=req.collections,
    use_resource=bool(req.use_resource),
  )
  value = _run_chain(creator_stack(graph), default_creator, kwargs)
  rec = var_lib.record_of(graph, value)
  if rec is None:
    raise ValueError(
      f"variable_creator_scope: the creators made variable {name} return "
      f"{type(value).__name__!s}, not a variable of this graph. A creator must return "
      "what next_creator returned (or another variable); to wrap the value a "
      "variable reads as, use a custom_getter instead."
    )
  graph.keep_in_store(name, rec, losses[0] if losses else None)
  return value
