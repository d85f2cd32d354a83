"""How tf-slim's layers make their variables on ``vs.layers``: a custom getter that
renames the layer's variables (``kernel`` -> ``weights``, ``bias`` -> ``biases``) and
makes them with ``model_variable`` (so they are in ``MODEL_VARIABLES``), and the
``variables_collections`` a layer adds its variables to afterwards."""

from __future__ import annotations

from varscope_jax._src.base import errors
from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.contrib.framework import variables as variables_lib
from varscope_jax._src.contrib.layers import utils

_CONV_RENAMES = {"bias": "biases", "kernel": "weights"}


def model_variable_getter(
  getter,
  name,
  shape=None,
  dtype=None,
  initializer=None,
  regularizer=None,
  trainable=True,
  collections=None,
  caching_device=None,
  partitioner=None,
  rename=None,
  use_resource=None,
  synchronization=None,
  aggregation=None,
  **_,
):
  """tf-slim's ``_model_variable_getter``: renames the last name component, then
  ``model_variable`` with ``getter`` as its custom getter."""
  short_name = name.split("/")[-1]
  if rename and short_name in rename:
    parts = name.split("/")
    parts[-1] = rename[short_name]
    name = "/".join(parts)
  kwargs = {}
  if synchronization is not None:
    kwargs["synchronization"] = synchronization
  if aggregation is not None:
    kwargs["aggregation"] = aggregation
  return variables_lib.model_variable(
    name,
    shape=shape,
    dtype=dtype,
    initializer=initializer,
    regularizer=regularizer,
    collections=collections,
    trainable=trainable,
    caching_device=caching_device,
    partitioner=partitioner,
    custom_getter=getter,
    use_resource=use_resource,
    **kwargs,
  )


def build_variable_getter(rename=None):
  """A custom getter for ``variable_scope`` that renames as ``rename`` says."""

  def layer_variable_getter(getter, *args, **kwargs):
    kwargs["rename"] = rename
    return model_variable_getter(getter, *args, **kwargs)

  return layer_variable_getter


CONV_GETTER_RENAMES = _CONV_RENAMES


def add_variable_to_collections(variable, collections_set, collections_name):
  """Adds ``variable`` to the collections ``variables_collections`` gives
  ``collections_name`` (``weights``, ``biases``, ``beta`` ...), once each."""
  collections = utils.get_variable_collections(collections_set, collections_name) or []
  if isinstance(collections, str):
    raise TypeError(
      errors.string_collections("variables_collections for %r" % (collections_name,), collections)
    )
  graph = graph_lib.get_default_graph()
  for collection in collections:
    if not any(v is variable for v in graph.get_collection(collection)):
      graph.add_to_collection(collection, variable)


def variable_collections(collections_set, name):
  """``get_variable_collections`` with the string check (for ``model_variable`` calls)."""
  collections = utils.get_variable_collections(collections_set, name)
  if isinstance(collections, str):
    raise TypeError(
      errors.string_collections("variables_collections for %r" % (name,), collections)
    )
  return collections
