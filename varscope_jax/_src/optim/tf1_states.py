"""The states of the TF1 optimizers in ``tf1_optimizers.py``: pytrees named like TF's slots.

Each state's slot fields carry TF's slot names (``m``, ``v``, ``rms``, ``momentum``, ...)
in the order TF creates them, which is what gives the slot variables their ``_N``
suffixes in a checkpoint (``<variable>/Adam`` is ``m``, ``<variable>/Adam_1`` is ``v``).
``name`` is static pytree metadata: the optimizer's ``name=``, the suffix of its slots.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax


def _state_class(cls):
  """A frozen dataclass pytree; ``name`` is static (the optimizer's ``name=``)."""
  cls = dataclasses.dataclass(frozen=True)(cls)
  data = [f.name for f in dataclasses.fields(cls) if f.name != "name"]
  return jax.tree_util.register_dataclass(cls, data_fields=data, meta_fields=["name"])


class TF1OptimizerState:
  """Base of the TF1 optimizer states (``isinstance`` finds them inside a chain).

  ``SLOTS`` are TF's slot names in the order TF creates them (which gives the slot
  variables' ``_N`` suffixes); ``OPTIMIZER`` the TF class; ``DEFAULT_NAME`` its ``name=``.

  >>> RMSPropState.SLOTS, RMSPropState.OPTIMIZER
  (('rms', 'mg', 'momentum'), 'RMSPropOptimizer')
  """

  SLOTS: tuple[str, ...] = ()
  OPTIMIZER = ""
  DEFAULT_NAME = ""

  def slot_names(self) -> tuple[str, ...]:
    """The slots this state holds, in TF's creation order (``None`` fields skipped).

    >>> RMSPropState(count=0, rms={}, mg=None, momentum={}).slot_names()
    ('rms', 'momentum')
    """
    return tuple(s for s in self.SLOTS if getattr(self, s) is not None)


@_state_class
class AdamState(TF1OptimizerState):
  """``AdamOptimizer``'s state: slots ``m``, ``v``; non-slots ``beta1_power``, ``beta2_power``.

  >>> import jax.numpy as jnp
  >>> s = AdamState(count=0, beta1_power=0.9, beta2_power=0.999, m={}, v={})
  >>> s.name, s.slot_names()
  ('Adam', ('m', 'v'))
  """

  count: jax.Array
  beta1_power: jax.Array
  beta2_power: jax.Array
  m: Any
  v: Any
  name: str = "Adam"
  SLOTS = ("m", "v")
  OPTIMIZER = "AdamOptimizer"
  DEFAULT_NAME = "Adam"


@_state_class
class MomentumState(TF1OptimizerState):
  """``MomentumOptimizer``'s state: slot ``momentum`` (the accumulator).

  >>> MomentumState(count=0, momentum={}, name="MyMomentum").slot_names()
  ('momentum',)
  """

  count: jax.Array
  momentum: Any
  name: str = "Momentum"
  SLOTS = ("momentum",)
  OPTIMIZER = "MomentumOptimizer"
  DEFAULT_NAME = "Momentum"


@_state_class
class RMSPropState(TF1OptimizerState):
  """``RMSPropOptimizer``'s state: slots ``rms``, ``mg`` (``centered`` only), ``momentum``.

  >>> RMSPropState(count=0, rms={}, mg={}, momentum={}).slot_names()  # centered
  ('rms', 'mg', 'momentum')
  """

  count: jax.Array
  rms: Any
  mg: Any
  momentum: Any
  name: str = "RMSProp"
  SLOTS = ("rms", "mg", "momentum")
  OPTIMIZER = "RMSPropOptimizer"
  DEFAULT_NAME = "RMSProp"


@_state_class
class AdagradState(TF1OptimizerState):
  """``AdagradOptimizer``'s state: slot ``accumulator``.

  >>> AdagradState(count=0, accumulator={}).slot_names()
  ('accumulator',)
  """

  count: jax.Array
  accumulator: Any
  name: str = "Adagrad"
  SLOTS = ("accumulator",)
  OPTIMIZER = "AdagradOptimizer"
  DEFAULT_NAME = "Adagrad"


@_state_class
class AdadeltaState(TF1OptimizerState):
  """``AdadeltaOptimizer``'s state: slots ``accum``, ``accum_update``.

  >>> AdadeltaState(count=0, accum={}, accum_update={}).slot_names()
  ('accum', 'accum_update')
  """

  count: jax.Array
  accum: Any
  accum_update: Any
  name: str = "Adadelta"
  SLOTS = ("accum", "accum_update")
  OPTIMIZER = "AdadeltaOptimizer"
  DEFAULT_NAME = "Adadelta"


@_state_class
class GradientDescentState(TF1OptimizerState):
  """``GradientDescentOptimizer``'s state: no slots, only the step count.

  >>> GradientDescentState(count=0).slot_names()
  ()
  """

  count: jax.Array
  name: str = "GradientDescent"
  OPTIMIZER = "GradientDescentOptimizer"
  DEFAULT_NAME = "GradientDescent"


@_state_class
class FtrlState(TF1OptimizerState):
  """``FtrlOptimizer``'s state: slots ``accum``, ``linear``.

  >>> FtrlState(count=0, accum={}, linear={}).slot_names()
  ('accum', 'linear')
  """

  count: jax.Array
  accum: Any
  linear: Any
  name: str = "Ftrl"
  SLOTS = ("accum", "linear")
  OPTIMIZER = "FtrlOptimizer"
  DEFAULT_NAME = "Ftrl"


@_state_class
class AdamWeightDecayState(TF1OptimizerState):
  """bert-tensorflow's ``AdamWeightDecayOptimizer`` state: slots ``m``, ``v``.

  In a checkpoint they are ``<variable>/adam_m`` and ``<variable>/adam_v`` (BERT's own
  ``get_variable`` names, whatever the optimizer's ``name=``); there are no powers.

  >>> AdamWeightDecayState(count=0, m={}, v={}).slot_names()
  ('m', 'v')
  """

  count: jax.Array
  m: Any
  v: Any
  name: str = "AdamWeightDecayOptimizer"
  SLOTS = ("m", "v")
  OPTIMIZER = "AdamWeightDecayOptimizer"
  DEFAULT_NAME = "AdamWeightDecayOptimizer"
