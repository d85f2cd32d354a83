"""``vs.nn.embedding_lookup``: TF1's lookup in one table or in a table split in shards."""

from __future__ import annotations

import jax.numpy as jnp

from varscope_jax._src.base import tf_errors
from varscope_jax._src.core.variables import value_of


def _clip_by_norm(x, max_norm, axes):
  """TF's ``clip_by_norm`` over ``axes`` (exactly its formula, zero vectors kept)."""
  l2sum = jnp.sum(x * x, axis=axes, keepdims=True)
  pred = l2sum > 0
  l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, jnp.ones_like(l2sum))), l2sum)
  return x * max_norm / jnp.maximum(l2norm, max_norm)


def embedding_lookup(
  params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None
):
  """TF1's ``tf.nn.embedding_lookup``: rows ``ids`` of a table, or of a table in shards.

  ``params`` is one array ``[vocab, ...]`` or a list of shards (e.g. several
  ``get_variable``\\ s, as TF1 models wrote partitioned embeddings). With shards, id ``i``
  is in shard ``i % n`` at row ``i // n`` (``partition_strategy="mod"``), or in
  contiguous blocks (``"div"``: the first ``vocab % n`` shards hold one row more).
  ``max_norm`` clips each looked-up vector to that l2 norm, as TF.

  Args:
    params: an array, or a list of arrays with the same trailing shape.
    ids: an int array of any shape.
    partition_strategy: ``"mod"`` (default) or ``"div"``.
    name: ignored.
    validate_indices: ignored (as in TF).
    max_norm: clip the embeddings to this l2 norm (None: no clipping).

  Returns:
    ``ids.shape + params.shape[1:]``.

  Raises:
    ValueError: empty ``params``, an unknown ``partition_strategy``, or shards whose
      trailing shapes differ.

  >>> import jax.numpy as jnp
  >>> import varscope_jax as vs
  >>> table = jnp.arange(12.0).reshape(6, 2)
  >>> vs.nn.embedding_lookup(table, jnp.array([[0, 5]])).tolist()
  [[[0.0, 1.0], [10.0, 11.0]]]
  >>> shards = [table[0::2], table[1::2]]          # "mod": ids 0, 2, 4 | 1, 3, 5
  >>> vs.nn.embedding_lookup(shards, jnp.array([1, 4])).tolist()
  [[2.0, 3.0], [8.0, 9.0]]
  """
  del name, validate_indices
  if partition_strategy not in ("mod", "div"):
    raise ValueError(
      tf_errors.UNRECOGNIZED_PARTITION_STRATEGY % (partition_strategy,) + " (use 'mod' or 'div')."
    )
  if isinstance(params, (list, tuple)):
    shards = [jnp.asarray(value_of(p)) for p in params]
  else:
    shards = [jnp.asarray(value_of(params))]
  if not shards:
    raise ValueError(tf_errors.NEED_ONE_PARAM)
  if len({s.shape[1:] for s in shards}) > 1:
    raise ValueError(
      "embedding_lookup: the shards' trailing shapes differ: %s; every "
      "shard of params must have the same shape after its first dimension."
      % [tuple(s.shape) for s in shards]
    )
  ids = jnp.asarray(ids)
  n = len(shards)
  if n == 1:
    table, flat_ids = shards[0], ids
  else:
    sizes = [s.shape[0] for s in shards]
    offsets = jnp.cumsum(jnp.asarray([0] + sizes[:-1]))
    if partition_strategy == "mod":
      p, row = ids % n, ids // n
    else:
      vocab = sum(sizes)
      per, extras = vocab // n, vocab % n
      p = jnp.maximum(ids // (per + 1), (ids - extras) // per)
      row = jnp.where(p < extras, ids % (per + 1), (ids - extras) % per)
    table, flat_ids = jnp.concatenate(shards, 0), offsets[p] + row
  out = jnp.take(table, flat_ids, axis=0)
  if max_norm is not None:
    out = _clip_by_norm(out, max_norm, tuple(range(ids.ndim, out.ndim)))
  return out
