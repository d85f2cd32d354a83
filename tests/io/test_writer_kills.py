"""Every writer killed (SIGKILL) at seeded random points leaves the old or the new
checkpoint whole: orbax ``save_checkpoint(force=True)``, ``CheckpointManager.save`` with
``max_to_keep`` (deleting an old step), ``save_safetensors``, ``save_tf1_checkpoint`` over
a prefix and as a new step.

Two kinds of kill points, both seeded:

* *event* kills: the writer counts its file-system calls (``open``, ``pwrite``, ``fsync``,
  ``rename``, ``replace``, ``remove``, ``mkdir``, ``rmtree``, ...) and stops itself at the
  k-th one, k drawn from the number a complete save makes; the test then kills it. Each
  such point is exact and repeatable.
* *timed* kills: the writer says it starts, the test kills it after a delay drawn from
  the duration of a complete save, so kills also land inside a write (tensorstore's, or a
  large ``pwrite``), where no Python hook runs.

After each kill a reader must find the old or the new values exactly (reading changes
nothing), and the next save must succeed and leave no temporary behind. One server
process imports varscope_jax and orbax once and forks each writer (no JAX backend in
the server). ``VARSCOPE_KILL_SCALE=N`` multiplies the number of kills; the ``slow`` test
(``VARSCOPE_SLOW=1``) runs ten times as many.
"""

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import varscope_jax as vs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WRITERS = ("orbax", "manager", "safetensors", "tf1", "tf1-step")

SERVER = textwrap.dedent("""
  import os, shutil, sys, threading, time
  import numpy as np
  import varscope_jax as vs

  def say(*words):  # one write(2) under PIPE_BUF: lines of several writers never interleave
    os.write(1, (" ".join(map(str, words)) + "\\n").encode())

  def values(version):
    return {"model": {"w": np.full((256, 256), version, np.float32),
                      "b": np.full(7, version, np.int32)}}

  HOOKED = ["open", "pwrite", "write", "fsync", "rename", "replace", "remove", "unlink",
            "mkdir", "makedirs", "rmdir"]

  def arm(case, stop_at):
    counter = [0]
    def event():
      counter[0] += 1
      if counter[0] == stop_at:
        say("PAUSE", case, os.getpid())
        threading.Event().wait()  # until SIGKILL
    for name in HOOKED:
      original = getattr(os, name)
      def hooked(*args, _original=original, **kwargs):
        event()
        return _original(*args, **kwargs)
      setattr(os, name, hooked)
    rmtree = shutil.rmtree
    def hooked_rmtree(*args, **kwargs):
      event()
      return rmtree(*args, **kwargs)
    shutil.rmtree = hooked_rmtree
    return counter

  def run(case, writer, mode, where):
    if writer == "orbax":
      vs.save_checkpoint(where, values(1))
      write = lambda: vs.save_checkpoint(where, values(2), force=True)
    elif writer == "manager":
      manager = vs.CheckpointManager(where, max_to_keep=2)
      manager.save(1, values(1))
      manager.save(2, values(1))
      write = lambda: manager.save(3, values(2))
    elif writer == "safetensors":
      vs.save_safetensors(where, values(1))
      write = lambda: vs.save_safetensors(where, values(2))
    elif writer == "tf1":
      vs.save_tf1_checkpoint(where, values(1))
      write = lambda: vs.save_tf1_checkpoint(where, values(2))
    else:  # tf1-step
      vs.save_tf1_checkpoint(where, values(1), step=1)
      write = lambda: vs.save_tf1_checkpoint(where, values(2), step=2)
    if mode == "count":
      counter = arm(case, -1)
      start = time.perf_counter()
      write()
      say("COUNT", case, counter[0], time.perf_counter() - start)
      return
    if mode == "timed":
      say("READY", case, os.getpid())
    else:
      arm(case, int(mode))
    write()
    say("DONE", case, os.getpid())

  vs.save_checkpoint, vs.CheckpointManager, vs.save_safetensors, vs.save_tf1_checkpoint
  children, registered = {}, threading.Lock()  # a child may exit before it is registered
  def reap():
    while True:
      try:
        pid, status = os.wait()
      except ChildProcessError:
        time.sleep(0.01)
        continue
      with registered:
        case = children.pop(pid)
      say("EXIT", case, os.waitstatus_to_exitcode(status))
  threading.Thread(target=reap, daemon=True).start()
  for line in sys.stdin:
    case, writer, mode, where = line.split(maxsplit=3)
    with registered:
      pid = os.fork()
      if pid == 0:
        try:
          run(case, writer, mode, where.strip())
        except BaseException as e:
          say("ERROR", case, type(e).__name__, str(e).replace("\\n", " ")[:300])
        finally:
          os._exit(0)
      children[pid] = case
""")


