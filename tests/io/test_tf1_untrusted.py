"""The TF1 reader on untrusted files: every malformed input is a ``CheckpointError`` naming
the file and the tensor, found before anything is allocated; every dtype TF writes.

``tests/tf1_ckpt/hard/`` was written by real TensorFlow (regenerate with
``TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/tf1_ckpt/make_hard_checkpoints.py``);
the other malformed bundles are crafted here with ``tests/tf1_ckpt/craft.py``, a writer
whose output TF itself reads.
"""

import json
import os
import struct
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.io.tf1 import crc32c as crc_lib
from varscope_jax._src.io.tf1 import reader as tensor_bundle

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS, "tf1_ckpt"))
import craft  # noqa: E402

HARD = os.path.join(TESTS, "tf1_ckpt", "hard")
RAW = os.path.join(TESTS, "tf1_ckpt", "data", "raw_dtypes.ckpt")
REGENERATE = (
  "Regenerate with: TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python "
  "tests/tf1_ckpt/make_hard_checkpoints.py"
)
FULL = np.arange(24, dtype=np.float32).reshape(4, 6)


@pytest.fixture(scope="module")
def expected():
  with np.load(os.path.join(HARD, "expected.npz")) as npz:
    return {k: npz[k] for k in npz.files}


def raises(match, tensor="__any__"):
  """``pytest.raises(vs.CheckpointError)``, then checks the error names a file (and tensor)."""

  class Check:
    def __enter__(self):
      self.ctx = pytest.raises(vs.CheckpointError, match=match)
      self.info = self.ctx.__enter__()
      return self.info

    def __exit__(self, *exc):
      out = self.ctx.__exit__(*exc)
      error = self.info.value
      assert isinstance(error, ValueError) and error.path, error
      assert error.path in str(error), error
      if tensor != "__any__":
        assert error.tensor == tensor and tensor in str(error), (error.tensor, str(error))
      return out

  return Check()


# ---------------------------------------------------------------------------
# Dtypes.


def test_every_low_precision_dtype_tf_writes(expected):
  listing = vs.list_tf1_checkpoint(os.path.join(HARD, "dtypes.ckpt"))
  loaded = vs.load_tf1_checkpoint(os.path.join(HARD, "dtypes.ckpt"), as_numpy=True)
  as_jax = vs.load_tf1_checkpoint(os.path.join(HARD, "dtypes.ckpt"))
  names = sorted(k for k in expected if k.startswith("low/"))
  assert len(names) == 10, REGENERATE
  for name in names:
    dtype = np.dtype(getattr(ml_dtypes, name.split("/")[1]))
    got = loaded["low"][name.split("/")[1]]
    assert listing[name][:2] == ((2, 2), dtype), name
    assert got.dtype == dtype, name
    np.testing.assert_array_equal(got.astype(np.float64), expected[name], err_msg=name)
    on_device = as_jax["low"][name.split("/")[1]]
    assert isinstance(on_device, jax.Array) and on_device.dtype == dtype, name
    np.testing.assert_array_equal(np.asarray(on_device).astype(np.float64), expected[name])


def test_int64_that_fits_becomes_int32_without_x64(expected):
  got = vs.load_tf1_checkpoint(os.path.join(HARD, "dtypes.ckpt"))["wide"]["int64_small"]
  assert got.dtype == jnp.int32
  np.testing.assert_array_equal(np.asarray(got), expected["wide/int64_small"])


@pytest.mark.parametrize(
  "name, why",
  [
    (
      "int64",
      r"holds int64 values from -9223372036854775808 to 9223372036854775807, outside "
      r"int32's range",
    ),
    ("uint64", r"holds uint64 values from 0 to 18446744073709551615, outside uint32's range"),
    (
      "complex128",
      r"holds finite complex128 values up to 1e\+300, which complex64 can only "
      r"hold as inf",
    ),
  ],
)
def test_64_bit_values_jax_would_change_are_errors_without_x64(name, why):
  with raises(why + ".*as_numpy=True.*jax_enable_x64.*rename=", tensor=f"raw/{name}"):
    vs.load_tf1_checkpoint(RAW, rename={f"^raw/(?!{name}$)": None})
  numeric = vs.load_tf1_checkpoint(RAW, rename={"^raw/(string|int64|uint64|complex128)$": None})
  assert numeric["raw"]["double"].dtype == jnp.float32  # rounding is JAX's documented narrowing
  exact = vs.load_tf1_checkpoint(RAW, as_numpy=True)["raw"]
  assert exact[name].dtype == np.dtype(name)
  if name == "int64":
    assert exact[name].tolist() == [-(2**63), 2**62, 2**63 - 1]


