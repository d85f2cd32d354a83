"""A minimal TF1 tensor-bundle writer for tests and benchmarks: it writes what TF writes,
and also what TF never would (duplicate slices, wrong sizes, crafted SSTable blocks).

Not part of varscope_jax: it exists to build malformed inputs for the reader's checks, so
every field can be set by hand. The layout follows TF's ``tensor_bundle.cc`` and LevelDB's
``table_builder.cc`` (blocks of prefix-compressed entries, 5-byte trailers, 48-byte footer).
"""

from __future__ import annotations

import struct

import numpy as np

try:
  import google_crc32c

  def crc32c(data, crc=0):
    return google_crc32c.extend(crc, bytes(data))
except ImportError:  # pragma: no cover
  from varscope_jax._src.io.tf1.crc32c import crc32c  # noqa: F401

MAGIC = 0xDB4775248B80FB57
DTYPE_ENUMS = {
  "float32": 1,
  "float64": 2,
  "int32": 3,
  "uint8": 4,
  "int16": 5,
  "int8": 6,
  "complex64": 8,
  "int64": 9,
  "bool": 10,
  "bfloat16": 14,
  "uint16": 17,
  "complex128": 18,
  "float16": 19,
  "uint32": 22,
  "uint64": 23,
  "float8_e5m2": 24,
  "float8_e4m3fn": 25,
  "float8_e4m3fnuz": 26,
  "float8_e4m3b11fnuz": 27,
  "float8_e5m2fnuz": 28,
  "int4": 29,
  "uint4": 30,
  "int2": 31,
  "uint2": 32,
  "float4_e2m1fn": 33,
}


def mask_crc(crc: int) -> int:
  return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def varint(value: int) -> bytes:
  out = bytearray()
  value &= (1 << 64) - 1  # negative int64 fields are written as 10-byte varints, as protobuf
  while True:
    byte = value & 0x7F
    value >>= 7
    if value:
      out.append(byte | 0x80)
    else:
      out.append(byte)
      return bytes(out)


def field_varint(number: int, value: int) -> bytes:
  return varint(number << 3) + varint(value)


def field_bytes(number: int, value: bytes) -> bytes:
  return varint(number << 3 | 2) + varint(len(value)) + value


def field_fixed32(number: int, value: int) -> bytes:
  return varint(number << 3 | 5) + struct.pack("<I", value)


def shape_proto(shape) -> bytes:
  return b"".join(field_bytes(2, field_varint(1, d) if d else b"") for d in shape)


def slice_proto(extents) -> bytes:
  """``extents``: per dimension ``(start, length)``, length ``None`` for the full extent."""
  out = b""
  for start, length in extents:
    body = (field_varint(1, start) if start else b"") + (
      field_varint(2, length) if length is not None else b""
    )
    out += field_bytes(1, body)
  return out


def entry_proto(dtype: int, shape, *, shard_id=0, offset=0, size=0, crc=None, slices=()) -> bytes:
  out = field_varint(1, dtype) + field_bytes(2, shape_proto(shape))
  if shard_id:
    out += field_varint(3, shard_id)
  if offset:
    out += field_varint(4, offset)
  if size:
    out += field_varint(5, size)
  if crc is not None:
    out += field_fixed32(6, crc)
  for extents in slices:
    out += field_bytes(7, slice_proto(extents))
  return out


def header_proto(num_shards: int = 1, big_endian: bool = False) -> bytes:
  return (
    field_varint(1, num_shards)
    + (field_varint(2, 1) if big_endian else b"")
    + field_bytes(3, field_varint(1, 1))
  )


# ---------------------------------------------------------------------------
# OrderedCode for slice keys (as tensorflow/core/lib/strings/ordered_code.cc).


def _ordered_num(value: int) -> bytes:
  body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
  return bytes([len(body)]) + body


def _ordered_signed_num(value: int) -> bytes:
  x = ~value if value < 0 else value
  if x < 64:
    return bytes([(0x80 ^ value) & 0xFF])
  length = x.bit_length() // 7 + 1
  header = [
    (0, 0),
    (0x80, 0),
    (0xC0, 0),
    (0xE0, 0),
    (0xF0, 0),
    (0xF8, 0),
    (0xFC, 0),
    (0xFE, 0),
    (0xFF, 0),
    (0xFF, 0x80),
    (0xFF, 0xC0),
  ][length]
  raw = bytearray((value & ((1 << (8 * length)) - 1)).to_bytes(length, "big"))
  raw[0] ^= header[0]
  raw[1] ^= header[1]
  return bytes(raw)