class Server:
  """The fork server: ``run(cases)`` runs writers a few at a time, kills them as told."""

  def __init__(self):
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO)
    self.proc = subprocess.Popen(
      [sys.executable, "-c", SERVER],
      env=env,
      stdin=subprocess.PIPE,
      stdout=subprocess.PIPE,
      stderr=subprocess.DEVNULL,
      start_new_session=True,
    )
    self.watchdog = threading.Timer(600, lambda: os.killpg(self.proc.pid, signal.SIGKILL))
    self.watchdog.start()

  def run(self, cases, parallel=3):
    """``cases``: ``[(case, writer, mode, where, delay)]``; returns ``{case: [lines]}``."""
    pending = list(cases)
    delays = {c[0]: c[4] for c in cases}
    out = {c[0]: [] for c in cases}
    running = 0
    timers = []

    def start_some():
      nonlocal running
      while pending and running < parallel:
        case, writer, mode, where, _ = pending.pop(0)
        self.proc.stdin.write(f"{case} {writer} {mode} {where}\n".encode())
        self.proc.stdin.flush()
        running += 1

    start_some()
    while running:
      raw = self.proc.stdout.readline()
      assert raw, "the fork server died"
      words = raw.decode().split()
      kind, case = words[0], words[1]
      out[case].append(words)
      if kind == "PAUSE":
        os.kill(int(words[2]), signal.SIGKILL)
      elif kind == "READY":
        timer = threading.Timer(delays[case], _kill_quietly, (int(words[2]),))
        timer.start()
        timers.append(timer)
      elif kind == "EXIT":
        running -= 1
        start_some()
    for timer in timers:
      timer.cancel()
    return out

  def close(self):
    self.watchdog.cancel()
    self.proc.stdin.close()
    os.killpg(self.proc.pid, signal.SIGKILL)
    self.proc.wait()


def _kill_quietly(pid):
  try:
    os.kill(pid, signal.SIGKILL)
  except ProcessLookupError:
    pass


def where(root, writer, case):
  folder = root / case
  folder.mkdir()
  name = {
    "orbax": "ckpt",
    "manager": "steps",
    "safetensors": "model.safetensors",
    "tf1": "model.ckpt",
    "tf1-step": "model.ckpt",
  }[writer]
  return folder, folder / name


def check(params, version):
  np.testing.assert_array_equal(
    np.asarray(params["model"]["w"]), np.full((256, 256), version, np.float32)
  )
  np.testing.assert_array_equal(np.asarray(params["model"]["b"]), np.full(7, version))


def found_version(params):
  """1 or 2 if ``params`` are exactly the old or the new values; else fails."""
  version = int(np.asarray(params["model"]["b"])[0])
  assert version in (1, 2), version
  check(params, version)
  return version


def read(writer, path):
  """The version a reader finds now (and, for steps, every listed step restores)."""
  if writer == "orbax":
    return found_version(vs.restore_checkpoint(path))
  if writer == "manager":
    with vs.CheckpointManager(path, read_only=True) as reader:
      steps = reader.all_steps()
      assert steps in ([1, 2], [2, 3], [1, 2, 3]), steps
      for step in steps:
        assert found_version(reader.restore(step)) == (2 if step == 3 else 1)
      return 2 if 3 in steps else 1
  if writer == "safetensors":
    return found_version(vs.load_safetensors(path))
  if writer == "tf1":
    return found_version(vs.load_tf1_checkpoint(path))
  check(vs.load_tf1_checkpoint(f"{path}-1"), 1)  # the older step is never touched
  latest = vs.load_tf1_checkpoint(path.parent)  # the folder's `checkpoint` file
  version = found_version(latest)
  if version == 2:
    assert int(latest["global_step"]) == 2
  return version


def snapshot(folder):
  return sorted(
    os.path.relpath(os.path.join(r, n), folder) for r, ds, fs in os.walk(folder) for n in ds + fs
  )


