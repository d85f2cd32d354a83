"""A validating reader of LevelDB-format SSTables (the ``.index`` file of a TF1 bundle).

Layout (LevelDB ``table_format.md``, as TF's ``tensorflow/core/lib/io/table.cc`` reads it):
the footer (last 48 bytes) holds two ``BlockHandle`` s (varint offset and size) for the
metaindex block (unused: TF writes it empty) and the index block, then the magic
``0xdb4775248b80fb57``. The index block maps separator keys to the handles of data
blocks. Each block holds prefix-compressed entries (varint shared, unshared and value
lengths; key tail; value), then ``uint32`` restart offsets and their count, and is
followed on disk by a 5-byte trailer: a compression byte and the masked crc32c of the
block and that byte.

Every field is checked against the bytes that hold it before it is used: a length or
count read from the file never sizes an allocation or a loop beyond the file itself, and
every inconsistency is a :class:`Malformed` with a description, which the caller turns
into a ``CheckpointError`` naming the file.
"""

from __future__ import annotations

import struct

from varscope_jax._src.io.tf1.crc32c import crc32c, unmask_crc

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_TRAILER_SIZE = 5


class Malformed(Exception):
  """Bytes that break the format; the message says which and where."""


def varint(buf, pos: int, limit: int | None = None) -> tuple[int, int]:
  """A base-128 varint of at most 10 bytes (``< 2**64``) at ``buf[pos:limit]``."""
  end = len(buf) if limit is None else limit
  result = shift = 0
  while True:
    if pos >= end:
      raise Malformed("truncated varint")
    byte = buf[pos]
    pos += 1
    result |= (byte & 0x7F) << shift
    if not byte & 0x80:
      if result >= 1 << 64:
        raise Malformed("varint larger than 64 bits")
      return result, pos
    shift += 7
    if shift >= 70:
      raise Malformed("varint longer than 10 bytes")


def block_entries(block: bytes) -> list[tuple[bytes, bytes]]:
  """The ``(key, value)`` pairs of one block, checking every length and restart point."""
  if len(block) < 4:
    raise Malformed(f"block of {len(block)} bytes is shorter than its restart count")
  (num_restarts,) = struct.unpack_from("<I", block, len(block) - 4)
  if num_restarts < 1 or num_restarts > (len(block) - 4) // 4:
    raise Malformed(f"block of {len(block)} bytes claims {num_restarts} restart points")
  limit = len(block) - 4 - 4 * num_restarts
  restarts = struct.unpack_from(f"<{num_restarts}I", block, limit)
  if (
    restarts[0] != 0
    or any(b <= a for a, b in zip(restarts, restarts[1:]))
    or (restarts[-1] > limit or (restarts[-1] == limit and limit))
  ):
    raise Malformed("block restart points are not increasing offsets inside the block")
  restart_set = set(restarts)
  entries: list[tuple[bytes, bytes]] = []
  starts: set[int] = set()
  pos, key = 0, b""
  while pos < limit:
    at_restart = pos in restart_set
    starts.add(pos)
    shared, pos = varint(block, pos, limit)
    unshared, pos = varint(block, pos, limit)
    value_len, pos = varint(block, pos, limit)
    if shared > len(key) or (at_restart and shared):
      raise Malformed(f"block entry shares {shared} bytes with a previous key of {len(key)} bytes")
    if unshared + value_len > limit - pos:
      raise Malformed(f"block entry of {unshared} + {value_len} bytes runs past its block")
    key = key[:shared] + bytes(block[pos : pos + unshared])
    pos += unshared
    entries.append((key, bytes(block[pos : pos + value_len])))
    pos += value_len
  if any(r not in starts for r in restarts if r < limit):
    raise Malformed("a block restart point is not at the start of an entry")
  return entries


def read_block(data: bytes, offset: int, size: int, end: int) -> bytes:
  """The bytes of the block at ``offset`` (its trailer checked), within ``data[:end]``."""
  if offset + size + BLOCK_TRAILER_SIZE > end:
    raise Malformed(f"block at offset {offset} ({size} bytes) runs past the end of the table")
  compression = data[offset + size]
  (masked,) = struct.unpack_from("<I", data, offset + size + 1)
  if unmask_crc(masked) != crc32c(data[offset : offset + size + 1]):
    raise Malformed(f"block at offset {offset} fails its crc32c check")
  if compression == 1:
    raise Malformed(
      "has a snappy-compressed block; TF writes bundle indexes uncompressed and "
      "varscope_jax does not read compressed ones. Re-save the checkpoint with "
      "tf.compat.v1.train.Saver, or read it with TensorFlow"
    )
  if compression != 0:
    raise Malformed(f"block at offset {offset} has unknown compression {compression}")
  return data[offset : offset + size]


def _handle(value: bytes, what: str) -> tuple[int, int]:
  offset, pos = varint(value, 0)
  size, pos = varint(value, pos)
  if pos != len(value):
    raise Malformed(f"{what} has {len(value) - pos} stray bytes after its block handle")
  return offset, size


def read_table(data: bytes) -> dict[bytes, bytes]:
  """``{key: value}`` of a whole SSTable, keys strictly increasing across all blocks."""
  if len(data) < FOOTER_SIZE:
    raise Malformed("is too short to be a TF checkpoint index")
  footer_start = len(data) - FOOTER_SIZE
  (magic,) = struct.unpack_from("<Q", data, len(data) - 8)
  if magic != MAGIC:
    raise Malformed(
      "is not a TF checkpoint index (bad magic number). TF1 checkpoints in "
      "the old V1 format (a single file) are not supported"
    )
  footer = data[footer_start : len(data) - 8]
  _, pos = varint(footer, 0)  # metaindex handle: TF writes an empty block; unused.
  _, pos = varint(footer, pos)
  index_offset, pos = varint(footer, pos)
  index_size, pos = varint(footer, pos)
  index = block_entries(read_block(data, index_offset, index_size, footer_start))
  table: dict[bytes, bytes] = {}
  last: bytes | None = None
  for separator, handle in index:
    offset, size = _handle(handle, "an index entry")
    for key, value in block_entries(read_block(data, offset, size, footer_start)):
      if last is not None and key <= last:
        raise Malformed(
          f"keys are not in increasing order at {key!r} (after {last!r})"
          if key != last
          else f"key {key!r} appears twice"
        )
      if key > separator:
        raise Malformed(f"key {key!r} lies past its block's index key {separator!r}")
      table[key] = value
      last = key
  return table
