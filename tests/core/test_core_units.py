"""The explicit core, built directly: a Graph with a fake backend, the scope store, the
store -- without the implicit ``get_variable`` layer or any JAX computation."""

import dataclasses

import numpy as np
import pytest

from varscope_jax._src.core import graph as graph_lib
from varscope_jax._src.core import store as store_lib
from varscope_jax._src.core import variable_scope as vs_lib
from varscope_jax._src.core import variables as var_lib


class FakeBackend:
  """Hands out strings: shows exactly what the graph asks its backend to do."""

  keeps_stacks = False

  def __init__(self, fail_on=()):
    self.created, self.discarded, self.fail_on = [], [], set(fail_on)
    self.assigned = {}

  def create(self, graph, rec):
    if rec.op_name in self.fail_on:
      raise RuntimeError("backend refuses " + rec.op_name)
    self.created.append(rec.op_name)
    return "value-of-" + rec.op_name

  def current_value(self, graph, rec):
    return self.assigned.get(rec.op_name, np.zeros(rec.shape, rec.dtype))

  def assign(self, graph, rec, new):
    self.assigned[rec.op_name] = new

  def find_existing(self, name):
    return None

  def known_names(self, graph):
    return list(graph.var_store)

  def default_rng(self, graph):
    return None

  def discard(self, graph, rec):
    self.discarded.append(rec.op_name)


def _record(name, store_name=None):
  return var_lib.VariableRecord(
    op_name=name,
    store_name=store_name or name,
    shape=(2,),
    dtype=np.dtype("float32"),
    collections=("variables", "trainable_variables"),
  )


def test_add_variable_records_name_store_collections_atomically():
  backend = FakeBackend()
  g = graph_lib.Graph(backend)
  assert g.add_variable(_record("a/w")) == "value-of-a/w"
  assert backend.created == ["a/w"]
  assert list(g.var_store) == ["a/w"]
  assert g.get_collection("trainable_variables") == ["value-of-a/w"]
  assert g.get_collection("variables", "a/") == ["value-of-a/w"]
  with pytest.raises(ValueError, match="Duplicate node name in graph: 'a/w'"):
    g.add_variable(_record("a/w", "other"))
  assert list(g.var_store) == ["a/w"]  # nothing recorded by the failed add


def test_failed_add_frees_the_name_and_records_nothing():
  backend = FakeBackend(fail_on={"w"})
  g = graph_lib.Graph(backend)
  undo = []
  name = g.scoped_name("w", undo=undo)
  assert name == "w"
  with pytest.raises(RuntimeError, match="backend refuses w"):
    g.add_variable(_record(name), undo=undo)
  assert g.var_store == {} and g.variables == [] and g.get_collection("variables") == []
  assert g.unique_name("w", mark_as_used=False) == "w"  # the name is free again


def test_finish_failure_discards_the_backend_value():
  backend = FakeBackend()
  g = graph_lib.Graph(backend)

  def finish(value):
    raise ValueError("regularizer failed on " + value)

  with pytest.raises(ValueError, match="value-of-w"):
    g.add_variable(_record("w"), finish=finish)
  assert backend.discarded == ["w"] and g.var_store == {}


def test_update_variable_checks_shape_and_hands_the_value_to_the_backend():
  backend = FakeBackend()
  g = graph_lib.Graph(backend)
  rec = _record("v")
  g.add_variable(rec)
  new = g.update_variable(rec, lambda old: old + 1, "assign_add")
  np.testing.assert_array_equal(backend.assigned["v"], [1.0, 1.0])
  assert new.dtype == np.float32
  with pytest.raises(
    ValueError, match="assign: variable v has shape \\(2,\\), but the new value has shape \\(3,\\)"
  ):
    g.update_variable(rec, lambda old: np.ones(3), "assign")


def test_scope_store_and_store_without_the_implicit_layer():
  backend = FakeBackend()
  g = graph_lib.Graph(backend)
  with g.as_default():
    store = vs_lib.scope_store(g)
    root = store.current_scope
    with vs_lib.variable_scope("enc", initializer=lambda shape, dtype=None: np.ones(shape)):
      scope = store.current_scope
      assert scope.name == "enc" and scope.options.initializer is not None
      req = store_lib.VariableRequest("w", [2])
      value = store_lib.scope_get_variable(scope, g, req)
    assert store.current_scope is root
  assert value == "value-of-enc/w"
  rec = g.var_store["enc/w"]
  np.testing.assert_array_equal(rec.init_value, [1.0, 1.0])  # the scope's initializer


def test_scope_options_are_frozen_and_replaced():
  opts = vs_lib.ScopeOptions(dtype=np.float16)
  with pytest.raises(dataclasses.FrozenInstanceError):
    opts.dtype = np.float32
  scope = vs_lib.VariableScope(False, name="s")
  before = scope.options
  scope.set_regularizer(abs)
  assert scope.options is not before and scope.regularizer is abs
  assert before.regularizer is None


def test_graph_rejects_reset_while_in_use():
  g = graph_lib.Graph(FakeBackend())
  assert not g.in_use
  with g.name_scope("a"):
    assert g.in_use
  assert not g.in_use
