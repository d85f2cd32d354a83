"""crc32c (Castagnoli), as TF's ``crc32c::Extend``: ``google-crc32c`` (C, hardware
instructions where the CPU has them), else a table-driven pure-Python fallback (about
10 MB/s: fine for small files, slow for large checkpoints).
"""

from __future__ import annotations

try:
  import google_crc32c as _google_crc32c
except ImportError:  # pragma: no cover - google-crc32c is a dependency; kept as fallback.
  _google_crc32c = None


def _make_table() -> list[int]:
  table = []
  for byte in range(256):
    crc = byte
    for _ in range(8):
      crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    table.append(crc)
  return table


_TABLE = _make_table()


def crc32c_python(data: bytes | memoryview, crc: int = 0) -> int:
  """The pure-Python crc32c of ``data``, continuing from ``crc``.

  >>> hex(crc32c_python(b"123456789"))
  '0xe3069283'
  """
  crc ^= 0xFFFFFFFF
  table = _TABLE
  for byte in bytes(data):
    crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
  return crc ^ 0xFFFFFFFF


_CHUNK = 1 << 18

if _google_crc32c is not None and _google_crc32c.implementation == "c":
  IMPLEMENTATION = "google-crc32c (C)"

  def crc32c(data: bytes | memoryview, crc: int = 0) -> int:
    """The crc32c of ``data``, continuing from ``crc`` (as TF's ``crc32c::Extend``).

    >>> hex(crc32c(b"123456789"))
    '0xe3069283'
    """
    if isinstance(data, bytes):
      return _google_crc32c.extend(crc, data)
    # The C extension takes only ``bytes``: other buffers (a numpy array's memory) go in
    # chunks small enough to stay in cache, instead of one copy of the whole buffer.
    view = memoryview(data).cast("B")
    for start in range(0, len(view), _CHUNK):
      crc = _google_crc32c.extend(crc, bytes(view[start : start + _CHUNK]))
    return crc
else:  # pragma: no cover - no C build of google-crc32c on this platform.
  IMPLEMENTATION = "pure Python"
  crc32c = crc32c_python


def mask_crc(crc: int) -> int:
  """TF's (LevelDB's) masked crc, as stored in files."""
  return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def unmask_crc(masked: int) -> int:
  """Inverse of :func:`mask_crc`."""
  rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
  return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