def write_again(writer, path):
  """The next save succeeds, and leaves exactly the files of a clean save."""
  fresh = {"model": {"w": np.full((256, 256), 3, np.float32), "b": np.full(7, 3, np.int32)}}
  folder = path.parent
  if writer == "orbax":
    vs.save_checkpoint(path, fresh, force=True)
    assert os.listdir(folder) == ["ckpt"], os.listdir(folder)
    check(vs.restore_checkpoint(path), 3)
  elif writer == "manager":
    with vs.CheckpointManager(path, max_to_keep=2) as manager:
      manager.save(4, fresh)
      assert manager.all_steps() == [manager.all_steps()[0], 4]
      assert sorted(os.listdir(path)) == [str(s) for s in manager.all_steps()], os.listdir(path)
      check(manager.restore(4), 3)
  elif writer == "safetensors":
    vs.save_safetensors(path, fresh)
    assert os.listdir(folder) == ["model.safetensors"], os.listdir(folder)
    check(vs.load_safetensors(path), 3)
  elif writer == "tf1":
    vs.save_tf1_checkpoint(path, fresh)
    names = sorted(os.listdir(folder))
    assert names in (
      ["checkpoint", "model.ckpt.data-00000-of-00001", "model.ckpt.index"],
      [
        "checkpoint",
        "model.ckpt.data-00000-of-00002",
        "model.ckpt.data-00001-of-00002",
        "model.ckpt.index",
      ],
    ), names
    check(vs.load_tf1_checkpoint(path), 3)
  else:
    vs.save_tf1_checkpoint(path, fresh, step=3)
    names = sorted(os.listdir(folder))
    assert not [n for n in names if n.startswith(".")], names
    for step in (1, 3):
      assert f"model.ckpt-{step}.index" in names, names
    check(vs.load_tf1_checkpoint(folder), 3)


def kill_and_check(tmp_path, per_writer, seed):
  rng = random.Random(seed)
  server = Server()
  try:
    count_cases = []
    for writer in WRITERS:
      _, path = where(tmp_path, writer, f"count-{writer}")
      count_cases.append((f"count-{writer}", writer, "count", path, 0))
    counted = server.run(count_cases)
    events, seconds = {}, {}
    for writer in WRITERS:
      lines = counted[f"count-{writer}"]
      assert lines[0][0] == "COUNT", lines
      events[writer], seconds[writer] = int(lines[0][2]), float(lines[0][3])
      assert events[writer] > 3, (writer, events[writer])
    cases = []
    for writer in WRITERS:
      for i in range(per_writer):
        case = f"{writer}-{i}"
        _, path = where(tmp_path, writer, case)
        if i % 2 == 0:
          cases.append((case, writer, str(rng.randint(1, events[writer])), path, 0))
        else:
          cases.append((case, writer, "timed", path, rng.uniform(0, 1.5 * seconds[writer])))
    results = server.run(cases)
  finally:
    server.close()
  tally = {writer: {"killed": 0, "finished": 0, "old": 0, "new": 0} for writer in WRITERS}
  for case, writer, mode, path, _ in cases:
    lines = results[case]
    kinds = [line[0] for line in lines]
    assert "ERROR" not in kinds, (case, lines)
    finished = "DONE" in kinds
    tally[writer]["finished" if finished else "killed"] += 1
    before = snapshot(path.parent)
    version = read(writer, path)
    assert snapshot(path.parent) == before, case  # reading changes nothing
    if finished:
      assert version == 2, case
    tally[writer]["old" if version == 1 else "new"] += 1
    write_again(writer, path)
  return tally


@pytest.mark.slow
def test_writers_killed_at_random_points_lose_nothing(tmp_path):
  scale = int(os.environ.get("VARSCOPE_KILL_SCALE", "1"))
  tally = kill_and_check(tmp_path, 24 * scale, seed=20261208)
  for writer, counts in tally.items():
    assert counts["killed"] >= 6 * scale, (writer, counts)  # most kills landed in a write
  print(tally)


@pytest.mark.slow
@pytest.mark.skipif(
  os.environ.get("VARSCOPE_SLOW") != "1",
  reason="1,200 kills, about 5 minutes on 2 cores: VARSCOPE_SLOW=1 runs it",
)
def test_writers_killed_at_many_more_random_points_lose_nothing(tmp_path):
  tally = kill_and_check(tmp_path, 240, seed=7)
  print(tally)
