"""Load speed of a TF1 checkpoint (tensor bundle) with ``vs.load_tf1_checkpoint``.

  python benchmarks/tf1_load.py --mb 1024            # a 1 GiB bundle of float32 tensors
  python benchmarks/tf1_load.py --mb 64 --pure-crc   # the pure-Python crc32c fallback

Writes the bundle once (``tests/tf1_ckpt/craft.py``, a test writer that TF itself reads)
into a temporary folder, then times ``load_tf1_checkpoint(prefix, as_numpy=True)`` (index,
reads, crc32c checks, numpy arrays) and the crc32c alone over the same bytes. Prints one
JSON line: MB/s of the whole load and of the checksum, and which crc32c ran.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "tf1_ckpt"))
sys.path.insert(0, ROOT)

import craft  # noqa: E402

import varscope_jax as vs  # noqa: E402

from varscope_jax._src.io.tf1 import crc32c as crc_lib  # noqa: E402
from varscope_jax._src.io.tf1 import reader as tensor_bundle  # noqa: E402


def main() -> None:
  parser = argparse.ArgumentParser()
  parser.add_argument("--mb", type=int, default=1024, help="bundle size in MiB")
  parser.add_argument("--tensor-mb", type=int, default=16, help="size of each tensor")
  parser.add_argument("--pure-crc", action="store_true", help="force the pure-Python crc32c")
  args = parser.parse_args()
  if args.pure_crc:
    tensor_bundle.crc32c = crc_lib.crc32c_python
  rng = np.random.default_rng(0)
  per = args.tensor_mb * 2**20 // 4
  count = max(1, args.mb // args.tensor_mb)
  with tempfile.TemporaryDirectory() as tmp:
    prefix = os.path.join(tmp, "model.ckpt")
    block = rng.standard_normal(per, dtype=np.float32)
    craft.write_bundle(prefix, {f"layer_{i:04d}/w": np.roll(block, i) for i in range(count)})
    total = os.path.getsize(prefix + ".data-00000-of-00001")
    t0 = time.perf_counter()
    params = vs.load_tf1_checkpoint(prefix, as_numpy=True)
    load_s = time.perf_counter() - t0
    assert len(params) == count
    del params
    raw = block.tobytes()
    crc_s = float("inf")
    for _ in range(1 if args.pure_crc else 3):  # best of 3
      t0 = time.perf_counter()
      tensor_bundle.crc32c(raw)
      crc_s = min(crc_s, time.perf_counter() - t0)
  print(
    json.dumps(
      {
        "bundle_mb": total / 2**20,
        "load_s": load_s,
        "load_mb_per_s": total / 2**20 / load_s,
        "crc_mb_per_s": block.nbytes / 2**20 / crc_s,
        "crc32c": "pure Python" if args.pure_crc else crc_lib.IMPLEMENTATION,
        "load_avg_1min": os.getloadavg()[0],
        "cpus": os.cpu_count(),
      }
    )
  )


if __name__ == "__main__":
  main()
