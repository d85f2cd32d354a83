"""TF1 constructs with no meaning in JAX, and what a person does with each.

The upgrader leaves these in place, puts one comment line above the statement saying
what to do, and lists them in the report. ``lookup`` matches a whole TF name
(``placeholder``) or a namespace (``summary`` covers ``summary.scalar``).
"""
from __future__ import annotations

_GRAPH_TO_TRANSFORM = ("make it an argument of the function given to vs.transform "
                       "(values are passed to init/apply)")
_SESSION = "run t = vs.transform(fn): params = t.init(rng, ...), out = t.apply(params, ...)"
_OPTIMIZER = ("use jax.grad of a loss of params and an optax optimizer "
              "(vs.tf1_optimizers has TF1's update rules)")
_SAVER = "use vs.save_tf1_checkpoint(path, params) / vs.load_tf1_checkpoint(path)"
_INIT = "variables get their values from t.init(rng, ...) of vs.transform"
_SUMMARY = "return the value from the step function and log it from the training loop"
_QUEUE = "feed batches as arrays to t.apply (tf.data or any Python iterator on the host)"

# TF name (or namespace) -> what to do.
ADVICE: dict[str, str] = {  # pyright: ignore[reportAssignmentType]
    "placeholder": _GRAPH_TO_TRANSFORM,
    "placeholder_with_default": _GRAPH_TO_TRANSFORM + " with a default value",
    "sparse_placeholder": _GRAPH_TO_TRANSFORM,
    "Session": _SESSION,
    "InteractiveSession": _SESSION,
    "train.MonitoredTrainingSession": _SESSION + "; write the training loop in Python",
    "train.MonitoredSession": _SESSION,
    "train.SingularMonitoredSession": _SESSION,
    "train.Scaffold": _SESSION,
    "train.Saver": _SAVER,
    "train.Checkpoint": _SAVER,
    "train.CheckpointManager": "use vs.CheckpointManager (orbax)",
    "train.init_from_checkpoint": ("after params = t.init(...), use params = "
                                   "vs.train.init_from_checkpoint(params, ckpt, assignment_map)"),
    "train.get_or_create_global_step": "keep the step count in the training loop",
    "train.get_global_step": "keep the step count in the training loop",
    "train.global_step": "keep the step count in the training loop",
    "train.Coordinator": _QUEUE,
    "train.start_queue_runners": _QUEUE,
    "train.batch": _QUEUE,
    "train.shuffle_batch": _QUEUE,
    "train.string_input_producer": _QUEUE,
    "train.SessionRunHook": "write the hook's work into the Python training loop",
    "train.LoggingTensorHook": "log from the Python training loop",
    "train.StopAtStepHook": "stop the Python training loop at the step",
    "train.Optimizer": _OPTIMIZER,
    "train.GradientDescentOptimizer": "use vs.tf1_optimizers.gradient_descent (optax) with jax.grad",
    "train.MomentumOptimizer": "use vs.tf1_optimizers.momentum (optax) with jax.grad",
    "train.AdamOptimizer": "use vs.tf1_optimizers.adam (optax) with jax.grad",
    "train.AdagradOptimizer": "use vs.tf1_optimizers.adagrad (optax) with jax.grad",
    "train.AdadeltaOptimizer": "use vs.tf1_optimizers.adadelta (optax) with jax.grad",
    "train.RMSPropOptimizer": "use vs.tf1_optimizers.rmsprop (optax) with jax.grad",
    "train.FtrlOptimizer": "use vs.tf1_optimizers.ftrl (optax) with jax.grad",
    "train.ExponentialMovingAverage": ("keep the averages in a second params tree "
                                       "(optax.ema, or vs.ema_getter to read them)"),
    "train.exponential_decay": "use optax.exponential_decay(..., staircase=...) as the learning rate",
    "train.piecewise_constant": "use optax.piecewise_constant_schedule as the learning rate",
    "train.polynomial_decay": "use optax.polynomial_schedule as the learning rate",
    "gradients": "use jax.grad (or jax.vjp) of a function of params",
    "GradientTape": "use jax.grad (or jax.vjp) of a function of params",
    "stop_gradient": None,   # an op: mapped by the op table when it has it
    "summary": _SUMMARY,
    "contrib.summary": _SUMMARY,
    "global_variables_initializer": _INIT,
    "local_variables_initializer": _INIT,
    "initialize_all_variables": _INIT,
    "variables_initializer": _INIT,
    "tables_initializer": _INIT,
    "assert_variables_initialized": _INIT,
    "report_uninitialized_variables": _INIT,
    "py_func": "call the Python function outside jit, or use jax.pure_callback",
    "numpy_function": "call the Python function outside jit, or use jax.pure_callback",
    "estimator": "write the training and evaluation loops in Python around vs.transform",
    "contrib.tpu": "write the training loop in Python; JAX runs the same code on TPU",
    "app.run": "use absl.app.run (or call main directly)",
    "app.flags": "use absl.flags",
    "flags": "use absl.flags",
    "logging": "use absl.logging or the logging module",
    "data": "keep tf.data (or any iterator) on the host and pass numpy batches to t.apply",
    "get_default_session": _SESSION,
    "add_check_numerics_ops": "use jax.config.update('jax_debug_nans', True)",
    "Print": "use jax.debug.print",
    "print": "use jax.debug.print",
    "make_template": None,
    "saved_model": "export with jax2tf or save params with vs.save_checkpoint",
    "train.import_meta_graph": "rebuild the model in Python and load the params",
    "train.export_meta_graph": "save params with vs.save_checkpoint / vs.save_tf1_checkpoint",
    "graph_util": "there is no graph to freeze: save params with vs.save_checkpoint",
    "io.write_graph": "there is no graph: save params with vs.save_checkpoint",
    "contrib.framework.get_or_create_global_step": "keep the step count in the training loop",
}

