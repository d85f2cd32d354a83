"""A writer of TF1 V2 checkpoints (tensor bundles), no TensorFlow: the reader's inverse.

``write_bundle(prefix, {name: array})`` writes, as TF's ``BundleWriter`` does:

* ``prefix.data-00000-of-00001``: every tensor's bytes, little-endian, one after the
  other in name order (strings as TF's varint lengths, their masked crc32c, the bytes);
* ``prefix.index``: a LevelDB-format SSTable, uncompressed, keys sorted bytewise: the
  empty key holds the ``BundleHeaderProto`` (one shard, little-endian, version 1), each
  tensor name a ``BundleEntryProto`` (dtype, shape, offset, size, masked crc32c of the
  bytes). Data blocks hold up to ``_BLOCK_SIZE`` bytes with a restart point every 16
  keys; the index block maps each block's last key to its handle; the footer holds the
  (empty) metaindex and index handles and the magic number.

The index is the commit point of an overwrite (see :func:`write_bundle`): a reader sees
the old bundle or the new one, never an index beside another bundle's data.
"""

from __future__ import annotations

import os
import re
import struct

import numpy as np

from varscope_jax._src.io import durable
from varscope_jax._src.io.errors import CheckpointError
from varscope_jax._src.io.tf1.crc32c import crc32c, mask_crc
from varscope_jax._src.io.tf1.bundle_format import DT_STRING, DTYPES
from varscope_jax._src.io.tf1.reader import Bundle
from varscope_jax._src.io.tf1.sstable import MAGIC as _MAGIC

_ENUM = {dtype: enum for enum, dtype in DTYPES.items() if enum != DT_STRING}
_BLOCK_SIZE = 4096
_RESTART_INTERVAL = 16


def _varint(value: int) -> bytes:
  out = bytearray()
  while True:
    byte = value & 0x7F
    value >>= 7
    if value:
      out.append(byte | 0x80)
    else:
      out.append(byte)
      return bytes(out)


def _field_varint(number: int, value: int) -> bytes:
  return _varint(number << 3) + _varint(value & ((1 << 64) - 1))


def _field_bytes(number: int, value: bytes) -> bytes:
  return _varint(number << 3 | 2) + _varint(len(value)) + value


def _field_fixed32(number: int, value: int) -> bytes:
  return _varint(number << 3 | 5) + struct.pack("<I", value)


def _header(num_shards: int = 1) -> bytes:
  # BundleHeaderProto: num_shards, endianness = LITTLE (0, the default, omitted),
  # version = VersionDef{producer: 1} (TF's kTensorBundleVersion).
  return _field_varint(1, num_shards) + _field_bytes(3, _field_varint(1, 1))


def _entry(enum: int, shape: tuple[int, ...], offset: int, size: int, crc: int) -> bytes:
  dims = b"".join(_field_bytes(2, _field_varint(1, d) if d else b"") for d in shape)
  out = _field_varint(1, enum) + _field_bytes(2, dims)
  if offset:
    out += _field_varint(4, offset)
  if size:
    out += _field_varint(5, size)
  return out + _field_fixed32(6, mask_crc(crc))


def tensor_bytes(name: str, value: np.ndarray) -> tuple[int, bytes, int]:
  """``(TF dtype enum, bytes as TF stores them, crc32c TF checks)`` of one tensor."""
  if value.dtype == object:
    return (DT_STRING, *_encode_strings(name, value))
  enum = _ENUM.get(value.dtype.newbyteorder("="))
  if enum is None:
    raise TypeError(
      f"Variable {name} has dtype {value.dtype}, which a TF1 checkpoint "
      f"cannot hold. Cast it to one of: "
      f"{', '.join(sorted(d.name for d in _ENUM))}."
    )
  raw = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<")).tobytes()
  return enum, raw, crc32c(raw)


def _encode_strings(name: str, value: np.ndarray) -> tuple[bytes, int]:
  items = []
  for item in value.reshape(-1):
    if isinstance(item, str):
      item = item.encode("utf-8")
    if not isinstance(item, (bytes, np.bytes_)):
      raise TypeError(
        f"Variable {name} is an object array holding a "
        f"{type(item).__name__}; only bytes or str can be saved (TF strings)."
      )
    items.append(bytes(item))
  lengths = b"".join(_varint(len(s)) for s in items)
  crc = 0
  for s in items:  # TF checksums each length as uint32 (uint64 past 4 GiB).
    crc = crc32c(struct.pack("<I" if len(s) <= 0xFFFFFFFF else "<Q", len(s)), crc)
  length_crc = struct.pack("<I", mask_crc(crc))
  crc = crc32c(length_crc, crc)
  body = b"".join(items)
  return lengths + length_crc + body, crc32c(body, crc)


class _BlockBuilder:
  """One SSTable block: prefix-compressed entries, restart offsets, their count."""

  def __init__(self):
    self.buf = bytearray()
    self.restarts = [0]
    self.count = 0
    self.last_key = b""

  def add(self, key: bytes, value: bytes) -> None:
    shared = 0
    if self.count % _RESTART_INTERVAL == 0:
      if self.count:
        self.restarts.append(len(self.buf))
    else:
      limit = min(len(key), len(self.last_key))
      while shared < limit and key[shared] == self.last_key[shared]:
        shared += 1
    self.buf += _varint(shared) + _varint(len(key) - shared) + _varint(len(value))
    self.buf += key[shared:] + value
    self.last_key = key
    self.count += 1

  def size(self) -> int:
    return len(self.buf) + 4 * len(self.restarts) + 4

  def finish(self) -> bytes:
    return (
      bytes(self.buf)
      + b"".join(struct.pack("<I", r) for r in self.restarts)
      + struct.pack("<I", len(self.restarts))
    )