def test_64_bit_values_are_exact_with_x64():
  with jax.enable_x64(True):
    raw = vs.load_tf1_checkpoint(RAW, rename={"^raw/string$": None})["raw"]
    assert raw["int64"].dtype == jnp.int64
    assert np.asarray(raw["int64"]).tolist() == [-(2**63), 2**62, 2**63 - 1]
    assert np.asarray(raw["uint64"]).tolist() == [0, 2**64 - 1]


# ---------------------------------------------------------------------------
# Partitioned variables: reassembled only when the slices tile the shape.


def test_two_dimensional_slice_grid_from_tf(expected):
  got = vs.load_tf1_checkpoint(os.path.join(HARD, "grid.ckpt"), as_numpy=True)["v"]
  np.testing.assert_array_equal(got, expected["grid/v"])


def test_slices_tf_refuses_to_restore_are_refused():
  with open(os.path.join(HARD, "restore_errors.json")) as f:
    tf_says = json.load(f)
  assert "Does not have sufficient slices" in tf_says["dropped"], REGENERATE
  assert "Overlapping slices" in tf_says["overlap"], REGENERATE
  with raises(r"do not cover its shape \[4, 6\] \(12 of 24 values\)", tensor="v"):
    vs.load_tf1_checkpoint(os.path.join(HARD, "dropped.ckpt"))
  with raises(r"slices \[\(0, 3\), \(0, -1\)\] and \[\(2, 2\), \(0, -1\)\] overlap", tensor="v"):
    vs.load_tf1_checkpoint(os.path.join(HARD, "overlap.ckpt"))


def sliced(tmp_path, full_shape, parts, **kw):
  prefix = str(tmp_path / "m.ckpt")
  craft.write_bundle(prefix, {}, sliced={"v": (full_shape, parts)}, **kw)
  return prefix


@pytest.mark.parametrize(
  "case, parts, full_shape, match",
  [
    (
      "duplicate",
      [
        ([(0, 2), (0, None)], FULL[:2]),
        ([(0, 2), (0, None)], FULL[:2]),
        ([(2, 2), (0, None)], FULL[2:]),
      ],
      (4, 6),
      r"overlap",
    ),
    (
      "wrong extent",
      [([(0, 2), (0, None)], FULL[:1]), ([(2, 2), (0, None)], FULL[2:])],
      (4, 6),
      r"holds float32\[1, 6\]; it should hold float32\[2, 6\]",
    ),
    (
      "full shape larger",
      [([(0, 2), (0, None)], FULL[:2]), ([(2, 2), (0, None)], FULL[2:])],
      (5, 6),
      r"do not cover its shape \[5, 6\] \(24 of 30 values\)",
    ),
    (
      "outside",
      [([(0, 2), (0, None)], FULL[:2]), ([(3, 2), (0, None)], FULL[2:])],
      (4, 6),
      r"lies outside its shape",
    ),
    ("rank", [([(0, 4)], FULL[:, 0])], (4, 6), r"has 1 dimensions; the tensor has shape"),
    (
      "dtype",
      [([(0, 2), (0, None)], FULL[:2]), ([(2, 2), (0, None)], FULL[2:].astype(np.int32))],
      (4, 6),
      r"holds int32\[2, 6\]; it should hold float32\[2, 6\]",
    ),
  ],
)
def test_crafted_slices_that_do_not_tile(tmp_path, case, parts, full_shape, match):
  prefix = sliced(tmp_path, full_shape, parts)
  with raises(match, tensor="v"):
    vs.load_tf1_checkpoint(prefix)


def test_missing_slice_data_is_named(tmp_path):
  prefix = str(tmp_path / "m.ckpt")
  entry = craft.entry_proto(1, (4, 6), slices=[[(0, 2), (0, None)], [(2, 2), (0, None)]])
  craft.write_bundle(prefix, {}, entries={b"v": entry})
  with raises(r"the data of slice \[\(0, 2\), \(0, -1\)\] is missing", tensor="v"):
    vs.load_tf1_checkpoint(prefix)


# ---------------------------------------------------------------------------
# Sizes are checked before anything is allocated.


def entry_bundle(tmp_path, entry: bytes, data: bytes = b"\x00" * 16, header=None, name=b"w"):
  prefix = str(tmp_path / "m.ckpt")
  craft.write_bundle(prefix, {}, entries={name: entry}, header=header)
  with open(prefix + ".data-00000-of-00001", "wb") as f:
    f.write(data)
  return prefix


