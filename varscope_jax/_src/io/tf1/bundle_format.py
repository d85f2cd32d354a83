"""The parts of a TF1 tensor bundle's index that are protobuf messages or OrderedCode keys.

``BundleHeaderProto``, ``BundleEntryProto``, ``TensorShapeProto`` and ``TensorSliceProto``
are decoded by hand from the protobuf wire format (``tensorflow/core/protobuf/
tensor_bundle.proto``); each known field's wire type is checked, and unknown fields are
skipped as protobuf does. Slice keys are built with TF's OrderedCode
(``tensorflow/core/lib/strings/ordered_code.cc``), only the writing half: the reader
builds the key of each slice an entry lists and looks it up. ``DTYPES`` maps TF's
``DataType`` enum (an entry's ``dtype``) to numpy dtypes.
"""

from __future__ import annotations

from typing import cast

import ml_dtypes
import numpy as np

from varscope_jax._src.io.tf1 import sstable

# Protobuf wire types.
VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5

# TF DataType enum -> numpy dtype (tensorflow/core/framework/types.proto).
DTYPES: dict[int, np.dtype] = {
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
  24: np.dtype(ml_dtypes.float8_e5m2),
  25: np.dtype(ml_dtypes.float8_e4m3fn),
  26: np.dtype(ml_dtypes.float8_e4m3fnuz),
  27: np.dtype(ml_dtypes.float8_e4m3b11fnuz),
  28: np.dtype(ml_dtypes.float8_e5m2fnuz),
  29: np.dtype(ml_dtypes.int4),
  30: np.dtype(ml_dtypes.uint4),
  31: np.dtype(ml_dtypes.int2),
  32: np.dtype(ml_dtypes.uint2),
  33: np.dtype(ml_dtypes.float4_e2m1fn),
}
DT_STRING = 7
TF_DTYPE_NAMES = {
  11: "qint8",
  12: "quint8",
  13: "qint32",
  15: "qint16",
  16: "quint16",
  20: "resource",
  21: "variant",
}


def int64(value: int) -> int:
  """A varint read as protobuf's ``int64`` (two's complement of the 64-bit value)."""
  return value - (1 << 64) if value >= 1 << 63 else value


def proto_fields(buf: bytes, wire_types: dict[int, int]) -> list[tuple[int, int | bytes]]:
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
    if wire == VARINT:
      value, pos = sstable.varint(buf, pos)
    elif wire in (FIXED64, FIXED32):
      width = 8 if wire == FIXED64 else 4
      if pos + width > end:
        raise sstable.Malformed("truncated protobuf field")
      value = int.from_bytes(buf[pos : pos + width], "little")
      pos += width
    elif wire == LEN:
      length, pos = sstable.varint(buf, pos)
      if length > end - pos:
        raise sstable.Malformed("truncated protobuf field")
      value = bytes(buf[pos : pos + length])
      pos += length
    else:
      raise sstable.Malformed(f"unsupported protobuf wire type {wire}")
    if number in wire_types:
      if wire != wire_types[number]:
        raise sstable.Malformed(
          f"protobuf field {number} has wire type {wire}, not {wire_types[number]}"
        )
      fields.append((number, value))
  return fields


class Entry:
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
    for number, value in proto_fields(
      raw, {1: VARINT, 2: LEN, 3: VARINT, 4: VARINT, 5: VARINT, 6: FIXED32, 7: LEN}
    ):
      if number == 1:
        self.dtype = int64(value) & 0xFFFFFFFF  # an enum: int32 on the wire
      elif number == 2:
        shape_raw += cast(bytes, value)  # a repeated message field merges, as protobuf does
      elif number == 3:
        self.shard_id = int64(value)
      elif number == 4:
        self.offset = int64(value)
      elif number == 5:
        self.size = int64(value)
      elif number == 6:
        self.crc32c = value
      elif number == 7:
        self.slices.append(_parse_slice(value))
    self.shape = _parse_shape(shape_raw)
    if self.shard_id < 0 or self.offset < 0 or self.size < 0:
      raise sstable.Malformed(
        f"negative shard, offset or size ({self.shard_id}, {self.offset}, {self.size})"
      )


def _parse_shape(raw: bytes) -> tuple[int, ...]:
  dims = []
  for number, value in proto_fields(raw, {2: LEN, 3: VARINT}):
    if number == 2:  # repeated Dim dim
      size = 0
      for _, dim_value in proto_fields(value, {1: VARINT}):
        size = int64(dim_value)
      if size < 0:
        raise sstable.Malformed(f"shape has an unknown or negative dimension ({size})")
      dims.append(size)
    elif value:
      raise sstable.Malformed("shape has unknown rank")
  return tuple(dims)


def _parse_slice(raw: bytes) -> list[tuple[int, int]]:
  extents = []
  for _, value in proto_fields(raw, {1: LEN}):
    start, length = 0, -1  # no length: the full extent
    for ext_number, ext_value in proto_fields(value, {1: VARINT, 2: VARINT}):
      if ext_number == 1:
        start = int64(ext_value)
      else:
        length = int64(ext_value)
    if start < 0 or length < -1:
      raise sstable.Malformed(f"slice extent ({start}, {length}) is negative")
    extents.append((start, length))
  return extents


# ---------------------------------------------------------------------------
# OrderedCode, only the writing half: slice keys are built and looked up.


def ordered_num(value: int) -> bytes:
  """OrderedCode's ``WriteNumIncreasing`` of a non-negative int."""
  body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
  return bytes([len(body)]) + body


def ordered_signed_num(value: int) -> bytes:
  """OrderedCode's ``WriteSignedNumIncreasing``."""
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


def ordered_string(value: bytes) -> bytes:
  """OrderedCode's ``WriteString`` (0x00 and 0xFF escaped, then the terminator)."""
  out = bytearray()
  for byte in value:
    if byte == 0x00:
      out += b"\x00\xff"
    elif byte == 0xFF:
      out += b"\xff\x00"
    else:
      out.append(byte)
  return bytes(out) + b"\x00\x01"


def slice_key(name: str, extents: list[tuple[int, int]]) -> bytes:
  """The index key of the slice ``extents`` (``(start, length or -1)``) of tensor ``name``."""
  key = ordered_num(0) + ordered_string(name.encode()) + ordered_num(len(extents))
  for start, length in extents:
    key += ordered_signed_num(start) + ordered_signed_num(length)
  return key
