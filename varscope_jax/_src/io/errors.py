"""The one error that every reader and writer of files raises for a bad file."""

from __future__ import annotations


class CheckpointError(ValueError):
  """A checkpoint or weights file is missing, malformed, corrupt, or cannot be read exactly.

  Raised by the TF1 reader, the safetensors reader and writer, and orbax checkpoints, for
  every problem that lies in the file rather than in the caller's arguments. It is a
  ``ValueError``, so ``except ValueError`` keeps working. The message names the file and,
  where there is one, the tensor; they are also attributes.

  Attributes:
    path: the file or folder, as a string (``None`` if unknown).
    tensor: the tensor's name in the file (``None`` if the problem is not one tensor's).

  >>> import varscope_jax as vs
  >>> try:
  ...   vs.load_tf1_checkpoint("no/such/model.ckpt")
  ... except vs.CheckpointError as e:
  ...   print(type(e).__name__, isinstance(e, ValueError), e.path)
  CheckpointError True no/such/model.ckpt
  """

  def __init__(self, message: str, *, path=None, tensor: str | None = None):
    super().__init__(message)
    self.path = None if path is None else str(path)
    self.tensor = tensor


CheckpointError.__module__ = "varscope_jax"
