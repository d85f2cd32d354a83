"""A reader of TF1 checkpoints' tensor bundles (``tf.compat.v1.train.Saver``), no TensorFlow.

A TF1 (V2-format) checkpoint ``model.ckpt`` is a *tensor bundle*:

* ``model.ckpt.index``: a LevelDB-format SSTable. Its footer (last 48 bytes) holds two
  ``BlockHandle`` s (varint offset and size) for the metaindex and index blocks and the
  magic ``0xdb4775248b80fb57``. The index block maps separator keys to data blocks. Each
  block holds prefix-compressed entries (varint shared, unshared, value length; key tail;
  value), then ``uint32`` restart offsets and their count, and is followed on disk by a
  5-byte trailer: a compression byte and a masked crc32c of block + compression byte.
  The empty key holds a ``BundleHeaderProto``; every other key is a tensor name whose
  value is a ``BundleEntryProto`` (``dtype``, ``shape``, ``shard_id``, ``offset``, ``size``,
  masked ``crc32c``, ``slices``). Keys starting with ``\\x00`` hold the slices of a
  partitioned variable (``tensorflow/core/util/saved_tensor_slice_util.cc``).
* ``model.ckpt.data-SSSSS-of-NNNNN``: the tensor bytes, at ``offset``, ``size`` long.

The few protobuf fields needed are decoded by hand (varint wire format) and checksums
use a table-driven pure-Python crc32c, so neither ``tensorflow`` nor ``protobuf`` is
needed. Numbers are turned into ``jax.Array`` (as JAX canonicalizes them: 64-bit values
become 32-bit unless ``jax_enable_x64`` is on; pass ``as_numpy=True`` to keep them);
``DT_STRING`` tensors are returned as numpy ``object`` arrays of ``bytes``, since JAX has
no string arrays.
"""
from __future__ import annotations

import os
import re
import struct

import ml_dtypes
import numpy as np


_MAGIC = 0xDB4775248B80FB57
_FOOTER_SIZE = 48
_BLOCK_TRAILER_SIZE = 5

# TF DataType enum -> numpy dtype (tensorflow/core/framework/types.proto).
_DTYPES: dict[int, np.dtype] = {
    1: np.dtype(np.float32),
    2: np.dtype(np.float64),
    3: np.dtype(np.int32),
    4: np.dtype(np.uint8),
    5: np.dtype(np.int16),
    6: np.dtype(np.int8),
    7: np.dtype(object),  # DT_STRING
    8: np.dtype(np.complex64),
    9: np.dtype(np.int64),
    10: np.dtype(np.bool_),
    14: np.dtype(ml_dtypes.bfloat16),
    17: np.dtype(np.uint16),
    18: np.dtype(np.complex128),
    19: np.dtype(np.float16),
    22: np.dtype(np.uint32),
    23: np.dtype(np.uint64),
}
_DT_STRING = 7
_TF_DTYPE_NAMES = {
    11: "qint8", 12: "quint8", 13: "qint32", 15: "qint16", 16: "quint16", 20: "resource",
    21: "variant", 24: "float8_e5m2", 25: "float8_e4m3fn", 29: "int4", 30: "uint4",
}


# ---------------------------------------------------------------------------
# crc32c (Castagnoli), pure Python, table driven.

def _make_crc_table() -> list[int]:
  table = []
  for byte in range(256):
    crc = byte
    for _ in range(8):
      crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    table.append(crc)
  return table


_CRC_TABLE = _make_crc_table()


def crc32c(data: bytes, crc: int = 0) -> int:
  """The crc32c of ``data``, continuing from ``crc`` (as TF's ``crc32c::Extend``).

  >>> hex(crc32c(b"123456789"))
  '0xe3069283'
  """
  crc ^= 0xFFFFFFFF
  table = _CRC_TABLE
  for byte in bytes(data):
    crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
  return crc ^ 0xFFFFFFFF


def _unmask_crc(masked: int) -> int:
  rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
  return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def _mask_crc(crc: int) -> int:
  return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


# ---------------------------------------------------------------------------
# Varints and the protobuf wire format.

def _varint(buf: bytes, pos: int) -> tuple[int, int]:
  result = shift = 0
  while True:
    if pos >= len(buf):
      raise ValueError("truncated varint")
    byte = buf[pos]
    pos += 1
    result |= (byte & 0x7F) << shift
    if not byte & 0x80:
      return result, pos
    shift += 7
    if shift > 63:
      raise ValueError("varint longer than 10 bytes")


