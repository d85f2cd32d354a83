"""Seeded, bounded mutation fuzzing of every reader of files: each outcome is a clean
``vs.CheckpointError`` naming the file, or (where the format checksums its bytes) values
identical to the unmutated file's. A few seconds in all.

* TF1 bundles (``tests/tf1_ckpt/data`` and ``tests/tf1_ckpt/hard``, written by TF): random
  byte changes, truncations and appends to the index, data and ``checkpoint`` files. Every
  byte TF reads is covered by a crc32c, so a load that succeeds must give identical values.
  Then *structural* mutations: a byte inside an index block changed and the block's crc32c
  fixed up, so the parser itself meets the bad bytes: a clean error or a load.
* safetensors: the format has no checksum, so a changed data byte changes a value; header
  mutations must give a clean error or a load of the declared shapes and dtypes.
* orbax: random byte changes to every file of a saved checkpoint: a clean error or a
  restore with the right names, shapes and dtypes.

Set ``VARSCOPE_FUZZ_SCALE=20`` to run twenty times as many mutations.
"""

import gc
import glob
import os
import random
import shutil
import struct
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.params.tree import flatten
from varscope_jax._src.io.tf1 import sstable

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS, "tf1_ckpt"))
from craft import crc32c, mask_crc  # noqa: E402

SCALE = int(os.environ.get("VARSCOPE_FUZZ_SCALE", "1"))
PREFIXES = sorted(
  p[: -len(".index")]
  for d in ("data", "hard")
  for p in glob.glob(os.path.join(TESTS, "tf1_ckpt", d, "*.index"))
)
# Training checkpoints from TF (optimizer slots, partitioned slots) and from varscope's writer.
PREFIXES += sorted(
  p[: -len(".index")]
  for d in ("partitioned", "written")
  for p in glob.glob(os.path.join(TESTS, "tf1_train", "data", d, "*.index"))
)
GOOD_PREFIXES = [p for p in PREFIXES if not p.endswith(("dropped.ckpt", "overlap.ckpt"))]


def snapshot(params):
  """``{name: (dtype, shape, bytes)}``: identical means bit for bit."""
  out = {}
  for name, leaf in flatten(params):
    array = np.asarray(leaf)
    data = b"\x00".join(array.reshape(-1).tolist()) if array.dtype == object else array.tobytes()
    out[name] = (array.dtype, array.shape, data)
  return out


def load_tf1(prefix):
  return snapshot(vs.load_tf1_checkpoint(prefix, as_numpy=True))


def copy_bundle(src_prefix, dst_dir):
  for path in glob.glob(glob.escape(src_prefix) + ".*"):
    shutil.copy(path, os.path.join(dst_dir, os.path.basename(path)))
  return os.path.join(dst_dir, os.path.basename(src_prefix))


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
  kind = rng.choice(["flip", "byte", "truncate", "append", "zero-run"])
  data = bytearray(data)
  if not data or kind == "append":
    return bytes(data + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16))))
  i = rng.randrange(len(data))
  if kind == "flip":
    data[i] ^= 1 << rng.randrange(8)
  elif kind == "byte":
    data[i] = rng.choice([0, 0xFF, 0x80, 0x7F, rng.randrange(256)])
  elif kind == "truncate":
    del data[i:]
  else:
    data[i : i + rng.randint(1, 8)] = b"\x00" * len(data[i : i + 8][: rng.randint(1, 8)])
  return bytes(data)


def expect_clean(load, path_hint, semantic_ok=False):
  """Runs ``load``: returns its result, or ``None`` for a CheckpointError naming a file.

  With ``semantic_ok``, a plain ValueError naming the checkpoint also counts: a renamed
  tensor can turn a well-formed file into, say, an optimizer slot without its variable.
  """
  try:
    return load()
  except vs.CheckpointError as e:
    assert e.path and e.path in str(e) and path_hint in e.path, str(e)
    return None
  except ValueError as e:
    if not semantic_ok:
      raise
    assert path_hint in str(e), str(e)
    return None


@pytest.mark.parametrize("prefix", GOOD_PREFIXES, ids=os.path.basename)
def test_tf1_random_byte_mutations(tmp_path, prefix):
  reference = load_tf1(prefix)
  rng = random.Random(f"tf1-bytes-{os.path.basename(prefix)}")
  files = [
    f for f in os.listdir(os.path.dirname(prefix)) if f.startswith(os.path.basename(prefix) + ".")
  ]
  outcomes = {"error": 0, "identical": 0}
  for trial in range(60 * SCALE):
    work = tmp_path / str(trial)
    work.mkdir()
    local = copy_bundle(prefix, str(work))
    target = os.path.join(str(work), rng.choice(sorted(files)))
    with open(target, "rb") as f:
      data = f.read()
    with open(target, "wb") as f:
      f.write(mutate_bytes(data, rng))
    got = expect_clean(lambda: load_tf1(local), str(work))
    if got is None:
      outcomes["error"] += 1
    else:
      assert got == reference, (trial, target)
      outcomes["identical"] += 1
    shutil.rmtree(work)
  assert outcomes["error"] > 0, outcomes


def test_tf1_checkpoint_state_file_mutations(tmp_path):
  rng = random.Random("tf1-state")
  data_dir = os.path.join(TESTS, "tf1_ckpt", "data")
  reference = load_tf1(data_dir)
  for trial in range(40 * SCALE):
    work = tmp_path / str(trial)
    shutil.copytree(data_dir, work)
    with open(work / "checkpoint", "rb") as f:
      data = f.read()
    with open(work / "checkpoint", "wb") as f:
      f.write(mutate_bytes(data, rng))
    got = expect_clean(lambda: load_tf1(str(work)), str(work))
    assert got is None or got == reference, trial
    shutil.rmtree(work)


