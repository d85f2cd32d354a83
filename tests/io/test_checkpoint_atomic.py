"""Overwrites are atomic: a writer killed (SIGKILL) at any moment of
``save_checkpoint(..., force=True)`` or ``CheckpointManager.save(..., force=True)`` leaves
the old or the new checkpoint whole and restorable, never neither.

Each writer is a process that stops itself at one named point of the overwrite and says
so on stdout (``PAUSE <case> <pid>``); the test then kills it with SIGKILL. No sleeps, no
polling: the kill point is deterministic. The points cover orbax writing the new
checkpoint, each rename of the swap, and deleting the old checkpoint half way. To pay for
the imports once, one subprocess imports varscope_jax and orbax (no JAX backend, no
tensorstore thread yet) and forks one writer per case.
"""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import varscope_jax as vs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WRITER = textwrap.dedent("""
  import os, shutil, sys, threading
  import numpy as np
  import orbax.checkpoint as ocp
  import varscope_jax as vs

  def say(*words):  # one write(2) of under PIPE_BUF bytes: writers' lines never interleave
    os.write(1, (" ".join(map(str, words)) + "\\n").encode())

  def pause(case):
    say("PAUSE", case, os.getpid())
    threading.Event().wait()  # until SIGKILL

  def hook_method(cls, name, case):
    original = getattr(cls, name)
    def hooked(self, *args, **kwargs):
      pause(case)
      return original(self, *args, **kwargs)
    setattr(cls, name, hooked)

  def run(mode, point, directory):
    case = mode + ":" + point
    old = {"model": {"w": np.full((64, 64), 1.0, np.float32), "b": np.ones(3, np.int32)}}
    new = {"model": {"w": np.full((64, 64), 2.0, np.float32), "b": np.full(3, 2, np.int32)}}
    if mode == "save":
      vs.save_checkpoint(directory, old)
    else:
      manager = vs.CheckpointManager(directory)
      manager.save(1, old)
    if point == "orbax-writing":      # orbax's tmp folder made, the handler about to write
      hook_method(ocp.CompositeCheckpointHandler, "save", case)
    elif point == "orbax-written":    # every array written, orbax's commit not yet done
      hook_method(ocp.CompositeCheckpointHandler, "finalize", case)
    else:
      rename, rmtree = os.rename, shutil.rmtree
      def hooked_rename(src, dst, *args, **kwargs):
        src, dst = os.fspath(src), os.fspath(dst)
        if ((point == "before-new" and src.endswith(".varscope-tmp")) or
            (point == "before-old" and dst.endswith(".varscope-old")) or
            (point == "between-renames" and src.endswith(".varscope-new"))):
          pause(case)
        return rename(src, dst, *args, **kwargs)
      def hooked_rmtree(path, *args, **kwargs):
        path = os.fspath(path)
        if point == "deleting-old" and path.endswith(".varscope-old"):
          files = sorted(os.path.join(r, f) for r, _, fs in os.walk(path) for f in fs)
          for name in files[:len(files) // 2]:
            os.remove(name)
          pause(case)
        return rmtree(path, *args, **kwargs)
      os.rename, shutil.rmtree = hooked_rename, hooked_rmtree
    if mode == "save":
      vs.save_checkpoint(directory, new, force=True)
    elif mode == "manager":
      manager.save(1, new, force=True)
    else:  # "new-step": a step that does not exist yet
      manager.save(2, new)
    say("DONE", case, os.getpid())

  vs.save_checkpoint, vs.CheckpointManager  # import the lazy modules once, before forking
  children = []
  for arg in sys.argv[1:]:
    mode, point, directory = arg.split(":", 2)
    pid = os.fork()
    if pid == 0:
      try:
        run(mode, point, directory)
      finally:
        os._exit(0)
    children.append(pid)
  status = [os.waitpid(pid, 0)[1] for pid in children]
  say("EXIT", *(os.waitstatus_to_exitcode(s) for s in status))
""")

