"""The upgrade report: every change by file and line, what needs a person, counts.

Like ``tf_upgrade_v2``'s report: one line per change, grouped by file, in line order,
then the counts. ``Report.markdown()`` is what ``--report`` writes.
"""

from __future__ import annotations

import collections
import dataclasses

# Kinds of entry, in the order the counts list them.
RENAMED = "renamed"  # tf.X -> vs.X (a name varscope_jax provides)
OP = "op"  # a TF op rewritten to jnp / jax.nn / jax.lax / vs.ops
SHAPE = "shape"  # a static-shape idiom (get_shape().as_list(), tf.shape(x))
HOST = "python"  # plain Python on the host (gfile -> open, executing_eagerly)
IMPORT = "import"  # a TF import removed or replaced
NULL_CONTEXT = "no-op"  # a context manager that means nothing in JAX (kept as a no-op)
MANUAL = "needs a person"  # left in place, marked with a comment line
UNSUPPORTED = "unsupported call"  # an op the table has, in a form it cannot rewrite
UNKNOWN = "unknown name"  # a TF name with no mapping: left in place, marked

KINDS = (RENAMED, OP, SHAPE, HOST, IMPORT, NULL_CONTEXT, MANUAL, UNSUPPORTED, UNKNOWN)
# Entries that leave TF1 code in place (a person finishes them).
FLAGGED = (MANUAL, UNSUPPORTED, UNKNOWN)
# Entries rewritten but worth a look (the comment line says why).
REVIEW = (NULL_CONTEXT,)


@dataclasses.dataclass(frozen=True)
class Entry:
  """One change (or one construct left for a person) at ``path:line:column``."""

  path: str
  line: int
  column: int
  kind: str
  old: str
  new: str = ""
  note: str = ""

  def text(self) -> str:
    where = f"{self.line}:{self.column}"
    if self.kind in FLAGGED:
      return f"- {where} **{self.kind}** `{self.old}`: {self.note}"
    change = f"`{self.old}` -> `{self.new}`"
    return f"- {where} {self.kind}: {change}" + (f" ({self.note})" if self.note else "")


@dataclasses.dataclass
class Report:
  """What the upgrader did to a set of files.

  >>> r = Report([Entry("m.py", 3, 0, RENAMED, "tf.get_variable", "vs.get_variable")])
  >>> r.counts()[RENAMED], r.flagged()
  (1, [])
  """

  entries: list[Entry] = dataclasses.field(default_factory=list)
  files: list[str] = dataclasses.field(default_factory=list)

  def extend(self, other: "Report") -> None:
    self.entries.extend(other.entries)
    self.files.extend(f for f in other.files if f not in self.files)

  def counts(self) -> collections.Counter:
    return collections.Counter(e.kind for e in self.entries)

  def flagged(self) -> list[Entry]:
    """The constructs left in place for a person (marked with a comment line)."""
    return [e for e in self.entries if e.kind in FLAGGED]

  def by_file(self) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {f: [] for f in self.files}
    for e in self.entries:
      out.setdefault(e.path, []).append(e)
    for lst in out.values():
      lst.sort(key=lambda e: (e.line, e.column))
    return out

  def summary(self) -> str:
    """One paragraph: files, changes, and how many constructs need a person."""
    c = self.counts()
    changed = sum(c[k] for k in KINDS if k not in FLAGGED)
    flagged = sum(c[k] for k in FLAGGED)
    review = sum(c[k] for k in REVIEW)
    return (
      f"{len(self.files)} file(s): {changed} change(s), {flagged} construct(s) "
      f"left for a person, {review} rewritten to review."
    )

  def markdown(self) -> str:
    """The full report: each file's entries by line, then the flagged ones, then counts."""
    lines = ["# varscope_jax.upgrade report", "", self.summary(), ""]
    for path, entries in self.by_file().items():
      lines.append(f"## {path}")
      lines.append("")
      lines.extend(e.text() for e in entries)
      if not entries:
        lines.append("(no TF1 code)")
      lines.append("")
    flagged = self.flagged()
    lines.append("## Left for a person")
    lines.append("")
    if flagged:
      lines.extend(f"- {e.path}:{e.line}:{e.column} `{e.old}`: {e.note}" for e in flagged)
    else:
      lines.append("Nothing: every TF1 construct was rewritten.")
    lines.append("")
    lines.append("## Counts")
    lines.append("")
    lines.append("| kind | count |")
    lines.append("|---|---|")
    c = self.counts()
    for kind in KINDS:
      lines.append(f"| {kind} | {c[kind]} |")
    lines.append(f"| **total** | {sum(c.values())} |")
    return "\n".join(lines) + "\n"
