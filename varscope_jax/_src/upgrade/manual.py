"""TF names that are not ops (TF1 constructs with no meaning in JAX), and what a person
does with each: one table, ``ADVICE``.

The upgrader leaves a construct in place, puts one comment line above the statement
saying what to do, and lists it in the report; ``vs.<TF name>`` raises an AttributeError
with the same text (``hints``). ``lookup`` matches a whole TF name (``placeholder``) or a
namespace (``summary`` covers ``summary.scalar``).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Advice:
  """What a person does about one TF name.

  ``keep``: the rewriter leaves a statement using the name (or, for a namespace, any
  name under it: ``summary`` covers ``summary.scalar``) in place for a person. Without
  it the entry is only a pointer: names under it go through the other rewrites, and a
  use of the name itself that nothing rewrites is marked with the text.
  """

  text: str
  keep: bool = True


def _pointer(text: str) -> Advice:
  return Advice(text, keep=False)


_TRANSFORM = "t = vs.transform(model_fn)"
_GRAPH_TO_TRANSFORM = (
  "make it an argument of the function given to vs.transform (values are passed to init/apply)"
)
_SESSION = (
  f"there is no session: {_TRANSFORM}; t.init(rng, *inputs) replaces running the "
  "initializers, t.apply(params, *inputs) replaces sess.run(outputs, feed_dict=...)"
)
_OPTIMIZER = (
  "use jax.grad of a loss of params and an optax optimizer "
  "(vs.tf1_optimizers has TF1's update rules)"
)
_SAVER = (
  "use vs.save_tf1_checkpoint / vs.load_tf1_checkpoint (TF1 checkpoints), or "
  "vs.save_checkpoint / vs.restore_checkpoint (orbax)"
)
_INIT = f"{_TRANSFORM}; params = t.init(rng, *inputs) makes every variable's value"
_SUMMARY = "return the value from the step function and log it from the training loop"
_QUEUE = "feed batches as arrays to t.apply (tf.data or any Python iterator on the host)"
_STEP = "keep the step count in the training loop (an int, or a jnp scalar in the train state)"


def _optimizer(ours: str) -> Advice:
  return Advice(
    f"use vs.tf1_optimizers.{ours} (an optax GradientTransformation with TF1's update "
    f"rule) or optax.{ours.replace('gradient_descent', 'sgd')} with jax.grad: minimize() "
    "becomes grads = jax.grad(loss_fn)(params); updates, opt_state = tx.update(grads, "
    "opt_state, params); params = optax.apply_updates(params, updates)"
  )


# TF name (or namespace) -> what to do: the upgrader's comments and report, the
# AttributeError of ``vs.<TF name>`` and docs/porting.md all read this one table.
ADVICE: dict[str, Advice] = {
  "placeholder": Advice(_GRAPH_TO_TRANSFORM),
  "placeholder_with_default": Advice(_GRAPH_TO_TRANSFORM + " with a default value"),
  "sparse_placeholder": Advice(_GRAPH_TO_TRANSFORM),
  "Session": Advice(_SESSION),
  "InteractiveSession": Advice(
    "there is no session: call vs.transform(fn).init / .apply, "
    "or run the model eagerly in the default graph"
  ),
  "get_default_session": Advice(_SESSION),
  "ConfigProto": _pointer("no equivalent: JAX needs no session configuration"),
  "train.MonitoredTrainingSession": Advice(
    _SESSION + "; write the training loop in Python (t.apply, jax.grad, optax)"
  ),
  "train.MonitoredSession": Advice(_SESSION),
  "train.SingularMonitoredSession": Advice(_SESSION),
  "train.Scaffold": Advice(_SESSION),
  "train.Supervisor": _pointer(
    "a Python training loop with vs.save_checkpoint / vs.restore_checkpoint"
  ),
  "train.Saver": Advice(_SAVER),
  "train.Checkpoint": Advice(_SAVER),
  "train.CheckpointManager": Advice("use vs.CheckpointManager (orbax)"),
  "train.init_from_checkpoint": Advice(
    "after params = t.init(...), use params = "
    "vs.train.init_from_checkpoint(params, ckpt, assignment_map)"
  ),
  "train.get_or_create_global_step": Advice(_STEP),
  "train.get_global_step": Advice(_STEP),
  "train.global_step": Advice(_STEP),
  "contrib.framework.get_or_create_global_step": Advice(_STEP),
  "train.Coordinator": Advice(_QUEUE),
  "train.start_queue_runners": Advice(_QUEUE),
  "train.batch": Advice(_QUEUE),
  "train.shuffle_batch": Advice(_QUEUE),
  "train.string_input_producer": Advice(_QUEUE),
  "train.SessionRunHook": Advice("write the hook's work into the Python training loop"),
  "train.LoggingTensorHook": Advice("log from the Python training loop"),
  "train.StopAtStepHook": Advice("stop the Python training loop at the step"),
  "train.Optimizer": Advice(_OPTIMIZER),
  "train.GradientDescentOptimizer": _optimizer("gradient_descent"),
  "train.MomentumOptimizer": _optimizer("momentum"),
  "train.AdamOptimizer": _optimizer("adam"),
  "train.AdagradOptimizer": _optimizer("adagrad"),
  "train.AdadeltaOptimizer": _optimizer("adadelta"),
  "train.RMSPropOptimizer": _optimizer("rmsprop"),
  "train.FtrlOptimizer": _optimizer("ftrl"),
  "train.ExponentialMovingAverage": Advice(
    "keep the averages in a second params tree (optax.ema, or vs.ema_getter to read them)"
  ),
  "train.exponential_decay": Advice(
    "use optax.exponential_decay(init_value, transition_steps, decay_rate, "
    "staircase=...) as the learning rate"
  ),
  "train.piecewise_constant": Advice("use optax.piecewise_constant_schedule as the learning rate"),
  "train.polynomial_decay": Advice("use optax.polynomial_schedule as the learning rate"),
  "gradients": Advice(
    "use jax.grad (or jax.vjp) of a function of params: "
    "jax.grad(loss_fn)(params, *inputs), loss_fn calling "
    "t.apply(params, *inputs)"
  ),
  "GradientTape": Advice("use jax.grad (or jax.vjp) of a function of params"),
  "summary": Advice(_SUMMARY),
  "contrib.summary": Advice(_SUMMARY),
  "scalar_summary": _pointer(
    "log scalars from the training loop (tensorboardX, clu.metric_writers)"
  ),
  "metrics": _pointer(
    "TF1's streaming metrics keep totals in local variables: compute "
    "the batch value with jnp (jnp.mean(predictions == labels)) and sum "
    "in the loop"
  ),
  "global_variables_initializer": Advice(_INIT),
  "initialize_all_variables": Advice(_INIT),
  "local_variables_initializer": Advice("t.init(rng, *inputs) makes local variables' values too"),
  "variables_initializer": Advice(
    "t.init(rng, *inputs) makes the variables' values; select a part of params with vs.select"
  ),
  "tables_initializer": Advice(_INIT),
  "assert_variables_initialized": Advice(_INIT),
  "report_uninitialized_variables": Advice(_INIT),
  "control_dependencies": _pointer(
    "JAX orders operations by data flow: a check inside must raise on its own "
    "(jax.experimental.checkify under jit); state updates come back from "
    "t.apply(..., mutable=True)"
  ),
  "device": _pointer("placement is jax.device_put / sharding, not a scope"),
  "colocate_with": _pointer("placement is jax.device_put / sharding, not a scope"),
  "container": _pointer("JAX has no resource containers"),
  "cond": _pointer(
    "jax.lax.cond(pred, true_fn, false_fn, *operands) (a branch that "
    "creates variables must create them outside, or in both branches)"
  ),
  "while_loop": _pointer("jax.lax.while_loop(cond_fun, body_fun, init_val) or jax.lax.scan"),
  "map_fn": _pointer("jax.vmap(fn)(elems) or jax.lax.map(fn, elems)"),
  "scan": _pointer("jax.lax.scan (carry first: f(carry, x) -> (carry, y))"),
  "py_func": Advice("call the Python function outside jit, or use jax.pure_callback"),
  "numpy_function": Advice("call the Python function outside jit, or use jax.pure_callback"),
  "executing_eagerly": _pointer(
    "JAX runs eagerly unless traced (jit, vs.transform): "
    "test isinstance(x, jax.core.Tracer) if it matters"
  ),
  "estimator": Advice(
    "write the training and evaluation loops in Python around "
    "vs.transform's init/apply, jax.grad and optax (or "
    "vs.tf1_optimizers)"
  ),
  "contrib.tpu": Advice("write the training loop in Python; JAX runs the same code on TPU"),
  "contrib.learn": _pointer("load data with NumPy (or tensorflow_datasets outside the model)"),
  "app": _pointer("use absl.app"),
  "app.run": Advice("use absl.app.run (or call main directly)"),
  "app.flags": Advice("use absl.flags"),
  "flags": Advice("use absl.flags"),
  "logging": Advice("use absl.logging or Python's logging module"),
  "data": Advice(
    "keep tf.data (or grain, or any iterator) on the host and pass its NumPy batches to t.apply"
  ),
  "add_check_numerics_ops": Advice("use jax.config.update('jax_debug_nans', True)"),
  "Print": Advice("use jax.debug.print"),
  "print": Advice("use jax.debug.print"),
  "saved_model": Advice("export with jax2tf or save params with vs.save_checkpoint"),
  "train.import_meta_graph": Advice("rebuild the model in Python and load the params"),
  "train.export_meta_graph": Advice("save params with vs.save_checkpoint / vs.save_tf1_checkpoint"),
  "graph_util": Advice("there is no graph to freeze: save params with vs.save_checkpoint"),
  "io.write_graph": Advice("there is no graph: save params with vs.save_checkpoint"),
  "io": _pointer(
    "open() / pathlib; TF1 checkpoints: vs.load_tf1_checkpoint / vs.save_tf1_checkpoint"
  ),
  "gfile": _pointer("open() / pathlib, or tf.io.gfile outside the model"),
  "math": _pointer("tf.math's ops are jnp and jax.nn functions (tf.math.reduce_mean -> jnp.mean)"),
  "linalg": _pointer("jnp.linalg and jnp (tf.linalg.matmul -> jnp.matmul)"),
  "random": _pointer(
    "jax.random, with keys from vs.next_rng_key() (tf.random.normal(shape) "
    "-> jax.random.normal(vs.next_rng_key(), shape))"
  ),
  "image": _pointer("vs.ops.resize_images (TF1's sample positions) or jax.image.resize"),
  "sparse": _pointer("jax.experimental.sparse"),
  "test": _pointer("tf.test.is_built_with_cuda() -> jax.default_backend() == 'gpu'"),
}

# Control-flow ops whose branches/bodies may create variables: JAX traces them once,
# so variables must exist before (call the branch once outside, or create them first).
VARIABLE_CONTROL_FLOW = frozenset(
  {"cond", "while_loop", "case", "switch_case", "map_fn", "scan", "foldl", "foldr"}
)
CONTROL_FLOW_ADVICE = (
  "this branch/body creates variables: create them outside the "
  "control flow (call the layers once before) and pass their values in"
)

# Methods of TF1 objects that have no meaning in JAX.
METHODS: dict[str, str] = {
  "minimize": "use jax.grad of the loss and an optax update (vs.tf1_optimizers)",
  "compute_gradients": "use jax.grad of the loss with respect to params",
  "apply_gradients": "use optax: updates, opt_state = opt.update(grads, opt_state, params)",
}

# A ``.run(..)`` / ``.eval(..)`` call with one of these keyword arguments is a session run.
SESSION_KEYWORDS = ("feed_dict", "session")
SESSION_RUN_ADVICE = (
  "a session run: call t.apply(params, *inputs) of vs.transform "
  "(feed_dict values become its arguments)"
)

# Context managers that mean nothing in JAX (their advice is in ADVICE): the ``with``
# stays (as a null context) so the body runs as before.
NULL_CONTEXTS = frozenset({"control_dependencies", "device", "colocate_with", "container"})


def find(tf_name: str) -> Advice | None:
  """The entry for a TF name: its own, else that of the nearest namespace above it
  whose constructs are kept for a person (``summary`` for ``summary.scalar``).

  >>> find("random").keep, find("random.normal") is None
  (False, True)
  """
  if tf_name in ADVICE:
    return ADVICE[tf_name]
  name = tf_name.rpartition(".")[0]
  while name:
    entry = ADVICE.get(name)
    if entry is not None and entry.keep:
      return entry
    name = name.rpartition(".")[0]
  return None


def lookup(tf_name: str) -> str | None:
  """What to do about a TF name, or None when it is not a construct for a person.

  >>> lookup("summary.scalar")
  'return the value from the step function and log it from the training loop'
  >>> lookup("matmul") is None
  True
  """
  entry = find(tf_name)
  return entry.text if entry is not None and entry.keep else None


def markdown_table() -> str:
  """The table of ``docs/porting.md``'s "What needs a person": every construct kept.

  >>> markdown_table().splitlines()[:2]
  ['| TF1 | what to do |', '|---|---|']
  """
  rows = [(f"`tf.{name}`", entry.text) for name, entry in sorted(ADVICE.items()) if entry.keep]
  rows += [(f"`.{name}()`", advice) for name, advice in METHODS.items()]
  rows.append(("`.run(..., feed_dict=...)` / `.eval(..., feed_dict=...)`", SESSION_RUN_ADVICE))
  flow = ", ".join(f"`tf.{n}`" for n in sorted(VARIABLE_CONTROL_FLOW, key=_FLOW_ORDER.index))
  rows.append((f"{flow} whose branches or body create variables", CONTROL_FLOW_ADVICE))
  return "\n".join(["| TF1 | what to do |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows])


_FLOW_ORDER = ["cond", "while_loop", "case", "switch_case", "map_fn", "scan", "foldl", "foldr"]