def slice_key(name: str, extents) -> bytes:
  out = bytearray()
  for byte in name.encode():
    out += {0x00: b"\x00\xff", 0xFF: b"\xff\x00"}.get(byte, bytes([byte]))
  key = _ordered_num(0) + bytes(out) + b"\x00\x01" + _ordered_num(len(extents))
  for start, length in extents:
    key += _ordered_signed_num(start) + _ordered_signed_num(-1 if length is None else length)
  return key


# ---------------------------------------------------------------------------
# SSTable.


def block(entries, restart_interval: int = 16) -> bytes:
  """A LevelDB block of sorted ``(key, value)`` pairs, prefix-compressed as LevelDB does."""
  out, restarts, last = bytearray(), [], b""
  for i, (key, value) in enumerate(entries):
    if i % restart_interval == 0:
      restarts.append(len(out))
      shared = 0
    else:
      shared = 0
      while shared < min(len(last), len(key)) and last[shared] == key[shared]:
        shared += 1
    out += varint(shared) + varint(len(key) - shared) + varint(len(value))
    out += key[shared:] + value
    last = key
  if not restarts:
    restarts = [0]
  out += b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))
  return bytes(out)


def with_trailer(body: bytes, compression: int = 0) -> bytes:
  return (
    body + bytes([compression]) + struct.pack("<I", mask_crc(crc32c(body + bytes([compression]))))
  )


def sstable(entries, block_entries: int = 64, raw_blocks=None, compression: int = 0) -> bytes:
  """An SSTable of sorted ``(key, value)`` pairs; ``raw_blocks`` replaces the data blocks'
  bodies (each is given a correct trailer) to craft malformed ones; ``compression`` is the
  data blocks' compression byte."""
  entries = sorted(entries)
  bodies = (
    raw_blocks
    if raw_blocks is not None
    else [
      block(entries[i : i + block_entries]) for i in range(0, max(len(entries), 1), block_entries)
    ]
  )
  data, index = bytearray(), []
  for i, body in enumerate(bodies):
    handle = varint(len(data)) + varint(len(body))
    chunk = entries[i * block_entries : (i + 1) * block_entries]
    if raw_blocks is not None:  # crafted blocks: separators above any key they may hold
      index.append((b"\xff" * 16 + bytes([i]), handle))
    else:
      index.append((chunk[-1][0] if chunk else b"", handle))
    data += with_trailer(body, compression)
  meta_handle = varint(len(data)) + varint(len(block([])))
  data += with_trailer(block([]))
  index_handle = varint(len(data))
  index_body = block(sorted(index), restart_interval=1)
  index_handle += varint(len(index_body))
  data += with_trailer(index_body)
  footer = meta_handle + index_handle
  footer += b"\x00" * (40 - len(footer)) + struct.pack("<Q", MAGIC)
  return bytes(data) + footer


# ---------------------------------------------------------------------------
# Whole bundles.


def write_bundle(
  prefix: str,
  tensors: dict,
  *,
  sliced: dict | None = None,
  num_shards: int = 1,
  header: bytes | None = None,
  entries: dict | None = None,
) -> None:
  """Writes ``prefix.index`` and ``prefix.data-00000-of-00001`` like TF's ``SaveV2``.

  Args:
    tensors: ``{name: numpy array}`` (little-endian; ml_dtypes kinds use their enum).
    sliced: ``{name: (full_shape, [(extents, array), ...])}`` for partitioned tensors.
    entries: extra ``{key bytes: value bytes}`` index entries, or overrides.
  """
  data = bytearray()
  table: dict[bytes, bytes] = {b"": header if header is not None else header_proto(num_shards)}

  def add(array):
    array = np.ascontiguousarray(array)
    raw = array.tobytes()
    offset = len(data)
    data.extend(raw)
    return dict(offset=offset, size=len(raw), crc=mask_crc(crc32c(raw)))

  for name, array in tensors.items():
    table[name.encode()] = entry_proto(
      DTYPE_ENUMS[np.dtype(array.dtype).name], array.shape, **add(array)
    )
  for name, (full_shape, parts) in (sliced or {}).items():
    dtype = DTYPE_ENUMS[np.dtype(parts[0][1].dtype).name]
    table[name.encode()] = entry_proto(dtype, full_shape, slices=[e for e, _ in parts])
    for extents, array in parts:
      table[slice_key(name, extents)] = entry_proto(
        DTYPE_ENUMS[np.dtype(array.dtype).name], array.shape, **add(array)
      )
  table.update(entries or {})
  with open(prefix + ".index", "wb") as f:
    f.write(sstable(list(table.items())))
  with open(prefix + ".data-00000-of-%05d" % num_shards, "wb") as f:
    f.write(data)