def _int64(value: int) -> int:
  return value - (1 << 64) if value >= 1 << 63 else value


def _proto_fields(buf: bytes) -> list[tuple[int, int | bytes]]:
  """``(field_number, value)`` pairs: ints for varint/fixed fields, bytes for LEN."""
  fields: list[tuple[int, int | bytes]] = []
  pos = 0
  while pos < len(buf):
    tag, pos = _varint(buf, pos)
    number, wire = tag >> 3, tag & 7
    if wire == 0:
      value, pos = _varint(buf, pos)
    elif wire == 1:
      value = int.from_bytes(buf[pos:pos + 8], "little")
      pos += 8
    elif wire == 2:
      length, pos = _varint(buf, pos)
      value = bytes(buf[pos:pos + length])
      pos += length
    elif wire == 5:
      value = int.from_bytes(buf[pos:pos + 4], "little")
      pos += 4
    else:
      raise ValueError(f"unsupported protobuf wire type {wire}")
    if pos > len(buf):
      raise ValueError("truncated protobuf message")
    fields.append((number, value))
  return fields


class _Entry:
  """The fields of a ``BundleEntryProto`` that a reader needs."""

  def __init__(self, raw: bytes):
    self.dtype = 0
    self.shape: tuple[int, ...] = ()
    self.shard_id = 0
    self.offset = 0
    self.size = 0
    self.crc32c: int | None = None
    self.slices: list[list[tuple[int, int]]] = []  # per slice: (start, length or -1)
    for number, value in _proto_fields(raw):
      if number == 1:
        self.dtype = value
      elif number == 2:
        self.shape = _parse_shape(value)
      elif number == 3:
        self.shard_id = value
      elif number == 4:
        self.offset = value
      elif number == 5:
        self.size = value
      elif number == 6:
        self.crc32c = value
      elif number == 7:
        self.slices.append(_parse_slice(value))


def _parse_shape(raw: bytes) -> tuple[int, ...]:
  dims = []
  for number, value in _proto_fields(raw):
    if number == 2:  # repeated Dim dim
      size = 0
      for dim_number, dim_value in _proto_fields(value):
        if dim_number == 1:
          size = _int64(dim_value)
      dims.append(size)
    elif number == 3 and value:
      raise ValueError("checkpoint entry has unknown rank")
  return tuple(dims)


def _parse_slice(raw: bytes) -> list[tuple[int, int]]:
  extents = []
  for number, value in _proto_fields(raw):
    if number == 1:
      start, length = 0, -1  # no length: the full extent
      for ext_number, ext_value in _proto_fields(value):
        if ext_number == 1:
          start = _int64(ext_value)
        elif ext_number == 2:
          length = _int64(ext_value)
      extents.append((start, length))
  return extents


# ---------------------------------------------------------------------------
# OrderedCode, only the writing half: slice keys are built and looked up.

def _ordered_num(value: int) -> bytes:
  body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
  return bytes([len(body)]) + body


def _ordered_signed_num(value: int) -> bytes:
  x = ~value if value < 0 else value
  if x < 64:
    return bytes([(0x80 ^ value) & 0xFF])
  length = x.bit_length() // 7 + 1
  header = [(0, 0), (0x80, 0), (0xC0, 0), (0xE0, 0), (0xF0, 0), (0xF8, 0), (0xFC, 0),
            (0xFE, 0), (0xFF, 0), (0xFF, 0x80), (0xFF, 0xC0)][length]
  raw = bytearray((value & ((1 << (8 * length)) - 1)).to_bytes(length, "big"))
  raw[0] ^= header[0]
  raw[1] ^= header[1]
  return bytes(raw)


def _ordered_string(value: bytes) -> bytes:
  out = bytearray()
  for byte in value:
    if byte == 0x00:
      out += b"\x00\xff"
    elif byte == 0xFF:
      out += b"\xff\x00"
    else:
      out.append(byte)
  return bytes(out) + b"\x00\x01"


def _slice_key(name: str, extents: list[tuple[int, int]]) -> bytes:
  key = _ordered_num(0) + _ordered_string(name.encode()) + _ordered_num(len(extents))
  for start, length in extents:
    key += _ordered_signed_num(start) + _ordered_signed_num(length)
  return key


# ---------------------------------------------------------------------------
# The SSTable.

