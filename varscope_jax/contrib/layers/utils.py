"""tf-slim's ``layers.utils`` (``slim.utils``): end points and helpers.

>>> from varscope_jax.contrib import layers, slim
>>> slim.utils is layers.utils
True
"""

from varscope_jax._src.contrib.layers.utils import NamedOutputs as NamedOutputs
from varscope_jax._src.contrib.layers.utils import append_tensor_alias as append_tensor_alias
from varscope_jax._src.contrib.layers.utils import channel_dimension as channel_dimension
from varscope_jax._src.contrib.layers.utils import collect_named_outputs as collect_named_outputs
from varscope_jax._src.contrib.layers.utils import constant_value as constant_value
from varscope_jax._src.contrib.layers.utils import (
  convert_collection_to_dict as convert_collection_to_dict,
)
from varscope_jax._src.contrib.layers.utils import gather_tensors_aliases as gather_tensors_aliases
from varscope_jax._src.contrib.layers.utils import get_tensor_aliases as get_tensor_aliases
from varscope_jax._src.contrib.layers.utils import (
  get_variable_collections as get_variable_collections,
)
from varscope_jax._src.contrib.layers.utils import last_dimension as last_dimension
from varscope_jax._src.contrib.layers.utils import n_positive_integers as n_positive_integers
from varscope_jax._src.contrib.layers.utils import smart_cond as smart_cond
from varscope_jax._src.contrib.layers.utils import static_cond as static_cond
from varscope_jax._src.contrib.layers.utils import two_element_tuple as two_element_tuple

__all__ = [
  "NamedOutputs",
  "append_tensor_alias",
  "channel_dimension",
  "collect_named_outputs",
  "constant_value",
  "convert_collection_to_dict",
  "gather_tensors_aliases",
  "get_tensor_aliases",
  "get_variable_collections",
  "last_dimension",
  "n_positive_integers",
  "smart_cond",
  "static_cond",
  "two_element_tuple",
]
