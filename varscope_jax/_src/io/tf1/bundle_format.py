"""The parts of a TF1 tensor bundle's index that are protobuf messages or OrderedCode keys.

``BundleHeaderProto``, ``BundleEntryProto``, ``TensorShapeProto`` and ``TensorSliceProto``
are decoded by hand from the protobuf wire format (``tensorflow/core/protobuf/
tensor_bundle.proto``); each known field's wire type is checked, and unknown fields are
skipped as protobuf does. Slice keys are built with TF's OrderedCode
(``tensorflow/core/lib/strings/ordered_code.cc``), only the writing half: the reader
builds the key of each slice an entry lists and looks it up.
"""
from __future__ import annotations

from typing import cast

from varscope_jax._src.io.tf1 import sstable

_VARINT, _FIXED64, _LEN, _FIXED32 = 0, 1, 2, 5


def _int64(value: int) -> int:
  return value - (1 << 64) if value >= 1 << 63 else value


def _proto_fields(buf: bytes, wire_types: dict[int, int]) -> list[tuple[int, int | bytes]]:
  """``(field, value)`` of the fields in ``wire_types`` (ints, or bytes for LEN), in order.

  Unknown fields are skipped, as protobuf does; a known field of another wire type, or
  any truncated field, is :class:`sstable.Malformed`.
  """
  fields: list[tuple[int, int | bytes]] = []
  pos, end = 0, len(buf)
  while pos < end:
    tag, pos = sstable.varint(buf, pos)
    number, wire = tag >> 3, tag & 7
    if number == 0:
      raise sstable.Malformed("protobuf field number 0")
    if wire == _VARINT:
      value, pos = sstable.varint(buf, pos)
    elif wire in (_FIXED64, _FIXED32):
      width = 8 if wire == _FIXED64 else 4
      if pos + width > end:
        raise sstable.Malformed("truncated protobuf field")
      value = int.from_bytes(buf[pos:pos + width], "little")
      pos += width
    elif wire == _LEN:
      length, pos = sstable.varint(buf, pos)
      if length > end - pos:
        raise sstable.Malformed("truncated protobuf field")
      value = bytes(buf[pos:pos + length])
      pos += length
    else:
      raise sstable.Malformed(f"unsupported protobuf wire type {wire}")
    if number in wire_types:
      if wire != wire_types[number]:
        raise sstable.Malformed(f"protobuf field {number} has wire type {wire}, "
                                f"not {wire_types[number]}")
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
    shape_raw = b""
    for number, value in _proto_fields(raw, {1: _VARINT, 2: _LEN, 3: _VARINT, 4: _VARINT,
                                             5: _VARINT, 6: _FIXED32, 7: _LEN}):
      if number == 1:
        self.dtype = _int64(value) & 0xFFFFFFFF  # an enum: int32 on the wire
      elif number == 2:
        shape_raw += cast(bytes, value)  # a repeated message field merges, as protobuf does
      elif number == 3:
        self.shard_id = _int64(value)
      elif number == 4:
        self.offset = _int64(value)
      elif number == 5:
        self.size = _int64(value)
      elif number == 6:
        self.crc32c = value
      elif number == 7:
        self.slices.append(_parse_slice(value))
    self.shape = _parse_shape(shape_raw)
    if self.shard_id < 0 or self.offset < 0 or self.size < 0:
      raise sstable.Malformed(f"negative shard, offset or size ({self.shard_id}, "
                              f"{self.offset}, {self.size})")


def _parse_shape(raw: bytes) -> tuple[int, ...]:
  dims = []
  for number, value in _proto_fields(raw, {2: _LEN, 3: _VARINT}):
    if number == 2:  # repeated Dim dim
      size = 0
      for _, dim_value in _proto_fields(value, {1: _VARINT}):
        size = _int64(dim_value)
      if size < 0:
        raise sstable.Malformed(f"shape has an unknown or negative dimension ({size})")
      dims.append(size)
    elif value:
      raise sstable.Malformed("shape has unknown rank")
  return tuple(dims)


def _parse_slice(raw: bytes) -> list[tuple[int, int]]:
  extents = []
  for _, value in _proto_fields(raw, {1: _LEN}):
    start, length = 0, -1  # no length: the full extent
    for ext_number, ext_value in _proto_fields(value, {1: _VARINT, 2: _VARINT}):
      if ext_number == 1:
        start = _int64(ext_value)
      else:
        length = _int64(ext_value)
    if start < 0 or length < -1:
      raise sstable.Malformed(f"slice extent ({start}, {length}) is negative")
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
