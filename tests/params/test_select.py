"""Selecting params by scoped-name globs: masks for optax.masked, labels, split, merge."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, strategies as st

import varscope_jax as vs

P = {"model": {"enc": {"fc1": {"w": 1, "b": 2}}, "dec": {"w": 3, "b": 4}}, "step": 5}


def test_glob_star_stays_within_one_part():
  assert vs.matches("model/dec/w", "model/*/w")
  assert not vs.matches("model/enc/fc1/w", "model/*/w")
  assert vs.matches("model/enc/fc1/w", "model/**/w")
  assert vs.matches("model/enc/fc1/w", "**/w")
  assert not vs.matches("model/enc/fc1/b", "**/w")
  assert vs.matches("step", "st?p") and vs.matches("model/dec/b", "model/dec/[ab]")


def test_mask_selects_exactly_the_globbed_variables():
  m = vs.mask(P, "**/w")
  assert [n for n, v in vs.flatten_params(m) if v] == ["model/enc/fc1/w", "model/dec/w"]
  with pytest.raises(ValueError, match=r"pattern 'model/\*/W' matches no variable"):
    vs.mask(P, "model/*/W")
  assert vs.mask(P, "nothing", strict=False)["step"] is False
  with pytest.raises(TypeError, match="glob string or a compiled regex"):
    vs.mask(P, 3)


def test_labels_first_rule_wins_and_default():
  lab = vs.labels(P, {"frozen": "model/enc/**", "decay": "**/w"}, default="plain")
  assert lab["model"]["enc"]["fc1"]["w"] == "frozen"
  assert lab["model"]["dec"]["w"] == "decay" and lab["step"] == "plain"
  with pytest.raises(ValueError, match="variable model/enc/fc1/b matches no rule"):
    vs.labels(P, {"decay": "**/w"})


def test_split_and_merge_round_trip():
  sel, rest = vs.split(P, "**/b", "step")
  assert sel == {"model": {"enc": {"fc1": {"b": 2}}, "dec": {"b": 4}}, "step": 5}
  assert vs.merge(sel, rest) == P
  with pytest.raises(ValueError, match="already a variable"):
    vs.merge({"a": 1}, {"a": {"b": 2}})


def test_weight_decay_on_kernels_only_with_optax_masked():
  params = {"fc": {"w": jnp.ones(2), "b": jnp.ones(2)}}
  opt = optax.add_decayed_weights(0.5, mask=vs.mask(params, "**/w"))
  updates, _ = opt.update(jax.tree_util.tree_map(jnp.zeros_like, params), opt.init(params), params)
  np.testing.assert_array_equal(updates["fc"]["w"], [0.5, 0.5])
  np.testing.assert_array_equal(updates["fc"]["b"], [0.0, 0.0])


def test_freeze_with_multi_transform_labels():
  params = {"enc": {"w": jnp.ones(2)}, "dec": {"w": jnp.ones(2)}}
  opt = optax.multi_transform(
    {"train": optax.sgd(1.0), "frozen": optax.set_to_zero()},
    vs.labels(params, {"frozen": "enc/**"}, default="train"),
  )
  grads = jax.tree_util.tree_map(jnp.ones_like, params)
  updates, _ = opt.update(grads, opt.init(params), params)
  assert updates["enc"]["w"].tolist() == [0.0, 0.0]
  assert updates["dec"]["w"].tolist() == [-1.0, -1.0]


names = st.lists(
  st.from_regex(r"[a-c]{1,2}(/[a-c]{1,2}){0,2}", fullmatch=True),
  min_size=1,
  max_size=8,
  unique=True,
)


@pytest.mark.slow
@given(names, st.sampled_from(["*", "**", "a*", "**/a", "*/b*", "a/**", "?/?"]))
def test_split_partitions_every_leaf(ns, pattern):
  try:
    tree = vs.unflatten_params({n: i for i, n in enumerate(ns)})
  except ValueError:
    return  # leaf/scope clash: not a params tree
  sel, rest = vs.split(tree, pattern, strict=False)
  flat_sel = dict(vs.flatten_params(sel))
  flat_rest = dict(vs.flatten_params(rest))
  assert set(flat_sel) | set(flat_rest) == set(ns)
  assert not set(flat_sel) & set(flat_rest)
  assert all(vs.matches(n, pattern) for n in flat_sel)
  assert vs.merge(sel, rest) == tree


def test_spec_mask_from_transform_specs():
  def f():
    with vs.variable_scope("bn"):
      vs.get_variable("gamma", [2])
      vs.get_variable("mean", [2], trainable=False)
      vs.get_local_variable("count", [])

  t = vs.transform(f)
  params = t.init(jax.random.PRNGKey(0))
  specs = t.specs()
  assert vs.spec_mask(params, specs) == {"bn": {"gamma": True, "mean": False, "count": False}}
  assert vs.spec_mask(params, specs, vs.GraphKeys.LOCAL_VARIABLES)["bn"]["count"] is True
  trainable, state = vs.split_by_names(params, [n for n, s in specs.items() if s.trainable])
  assert list(trainable["bn"]) == ["gamma"] and list(state["bn"]) == ["mean", "count"]
