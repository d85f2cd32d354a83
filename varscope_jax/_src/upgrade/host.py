"""TF1 calls that are plain Python on the host: files, the checkpoint list, eagerness.

Each entry maps a TF name to a template of its replacement, ``{0}``, ``{1}``... being
the positional arguments' source (keywords by name), and the modules it needs.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence


@dataclasses.dataclass(frozen=True)
class HostCall:
  """A TF name whose call becomes ``template`` (Python, not an op)."""

  template: str
  imports: tuple[str, ...] = ()
  note: str = ""
  params: tuple[str, ...] = ()  # TF's positional parameter names, for keywords


_GFILE_NOTE = "gfile also read gs:// paths; open() reads local files"

CALLS: dict[str, HostCall] = {}
for _ns in ("gfile", "io.gfile"):
  CALLS.update(
    {
      f"{_ns}.GFile": HostCall("open({args})", note=_GFILE_NOTE),
      f"{_ns}.Open": HostCall("open({args})", note=_GFILE_NOTE),
      f"{_ns}.FastGFile": HostCall("open({args})", note=_GFILE_NOTE),
      f"{_ns}.exists": HostCall("os.path.exists({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.Exists": HostCall("os.path.exists({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.isdir": HostCall("os.path.isdir({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.IsDirectory": HostCall("os.path.isdir({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.listdir": HostCall("os.listdir({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.ListDirectory": HostCall("os.listdir({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.glob": HostCall("glob.glob({args})", ("glob",), _GFILE_NOTE),
      f"{_ns}.Glob": HostCall("glob.glob({args})", ("glob",), _GFILE_NOTE),
      f"{_ns}.makedirs": HostCall("os.makedirs({args}, exist_ok=True)", ("os",), _GFILE_NOTE),
      f"{_ns}.MakeDirs": HostCall("os.makedirs({args}, exist_ok=True)", ("os",), _GFILE_NOTE),
      f"{_ns}.remove": HostCall("os.remove({args})", ("os",), _GFILE_NOTE),
      f"{_ns}.Remove": HostCall("os.remove({args})", ("os",), _GFILE_NOTE),
    }
  )
CALLS.update(
  {
    "executing_eagerly": HostCall(
      "True", note="JAX runs eagerly (jit traces with concrete shapes); arrays have no graph names"
    ),
    "compat.dimension_value": HostCall("{0}", params=("dimension",)),
    "dimension_value": HostCall("{0}", params=("dimension",)),
    "Dimension": HostCall("{0}", params=("value",)),
    "TensorShape": HostCall("tuple({0})", params=("dims",)),
  }
)

# TF names used as values (not called): what they become.
VALUES: dict[str, tuple[str, tuple[str, ...]]] = {
  "Tensor": ("jax.Array", ("jax",)),
}


def render(call: HostCall, args: Sequence[str], kwargs: Mapping[str, str]) -> str:
  """The replacement text of a host call.

  >>> render(CALLS["gfile.GFile"], ["path", '"r"'], {})
  'open(path, "r")'
  >>> render(CALLS["compat.dimension_value"], [], {"dimension": "x.shape[0]"})
  'x.shape[0]'
  """
  if "{args}" in call.template:
    parts = list(args) + [f"{k}={v}" for k, v in kwargs.items() if k != "name"]
    return call.template.replace("{args}", ", ".join(parts))
  values = list(args)
  for pname in call.params[len(values) :]:
    if pname not in kwargs:
      break
    values.append(kwargs[pname])
  return call.template.format(*values)
