"""``tf.contrib.framework`` as tf-slim provides it: ``arg_scope`` and the model-variable
helpers. See ``docs/slim_layers.md``.

>>> import varscope_jax as vs
>>> from varscope_jax.contrib import framework, slim
>>> framework.arg_scope is slim.arg_scope
True
"""

from varscope_jax._src.contrib.framework.arg_scope import add_arg_scope as add_arg_scope
from varscope_jax._src.contrib.framework.arg_scope import arg_scope as arg_scope
from varscope_jax._src.contrib.framework.arg_scope import arg_scope_func_key as arg_scope_func_key
from varscope_jax._src.contrib.framework.arg_scope import (
  arg_scoped_arguments as arg_scoped_arguments,
)
from varscope_jax._src.contrib.framework.arg_scope import current_arg_scope as current_arg_scope
from varscope_jax._src.contrib.framework.arg_scope import has_arg_scope as has_arg_scope
from varscope_jax._src.contrib.framework.variables import add_model_variable as add_model_variable
from varscope_jax._src.contrib.framework.variables import filter_variables as filter_variables
from varscope_jax._src.contrib.framework.variables import get_local_variables as get_local_variables
from varscope_jax._src.contrib.framework.variables import global_variable as global_variable
from varscope_jax._src.contrib.framework.variables import local_variable as local_variable
from varscope_jax._src.contrib.framework.variables import get_model_variables as get_model_variables
from varscope_jax._src.contrib.framework.variables import (
  get_trainable_variables as get_trainable_variables,
)
from varscope_jax._src.contrib.framework.variables import get_unique_variable as get_unique_variable
from varscope_jax._src.contrib.framework.variables import (
  get_variable_full_name as get_variable_full_name,
)
from varscope_jax._src.contrib.framework.variables import get_variables as get_variables
from varscope_jax._src.contrib.framework.variables import (
  get_variables_by_name as get_variables_by_name,
)
from varscope_jax._src.contrib.framework.variables import (
  get_variables_by_suffix as get_variables_by_suffix,
)
from varscope_jax._src.contrib.framework.variables import (
  get_variables_to_restore as get_variables_to_restore,
)
from varscope_jax._src.contrib.framework.variables import model_variable as model_variable
from varscope_jax._src.contrib.framework.variables import variable as variable

__all__ = [
  "add_arg_scope",
  "add_model_variable",
  "arg_scope",
  "arg_scope_func_key",
  "arg_scoped_arguments",
  "current_arg_scope",
  "filter_variables",
  "get_local_variables",
  "get_model_variables",
  "get_trainable_variables",
  "get_unique_variable",
  "get_variable_full_name",
  "get_variables",
  "get_variables_by_name",
  "get_variables_by_suffix",
  "get_variables_to_restore",
  "global_variable",
  "has_arg_scope",
  "local_variable",
  "model_variable",
  "variable",
]