# (mode, kill point, which checkpoint a reader must find then: "old" or "new")
CASES = [
  ("save", "orbax-writing", "old"),
  ("save", "orbax-written", "old"),
  ("save", "before-new", "old"),
  ("save", "before-old", "old"),
  ("save", "between-renames", "new"),
  ("save", "deleting-old", "new"),
  ("manager", "orbax-written", "old"),
  ("manager", "between-renames", "new"),
  ("manager", "deleting-old", "new"),
  ("new-step", "orbax-written", "old"),
]


def check_values(params, which):
  value = {"old": 1, "new": 2}[which]
  np.testing.assert_array_equal(np.asarray(params["model"]["w"]), np.full((64, 64), value))
  np.testing.assert_array_equal(np.asarray(params["model"]["b"]), np.full(3, value))


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
  """Runs every writer, kills each at its point; ``{case: (folder, its PAUSE line)}``."""
  root = tmp_path_factory.mktemp("killed")
  env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO)
  folders = {case: root / "_".join(case[:2]) for case in CASES}
  args = [f"{mode}:{point}:{folders[(mode, point, which)]}" for mode, point, which in CASES]
  server = subprocess.Popen(
    [sys.executable, "-c", WRITER, *args],
    env=env,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
    start_new_session=True,
  )
  # Only if something hangs: kill the server and its writers, and fail below.
  watchdog = threading.Timer(240, lambda: os.killpg(server.pid, signal.SIGKILL))
  watchdog.start()
  lines, seen = {}, []
  try:
    for raw in server.stdout:  # blocking reads until the server exits: no polling
      words = raw.decode().split()
      seen.append(" ".join(words))
      if words[:1] == ["PAUSE"]:
        os.kill(int(words[2]), signal.SIGKILL)
      if words[:1] in (["PAUSE"], ["DONE"]):
        lines[words[1]] = " ".join(words[:2])
    err = server.stderr.read().decode()
    server.wait()
  finally:
    watchdog.cancel()
    if server.poll() is None:
      os.killpg(server.pid, signal.SIGKILL)
      server.wait()
  assert seen[-1:] == [" ".join(["EXIT"] + ["-9"] * len(CASES))], (seen, err[-3000:])
  assert len(lines) == len(CASES), (seen, err[-3000:])
  return {case: (folders[case], lines[f"{case[0]}:{case[1]}"]) for case in CASES}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_killed_overwrite_leaves_old_or_new(killed, case):
  mode, point, which = case
  folder, line = killed[case]
  assert line == f"PAUSE {mode}:{point}", line
  leftovers = sorted(os.listdir(folder if mode != "save" else folder.parent))
  # A reader finds a whole checkpoint, and never changes the folder.
  if mode == "save":
    check_values(vs.restore_checkpoint(folder), which)
  else:
    assert vs.restore_checkpoint(folder, step=1) is not None
    check_values(vs.restore_checkpoint(folder, step=1), which)
    check_values(vs.restore_checkpoint(folder), which)  # the latest: step 2 never finished
  assert sorted(os.listdir(folder if mode != "save" else folder.parent)) == leftovers
  # The next writer finishes the swap, cleans up, and can overwrite again.
  if mode == "save":
    vs.save_checkpoint(folder, {"x": np.zeros(1)}, force=True)
    siblings = [n for n in os.listdir(folder.parent) if n.startswith(folder.name)]
    assert siblings == [folder.name], siblings
    assert list(vs.restore_checkpoint(folder)) == ["x"]
  else:
    with vs.CheckpointManager(folder) as manager:
      assert manager.all_steps() == [1]
      check_values(manager.restore(1), which)
      assert sorted(os.listdir(folder)) == ["1"], os.listdir(folder)
      manager.save(1, {"x": np.zeros(1)}, force=True)
      assert list(manager.restore(1)) == ["x"]