def _read_block(data: bytes, offset: int, size: int, path: str) -> bytes:
  end = offset + size
  if end + _BLOCK_TRAILER_SIZE > len(data):
    raise ValueError(f"Corrupt checkpoint index {path}: block at {offset} runs past the end.")
  block = data[offset:end]
  compression = data[end]
  (masked,) = struct.unpack_from("<I", data, end + 1)
  if _unmask_crc(masked) != crc32c(data[offset:end + 1]):
    raise ValueError(f"Corrupt checkpoint index {path}: block at offset {offset} fails its "
                     "crc32c check.")
  if compression == 1:
    raise ValueError(
        f"Checkpoint index {path} has a snappy-compressed block; TF writes bundle indexes "
        "uncompressed and varscope_jax does not read compressed ones. Re-save the "
        "checkpoint with tf.compat.v1.train.Saver, or read it with TensorFlow.")
  if compression != 0:
    raise ValueError(f"Checkpoint index {path}: unknown block compression {compression}.")
  return block


def _block_entries(block: bytes) -> list[tuple[bytes, bytes]]:
  if len(block) < 4:
    raise ValueError("block too short")
  (num_restarts,) = struct.unpack_from("<I", block, len(block) - 4)
  limit = len(block) - 4 - 4 * num_restarts
  entries = []
  pos, key = 0, b""
  while pos < limit:
    shared, pos = _varint(block, pos)
    unshared, pos = _varint(block, pos)
    value_len, pos = _varint(block, pos)
    key = key[:shared] + block[pos:pos + unshared]
    pos += unshared
    entries.append((key, block[pos:pos + value_len]))
    pos += value_len
  return entries


def _read_index(path: str) -> dict[bytes, bytes]:
  with open(path, "rb") as f:
    data = f.read()
  if len(data) < _FOOTER_SIZE:
    raise ValueError(f"{path} is too short to be a TF checkpoint index.")
  footer = data[-_FOOTER_SIZE:]
  (magic,) = struct.unpack_from("<Q", footer, _FOOTER_SIZE - 8)
  if magic != _MAGIC:
    raise ValueError(f"{path} is not a TF checkpoint index (bad magic number). TF1 "
                     "checkpoints in the old V1 format (a single file) are not supported.")
  _, pos = _varint(footer, 0)  # metaindex offset (unused: TF writes no meta blocks)
  _, pos = _varint(footer, pos)
  index_offset, pos = _varint(footer, pos)
  index_size, pos = _varint(footer, pos)
  table: dict[bytes, bytes] = {}
  for _, handle in _block_entries(_read_block(data, index_offset, index_size, path)):
    offset, pos = _varint(handle, 0)
    size, _ = _varint(handle, pos)
    for key, value in _block_entries(_read_block(data, offset, size, path)):
      table[key] = value
  return table


# ---------------------------------------------------------------------------
# Finding files.

def _resolve_prefix(path_arg: str | os.PathLike) -> str:
  path = str(os.fspath(path_arg))
  if os.path.isdir(path):
    state = os.path.join(path, "checkpoint")
    if not os.path.exists(state):
      raise ValueError(f"{path} is a folder without a 'checkpoint' file. Pass the checkpoint "
                       "prefix instead, e.g. 'folder/model.ckpt' (the name before '.index').")
    with open(state) as f:
      match = re.search(r'^model_checkpoint_path:\s*"(.*)"\s*$', f.read(), re.M)
    if not match:
      raise ValueError(f"{state} has no 'model_checkpoint_path:' line.")
    prefix = match.group(1).encode("latin-1").decode("unicode_escape")
    if not os.path.isabs(prefix):
      prefix = os.path.join(path, prefix)
    path = prefix
  if path.endswith(".index"):
    path = path[:-len(".index")]
  if not os.path.exists(path + ".index"):
    raise ValueError(f"No TF checkpoint at {path}: {path}.index does not exist. Pass the "
                     "prefix ('.../model.ckpt') or a folder holding a 'checkpoint' file.")
  return path


