"""Reading TF1 checkpoints without TensorFlow.

The data in ``tests/tf1_ckpt/data`` was written by real TensorFlow; regenerate it with
``/work/tfvenv/bin/python tests/tf1_ckpt/make_tf1_checkpoint.py`` (needs TensorFlow).
"""

import json
import os
import shutil
import sys

import jax
import ml_dtypes
import numpy as np
import pytest

from varscope_jax._src.io.tf1 import bundle_format
from varscope_jax._src.io.tf1 import crc32c as crc32c_lib
from varscope_jax._src.io.tf1 import reader as tf1
from varscope_jax._src.params.tree import flatten
from varscope_jax._src.io.tf1.load import list_tf1_checkpoint, load_tf1_checkpoint

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tf1_ckpt", "data")
MODEL = os.path.join(DATA, "model.ckpt")
RAW = os.path.join(DATA, "raw_dtypes.ckpt")
REGENERATE = "Regenerate with: /work/tfvenv/bin/python tests/tf1_ckpt/make_tf1_checkpoint.py"


@pytest.fixture(scope="module")
def expected():
  with np.load(os.path.join(DATA, "expected.npz")) as npz:
    values = {k: npz[k] for k in npz.files}
  with open(os.path.join(DATA, "expected_strings.json")) as f:
    strings = json.load(f)
  return values, strings


def check(name, got, values, strings):
  if name in strings:
    assert got.dtype == object, name
    assert [s.decode("latin-1") for s in got.reshape(-1)] == strings[name], name
    return
  if name.startswith("raw/many/"):
    assert got.dtype == np.int32 and int(got) == int(name.split("_")[1][:3]), name
    return
  want = values[name]
  if name in ("model/bf16/v", "raw/bfloat16"):
    assert got.dtype == ml_dtypes.bfloat16, name
    want = want.astype(ml_dtypes.bfloat16)
  assert got.dtype == want.dtype, (name, got.dtype, want.dtype, REGENERATE)
  assert got.shape == want.shape, name
  np.testing.assert_array_equal(got, want, err_msg=f"{name}. {REGENERATE}")


def test_saver_checkpoint_matches_tf_values(expected):
  values, strings = expected
  flat = dict(flatten(load_tf1_checkpoint(MODEL, as_numpy=True)))
  assert sorted(flat) == sorted(
    k for k in list(values) + list(strings) if not k.startswith("raw/")
  ), REGENERATE
  assert int(flat["global_step"]) == 1234  # TF bookkeeping is a real variable: kept.
  for name, got in flat.items():
    check(name, got, values, strings)


def test_every_dtype_and_multi_block_index(expected):
  values, strings = expected
  flat = dict(flatten(load_tf1_checkpoint(RAW, as_numpy=True)))
  assert len([k for k in flat if k.startswith("raw/many/")]) == 300
  assert {k for k in flat if not k.startswith("raw/many/")} == {
    k for k in list(values) + list(strings) if k.startswith("raw/")
  }
  for name, got in flat.items():
    check(name, got, values, strings)


def test_partitioned_variable_is_reassembled(expected):
  values, _ = expected
  entries = tf1.Bundle(MODEL).entries
  assert len(entries["model/part/w"].slices) == 2
  got = load_tf1_checkpoint(MODEL, as_numpy=True)["model"]["part"]["w"]
  np.testing.assert_array_equal(got, values["model/part/w"])


def test_jax_arrays_and_strings_stay_numpy():
  params = load_tf1_checkpoint(DATA)  # a folder with a `checkpoint` file
  assert isinstance(params["model"]["fc1"]["w"], jax.Array)
  assert params["model"]["fc1"]["w"].shape == (3, 4)
  assert isinstance(params["model"]["vocab"], np.ndarray)
  assert params["model"]["vocab"][0] == b"hello"
  # String leaves cannot enter jit: drop them to get a pure jax params tree.
  numeric = load_tf1_checkpoint(DATA, rename={"vocab": None})
  total = jax.jit(lambda p: p["model"]["fc1"]["w"].sum())(numeric)
  with np.load(os.path.join(DATA, "expected.npz")) as npz:
    assert float(total) == pytest.approx(float(npz["model/fc1/w"].sum()), rel=1e-6)


def test_list(expected):
  listing = list_tf1_checkpoint(MODEL)  # (shape, dtype, kind, ...): see test_tf1_training.py
  assert listing["model/fc1/w"][:3] == ((3, 4), np.dtype(np.float32), "variable")
  assert listing["global_step"][:3] == ((), np.dtype(np.int64), "bookkeeping")
  assert listing["model/bf16/v"][:2] == ((2, 3), np.dtype(ml_dtypes.bfloat16))
  assert listing["model/vocab"][:2] == ((4,), np.dtype(object))
  assert listing["model/part/w"][:2] == ((6, 2), np.dtype(np.float32))
  assert list(listing) == sorted(listing)
  assert list_tf1_checkpoint(MODEL + ".index") == listing


