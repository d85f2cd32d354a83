"""``Graph.slot`` / ``Graph.thread_slot``: the one place per-graph state of the layers above
is kept (layers, templates, cells, the variable-scope and creator stacks)."""

import gc
import threading
import weakref

import jax
import jax.numpy as jnp

import varscope_jax as vs
from varscope_jax._src.core.graph import SlotKey

KEY = SlotKey("test")


def _new_list(graph):
  del graph
  return []


class _Owner:
  pass


def test_slot_is_per_graph_and_made_once():
  g1, g2 = vs.Graph(), vs.Graph()
  g1.slot(KEY, _new_list).append(1)
  assert g1.slot(KEY, _new_list) == [1]
  assert g2.slot(KEY, _new_list) == []


def test_factory_gets_the_graph():
  g = vs.Graph()
  assert g.slot(KEY, lambda graph: graph) is g
  assert g.thread_slot(KEY, lambda graph: graph) is g


def test_owned_slot_is_per_owner_and_key():
  g, a, b = vs.Graph(), _Owner(), _Owner()
  other = SlotKey("other")
  g.slot(KEY, _new_list, owner=a).append("a")
  g.slot(other, _new_list, owner=a).append("a2")
  assert g.slot(KEY, _new_list, owner=a) == ["a"]
  assert g.slot(other, _new_list, owner=a) == ["a2"]
  assert g.slot(KEY, _new_list, owner=b) == []
  assert g.slot(KEY, _new_list) == []


def test_owned_slot_goes_with_the_owner_and_keeps_it_not_alive():
  g = vs.Graph()
  owner = _Owner()
  g.slot(KEY, _new_list, owner=owner).append("state")
  owner_ref = weakref.ref(owner)
  del owner
  gc.collect()
  assert owner_ref() is None
  assert not g._owned  # the owner's entry was dropped


def test_owned_slot_keeps_the_graph_not_alive():
  owner = _Owner()
  g = vs.Graph()
  g.slot(KEY, _new_list, owner=owner).append(g)  # state that refers to its graph
  graph_ref = weakref.ref(g)
  del g
  gc.collect()
  assert graph_ref() is None


def test_slots_go_with_the_graph():
  vs.reset_default_graph()
  layer = vs.layers.Dense(2)
  layer(jnp.ones((1, 3)))
  assert layer.built
  vs.reset_default_graph()
  assert not layer.built  # the new graph starts without the layer's state
  layer(jnp.ones((1, 3)))
  assert [v.name for v in layer.variables] == ["dense/kernel:0", "dense/bias:0"]


def test_layer_state_is_per_trace():
  layer = vs.layers.Dense(2)
  t = vs.transform(lambda x: layer(x))
  params = t.init(jax.random.PRNGKey(0), jnp.ones((1, 3)))
  assert sorted(params["dense"]) == ["bias", "kernel"]
  assert t.apply(params, jnp.ones((1, 3))).shape == (1, 2)


def test_thread_slot_is_per_thread():
  g = vs.Graph()
  g.thread_slot(KEY, _new_list).append("main")
  seen = []

  def run():
    seen.append(list(g.thread_slot(KEY, _new_list)))
    g.thread_slot(KEY, _new_list).append("other")

  t = threading.Thread(target=run)
  t.start()
  t.join()
  assert seen == [[]]
  assert g.thread_slot(KEY, _new_list) == ["main"]


def test_variable_scope_stack_is_per_thread():
  g = vs.Graph()
  names = []

  def run():
    with g.as_default():
      names.append(vs.get_variable_scope().name)

  with g.as_default(), vs.variable_scope("outer"):
    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert vs.get_variable_scope().name == "outer"
  assert names == [""]


def test_threads_get_one_owned_slot():
  g, owner = vs.Graph(), _Owner()
  got, barrier = [], threading.Barrier(8)

  def run():
    barrier.wait()
    got.append(g.slot(KEY, _new_list, owner=owner))

  threads = [threading.Thread(target=run) for _ in range(8)]
  for t in threads:
    t.start()
  for t in threads:
    t.join()
  assert all(s is got[0] for s in got)


def test_creator_stack_restored_after_an_error():
  g = vs.Graph()

  def creator(next_creator, **kwargs):
    return next_creator(**kwargs)

  with g.as_default():
    try:
      with vs.variable_creator_scope(creator):
        raise KeyError("boom")
    except KeyError:
      pass
    seen = []

    def log(next_creator, **kwargs):
      seen.append(kwargs["name"])
      return next_creator(**kwargs)

    with vs.variable_creator_scope(log):
      vs.get_variable("w", [1])
    vs.get_variable("v", [1])
  assert seen == ["w"]


def test_layer_names_per_graph():
  with vs.Graph().as_default():
    assert vs.layers.Dense(1).name == "dense_1"
    assert vs.layers.Dense(1).name == "dense_2"
  with vs.Graph().as_default():
    assert vs.layers.Dense(1).name == "dense_1"