def _sstable(items: list[tuple[bytes, bytes]]) -> bytes:
  """The bytes of an SSTable holding ``items`` (sorted by key, unique)."""
  out = bytearray()

  def write_block(block: bytes) -> bytes:
    handle = _varint(len(out)) + _varint(len(block))
    out.extend(block + b"\x00")
    out.extend(struct.pack("<I", mask_crc(crc32c(block + b"\x00"))))
    return handle

  index = _BlockBuilder()
  block = _BlockBuilder()
  for key, value in items:
    block.add(key, value)
    if block.size() >= _BLOCK_SIZE:
      index.add(block.last_key, write_block(block.finish()))
      block = _BlockBuilder()
  if block.count or not index.count:
    index.add(block.last_key, write_block(block.finish()))
  metaindex = write_block(_BlockBuilder().finish())
  index_handle = write_block(index.finish())
  footer = (metaindex + index_handle).ljust(40, b"\x00") + struct.pack("<Q", _MAGIC)
  return bytes(out) + footer


def _shards_of(prefix: str) -> int | None:
  """The ``num_shards`` of the index now at ``prefix`` (``None``: none, or unreadable)."""
  try:
    return Bundle(prefix).num_shards
  except (CheckpointError, OSError):
    return None


def _data_files(prefix: str) -> dict[str, int]:
  """``{path: num_shards}`` of the data files of ``prefix`` in its folder."""
  folder, base = os.path.split(os.path.abspath(prefix))
  pattern = re.compile(re.escape(base) + r"\.data-\d{5}-of-(\d{5})")
  try:
    names = os.listdir(folder)
  except FileNotFoundError:
    return {}
  return {
    os.path.join(folder, name): int(m.group(1)) for name in names if (m := pattern.fullmatch(name))
  }


def write_bundle(prefix: str, tensors: dict[str, np.ndarray]) -> None:
  """Writes ``tensors`` (``{name: numpy array}``) as the tensor bundle ``prefix``, atomically.

  The index is the one commit point. The data goes to files the index now at ``prefix``
  does not use: one shard (``.data-00000-of-00001``) when that index has several, else
  two (``.data-00000-of-00002`` holding every tensor, ``.data-00001-of-00002`` empty, a
  layout TF reads as any sharded bundle). Each file is written under a temporary name,
  fsynced and renamed into place; then the new index is renamed over the old one (and
  the folder fsynced), and only then are the old data files removed. A writer killed at
  any moment leaves the old bundle or the new one whole; its temporaries are removed by
  the next writer.

  Raises:
    CheckpointError: if a file cannot be written (a full disk), naming it; the previous
      bundle is then intact and nothing new is left behind.

  >>> import os, tempfile, numpy as np
  >>> from varscope_jax._src.io.tf1.reader import Bundle
  >>> prefix = os.path.join(tempfile.mkdtemp(), "model.ckpt")
  >>> write_bundle(prefix, {"w": np.arange(3, dtype=np.float32)})
  >>> Bundle(prefix).read("w")
  array([0., 1., 2.], dtype=float32)
  """
  names = sorted(tensors, key=lambda n: n.encode("utf-8"))
  entries = [(b"", b"")]
  chunks = []
  offset = 0
  for name in names:
    value = tensors[name]
    enum, raw, crc = tensor_bytes(name, value)
    entries.append((name.encode("utf-8"), _entry(enum, value.shape, offset, len(raw), crc)))
    chunks.append(raw)
    offset += len(raw)
  durable.remove_stale(prefix)
  now = _shards_of(prefix)
  if now is None and os.path.exists(prefix + ".index"):  # an index this reader cannot
    now = 1 if 1 in _data_files(prefix).values() else None  # parse: keep off its files
  shards = 2 if now == 1 else 1
  entries[0] = (b"", _header(shards))
  index = _sstable(entries)
  data_paths = ["%s.data-%05d-of-%05d" % (prefix, i, shards) for i in range(shards)]
  written: list[str] = []
  current = data_paths[0]
  index_tmp = None
  try:
    for i, path in enumerate(data_paths):
      current = path
      with durable.Temporary(path) as tmp:
        if i == 0:
          pos = 0
          for raw in chunks:
            tmp.write_at(raw, pos)
            pos += len(raw)
        tmp.commit()
      written.append(path)
    current = prefix + ".index"
    with durable.Temporary(current) as index_tmp:
      index_tmp.write_at(index, 0)
      index_tmp.commit()  # the commit point
  except OSError as e:
    if index_tmp is None or not index_tmp.committed:  # the old index stands: not its files
      for path in written:
        os.remove(path)
    raise durable.disk_error(current, e) from None
  for path, count in _data_files(prefix).items():
    if count != shards:
      try:
        os.remove(path)
      except FileNotFoundError:
        pass