def test_rename_and_drop():
  params = load_tf1_checkpoint(
    MODEL,
    rename={  # first match wins
      r"^model/fc1/(.*)": r"net/dense1/\1",
      "vocab": None,
      r"^model/": "net/",
      "^global_step$": None,
    },
  )
  flat = dict(flatten(params))
  assert "net/dense1/w" in flat and "net/fc2/w" in flat
  assert not any("vocab" in k or "step" in k or k.startswith("model/") for k in flat)
  with pytest.raises(ValueError, match="rename maps both .* to same"):
    load_tf1_checkpoint(MODEL, rename={"^model/fc1/.*": "same"})
  with pytest.raises(ValueError, match="Variable model/fc1 cannot be stored"):
    load_tf1_checkpoint(MODEL, rename={"^model/fc1/w$": "model/fc1"})


def copy_checkpoint(tmp_path, prefix=MODEL):
  for suffix in (".index", ".data-00000-of-00001"):
    shutil.copy(prefix + suffix, tmp_path / ("model.ckpt" + suffix))
  return str(tmp_path / "model.ckpt")


def test_corrupt_data_fails_crc(tmp_path):
  prefix = copy_checkpoint(tmp_path)
  entry = tf1.Bundle(prefix).entries["model/fc1/w"]
  with open(prefix + ".data-00000-of-00001", "r+b") as f:
    f.seek(entry.offset + 5)
    byte = f.read(1)
    f.seek(entry.offset + 5)
    f.write(bytes([byte[0] ^ 0x01]))
  with pytest.raises(ValueError, match="Variable model/fc1/w in .* fails its crc32c check"):
    load_tf1_checkpoint(prefix)
  # Dropping it by name skips reading it.
  load_tf1_checkpoint(prefix, rename={"^model/fc1/w$": None})


def test_corrupt_index_and_missing_files(tmp_path):
  prefix = copy_checkpoint(tmp_path)
  with open(prefix + ".index", "r+b") as f:
    f.seek(40)
    byte = f.read(1)
    f.seek(40)
    f.write(bytes([byte[0] ^ 0x01]))
  with pytest.raises(ValueError, match="block at offset 0 fails its crc32c check"):
    list_tf1_checkpoint(prefix)
  with open(tmp_path / "junk.index", "wb") as f:
    f.write(b"x" * 100)
  with pytest.raises(ValueError, match="bad magic number"):
    list_tf1_checkpoint(tmp_path / "junk")
  with pytest.raises(ValueError, match=r"nothere\.index does not exist"):
    load_tf1_checkpoint(tmp_path / "nothere")
  os.mkdir(tmp_path / "folder")
  with pytest.raises(ValueError, match="without a 'checkpoint' file"):
    load_tf1_checkpoint(tmp_path / "folder")


def test_checkpoint_file_with_relative_and_absolute_paths(tmp_path):
  copy_checkpoint(tmp_path)
  with open(tmp_path / "checkpoint", "w") as f:
    f.write('model_checkpoint_path: "model.ckpt"\n')
  assert "global_step" in load_tf1_checkpoint(tmp_path)
  other = tmp_path / "other"
  other.mkdir()
  with open(other / "checkpoint", "w") as f:
    f.write(
      f'model_checkpoint_path: "{tmp_path / "model.ckpt"}"\nall_model_checkpoint_paths: "ignored"\n'
    )
  assert "global_step" in load_tf1_checkpoint(other)


def test_snappy_blocks_are_refused_clearly(tmp_path):
  sys.path.insert(0, os.path.join(os.path.dirname(DATA)))
  import craft

  with open(tmp_path / "s.index", "wb") as f:
    f.write(craft.sstable([(b"", craft.header_proto())], compression=1))
  with pytest.raises(ValueError, match="snappy-compressed block"):
    list_tf1_checkpoint(tmp_path / "s")


def test_unsupported_dtype_names_variable_and_fix():
  bundle = tf1.Bundle(MODEL)
  entry = bundle.entries["model/fc1/w"]
  entry.dtype = 11
  with pytest.raises(ValueError, match=r"model/fc1/w .* qint8, .* rename=\{"):
    bundle.read("model/fc1/w")


def test_crc32c_and_ordered_code_vectors():
  assert tf1.crc32c(b"") == 0
  assert tf1.crc32c(b"123456789") == 0xE3069283
  assert tf1.crc32c(b"\x00" * 32) == 0x8A9136AA  # RFC 3720 B.4
  assert crc32c_lib.unmask_crc(crc32c_lib.mask_crc(0x12345678)) == 0x12345678
  # From the C++ OrderedCode::WriteSignedNumIncreasing (authoritative vectors).
  vectors = {
    -(2**63): "003f8000000000000000",
    -(2**31) - 1: "077fffffff",
    -65: "3fbf",
    -64: "40",
    -1: "7f",
    0: "80",
    3: "83",
    63: "bf",
    64: "c040",
    2**31 - 1: "f87fffffff",
    2**31: "f880000000",
    2**63 - 1: "ffc07fffffffffffffff",
  }
  for value, hex_bytes in vectors.items():
    assert bundle_format.ordered_signed_num(value).hex() == hex_bytes, value
  assert (
    bundle_format.ordered_num(0) == b"\x00" and bundle_format.ordered_num(258) == b"\x02\x01\x02"
  )
  assert bundle_format.ordered_string(b"a\x00b\xff") == b"a\x00\xffb\xff\x00\x00\x01"


def test_committed_data_is_small():
  total = sum(os.path.getsize(os.path.join(DATA, n)) for n in os.listdir(DATA))
  assert total < 200_000, total