@pytest.mark.parametrize(
  "shape, size, match",
  [
    ((2**40,), 4 * 2**40, r"4398046511104 bytes are at offset 0, past the end of the 16-byte"),
    (
      (2**31, 2**31),
      16,
      r"shape \[2147483648, 2147483648\] of float32 is "
      r"18446744073709551616 bytes, but the entry holds 16",
    ),
    (
      (2**62, 2**62),
      16,
      r"shape \[4611686018427387904, 4611686018427387904\] of float32 is "
      r"85070591730234615865843651857942052864 bytes, but the entry holds 16",
    ),
    ((5,), 16, r"is 20 bytes, but the entry holds 16"),
  ],
)
def test_declared_sizes_are_checked_before_allocating(tmp_path, shape, size, match):
  prefix = entry_bundle(tmp_path, craft.entry_proto(1, shape, size=size, crc=0))
  assert vs.list_tf1_checkpoint(prefix)["w"][:2] == (shape, np.dtype(np.float32))
  with raises(match, tensor="w"):
    vs.load_tf1_checkpoint(prefix)


def test_huge_string_count_is_refused_before_decoding(tmp_path):
  prefix = entry_bundle(tmp_path, craft.entry_proto(7, (2**40,), size=16, crc=0))
  with raises(r"has 1099511627776 strings, more than its 16 bytes can hold", tensor="w"):
    vs.load_tf1_checkpoint(prefix)


@pytest.mark.parametrize(
  "header, entry, match",
  [
    (craft.header_proto(num_shards=0), craft.entry_proto(1, (4,), size=16), r"num_shards is 0"),
    (None, craft.entry_proto(1, (4,), size=16, shard_id=3), r"shard 3 does not exist"),
    (
      craft.header_proto(num_shards=2),
      craft.entry_proto(1, (4,), size=16, shard_id=1),
      r"m\.ckpt\.data-00001-of-00002, tensor w: the data file is missing",
    ),
    (None, craft.field_varint(2, 5), r"protobuf field 2 has wire type 0, not 2"),
    (
      None,
      craft.field_bytes(2, craft.field_bytes(2, craft.field_varint(1, -1))),
      r"unknown or negative dimension \(-1\)",
    ),
    (None, craft.field_bytes(2, craft.field_varint(3, 1)), r"shape has unknown rank"),
    (None, b"\x08", r"truncated varint"),
    (None, b"\x0a\x10", r"truncated protobuf field"),
    (None, b"\x08" + b"\xff" * 10 + b"\x01", r"varint longer than 10 bytes"),
    (
      craft.header_proto() + craft.field_varint(2, 7),
      craft.entry_proto(1, (4,), size=16),
      r"unknown endianness 7",
    ),
    (
      craft.field_bytes(3, craft.field_varint(2, 5)),
      craft.entry_proto(1, (4,), size=16),
      r"needs a reader of format version 5",
    ),
  ],
)
def test_malformed_entries_and_headers(tmp_path, header, entry, match):
  prefix = entry_bundle(tmp_path, entry, header=header)
  with raises(match):
    vs.load_tf1_checkpoint(prefix)


def test_bad_utf8_name(tmp_path):
  prefix = entry_bundle(tmp_path, craft.entry_proto(1, (4,), size=16), name=b"w\xff\xfe")
  with raises(r"a tensor name is not valid UTF-8", tensor="b'w\\xff\\xfe'"):
    vs.list_tf1_checkpoint(prefix)


def test_unknown_dtype_enum_is_refused_on_read_and_listed(tmp_path):
  prefix = entry_bundle(tmp_path, craft.entry_proto(99, (4,), size=16))
  assert vs.list_tf1_checkpoint(prefix)["w"][:2] == ((4,), "enum 99")
  with raises(r"TF dtype enum 99, which varscope_jax cannot read.*rename=", tensor="w"):
    vs.load_tf1_checkpoint(prefix)
  assert vs.load_tf1_checkpoint(prefix, rename={"^w$": None}) == {}


def test_bool_bytes_other_than_0_and_1(tmp_path):
  raw = b"\x00\x01\x02"
  entry = craft.entry_proto(10, (3,), size=3, crc=craft.mask_crc(craft.crc32c(raw)))
  with raises(r"a bool is neither 0 nor 1", tensor="w"):
    vs.load_tf1_checkpoint(entry_bundle(tmp_path, entry, data=raw))


def test_big_endian_bundle(tmp_path):
  prefix = str(tmp_path / "be.ckpt")
  values = {
    "f": np.array([1.5, -2.0], np.float32),
    "c": np.array([1 + 2j], np.complex64),
    "b": np.array([1.0, 3.0], ml_dtypes.bfloat16),
    "i": np.array([-7, 2**40], np.int64),
  }
  entries, data = {}, b""
  for name, value in values.items():
    raw = (
      value.view(f"u{value.dtype.itemsize // (2 if value.dtype.kind == 'c' else 1)}")
      .byteswap()
      .tobytes()
    )
    entries[name.encode()] = craft.entry_proto(
      craft.DTYPE_ENUMS[value.dtype.name],
      value.shape,
      offset=len(data),
      size=len(raw),
      crc=craft.mask_crc(craft.crc32c(raw)),
    )
    data += raw
  craft.write_bundle(prefix, {}, entries=entries, header=craft.header_proto(big_endian=True))
  with open(prefix + ".data-00000-of-00001", "wb") as f:
    f.write(data)
  got = vs.load_tf1_checkpoint(prefix, as_numpy=True)
  for name, value in values.items():
    assert got[name].dtype == value.dtype
    np.testing.assert_array_equal(got[name], value)


