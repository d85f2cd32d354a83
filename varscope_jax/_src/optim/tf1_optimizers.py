"""TF1's optimizers (``tf.compat.v1.train.*Optimizer``) as optax ``GradientTransformation`` s.

Each transform applies, per variable, the exact arithmetic of TF's CPU training kernel
(``tensorflow/core/kernels/training_ops.cc``), in the variable's dtype and in TF's
order of operations, so that a run resumed from a TF1 checkpoint
(``load_tf1_optimizer_state``) takes the same steps TF would have taken. Where optax's
own optimizers differ from TF1:

* Adam: TF folds the bias correction into the step size,
  ``alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``, and adds ``epsilon`` to
  ``sqrt(v)`` *uncorrected* (the paper's "epsilon hat"); ``beta1^t`` and ``beta2^t`` are
  float variables multiplied by ``beta1``/``beta2`` after every step (``beta1_power``,
  ``beta2_power`` in the checkpoint), not a step count.
* RMSProp: the mean square starts at 1.0 (not 0), ``epsilon`` is added inside the
  square root, the momentum buffer accumulates ``lr * g / sqrt(ms + eps)`` (the learning
  rate is applied before the momentum), and ``centered=True`` subtracts the squared mean
  gradient.
* Adagrad: the accumulator starts at ``initial_accumulator_value`` (0.1) and there is
  no epsilon (``g * lr * rsqrt(accum)``).
* Momentum: ``accum = accum * momentum + g``; ``var -= lr * accum`` (the learning rate
  outside the buffer), Nesterov ``var -= lr * g + lr * momentum * accum``.

The states are pytrees whose slot fields carry TF's slot names (``m``, ``v``, ``rms``,
``momentum``, ...) and whose ``name`` (static) is the optimizer's ``name=``, the suffix
TF gives its slot variables (``<variable>/Adam``, ``<variable>/Adam_1``).

Dense gradients only: TF1 applies ``IndexedSlices`` gradients (from
``embedding_lookup``) lazily for Momentum, RMSProp and Adagrad, touching only the rows
looked up; these transforms update every row, as TF does for dense gradients.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Union

import jax
import jax.numpy as jnp
import numpy as np
import optax

from varscope_jax._src.base import tf_errors
from varscope_jax._src.optim.tf1_states import (
  AdadeltaState,
  AdagradState,
  AdamState,
  GradientDescentState,
  MomentumState,
  RMSPropState,
)

ScalarOrSchedule = Union[float, Callable[[jax.Array], Any]]


# ---------------------------------------------------------------------------


def check_name(name: str, kind: str) -> str:
  """``name`` (an optimizer's ``name=``), refused unless a non-empty string."""
  if not isinstance(name, str) or not name:
    raise ValueError(
      f"{kind}: name must be a non-empty string (the optimizer's name=, "
      f"which TF uses as its slot variables' suffix), got {name!r}."
    )
  return name


def check_numbers(kind: str, learning_rate, **hypers) -> None:
  """A clear error for a hyperparameter that is not a number (TF fails only when applying)."""
  if not callable(learning_rate):
    hypers = {"learning_rate": learning_rate, **hypers}
  for arg, value in hypers.items():
    if value is None and arg == "beta":
      continue
    if isinstance(value, (str, bytes)) or not isinstance(
      value, (numbers.Real, np.generic, np.ndarray, jax.Array)
    ):
      also = " or a schedule (a callable of the step count)" if arg == "learning_rate" else ""
      raise TypeError(f"{kind}: {arg} must be a number{also}, got {value!r}.")


def learning_rate_at(learning_rate: ScalarOrSchedule, count):
  """The learning rate at step ``count`` (a schedule is called, a number is as is)."""
  return learning_rate(count) if callable(learning_rate) else learning_rate


def cast_like(value, like):
  """A hyperparameter as a scalar of the variable's dtype (TF's ``math_ops.cast``)."""
  return jnp.asarray(value, dtype=jnp.asarray(like).dtype)


def _map(fn, *trees):
  return jax.tree_util.tree_map(fn, *trees)


def zeros_like_tree(params):
  """A slot tree of zeros shaped like ``params``."""
  return _map(jnp.zeros_like, params)


def full_like_tree(params, value):
  """A slot tree of ``value`` shaped like ``params``."""
  return _map(lambda p: jnp.full_like(p, value), params)


def zero_count():
  """The step count of a new state (int32 zero, as optax's)."""
  return jnp.zeros([], jnp.int32)


def adam(
  learning_rate: ScalarOrSchedule = 0.001,
  beta1: float = 0.9,
  beta2: float = 0.999,
  epsilon: float = 1e-8,
  use_locking: bool = False,
  name: str = "Adam",
) -> optax.GradientTransformation:
  """TF1's ``AdamOptimizer`` (``tf.compat.v1.train.AdamOptimizer``), step for step.

  Per variable, as TF's ``ApplyAdam`` kernel, in the variable's dtype::

    alpha = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
    m += (g - m) * (1 - beta1);  v += (g * g - v) * (1 - beta2)
    var -= m * alpha / (sqrt(v) + epsilon)

  then ``beta1_power *= beta1`` and ``beta2_power *= beta2`` (they start at ``beta1``,
  ``beta2``). optax's ``adam`` differs: it corrects ``m`` and ``v`` separately and adds
  ``eps`` to the corrected ``sqrt(v)``.

  Args:
    learning_rate: a float or an optax schedule (called with the state's ``count``,
      which ``load_tf1_optimizer_state`` sets to the checkpoint's ``global_step``).
    beta1, beta2, epsilon: as in TF.
    use_locking: accepted for TF's signature; JAX updates are functional, so unused.
    name: the optimizer's ``name=`` in TF: the suffix of its slot variables
      (``<variable>/Adam``, ``<variable>/Adam_1``), used to find them in a checkpoint.

  Returns:
    An ``optax.GradientTransformation`` whose state is an ``AdamState``.

  >>> import jax.numpy as jnp, optax
  >>> tx = adam(0.1)
  >>> params = {"w": jnp.array([1.0, 2.0])}
  >>> state = tx.init(params)
  >>> updates, state = tx.update({"w": jnp.array([0.5, -0.5])}, state)
  >>> optax.apply_updates(params, updates)["w"].round(5).tolist()
  [0.9, 2.1]
  >>> round(float(state.beta1_power), 6)  # 0.9 ** 2, as TF's float32 variable
  0.81
  """
  del use_locking
  check_name(name, "adam")
  check_numbers("adam", learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon)

  def init(params):
    # TF makes the powers float32 variables (from Python floats) whatever the dtype of
    # the model, and casts them to each variable's dtype when it applies a step.
    return AdamState(
      count=zero_count(),
      beta1_power=jnp.asarray(beta1, jnp.float32),
      beta2_power=jnp.asarray(beta2, jnp.float32),
      m=zeros_like_tree(params),
      v=zeros_like_tree(params),
      name=name,
    )

  def update(grads, state, params=None):
    del params
    lr_value = learning_rate_at(learning_rate, state.count)

    def leaf(g, m, v):
      lr = cast_like(lr_value, g)
      b1, b2, eps = cast_like(beta1, g), cast_like(beta2, g), cast_like(epsilon, g)
      one = cast_like(1, g)
      b1p, b2p = state.beta1_power.astype(g.dtype), state.beta2_power.astype(g.dtype)
      alpha = lr * jnp.sqrt(one - b2p) / (one - b1p)
      m = m + (g - m) * (one - b1)
      v = v + (g * g - v) * (one - b2)
      return -((m * alpha) / (jnp.sqrt(v) + eps)), m, v

    out = _map(leaf, grads, state.m, state.v)
    updates, m, v = unzip_tree(grads, out, 3)
    return updates, AdamState(
      count=optax.safe_int32_increment(state.count),
      beta1_power=state.beta1_power * cast_like(beta1, state.beta1_power),
      beta2_power=state.beta2_power * cast_like(beta2, state.beta2_power),
      m=m,
      v=v,
      name=name,
    )

  return optax.GradientTransformation(init, update)


def unzip_tree(like, out, n):
  """Splits a tree of n-tuples (at the leaves of ``like``) into n trees."""
  treedef = jax.tree_util.tree_structure(like)
  leaves = treedef.flatten_up_to(out)
  return tuple(treedef.unflatten([leaf[i] for leaf in leaves]) for i in range(n))


def momentum(
  learning_rate: ScalarOrSchedule,
  momentum: float,  # noqa: F811 (TF's name)
  use_locking: bool = False,
  name: str = "Momentum",
  use_nesterov: bool = False,
) -> optax.GradientTransformation:
  """TF1's ``MomentumOptimizer``, step for step (TF's ``ApplyMomentum`` kernel)::

    accum = accum * momentum + g
    var -= accum * lr                                  # use_nesterov=False
    var -= g * lr + accum * momentum * lr              # use_nesterov=True

  The learning rate multiplies the accumulator, so a changed learning rate rescales the
  whole history (optax's ``sgd(momentum=)`` with ``trace`` does the same; its Nesterov
  form differs).

  Args:
    learning_rate: a float or an optax schedule of the state's ``count``.
    momentum: the momentum.
    use_locking: accepted for TF's signature; unused.
    name: the optimizer's ``name=`` in TF (slot suffix: ``<variable>/Momentum``).
    use_nesterov: Nesterov momentum, as TF.

  Returns:
    An ``optax.GradientTransformation`` whose state is a ``MomentumState``.

  >>> import jax.numpy as jnp
  >>> tx = momentum(0.1, 0.9)
  >>> state = tx.init({"w": jnp.zeros(2)})
  >>> for _ in range(2):
  ...   updates, state = tx.update({"w": jnp.ones(2)}, state)
  >>> updates["w"], state.momentum["w"]   # accum = 0.9 * 1 + 1
  (Array([-0.19, -0.19], dtype=float32), Array([1.9, 1.9], dtype=float32))
  """
  del use_locking
  check_name(name, "momentum")
  check_numbers("momentum", learning_rate, momentum=momentum)
  mu = momentum

  def init(params):
    return MomentumState(count=zero_count(), momentum=zeros_like_tree(params), name=name)

  def update(grads, state, params=None):
    del params
    lr_value = learning_rate_at(learning_rate, state.count)

    def leaf(g, accum):
      lr, m = cast_like(lr_value, g), cast_like(mu, g)
      accum = accum * m + g
      if use_nesterov:
        return -(g * lr + accum * m * lr), accum
      return -(accum * lr), accum

    out = _map(leaf, grads, state.momentum)
    updates, accum = unzip_tree(grads, out, 2)
    return updates, MomentumState(
      count=optax.safe_int32_increment(state.count), momentum=accum, name=name
    )

  return optax.GradientTransformation(init, update)


def rmsprop(
  learning_rate: ScalarOrSchedule,
  decay: float = 0.9,
  momentum: float = 0.0,
  epsilon: float = 1e-10,
  use_locking: bool = False,
  centered: bool = False,
  name: str = "RMSProp",
) -> optax.GradientTransformation:
  """TF1's ``RMSPropOptimizer``, step for step (``ApplyRMSProp`` / ``ApplyCenteredRMSProp``)::

    ms += (g * g - ms) * (1 - decay)                   # ms starts at 1.0
    mg += (g - mg) * (1 - decay)                       # centered only; starts at 0
    mom = mom * momentum + g * lr / sqrt(ms - mg * mg + epsilon)
    var -= mom

  TF always keeps the ``momentum`` slot (also when ``momentum=0``), and so does this state.

  Args:
    learning_rate: a float or an optax schedule of the state's ``count``.
    decay: the discounting factor of the history (``rho``).
    momentum: the momentum.
    epsilon: added to the mean square inside the square root.
    use_locking: accepted for TF's signature; unused.
    centered: normalise by the variance estimate (``ms - mg ** 2``), as TF.
    name: the optimizer's ``name=`` in TF (slots ``<variable>/RMSProp``, ``_1``, ``_2``).

  Returns:
    An ``optax.GradientTransformation`` whose state is an ``RMSPropState`` (``mg`` is
    ``None`` unless ``centered``).

  >>> import jax.numpy as jnp
  >>> tx = rmsprop(0.1)
  >>> state = tx.init({"w": jnp.zeros(1)})
  >>> float(state.rms["w"][0])            # TF's initial mean square
  1.0
  >>> updates, state = tx.update({"w": jnp.array([2.0])}, state)
  >>> round(float(state.rms["w"][0]), 6)  # 1 + (4 - 1) * 0.1
  1.3
  """
  del use_locking
  check_name(name, "rmsprop")
  check_numbers("rmsprop", learning_rate, decay=decay, momentum=momentum, epsilon=epsilon)
  mu = momentum

  def init(params):
    return RMSPropState(
      count=zero_count(),
      rms=full_like_tree(params, 1),
      name=name,
      mg=zeros_like_tree(params) if centered else None,
      momentum=zeros_like_tree(params),
    )

  def update(grads, state, params=None):
    del params
    lr_value = learning_rate_at(learning_rate, state.count)

    def leaf(g, ms, mg, mom):
      lr, rho, m, eps = (
        cast_like(lr_value, g),
        cast_like(decay, g),
        cast_like(mu, g),
        cast_like(epsilon, g),
      )
      one = cast_like(1, g)
      ms = ms + (g * g - ms) * (one - rho)
      if centered:
        mg = mg + (g - mg) * (one - rho)
        denom = (ms - mg * mg) + eps
      else:
        denom = ms + eps
      mom = mom * m + (g * lr) / jnp.sqrt(denom)
      return -mom, ms, mg, mom

    mg_tree = state.mg if centered else _map(lambda g: None, grads)
    out = jax.tree_util.tree_map(
      leaf, grads, state.rms, mg_tree, state.momentum, is_leaf=lambda x: x is None
    )
    updates, ms, mg, mom = unzip_tree(grads, out, 4)
    return updates, RMSPropState(
      count=optax.safe_int32_increment(state.count),
      rms=ms,
      mg=mg if centered else None,
      momentum=mom,
      name=name,
    )

  return optax.GradientTransformation(init, update)


def adagrad(
  learning_rate: ScalarOrSchedule,
  initial_accumulator_value: float = 0.1,
  use_locking: bool = False,
  name: str = "Adagrad",
) -> optax.GradientTransformation:
  """TF1's ``AdagradOptimizer``, step for step (TF's ``ApplyAdagrad`` kernel)::

    accum += g * g                                     # starts at initial_accumulator_value
    var -= g * lr * rsqrt(accum)

  No epsilon (optax's ``adagrad`` adds one, and starts its accumulator at 0.1 too).

  Args:
    learning_rate: a float or an optax schedule of the state's ``count``.
    initial_accumulator_value: the accumulators' starting value; must be positive.
    use_locking: accepted for TF's signature; unused.
    name: the optimizer's ``name=`` in TF (slot suffix: ``<variable>/Adagrad``).

  Returns:
    An ``optax.GradientTransformation`` whose state is an ``AdagradState``.

  Raises:
    ValueError: if ``initial_accumulator_value`` is not positive (TF's check).

  >>> import jax.numpy as jnp
  >>> tx = adagrad(0.5, initial_accumulator_value=3.0)
  >>> updates, state = tx.update({"w": jnp.array([1.0])}, tx.init({"w": jnp.zeros(1)}))
  >>> updates["w"], state.accumulator["w"]   # -1 * 0.5 / sqrt(4)
  (Array([-0.25], dtype=float32), Array([4.], dtype=float32))
  """
  del use_locking
  check_name(name, "adagrad")
  check_numbers("adagrad", learning_rate, initial_accumulator_value=initial_accumulator_value)
  if not initial_accumulator_value > 0.0:
    raise ValueError(tf_errors.ADAGRAD_INITIAL_ACCUMULATOR % initial_accumulator_value)

  def init(params):
    return AdagradState(
      count=zero_count(), name=name, accumulator=full_like_tree(params, initial_accumulator_value)
    )

  def update(grads, state, params=None):
    del params
    lr_value = learning_rate_at(learning_rate, state.count)

    def leaf(g, accum):
      accum = accum + g * g
      return -(g * cast_like(lr_value, g) * jax.lax.rsqrt(accum)), accum

    updates, accum = unzip_tree(grads, _map(leaf, grads, state.accumulator), 2)
    return updates, AdagradState(
      count=optax.safe_int32_increment(state.count), accumulator=accum, name=name
    )

  return optax.GradientTransformation(init, update)


def adadelta(
  learning_rate: ScalarOrSchedule = 0.001,
  rho: float = 0.95,
  epsilon: float = 1e-8,
  use_locking: bool = False,
  name: str = "Adadelta",
) -> optax.GradientTransformation:
  """TF1's ``AdadeltaOptimizer``, step for step (TF's ``ApplyAdadelta`` kernel)::

    accum = accum * rho + g * g * (1 - rho)
    update = sqrt(accum_update + epsilon) * rsqrt(accum + epsilon) * g
    var -= update * lr
    accum_update = accum_update * rho + update * update * (1 - rho)

  Args:
    learning_rate: a float or an optax schedule of the state's ``count`` (TF1's default
      0.001; the paper's Adadelta uses 1.0).
    rho: the decay rate.
    epsilon: the conditioning constant.
    use_locking: accepted for TF's signature; unused.
    name: the optimizer's ``name=`` in TF (slots ``<variable>/Adadelta``, ``_1``).

  Returns:
    An ``optax.GradientTransformation`` whose state is an ``AdadeltaState``.

  >>> import jax.numpy as jnp
  >>> tx = adadelta(1.0)
  >>> updates, state = tx.update({"w": jnp.array([1.0])}, tx.init({"w": jnp.zeros(1)}))
  >>> sorted(state.slot_names())
  ['accum', 'accum_update']
  """
  del use_locking
  check_name(name, "adadelta")
  check_numbers("adadelta", learning_rate, rho=rho, epsilon=epsilon)

  def init(params):
    return AdadeltaState(
      count=zero_count(),
      accum=zeros_like_tree(params),
      accum_update=zeros_like_tree(params),
      name=name,
    )

  def update(grads, state, params=None):
    del params
    lr_value = learning_rate_at(learning_rate, state.count)

    def leaf(g, accum, accum_update):
      lr, r, eps, one = (
        cast_like(lr_value, g),
        cast_like(rho, g),
        cast_like(epsilon, g),
        cast_like(1, g),
      )
      accum = accum * r + g * g * (one - r)
      step = jnp.sqrt(accum_update + eps) * jax.lax.rsqrt(accum + eps) * g
      accum_update = accum_update * r + step * step * (one - r)
      return -(step * lr), accum, accum_update

    out = _map(leaf, grads, state.accum, state.accum_update)
    updates, accum, accum_update = unzip_tree(grads, out, 3)
    return updates, AdadeltaState(
      count=optax.safe_int32_increment(state.count),
      accum=accum,
      accum_update=accum_update,
      name=name,
    )

  return optax.GradientTransformation(init, update)


def gradient_descent(
  learning_rate: ScalarOrSchedule, use_locking: bool = False, name: str = "GradientDescent"
) -> optax.GradientTransformation:
  """TF1's ``GradientDescentOptimizer``: ``var -= g * lr`` (TF's ``ApplyGradientDescent``).

  Args:
    learning_rate: a float or an optax schedule of the state's ``count``.
    use_locking: accepted for TF's signature; unused.
    name: the optimizer's ``name=`` in TF (it has no slots).

  Returns:
    An ``optax.GradientTransformation`` whose state is a ``GradientDescentState``.

  >>> import jax.numpy as jnp
  >>> tx = gradient_descent(0.5)
  >>> updates, _ = tx.update({"w": jnp.array([2.0])}, tx.init({"w": jnp.zeros(1)}))
  >>> updates["w"]
  Array([-1.], dtype=float32)
  """
  del use_locking
  check_name(name, "gradient_descent")
  check_numbers("gradient_descent", learning_rate)

  def init(params):
    del params
    return GradientDescentState(count=zero_count(), name=name)

  def update(grads, state, params=None):
    del params
    lr_value = learning_rate_at(learning_rate, state.count)
    updates = _map(lambda g: -(g * cast_like(lr_value, g)), grads)
    return updates, GradientDescentState(count=optax.safe_int32_increment(state.count), name=name)

  return optax.GradientTransformation(init, update)
