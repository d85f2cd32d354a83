"""Train and evaluate an MLP the TF1 way, on plain JAX params.

    python examples/train_eval.py [--epochs N] [--quiet]

A TF1 program of this kind builds its model twice in one graph: a *training* tower
(batch norm on batch statistics, moving averages updated through ``UPDATE_OPS``, dropout
on) and an *evaluation* tower that opens the same variable scope with ``reuse=True``, so
it reads the very variables the training tower made (batch norm on the moving
statistics, dropout off). The variables are named by their scopes -- ``model/fc1/w``,
``model/fc1/bn/moving_mean`` -- and the optimizer, weight decay and EMA pick variables
by those names.

With varscope_jax the model code is the same, with ``vs.`` in place of ``tf.``; each
tower becomes a pure function with ``vs.transform``, and both share one params tree
(a nested dict of ``jax.Array``: ``params["model"]["fc1"]["w"]``) for ``jax.jit``,
``jax.grad`` and optax.

Data: scikit-learn's bundled 8x8 digits (1797 images, no download), 20% held out.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from rich.console import Console
from rich.table import Table
from tqdm import tqdm

import varscope_jax as vs

HIDDEN = (256, 128)  # two hidden layers: model/fc1, model/fc2, then model/logits
NUM_CLASSES = 10
DROPOUT_RATE = 0.2
BN_DECAY = 0.9  # tf.layers.batch_normalization's momentum (default 0.99)
BN_EPSILON = 1e-3
BATCH_SIZE = 64
EPOCHS = 30
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-3
EMA_DECAY = 0.99  # tf.train.ExponentialMovingAverage(decay, num_updates=step)
SEED = 0


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------
def load_data(seed: int = SEED):
  """``(x_train, y_train, x_val, y_val)``: digits scaled to [0, 1], 20% held out."""
  from sklearn.datasets import load_digits
  from sklearn.model_selection import train_test_split

  x, y = load_digits(return_X_y=True)
  x = (x / 16.0).astype(np.float32)
  y = y.astype(np.int32)
  x_train, x_val, y_train, y_val = train_test_split(
    x, y, test_size=0.2, random_state=seed, stratify=y
  )
  return x_train, y_train, x_val, y_val


# --------------------------------------------------------------------------------------
# Layers, written as in TF1: get_variable under variable scopes
# --------------------------------------------------------------------------------------
def dense(x, units):
  """``w`` and ``b`` in the current variable scope (tf.layers.dense's variables)."""
  w = vs.get_variable(
    "w", [x.shape[-1], units], initializer=vs.variance_scaling_initializer(2.0)
  )  # He init
  b = vs.get_variable("b", [units], initializer=vs.zeros_initializer())
  return x @ w + b


def batch_norm(x, training):
  """``tf.layers.batch_normalization`` in a ``bn`` scope.

  ``moving_mean`` / ``moving_variance`` are non-trainable variables. In TF1 their
  updates are ops in ``tf.GraphKeys.UPDATE_OPS`` that the train op must depend on; here
  ``vs.assign_moving_average`` records them, and ``apply(..., mutable=True)`` returns
  the params tree with the new statistics.
  """
  with vs.variable_scope("bn"):
    units = x.shape[-1]
    gamma = vs.get_variable("gamma", [units], initializer=vs.ones_initializer())
    beta = vs.get_variable("beta", [units], initializer=vs.zeros_initializer())
    moving_mean = vs.get_variable(
      "moving_mean", [units], trainable=False, initializer=vs.zeros_initializer()
    )
    moving_var = vs.get_variable(
      "moving_variance", [units], trainable=False, initializer=vs.ones_initializer()
    )
    if training:
      mean, var = jnp.mean(x, axis=0), jnp.var(x, axis=0)
      vs.assign_moving_average(moving_mean, mean, BN_DECAY)
      vs.assign_moving_average(moving_var, var, BN_DECAY)
    else:
      mean, var = moving_mean, moving_var
    return (x - mean) * jax.lax.rsqrt(var + BN_EPSILON) * gamma + beta


def dropout(x, rate, training):
  """``tf.nn.dropout``; the key comes from ``apply(..., rng=key)`` via next_rng_key."""
  if not training or rate == 0.0:
    return x
  with vs.name_scope("dropout"):
    keep = jax.random.bernoulli(vs.next_rng_key(), 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def mlp(x, training):
  """The model body: its variables go under whatever variable scope is open."""
  h = x
  for i, units in enumerate(HIDDEN, start=1):
    with vs.variable_scope(f"fc{i}"):  # model/fc1/w, model/fc1/bn/gamma, ...
      h = dense(h, units)
      h = batch_norm(h, training)
      h = jax.nn.relu(h)
      h = dropout(h, DROPOUT_RATE, training)
  with vs.variable_scope("logits"):  # model/logits/w, model/logits/b
    return dense(h, NUM_CLASSES)


def _metrics(logits, labels):
  loss = optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
  accuracy = jnp.mean(jnp.argmax(logits, -1) == labels)
  return loss, accuracy


# --------------------------------------------------------------------------------------
# Two towers, transformed separately, sharing one params tree
# --------------------------------------------------------------------------------------
def train_loss(x, y):
  """The training tower: *creates* the variables (reuse=None at the root)."""
  with vs.variable_scope("model"):
    logits = mlp(x, training=True)
  return _metrics(logits, y)


def eval_metrics(x, y):
  """The evaluation tower: ``reuse=True``, as TF1's validation graph.

  Every ``get_variable`` must find an existing variable -- here, a leaf of the params
  that ``train.init`` made. A typo in a name fails with TF's "does not exist" error
  instead of silently making a fresh, untrained variable.
  """
  with vs.variable_scope("model", reuse=True):
    logits = mlp(x, training=False)
  return _metrics(logits, y)


def ema_eval_metrics(averages, x, y):
  """The evaluation tower reading EMA weights through a custom getter.

  TF1: ``ema = tf.train.ExponentialMovingAverage(...)`` and
  ``variable_scope("model", reuse=True, custom_getter=lambda g, n, *a, **k:
  ema.average(g(n, *a, **k)))``. ``strict=False``: variables without an average (the
  batch-norm statistics) are read as they are.
  """
  with vs.variable_scope("model", reuse=True, custom_getter=vs.ema_getter(averages, strict=False)):
    logits = mlp(x, training=False)
  return _metrics(logits, y)


train = vs.transform(train_loss)
evaluate = vs.transform(eval_metrics)
evaluate_ema = vs.transform(ema_eval_metrics)


# --------------------------------------------------------------------------------------
# Optimizer, EMA and the jitted steps
# --------------------------------------------------------------------------------------
def make_optimizer(trainable, total_steps):
  """AdamW with weight decay on the kernels only, chosen by scope pattern.

  TF1 code filters ``tf.trainable_variables()`` by name (``if "/w" in v.name``);
  ``vs.mask`` does it with a glob over the params tree: ``model/fc1/w``,
  ``model/fc2/w`` and ``model/logits/w`` -- not biases, not batch-norm gamma/beta.
  """
  schedule = optax.cosine_decay_schedule(LEARNING_RATE, total_steps)
  return optax.adamw(schedule, weight_decay=WEIGHT_DECAY, mask=vs.mask(trainable, "model/**/w"))


def ema_update(averages, trainable, step):
  """``tf.train.ExponentialMovingAverage(EMA_DECAY, num_updates=step).apply(...)``:
  the decay is ``min(EMA_DECAY, (1 + step) / (10 + step))`` so early averages warm up."""
  decay = jnp.minimum(EMA_DECAY, (1.0 + step) / (10.0 + step))
  return jax.tree.map(lambda a, p: a - (1.0 - decay) * (a - p), averages, trainable)


def make_train_step(optimizer, trainable_names):
  """A jitted step that donates params, batch-norm state, optimizer state and EMA."""

  def loss_fn(trainable, state, x, y, rng):
    params = vs.merge(trainable, state)
    (loss, accuracy), new_params = train.apply(params, x, y, rng=rng, mutable=True)
    # The moving statistics came back updated (the UPDATE_OPS of TF1).
    _, new_state = vs.split_by_names(new_params, trainable_names)
    return loss, (accuracy, new_state)

  @functools.partial(jax.jit, donate_argnums=(0, 1, 2, 3))
  def train_step(trainable, state, opt_state, averages, step, x, y, rng):
    (loss, (accuracy, state)), grads = jax.value_and_grad(loss_fn, has_aux=True)(
      trainable, state, x, y, rng
    )
    updates, opt_state = optimizer.update(grads, opt_state, trainable)
    trainable = optax.apply_updates(trainable, updates)
    averages = ema_update(averages, trainable, step)
    return trainable, state, opt_state, averages, loss, accuracy

  return train_step


@jax.jit
def eval_step(params, averages, x, y):
  """Validation loss/accuracy with the raw weights and with their EMA."""
  return evaluate.apply(params, x, y), evaluate_ema.apply(params, averages, x, y)


# --------------------------------------------------------------------------------------
# Training loop
# --------------------------------------------------------------------------------------
def fit(epochs=EPOCHS, *, seed=SEED, quiet=False):
  """Trains; returns ``(params, averages, specs, history)``.

  Prints one line per epoch (through ``tqdm.write``, so a progress bar on a terminal
  never splits a line; the bar is off when stderr is not a terminal, e.g. in a log).
  ``quiet=True`` prints nothing.

  ``history`` has one entry per epoch for ``train_loss``, ``train_accuracy`` (running
  mean over the epoch, dropout on), ``val_loss``, ``val_accuracy``, ``ema_val_loss``
  and ``ema_val_accuracy``.
  """
  x_train, y_train, x_val, y_val = load_data(seed)
  rng = jax.random.PRNGKey(seed)
  init_rng, rng = jax.random.split(rng)

  # One init for the training tower gives the one params tree both towers share.
  params = train.init(init_rng, x_train[:BATCH_SIZE], y_train[:BATCH_SIZE])
  # specs() lists every variable with its trainable flag (without making them): the
  # batch-norm statistics are get_variable(..., trainable=False), i.e. not in TF1's
  # TRAINABLE_VARIABLES, so they stay out of the optimizer.
  specs = train.specs(x_train[:BATCH_SIZE], y_train[:BATCH_SIZE])
  trainable_names = [name for name, spec in specs.items() if spec.trainable]
  trainable, state = vs.split_by_names(params, trainable_names)

  steps_per_epoch = len(x_train) // BATCH_SIZE  # drop the last partial batch
  optimizer = make_optimizer(trainable, epochs * steps_per_epoch)
  opt_state = optimizer.init(trainable)
  averages = jax.tree.map(jnp.copy, trainable)  # own buffers: both are donated
  train_step = make_train_step(optimizer, trainable_names)

  history = {
    k: []
    for k in (
      "train_loss",
      "train_accuracy",
      "val_loss",
      "val_accuracy",
      "ema_val_loss",
      "ema_val_accuracy",
    )
  }
  order_rng = np.random.default_rng(seed)
  step = 0
  bar = tqdm(range(1, epochs + 1), desc="epochs", disable=True if quiet else None)
  for epoch in bar:
    order = order_rng.permutation(len(x_train))
    losses, accuracies = [], []
    for i in range(steps_per_epoch):
      idx = order[i * BATCH_SIZE : (i + 1) * BATCH_SIZE]
      rng, step_rng = jax.random.split(rng)
      trainable, state, opt_state, averages, loss, acc = train_step(
        trainable,
        state,
        opt_state,
        averages,
        jnp.asarray(step, jnp.float32),
        x_train[idx],
        y_train[idx],
        step_rng,
      )
      losses.append(loss)
      accuracies.append(acc)
      step += 1
    (val_loss, val_acc), (ema_loss, ema_acc) = eval_step(
      vs.merge(trainable, state), averages, x_val, y_val
    )
    row = dict(
      train_loss=np.mean(losses),
      train_accuracy=np.mean(accuracies),
      val_loss=val_loss,
      val_accuracy=val_acc,
      ema_val_loss=ema_loss,
      ema_val_accuracy=ema_acc,
    )
    for k, v in row.items():
      history[k].append(float(v))
    line = (
      f"epoch {epoch:3d}  train_loss={row['train_loss']:.4f} "
      f"train_acc={row['train_accuracy']:.3f}  val_loss={float(val_loss):.4f} "
      f"val_acc={float(val_acc):.3f}  ema_val_acc={float(ema_acc):.3f}"
    )
    if not quiet:
      tqdm.write(line, file=sys.stdout)
  return vs.merge(trainable, state), averages, specs, history


def variables_table(params, specs, title="Variables"):
  """A ``rich`` table of every variable: name, shape, dtype, size, trainable."""
  table = Table(title=title)
  table.add_column("name")
  table.add_column("shape")
  table.add_column("dtype")
  table.add_column("size", justify="right")
  table.add_column("trainable")
  flat = dict(vs.flatten_params(params))
  total = trainable_total = 0
  for name, spec in specs.items():
    value = flat[name]
    size = int(np.prod(value.shape))
    total += size
    trainable_total += size if spec.trainable else 0
    table.add_row(name, str(tuple(value.shape)), str(value.dtype), f"{size:,}", str(spec.trainable))
  table.add_section()
  table.add_row(f"{len(specs)} variables", "", "", f"{total:,}", f"{trainable_total:,} trainable")
  return table


def main(argv=None):
  parser = argparse.ArgumentParser(description=str(__doc__).splitlines()[0])
  parser.add_argument("--epochs", type=int, default=EPOCHS)
  parser.add_argument("--quiet", action="store_true", help="no progress bar and no per-epoch lines")
  args = parser.parse_args(argv)
  start = time.perf_counter()
  params, averages, specs, history = fit(args.epochs, quiet=args.quiet)
  console = Console(width=100)
  console.print(variables_table(params, specs))
  print(
    f"trained {args.epochs} epochs in {time.perf_counter() - start:.1f} s; "
    f"ema_val_accuracy={history['ema_val_accuracy'][-1]:.3f}"
  )
  print(f"val_accuracy={history['val_accuracy'][-1]:.3f}")


if __name__ == "__main__":
  main()