# Control-flow ops whose branches/bodies may create variables: JAX traces them once,
# so variables must exist before (call the branch once outside, or create them first).
VARIABLE_CONTROL_FLOW = frozenset({"cond", "while_loop", "case", "switch_case", "map_fn",
                                   "scan", "foldl", "foldr"})
CONTROL_FLOW_ADVICE = ("this branch/body creates variables: create them outside the "
                       "control flow (call the layers once before) and pass their values in")

# Methods of TF1 objects that have no meaning in JAX.
METHODS: dict[str, str] = {
    "minimize": "use jax.grad of the loss and an optax update (vs.tf1_optimizers)",
    "compute_gradients": "use jax.grad of the loss with respect to params",
    "apply_gradients": "use optax: updates, opt_state = opt.update(grads, opt_state, params)",
}

# A ``.run(..)`` / ``.eval(..)`` call with one of these keyword arguments is a session run.
SESSION_KEYWORDS = ("feed_dict", "session")
SESSION_RUN_ADVICE = ("a session run: call t.apply(params, *inputs) of vs.transform "
                      "(feed_dict values become its arguments)")

# Context managers that mean nothing in JAX: the ``with`` stays (as a null context)
# so the body runs as before.
NULL_CONTEXTS: dict[str, str] = {
    "control_dependencies": ("JAX orders operations by data flow: a check inside must "
                             "raise on its own (jax.experimental.checkify under jit)"),
    "device": "placement is jax.device_put / sharding, not a scope",
    "colocate_with": "placement is jax.device_put / sharding, not a scope",
    "container": "JAX has no resource containers",
}


def lookup(tf_name: str) -> str | None:
  """What to do about a TF name, or None when it is not a construct for a person.

  >>> lookup("summary.scalar")
  'return the value from the step function and log it from the training loop'
  >>> lookup("matmul") is None
  True
  """
  name = tf_name
  while name:
    if name in ADVICE:
      return ADVICE[name]
    name = name.rpartition(".")[0]
  return None


def markdown_table() -> str:
  """The table of ``docs/porting.md``'s "What needs a person": every entry above.

  >>> markdown_table().splitlines()[:2]
  ['| TF1 | what to do |', '|---|---|']
  """
  rows = [("`tf.%s`" % name, advice) for name, advice in sorted(ADVICE.items()) if advice]
  rows += [(f"`.{name}()`", advice) for name, advice in METHODS.items()]
  rows.append(("`.run(..., feed_dict=...)` / `.eval(..., feed_dict=...)`", SESSION_RUN_ADVICE))
  flow = ", ".join(f"`tf.{n}`" for n in sorted(VARIABLE_CONTROL_FLOW, key=_FLOW_ORDER.index))
  rows.append((f"{flow} whose branches or body create variables", CONTROL_FLOW_ADVICE))
  return "\n".join(["| TF1 | what to do |", "|---|---|"] +
                   [f"| {k} | {v} |" for k, v in rows])


_FLOW_ORDER = ["cond", "while_loop", "case", "switch_case", "map_fn", "scan", "foldl", "foldr"]
