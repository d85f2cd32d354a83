"""What to use instead of a TF name that varscope_jax does not have (``vs.matmul``).

``missing_attribute`` builds the ``AttributeError`` that ``vs``, ``vs.nn`` and
``vs.train`` raise: for an op of the table, the JAX function (from ``OPS``); for TF1's
graph machinery (placeholders, sessions, optimizers, savers), the varscope_jax way;
both mention the upgrader.
"""
from __future__ import annotations

from varscope_jax._src.upgrade.op_table import lookup

UPGRADER = ("`python -m varscope_jax.upgrade SRC` rewrites TF1 source to varscope_jax and "
            "JAX (docs/porting.md has the op table)")

_TRANSFORM = ("t = vs.transform(model_fn); params = t.init(rng, *inputs); "
              "outputs = t.apply(params, *inputs)")
_OPTIMIZERS = {
    "GradientDescentOptimizer": "gradient_descent", "MomentumOptimizer": "momentum",
    "AdamOptimizer": "adam", "AdagradOptimizer": "adagrad",
    "AdadeltaOptimizer": "adadelta", "RMSPropOptimizer": "rmsprop",
    "FtrlOptimizer": "ftrl",
}

# TF names that are not ops: what replaces them. Keys as in the op table (after "tf.").
NOT_OPS = {
    "placeholder": "TF1 placeholders become arguments of the function given to "
                   f"vs.transform: {_TRANSFORM}",
    "placeholder_with_default": "a placeholder with a default becomes an argument with a "
                                f"default of the function given to vs.transform: "
                                f"{_TRANSFORM}",
    "Session": "there is no session: t.init(rng, *inputs) replaces running the "
               "initializers, t.apply(params, *inputs) replaces sess.run(outputs, "
               f"feed_dict=...) ({_TRANSFORM})",
    "InteractiveSession": "there is no session: call vs.transform(fn).init / .apply, or "
                          "run the model eagerly in the default graph",
    "global_variables_initializer": "t = vs.transform(model_fn); params = "
                                    "t.init(rng, *inputs) makes every variable's value",
    "initialize_all_variables": "t = vs.transform(model_fn); params = t.init(rng, *inputs) "
                                "makes every variable's value",
    "variables_initializer": "t.init(rng, *inputs) makes the variables' values; select a "
                             "part of params with vs.select",
    "local_variables_initializer": "t.init(rng, *inputs) makes local variables' values too",
    "gradients": "jax.grad(loss_fn)(params, *inputs) with loss_fn(params, *inputs) calling "
                 "t.apply(params, *inputs)",
    "control_dependencies": "JAX runs ops in data order: drop the block; state updates "
                            "come back from t.apply(..., mutable=True)",
    "cond": "jax.lax.cond(pred, true_fn, false_fn, *operands) (a branch that creates "
            "variables must create them outside, or in both branches)",
    "while_loop": "jax.lax.while_loop(cond_fun, body_fun, init_val) or jax.lax.scan",
    "map_fn": "jax.vmap(fn)(elems) or jax.lax.map(fn, elems)",
    "scan": "jax.lax.scan (carry first: f(carry, x) -> (carry, y))",
    "py_func": "jax.pure_callback",
    "Print": "jax.debug.print",
    "print": "jax.debug.print",
    "device": "drop it: place arrays with jax.device_put or a sharding",
    "ConfigProto": "no equivalent: JAX needs no session configuration",
    "data": "keep the tf.data input pipeline (or grain) and feed its NumPy batches to "
            "t.apply",
    "estimator": "write the loop: vs.transform's init/apply, jax.grad and optax (or "
                 "vs.tf1_optimizers)",
    "logging": "Python's logging (or absl.logging)",
    "app": "absl.app",
    "flags": "absl.flags",
    "gfile": "open() / pathlib, or tf.io.gfile outside the model",
    "io": "open() / pathlib; TF1 checkpoints: vs.load_tf1_checkpoint / "
          "vs.save_tf1_checkpoint",
    "math": "tf.math's ops are jnp and jax.nn functions (tf.math.reduce_mean -> jnp.mean)",
    "linalg": "jnp.linalg and jnp (tf.linalg.matmul -> jnp.matmul)",
    "random": "jax.random, with keys from vs.next_rng_key() (tf.random.normal(shape) -> "
              "jax.random.normal(vs.next_rng_key(), shape))",
    "image": "vs.ops.resize_images (TF1's sample positions) or jax.image.resize",
    "sparse": "jax.experimental.sparse",
    "executing_eagerly": "JAX runs eagerly unless traced (jit, vs.transform): test "
                         "isinstance(x, jax.core.Tracer) if it matters",
    "test": "tf.test.is_built_with_cuda() -> jax.default_backend() == 'gpu'",
    "metrics": "TF1's streaming metrics keep totals in local variables: compute the "
               "batch value with jnp (jnp.mean(predictions == labels)) and sum in the loop",
    "scalar_summary": "log scalars from the training loop (tensorboardX, "
                      "clu.metric_writers)",
    "contrib.framework.get_or_create_global_step": "a step counter of your training loop",
    "contrib.learn": "load data with NumPy (or tensorflow_datasets outside the model)",
    "train.Supervisor": "a Python training loop with vs.save_checkpoint / "
                        "vs.restore_checkpoint",
    "train.LoggingTensorHook": "print or log from the Python training loop",
    "train.MonitoredTrainingSession": "a Python training loop: t.apply, jax.grad, optax",
    "train.Saver": "vs.save_tf1_checkpoint / vs.load_tf1_checkpoint (TF1 checkpoints), or "
                   "vs.save_checkpoint / vs.restore_checkpoint (orbax)",
    "train.Optimizer": "an optax GradientTransformation: vs.tf1_optimizers (TF1's update "
                       "rules) or optax",
    "train.get_or_create_global_step": "a step counter of your training loop (an int or "
                                       "a jnp scalar in the train state)",
    "train.get_global_step": "a step counter of your training loop",
    "train.exponential_decay": "optax.exponential_decay(init_value, transition_steps, "
                               "decay_rate, staircase=...)",
    "train.polynomial_decay": "optax.polynomial_schedule",
}
for _tf, _ours in _OPTIMIZERS.items():
  NOT_OPS["train." + _tf] = (
      f"vs.tf1_optimizers.{_ours} (an optax GradientTransformation with TF1's update "
      f"rule) or optax.{_ours.replace('gradient_descent', 'sgd')}; minimize() becomes "
      "grads = jax.grad(loss_fn)(params); updates, opt_state = tx.update(grads, "
      "opt_state, params); params = optax.apply_updates(params, updates)")

_PREFIX = {"varscope_jax": "", "varscope_jax.nn": "nn.", "varscope_jax.train": "train."}


def hint(module: str, name: str) -> str | None:
  """What to use for ``tf.<...>.name`` that ``module`` lacks, or None if not a TF name."""
  key = _PREFIX.get(module, "") + name
  found = lookup(key)
  if found is not None:
    where = " (import jax.numpy as jnp)" if "jnp." in found.jax else ""
    return f"tf.{key} is {found.jax} in JAX{where}"
  if key in NOT_OPS:
    return f"tf.{key}: {NOT_OPS[key]}"
  return None


def missing_attribute(module: str, name: str) -> AttributeError:
  """The AttributeError for ``module.name``, saying what to use where ``name`` is TF's.

  >>> print(missing_attribute("varscope_jax", "matmul"))  # doctest: +ELLIPSIS
  module 'varscope_jax' has no attribute 'matmul': tf.matmul is jnp.matmul in JAX ...
  """
  text = f"module {module!r} has no attribute {name!r}"
  found = None if name.startswith("_") else hint(module, name)
  if found is not None:
    text = f"{text}: {found}. {UPGRADER}."
  return AttributeError(text)