def index_blocks(data: bytes):
  """``(offset, size)`` of every block of an SSTable (index block and data blocks)."""
  footer = data[-48:]
  _, pos = sstable.varint(footer, 0)
  _, pos = sstable.varint(footer, pos)
  index_offset, pos = sstable.varint(footer, pos)
  index_size, _ = sstable.varint(footer, pos)
  blocks = [(index_offset, index_size)]
  for _, handle in sstable.block_entries(data[index_offset : index_offset + index_size]):
    offset, pos = sstable.varint(handle, 0)
    size, _ = sstable.varint(handle, pos)
    blocks.append((offset, size))
  return blocks


@pytest.mark.parametrize("prefix", PREFIXES, ids=os.path.basename)
def test_tf1_structural_mutations_with_fixed_checksums(tmp_path, prefix):
  """The crc32c cannot catch these: the parser and the size, shape and slice checks must."""
  rng = random.Random(f"tf1-struct-{os.path.basename(prefix)}")
  with open(prefix + ".index", "rb") as f:
    original = f.read()
  blocks = index_blocks(original)
  loads = 0
  for trial in range(60 * SCALE):
    work = tmp_path / str(trial)
    work.mkdir()
    local = copy_bundle(prefix, str(work))
    data = bytearray(original)
    offset, size = rng.choice(blocks)
    for _ in range(rng.randint(1, 3)):
      i = offset + rng.randrange(size)
      data[i] = rng.choice(
        [0, 0xFF, 0x80, 0x7F, data[i] ^ (1 << rng.randrange(8)), rng.randrange(256)]
      )
    trailer = bytes(data[offset : offset + size + 1])
    struct.pack_into("<I", data, offset + size + 1, mask_crc(crc32c(trailer)))
    with open(local + ".index", "wb") as f:
      f.write(bytes(data))
    result = expect_clean(lambda: load_tf1(local), str(work), semantic_ok=True)
    loads += result is not None
    shutil.rmtree(work)
  assert loads < 60 * SCALE  # most mutations are caught


# ---------------------------------------------------------------------------
# safetensors.


def safetensors_params():
  return {
    "model": {
      "w": np.arange(12, dtype=np.float32).reshape(3, 4),
      "b": np.ones(4, ml_dtypes.bfloat16),
      "steps": np.array([3, 4], np.int32),
    },
    "mask": np.array([True, False]),
  }


def test_safetensors_header_mutations(tmp_path):
  path = tmp_path / "m.safetensors"
  vs.save_safetensors(path, safetensors_params())
  with open(path, "rb") as f:
    original = f.read()
  header_end = 8 + struct.unpack("<Q", original[:8])[0]
  assert snapshot(vs.load_safetensors(path, as_numpy=True)) == snapshot(safetensors_params())
  rng = random.Random("safetensors")
  loads = 0
  for trial in range(150 * SCALE):
    data = bytearray(original)
    if rng.random() < 0.2:
      data = bytearray(mutate_bytes(bytes(data), rng))
    else:
      i = rng.randrange(header_end)
      data[i] = rng.choice([0, 0xFF, ord("{"), ord('"'), ord("9"), data[i] ^ 1, rng.randrange(256)])
    mutated = tmp_path / f"{trial}.safetensors"
    with open(mutated, "wb") as f:
      f.write(bytes(data))
    got = expect_clean(lambda: snapshot(vs.load_safetensors(mutated, as_numpy=True)), str(mutated))
    if got is not None:
      loads += 1
      for name, (dtype, shape, raw) in got.items():
        assert len(raw) == int(np.prod(shape)) * dtype.itemsize, name
    os.remove(mutated)
  assert 0 < loads < 150 * SCALE


# ---------------------------------------------------------------------------
# orbax.


# A corrupt file can make tensorstore call back into orbax's event loop after it closed:
# orbax's own noise (an unraisable RuntimeError), not an outcome of the restore.
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_orbax_file_mutations(tmp_path):
  params = {
    "model": {"w": jnp.arange(12.0).reshape(3, 4), "b": jnp.ones(4, jnp.bfloat16)},
    "step": jnp.int32(7),
  }
  source = tmp_path / "source"
  vs.save_checkpoint(source, params)
  files = sorted(
    os.path.relpath(os.path.join(root, name), source)
    for root, _, names in os.walk(source)
    for name in names
  )
  assert files, "orbax wrote no files"
  target = jax.eval_shape(lambda: params)
  rng = random.Random("orbax")
  outcomes = {"error": 0, "restored": 0}
  for trial in range(25 * SCALE):
    work = tmp_path / str(trial)
    shutil.copytree(source, work)
    name = rng.choice(files)
    with open(work / name, "rb") as f:
      data = f.read()
    with open(work / name, "wb") as f:
      f.write(mutate_bytes(data, rng))
    for tgt in (None, target):
      got = expect_clean(lambda: vs.restore_checkpoint(work, tgt), str(work))
      if got is None:
        outcomes["error"] += 1
        continue
      outcomes["restored"] += 1
      assert jax.tree.structure(got) == jax.tree.structure(params), (trial, name)
      for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(params)):
        assert a.shape == b.shape and a.dtype == b.dtype, (trial, name)
    shutil.rmtree(work)
  gc.collect()  # orbax's abandoned coroutines complain now, under this test's filter
  assert outcomes["error"] > 0, outcomes


if __name__ == "__main__":  # pragma: no cover
  sys.exit(pytest.main([__file__, "-q", "-p", "no:randomly"]))
