"""``TensorShape``: TF's static shape object, as TF1 code builds and reads it."""

from __future__ import annotations


class TensorShape(tuple):
  """TF's ``tf.TensorShape``: a tuple of dims (ints, or ``None`` for unknown), equal to the
  tuple and list of those dims, with TF's ``as_list``, ``rank``, ``num_elements``.

  An RNN cell's ``state_size`` / ``output_size`` of ``TensorShape([2, 3])`` is one state
  of that shape (a plain tuple of ints is several states, as in TF); ``TensorShape([])``
  is one scalar per batch row. ``compute_output_shape`` returns one.

  >>> import varscope_jax as vs
  >>> s = vs.TensorShape([None, 5])
  >>> s, s.as_list(), s.rank, s == (None, 5)
  (TensorShape([None, 5]), [None, 5], 2, True)
  """

  def __new__(cls, dims=()):
    if isinstance(dims, int) or dims is None:
      raise TypeError(
        f"TensorShape takes a list of dims (ints or None), e.g. TensorShape([2, 3]); got {dims!r}."
      )
    out = []
    for d in dims:
      if d is not None and (isinstance(d, bool) or int(d) != d or int(d) < 0):
        raise TypeError(
          f"TensorShape: dims must be non-negative ints or None, got {d!r} in {list(dims)!r}."
        )
      out.append(None if d is None else int(d))
    return super().__new__(cls, out)

  def __eq__(self, other):
    try:
      return tuple(self) == tuple(other)
    except TypeError:
      return False

  def __ne__(self, other):
    return not self.__eq__(other)

  __hash__ = tuple.__hash__

  def __getitem__(self, key):
    item = super().__getitem__(key)
    return TensorShape(item) if isinstance(key, slice) else item

  def __add__(self, other):
    return TensorShape(tuple(self) + tuple(other))

  def __repr__(self):
    return "TensorShape(%s)" % list(self)

  def __str__(self):
    if len(self) == 1:
      return "(%s,)" % self[0]
    return "(%s)" % ", ".join(str(d) for d in self)

  def as_list(self):
    return list(self)

  @property
  def rank(self):
    return len(self)

  ndims = rank

  @property
  def dims(self):
    return list(self)

  def is_fully_defined(self):
    return all(d is not None for d in self)

  def num_elements(self):
    if not self.is_fully_defined():
      return None
    n = 1
    for d in self:
      n *= d
    return n

  def concatenate(self, other):
    return self + TensorShape(other)
