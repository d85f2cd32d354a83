"""A reader of TF1 checkpoints' tensor bundles (``tf.compat.v1.train.Saver``), no TensorFlow.

A TF1 (V2-format) checkpoint ``model.ckpt`` is a *tensor bundle*:

* ``model.ckpt.index``: an SSTable (``sstable.py``). The empty key holds a
  ``BundleHeaderProto`` (``num_shards``, endianness, version); every other key is a tensor
  name whose value is a ``BundleEntryProto`` (``dtype``, ``shape``, ``shard_id``,
  ``offset``, ``size``, masked ``crc32c``, ``slices``). Keys starting with ``\\x00`` hold
  the slices of a partitioned variable (``tensorflow/core/util/saved_tensor_slice_util.cc``).
* ``model.ckpt.data-SSSSS-of-NNNNN``: the tensor bytes, at ``offset``, ``size`` long.

The few protobuf fields needed are decoded by hand (varint wire format), so neither
``tensorflow`` nor ``protobuf`` is needed.

The files are untrusted input. Every field is checked before it is used: the wire type of
each field, dimensions (non-negative), the byte size a shape and dtype imply against the
entry's ``size`` and the data file's real size (before any allocation: a 173-byte index
cannot make a 1 GiB array), shard numbers, UTF-8 names, and the crc32c of every block and
tensor. A partitioned variable is reassembled only when its slices tile the full shape
exactly (no slice missing, overlapping, repeated or of the wrong extent), as TF's own
``RestoreV2`` requires. Every problem is a :class:`CheckpointError` (a ``ValueError``)
naming the file and, where there is one, the tensor.

Values come back as numpy arrays of the stored dtype (``ml_dtypes`` for bfloat16, the
float8 kinds, int4, uint4, int2, uint2 and float4_e2m1fn, one byte per value as TF stores
them); ``DT_STRING`` tensors as numpy ``object`` arrays of ``bytes``.
"""

from __future__ import annotations

import os
import re
import struct

import numpy as np

from varscope_jax._src.io.tf1 import sstable
from varscope_jax._src.io.tf1.bundle_format import (
  DT_STRING,
  DTYPES,
  LEN,
  TF_DTYPE_NAMES,
  VARINT,
  Entry,
  int64,
  proto_fields,
  slice_key,
)
from varscope_jax._src.io.tf1.crc32c import crc32c, mask_crc, unmask_crc
from varscope_jax._src.io.errors import CheckpointError


def _fail(path, message: str, tensor: str | None = None) -> CheckpointError:
  where = f"TF checkpoint {path}" + (f", tensor {tensor}" if tensor is not None else "")
  return CheckpointError(f"{where}: {message}", path=path, tensor=tensor)


# ---------------------------------------------------------------------------
# Finding files.


def _unescape_prefix(text: str) -> str:
  """A ``checkpoint`` file's quoted path: protobuf text escapes (TF writes non-ASCII
  bytes as octal, ``\\303\\266``) decoded to bytes, then UTF-8."""
  raw = text.encode("utf-8").decode("unicode_escape").encode("latin-1")
  return raw.decode("utf-8")


def _resolve_prefix(path: str | os.PathLike) -> str:
  path = os.fspath(path)
  if os.path.isdir(path):
    state = os.path.join(path, "checkpoint")
    if not os.path.exists(state):
      raise CheckpointError(
        f"{path} is a folder without a 'checkpoint' file. Pass the checkpoint prefix "
        "instead, e.g. 'folder/model.ckpt' (the name before '.index').",
        path=path,
      )
    with open(state, "rb") as f:
      text = f.read().decode("utf-8", errors="replace")
    match = re.search(r'^model_checkpoint_path:\s*"(.*)"\s*$', text, re.M)
    if not match:
      raise CheckpointError(f"{state} has no 'model_checkpoint_path:' line.", path=state)
    try:
      prefix = _unescape_prefix(match.group(1))
    except (UnicodeError, ValueError) as e:
      raise CheckpointError(
        f"{state}: its model_checkpoint_path is not a valid escaped path ({e}).", path=state
      ) from None
    if not os.path.isabs(prefix):
      prefix = os.path.join(path, prefix)
    path = prefix
  if path.endswith(".index"):
    path = path[: -len(".index")]
  if not os.path.isfile(path + ".index"):
    raise CheckpointError(
      f"No TF checkpoint at {path}: {path}.index does not exist. Pass the prefix "
      "('.../model.ckpt') or a folder holding a 'checkpoint' file.",
      path=path,
    )
  return path


