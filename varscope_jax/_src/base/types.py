"""Type aliases and the ``Backend`` protocol: the one place eager, init and apply differ."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Protocol, Sequence, Union

import jax
import numpy as np

Params = Mapping[str, Any]          # a nested dict of arrays keyed by scope names
Shape = Sequence[int]
DType = Union[np.dtype, type, str]
Initializer = Callable[..., jax.Array]   # init(key, shape, dtype) or TF-style init(shape, dtype)


class Backend(Protocol):
  """Makes and reads variable values for a graph (see ``core/backends.py``).

  A ``Graph`` delegates to its backend everything that depends on the mode:

  * ``create(graph, rec)`` -- the value of a new variable (eager array wrapped in a
    ``vs.Variable``, init's placeholder, or apply's checked params leaf);
  * ``current_value(graph, rec)`` / ``assign(graph, rec, new)`` -- reads and writes for
    ``vs.assign`` and friends;
  * ``find_existing(name)`` -- a variable that exists outside this graph (apply: a leaf
    of ``params`` made by another function), or None;
  * ``known_names(graph)`` -- the names a "Did you mean" hint may suggest;
  * ``default_rng(graph)`` -- the rng of ``next_rng_key`` when the call gave none;
  * ``keeps_stacks`` -- whether creation stacks are recorded (TF's "Originally defined
    at:" lines; eager only, as they cost time).
  """
  keeps_stacks: bool

  def create(self, graph: Any, rec: Any) -> Any: ...
  def current_value(self, graph: Any, rec: Any) -> Any: ...
  def assign(self, graph: Any, rec: Any, new: Any) -> None: ...
  def find_existing(self, name: str) -> Any: ...
  def known_names(self, graph: Any) -> list: ...
  def default_rng(self, graph: Any) -> Any: ...
