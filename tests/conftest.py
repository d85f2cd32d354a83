"""Shared fixtures, and the inner loop: the ``slow`` and ``docs`` markers and ``--quick``.

The inner loop, ``pytest -m "not slow"`` (or ``pytest --quick``, the same set), runs every
area's tests that take under ~0.5 s on an idle core, and a fixed sample of each large
parametrized family (cases 0, 10, 20, ... of every test with more than 10 cases); the full
run, ``pytest``, runs everything. So ``slow`` (registered in pyproject.toml) is on

- a test measured over ~0.5 s on an idle core (``@pytest.mark.slow`` in its file; for a
  doctest, its name in ``SLOW_DOCTESTS`` below, since a docstring cannot carry a marker);
- every case of a parametrized test with more than ``SAMPLE_EVERY`` cases but those at
  positions 0, ``SAMPLE_EVERY``, 2 * ``SAMPLE_EVERY``, ... in parametrization order (the
  golden families of TF programs, layer, RNN and slim programs, and the per-module and
  per-file checks of the guard tests);
- every test under ``tests/docs/`` (README, docs, notebooks, examples), which also has ``docs``.

The slow tests run after the others.
"""

import collections
import functools
import pathlib

import numpy as np
import pytest
from _pytest.doctest import DoctestItem

import varscope_jax as vs
from varscope_jax._src.core import graph as graph_lib

DOCS = pathlib.Path(__file__).resolve().parent / "docs"

# The inner loop keeps every SAMPLE_EVERY-th case of a parametrized test with more cases.
SAMPLE_EVERY = 10

# Docstring examples over ~0.5 s on an idle core (most compile a convolution or an RNN).
SLOW_DOCTESTS = frozenset(
  "varscope_jax." + name
  for name in """
  _src.bridges.flax_to_linen.to_linen
  _src.contrib.framework.arg_scope.arg_scope
  _src.contrib.layers.convolution.convolution1d
  _src.contrib.layers.convolution.convolution2d
  _src.contrib.layers.convolution.convolution2d_transpose
  _src.contrib.layers.convolution.convolution3d
  _src.contrib.layers.convolution.convolution3d_transpose
  _src.contrib.layers.fully_connected.fully_connected
  _src.contrib.layers.initializers.variance_scaling_initializer
  _src.contrib.layers.spatial_softmax.spatial_softmax
  _src.contrib.layers.unit_norm.unit_norm
  _src.contrib.layers.utils.convert_collection_to_dict
  _src.contrib.rnn.layer_norm_lstm.LayerNormBasicLSTMCell
  _src.initializers.random.Orthogonal
  _src.initializers.random.RandomUniform
  _src.initializers.random.TruncatedNormal
  _src.initializers.random.VarianceScaling
  _src.layers.conv_functions.conv1d
  _src.layers.conv_functions.conv2d
  _src.layers.conv_functions.conv2d_transpose
  _src.layers.conv_functions.conv3d
  _src.layers.conv_functions.conv3d_transpose
  _src.layers.conv_functions.separable_conv1d
  _src.layers.conv_functions.separable_conv2d
  _src.layers.convolutional.Conv1D
  _src.layers.convolutional.Conv2D
  _src.layers.convolutional.Conv2DTranspose
  _src.layers.convolutional.Conv3D
  _src.layers.convolutional.Conv3DTranspose
  _src.layers.convolutional.SeparableConv1D
  _src.layers.convolutional.SeparableConv2D
  _src.layers.normalization.batch_normalization
  _src.nn.cell_wrappers.DropoutWrapper
  _src.nn.cell_wrappers.ResidualWrapper
  _src.nn.cells.GRUCell
  _src.nn.cells.LSTMCell
  _src.nn.embedding.embedding_lookup
  _src.nn.multi_rnn_cell.MultiRNNCell
  _src.nn.rnn.bidirectional_dynamic_rnn
  _src.nn.rnn.dynamic_rnn
  _src.nn.rnn.static_bidirectional_rnn
  _src.nn.rnn.static_rnn
  _src.ops.array_ops.gather
  _src.ops.array_ops.matrix_band_part
  _src.ops.image_ops.resize_bilinear
  _src.ops.image_ops.resize_nearest_neighbor
  _src.ops.math_ops.cast
  _src.ops.math_ops.floormod
  _src.ops.nn_ops.sparse_softmax_cross_entropy_with_logits
  contrib.layers
  layers
""".split()
)


def pytest_addoption(parser):
  parser.addoption(
    "--quick",
    action="store_true",
    default=False,
    help='the inner loop: skip the tests marked slow (as -m "not slow")',
  )


@functools.lru_cache(maxsize=None)
def _under_docs(folder):
  return folder.resolve() == DOCS or DOCS in folder.resolve().parents


def _is_slow(item):
  return item.get_closest_marker("slow") is not None


def mark_inner_loop(items):
  """Adds ``docs`` and ``slow`` to ``items`` by the rule in this module's docstring."""
  families = collections.defaultdict(list)
  for item in items:
    if _under_docs(item.path.parent):
      item.add_marker(pytest.mark.docs)
      item.add_marker(pytest.mark.slow)
    if isinstance(item, DoctestItem) and item.name in SLOW_DOCTESTS:
      item.add_marker(pytest.mark.slow)
    if getattr(item, "callspec", None) is not None:
      families[(item.parent.nodeid, item.originalname)].append(item)
  for cases in families.values():
    if len(cases) > SAMPLE_EVERY:
      for i, item in enumerate(cases):
        if i % SAMPLE_EVERY:
          item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
  mark_inner_loop(items)
  if config.getoption("--quick"):
    dropped = [item for item in items if _is_slow(item)]
    if dropped:
      config.hook.pytest_deselected(items=dropped)
    items[:] = [item for item in items if not _is_slow(item)]
  # The slow tests run last (otherwise in collection order), so the progress count moves
  # steadily through the many quick tests first.
  items.sort(key=_is_slow)


@pytest.fixture(autouse=True)
def fresh_default_graph():
  """Every test starts (and ends) with an empty eager default graph."""
  vs.reset_default_graph()
  yield
  graph_lib.discard_default_graph()  # even if a test left a scope open


@pytest.fixture(autouse=True)
def numpy_print_options():
  """Every test (doctests too) ends with numpy's print options as it found them, so a test
  that runs a script setting them (the BERT example does) changes no later test's output."""
  with np.printoptions():
    yield


# Scripts that need TensorFlow (they make the golden data); never imported by the tests.
collect_ignore_glob = [
  "tf1_ckpt/make_*.py",
  "golden/make_*.py",
  "multidevice/*.py",
  "tf1_train/make_*.py",
  "*/make_*.py",
]
