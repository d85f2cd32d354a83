"""``tf.train``'s checkpoint utilities for params trees (``vs.train``).

``tf.compat.v1.train.init_from_checkpoint(ckpt, assignment_map)`` (what BERT's and
TF-Slim's fine-tuning scripts call) becomes
``params = vs.train.init_from_checkpoint(params, ckpt, assignment_map)``, with TF's
assignment-map rules and errors; ``list_variables`` and ``load_variable`` are TF's. TF1's
optimizers are ``vs.tf1_optimizers``; saving and loading whole trees is
``vs.save_tf1_checkpoint`` / ``vs.load_tf1_checkpoint``.

>>> import os
>>> import varscope_jax as vs
>>> [name for name, shape in vs.train.list_variables(os.path.join("tests", "tf1_ckpt", "data"))][:3]
['global_step', 'model/bf16/v', 'model/counts']
"""

import importlib as _importlib


from varscope_jax._src.io.tf1.checkpoint_utils import init_from_checkpoint as init_from_checkpoint
from varscope_jax._src.io.tf1.checkpoint_utils import list_variables as list_variables
from varscope_jax._src.io.tf1.checkpoint_utils import load_variable as load_variable

__all__ = ["init_from_checkpoint", "list_variables", "load_variable"]


def __getattr__(name):
  """TF names this module lacks raise an AttributeError saying what to use instead."""
  raise _importlib.import_module("varscope_jax._src.upgrade.hints").missing_attribute(
    __name__, name
  )