class _Bundle:
  """An open tensor bundle: its entries, and readers for their bytes."""

  def __init__(self, path):
    self.prefix = _resolve_prefix(path)
    table = _read_index(self.prefix + ".index")
    header = table.pop(b"", None)
    self.num_shards = 1
    self.big_endian = False
    if header is not None:
      for number, value in _proto_fields(header):
        if number == 1:
          self.num_shards = value
        elif number == 2:
          self.big_endian = value == 1
    self.slice_entries = {k: v for k, v in table.items() if k.startswith(b"\x00")}
    self.entries = {k.decode("utf-8"): _Entry(v) for k, v in table.items()
                    if not k.startswith(b"\x00")}

  def dtype(self, name: str, entry: _Entry) -> np.dtype:
    if entry.dtype not in _DTYPES:
      what = _TF_DTYPE_NAMES.get(entry.dtype, f"enum {entry.dtype}")
      raise ValueError(
          f"Variable {name} in {self.prefix} has TF dtype {what}, which varscope_jax cannot "
          f"read. Drop it with rename={{'^{re.escape(name)}$': None}}.")
    return _DTYPES[entry.dtype]

  def _bytes(self, name: str, entry: _Entry) -> bytes:
    data_path = "%s.data-%05d-of-%05d" % (self.prefix, entry.shard_id, self.num_shards)
    with open(data_path, "rb") as f:
      f.seek(entry.offset)
      raw = f.read(entry.size)
    if len(raw) != entry.size:
      raise ValueError(f"Variable {name}: {data_path} is truncated (wanted {entry.size} "
                       f"bytes at offset {entry.offset}).")
    return raw

  def read(self, name: str) -> np.ndarray:
    entry = self.entries[name]
    if entry.slices:
      return self._read_sliced(name, entry)
    return self._read_entry(name, entry)

  def _read_entry(self, name: str, entry: _Entry) -> np.ndarray:
    dtype = self.dtype(name, entry)
    raw = self._bytes(name, entry)
    if entry.dtype == _DT_STRING:
      value, crc = _decode_strings(raw, entry.shape, name)
    else:
      crc = crc32c(raw)
      stored = dtype.newbyteorder(">") if self.big_endian else dtype
      count = int(np.prod(entry.shape, dtype=np.int64))
      if count * dtype.itemsize != len(raw):
        raise ValueError(f"Variable {name}: {len(raw)} bytes do not hold shape "
                         f"{list(entry.shape)} of {dtype.name}.")
      value = np.frombuffer(raw, stored).astype(dtype).reshape(entry.shape)
    if entry.crc32c is not None and _unmask_crc(entry.crc32c) != crc:
      raise ValueError(f"Variable {name} in {self.prefix} fails its crc32c check: the data "
                       "file is corrupt or does not belong to this index.")
    return value

  def _read_sliced(self, name: str, entry: _Entry) -> np.ndarray:
    dtype = self.dtype(name, entry)
    full = np.zeros(entry.shape, dtype) if dtype != object else np.full(entry.shape, b"")  # noqa: E721 (np.dtype == object)
    for extents in entry.slices:
      key = _slice_key(name, extents)
      if key not in self.slice_entries:
        raise ValueError(f"Variable {name} in {self.prefix}: the data of slice {extents} is "
                         "missing from the index.")
      part = self._read_entry(name, _Entry(self.slice_entries[key]))
      index = tuple(slice(start, None if length < 0 else start + length)
                    for start, length in extents)
      full[index] = part
    return full


def _decode_strings(raw: bytes, shape: tuple[int, ...], name: str):
  """TF's string tensor bytes: varint lengths, masked crc of lengths, then the bytes.

  Returns the ``object`` array of ``bytes`` and the crc32c TF computes over it.
  """
  count = int(np.prod(shape, dtype=np.int64))
  pos, lengths = 0, []
  crc = 0
  for _ in range(count):
    length, pos = _varint(raw, pos)
    lengths.append(length)
    # TF checksums each length as a little-endian uint32 (uint64 past 4 GiB).
    crc = crc32c(struct.pack("<I" if length <= 0xFFFFFFFF else "<Q", length), crc)
  if len(raw) < pos + 4 or struct.unpack_from("<I", raw, pos)[0] != _mask_crc(crc):
    raise ValueError(f"Variable {name}: the lengths of its strings fail their crc32c check.")
  crc = crc32c(raw[pos:pos + 4], crc)
  pos += 4
  out = np.empty(count, dtype=object)
  for i, length in enumerate(lengths):
    out[i] = bytes(raw[pos:pos + length])
    crc = crc32c(out[i], crc)
    pos += length
  if pos != len(raw):
    raise ValueError(f"Variable {name}: string tensor bytes do not match their lengths.")
  return out.reshape(shape), crc