# ---------------------------------------------------------------------------
# Crafted SSTable blocks.


def crafted_index(tmp_path, blocks):
  with open(tmp_path / "t.index", "wb") as f:
    f.write(craft.sstable([(b"", craft.header_proto())], raw_blocks=blocks))
  return tmp_path / "t"


ENTRY = craft.varint(0) + craft.varint(1) + craft.varint(2) + b"a\x08\x01"  # "a": 08 01


@pytest.mark.parametrize(
  "block, match",
  [
    (ENTRY + struct.pack("<II", 0, 0xFFFFFFFF), r"claims 4294967295 restart points"),
    (ENTRY + struct.pack("<I", 0), r"claims 0 restart points"),
    (b"\x00\x00", r"shorter than its restart count"),
    (
      craft.varint(1 << 40) + craft.varint(1) + craft.varint(0) + b"a" + struct.pack("<II", 0, 1),
      r"shares 1099511627776 bytes",
    ),
    (
      craft.varint(0) + craft.varint(1 << 40) + craft.varint(0) + struct.pack("<II", 0, 1),
      r"runs past its block",
    ),
    (b"\x80" * 11 + struct.pack("<II", 0, 1), r"varint longer than 10 bytes"),
    (ENTRY + ENTRY + struct.pack("<III", 0, 6, 2), r"key b'a' appears twice"),
    (ENTRY + struct.pack("<III", 0, 3, 2), r"restart point is not at the start of an entry"),
    (ENTRY + struct.pack("<III", 0, 0, 2), r"restart points are not increasing"),
  ],
)
def test_crafted_blocks(tmp_path, block, match):
  with raises(r"t\.index: corrupt index: .*" + match):
    vs.list_tf1_checkpoint(crafted_index(tmp_path, [block]))


def test_keys_out_of_order_across_blocks(tmp_path):
  one = craft.block([(b"b", b"")])
  two = craft.block([(b"a", b"")])
  with raises(r"keys are not in increasing order at b'a'"):
    vs.list_tf1_checkpoint(crafted_index(tmp_path, [one, two]))


def test_block_handle_past_the_end(tmp_path):
  data = bytearray(craft.sstable([(b"", craft.header_proto())]))
  footer = len(data) - 48
  index_handle = craft.varint(0) + craft.varint(10**9)
  meta = craft.varint(0) + craft.varint(0)
  data[footer : footer + 40] = (meta + index_handle).ljust(40, b"\x00")
  with open(tmp_path / "h.index", "wb") as f:
    f.write(bytes(data))
  with raises(r"block at offset 0 \(1000000000 bytes\) runs past the end"):
    vs.list_tf1_checkpoint(tmp_path / "h")


# ---------------------------------------------------------------------------
# The checkpoint state file and the error class.


def test_checkpoint_file_with_octal_escaped_non_ascii_prefix(tmp_path):
  for suffix in (".index", ".data-00000-of-00001"):
    with open(RAW + suffix, "rb") as src, open(tmp_path / ("m\u00f6del.ckpt" + suffix), "wb") as f:
      f.write(src.read())
  with open(tmp_path / "checkpoint", "w") as f:  # as TF writes it: text-format escapes
    f.write('model_checkpoint_path: "m\\303\\266del.ckpt"\n')
  assert "raw" in vs.load_tf1_checkpoint(tmp_path, as_numpy=True)


def test_checkpoint_error_is_a_public_value_error():
  assert vs.CheckpointError.__module__ == "varscope_jax"
  assert issubclass(vs.CheckpointError, ValueError)


def test_crc32c_uses_the_c_implementation_and_matches_the_fallback():
  assert crc_lib.IMPLEMENTATION == "google-crc32c (C)"
  assert tensor_bundle.crc32c is crc_lib.crc32c
  rng = np.random.default_rng(0)
  for size in (0, 1, 7, 4096, 100_003):
    data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    assert crc_lib.crc32c(data) == crc_lib.crc32c_python(data), size
    assert crc_lib.crc32c(
      data[size // 2 :], crc_lib.crc32c(data[: size // 2])
    ) == crc_lib.crc32c_python(data)