def _read_index(path: str) -> dict[bytes, bytes]:
  with open(path, "rb") as f:
    data = f.read()
  try:
    return sstable.read_table(data)
  except sstable.Malformed as e:
    raise _fail(path, f"corrupt index: {e}.") from None


def _bad_consumers(version_def: bytes) -> list[int]:
  """``VersionDef.bad_consumers`` (field 3, repeated int32: packed or one per field)."""
  try:
    return [int64(v) for _, v in proto_fields(version_def, {3: VARINT})]
  except sstable.Malformed:
    out = []
    for _, packed in proto_fields(version_def, {3: LEN}):
      pos = 0
      while pos < len(packed):
        value, pos = sstable.varint(packed, pos)
        out.append(int64(value))
    return out


class Bundle:
  """An open tensor bundle: its validated entries, and readers for their bytes."""

  def __init__(self, path):
    self.prefix = _resolve_prefix(path)
    index = self.prefix + ".index"
    table = _read_index(index)
    self.num_shards = 1
    self.big_endian = False
    header = table.pop(b"", None)
    if header is None:  # TF's BundleReader refuses it too
      raise _fail(index, "corrupt index: it has no header entry (the empty key).")
    try:
      self._parse_header(header)
    except sstable.Malformed as e:
      raise _fail(index, f"corrupt header: {e}.") from None
    self.slice_entries = {k: v for k, v in table.items() if k.startswith(b"\x00")}
    self.entries: dict[str, Entry] = {}
    for key, value in table.items():
      if key.startswith(b"\x00"):
        continue
      try:
        name = key.decode("utf-8")
      except UnicodeDecodeError:
        raise _fail(index, "a tensor name is not valid UTF-8.", repr(key)) from None
      try:
        entry = Entry(value)
      except sstable.Malformed as e:
        raise _fail(index, f"corrupt entry: {e}.", name) from None
      self.entries[name] = entry
    self._data_sizes: dict[int, int] = {}

  def _parse_header(self, header: bytes) -> None:
    for number, value in proto_fields(header, {1: VARINT, 2: VARINT, 3: LEN}):
      if number == 1:
        self.num_shards = int64(value)
      elif number == 2:
        if value not in (0, 1):
          raise sstable.Malformed(f"unknown endianness {value}")
        self.big_endian = value == 1
      else:
        for field, version in proto_fields(value, {2: VARINT}):  # min_consumer
          if field == 2 and int64(version) > 1:
            raise sstable.Malformed(
              f"the bundle needs a reader of format version {int64(version)} or newer "
              "(this reader knows version 1)"
            )
        if 1 in _bad_consumers(value):  # TF's CheckVersions refuses it too
          raise sstable.Malformed(
            "Checkpoint disallows consumer version 1.  Please upgrade TensorFlow: this "
            "version is likely buggy"
          )
    if not 1 <= self.num_shards <= 1 << 20:
      raise sstable.Malformed(f"num_shards is {self.num_shards}")

  def dtype(self, name: str, entry: Entry) -> np.dtype:
    if entry.dtype not in DTYPES:
      what = TF_DTYPE_NAMES.get(entry.dtype, f"enum {entry.dtype}")
      raise CheckpointError(
        f"Variable {name} in {self.prefix} has TF dtype {what}, which varscope_jax cannot "
        f"read. Drop it with rename={{'^{re.escape(name)}$': None}}.",
        path=self.prefix,
        tensor=name,
      )
    return DTYPES[entry.dtype]

  def _data_path(self, shard_id: int) -> str:
    return "%s.data-%05d-of-%05d" % (self.prefix, shard_id, self.num_shards)

  def _check_fits(self, name: str, entry: Entry) -> str:
    """The entry's data file, after checking that it holds the entry's bytes."""
    if entry.shard_id >= self.num_shards:
      raise _fail(
        self.prefix + ".index",
        f"shard {entry.shard_id} does not exist (the bundle has {self.num_shards}).",
        name,
      )
    data_path = self._data_path(entry.shard_id)
    if entry.shard_id not in self._data_sizes:
      try:
        self._data_sizes[entry.shard_id] = os.path.getsize(data_path)
      except OSError:
        raise _fail(data_path, "the data file is missing.", name) from None
    file_size = self._data_sizes[entry.shard_id]
    if entry.offset + entry.size > file_size:
      raise _fail(
        data_path,
        f"the index says its {entry.size} bytes are at offset "
        f"{entry.offset}, past the end of the {file_size}-byte data file "
        "(truncated, or not this index's data file).",
        name,
      )
    return data_path

  def _bytes(self, name: str, entry: Entry) -> bytes:
    data_path = self._check_fits(name, entry)
    with open(data_path, "rb") as f:
      f.seek(entry.offset)
      raw = f.read(entry.size)
    if len(raw) != entry.size:
      raise _fail(
        data_path,
        f"the data file is truncated (wanted {entry.size} bytes at offset {entry.offset}).",
        name,
      )
    return raw

  def _read_array(self, name: str, entry: Entry, dtype: np.dtype, count: int) -> np.ndarray:
    """The entry's bytes read straight into a new (writable) flat array: one copy."""
    data_path = self._check_fits(name, entry)
    value = np.empty(count, dtype)
    with open(data_path, "rb") as f:
      f.seek(entry.offset)
      got = f.readinto(memoryview(value.view(np.uint8)))
    if got != entry.size:
      raise _fail(
        data_path,
        f"the data file is truncated (wanted {entry.size} bytes at offset {entry.offset}).",
        name,
      )
    return value

  def read(self, name: str) -> np.ndarray:
    """The tensor ``name`` as a numpy array (validated, crc-checked)."""
    entry = self.entries[name]
    if entry.slices:
      return self._read_sliced(name, entry)
    return self._read_entry(name, entry)

  def _check_size(self, name: str, entry: Entry, dtype: np.dtype) -> int:
    count = 1
    for dim in entry.shape:
      count *= dim
    if dtype.kind == "O":
      if count > entry.size:  # every string takes at least one byte (its length)
        raise _fail(
          self.prefix + ".index",
          f"shape {list(entry.shape)} has {count} "
          f"strings, more than its {entry.size} bytes can hold.",
          name,
        )
    elif count * dtype.itemsize != entry.size:
      raise _fail(
        self.prefix + ".index",
        f"shape {list(entry.shape)} of {dtype.name} is "
        f"{count * dtype.itemsize} bytes, but the entry holds {entry.size}.",
        name,
      )
    return count

  def _read_entry(self, name: str, entry: Entry) -> np.ndarray:
    dtype = self.dtype(name, entry)
    count = self._check_size(name, entry, dtype)
    if entry.dtype == DT_STRING:
      value, crc = _decode_strings(
        self._bytes(name, entry),
        count,
        entry.shape,
        lambda m: _fail(self._data_path(entry.shard_id), m, name),
      )
    else:
      value = self._read_array(name, entry, dtype, count)
      crc = crc32c(memoryview(value.view(np.uint8)))
      if self.big_endian and dtype.itemsize > 1:
        part = dtype.itemsize // 2 if dtype.kind == "c" else dtype.itemsize
        value = value.view(f"u{part}").byteswap().view(dtype)
      value = value.reshape(entry.shape)
    if entry.crc32c is not None and unmask_crc(entry.crc32c) != crc:
      raise CheckpointError(
        f"Variable {name} in {self.prefix} fails its crc32c check: the data file is "
        "corrupt or does not belong to this index.",
        path=self.prefix,
        tensor=name,
      )
    if dtype == np.bool_ and (value.view(np.uint8) > 1).any():
      raise _fail(self._data_path(entry.shard_id), "a bool is neither 0 nor 1.", name)
    return value

  def _read_sliced(self, name: str, entry: Entry) -> np.ndarray:
    dtype = self.dtype(name, entry)
    index = self.prefix + ".index"
    full_count = 1
    for dim in entry.shape:
      full_count *= dim
    boxes, parts, covered = [], [], 0
    for extents in entry.slices:
      if len(extents) != len(entry.shape):
        raise _fail(
          index,
          f"slice {extents} has {len(extents)} dimensions; the tensor has "
          f"shape {list(entry.shape)}.",
          name,
        )
      box = [
        (start, dim if length < 0 else start + length)
        for (start, length), dim in zip(extents, entry.shape)
      ]
      if any(stop > dim for (_, stop), dim in zip(box, entry.shape)):
        raise _fail(index, f"slice {extents} lies outside its shape {list(entry.shape)}.", name)
      key = slice_key(name, extents)
      if key not in self.slice_entries:
        raise _fail(index, f"the data of slice {extents} is missing from the index.", name)
      try:
        part = Entry(self.slice_entries[key])
      except sstable.Malformed as e:
        raise _fail(index, f"corrupt entry of slice {extents}: {e}.", name) from None
      want = tuple(stop - start for start, stop in box)
      if part.dtype != entry.dtype or part.shape != want or part.slices:
        raise _fail(
          index,
          f"slice {extents} holds {_dtype_label(part.dtype)}"
          f"{list(part.shape)}; it should hold {dtype.name}{list(want)}.",
          name,
        )
      for other_extents, other in zip(entry.slices, boxes):
        if all(max(a0, b0) < min(a1, b1) for (a0, a1), (b0, b1) in zip(box, other)):
          raise _fail(
            index,
            f"slices {other_extents} and {extents} overlap. TF refuses "
            "to restore such a bundle too.",
            name,
          )
      boxes.append(box)
      parts.append(part)
      volume = 1
      for start, stop in box:
        volume *= stop - start
      covered += volume
    if covered != full_count:
      raise _fail(
        index,
        f"its slices {entry.slices} do not cover its shape "
        f"{list(entry.shape)} ({covered} of {full_count} values). TF refuses to "
        "restore such a bundle too.",
        name,
      )
    for part in parts:  # every slice's bytes are checked before the full array exists
      self._check_size(name, part, dtype)
      self._check_fits(name, part)
    full = np.empty(entry.shape, dtype)
    for box, part in zip(boxes, parts):
      full[tuple(slice(start, stop) for start, stop in box)] = self._read_entry(name, part)
    return full


def _dtype_label(enum: int) -> str:
  if enum in DTYPES:
    return DTYPES[enum].name if enum != DT_STRING else "string"
  return TF_DTYPE_NAMES.get(enum, f"dtype enum {enum} ")


def _decode_strings(raw: bytes, count: int, shape: tuple[int, ...], fail):
  """TF's string tensor bytes: varint lengths, masked crc of lengths, then the bytes.

  Returns the ``object`` array of ``bytes`` and the crc32c TF computes over it.
  """
  pos, lengths, total = 0, [], 0
  crc = 0
  try:
    for _ in range(count):
      length, pos = sstable.varint(raw, pos)
      lengths.append(length)
      total += length
      # TF checksums each length as a little-endian uint32 (uint64 past 4 GiB).
      crc = crc32c(struct.pack("<I" if length <= 0xFFFFFFFF else "<Q", length), crc)
  except sstable.Malformed as e:
    raise fail(f"string lengths: {e}.") from None
  if len(raw) < pos + 4 or struct.unpack_from("<I", raw, pos)[0] != mask_crc(crc):
    raise fail("the lengths of its strings fail their crc32c check.")
  crc = crc32c(raw[pos : pos + 4], crc)
  pos += 4
  if pos + total != len(raw):
    raise fail(f"its strings' lengths add up to {total} bytes, but {len(raw) - pos} follow them.")
  out = np.empty(count, dtype=object)
  for i, length in enumerate(lengths):
    out[i] = bytes(raw[pos : pos + length])
    pos += length
  crc = crc32c(raw[pos - total : pos], crc)
  return out.reshape(shape), crc
