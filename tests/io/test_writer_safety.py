"""What every writer promises beside kills: the same name checks before anything is
written, one writer at a time, a read-only reader beside a writer, no leftovers, and a
full disk reported by name with the previous checkpoint intact."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import varscope_jax as vs
from varscope_jax._src.io import durable

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OLD = {"m": {"w": np.ones(3, np.float32)}}


def files(folder):
  return sorted(os.listdir(folder))


# ---------------------------------------------------------------------------
# Names checked before anything is written, by the TF1 and safetensors writers too.


@pytest.mark.parametrize(
  "params, match",
  [
    ({"a/b": np.ones(1), "a": {"b": np.zeros(1)}}, r"holds two variables named a/b"),
    ({"": np.ones(1)}, r"key '' at the top level is empty"),
    ({"m": {"": np.ones(1)}}, r"key '' under m is empty"),
    ({"a//b": np.ones(1)}, r"key 'a//b' at the top level contains '/'"),
    ({"\x00w": np.ones(1)}, r"starting with '\\x00' for the slices of partitioned"),
  ],
)
def test_tf1_writer_refuses_names_it_cannot_read_back(tmp_path, params, match):
  prefix = tmp_path / "model.ckpt"
  vs.save_tf1_checkpoint(prefix, OLD)
  before = files(tmp_path)
  with pytest.raises(ValueError, match=match):
    vs.save_tf1_checkpoint(prefix, params)
  assert files(tmp_path) == before
  np.testing.assert_array_equal(vs.load_tf1_checkpoint(prefix)["m"]["w"], OLD["m"]["w"])


def test_tf1_writer_keeps_flat_names_of_variables_and_their_slots(tmp_path):
  w = np.ones(2, np.float32)
  vs.save_tf1_checkpoint(tmp_path / "model.ckpt", {"w": w, "w/Adam": 2 * w})
  assert sorted(vs.list_tf1_checkpoint(tmp_path)) == ["w", "w/Adam"]


@pytest.mark.parametrize(
  "params, match",
  [
    ({"__metadata__": np.ones(1)}, r"name '__metadata__' cannot be saved: safetensors keeps"),
    ({"a/b": np.ones(1), "a": {"b": np.zeros(1)}}, r"key 'a/b' at the top level contains"),
    ({"": np.ones(1)}, r"key '' at the top level is empty"),
  ],
)
def test_safetensors_writer_refuses_names_it_cannot_read_back(tmp_path, params, match):
  path = tmp_path / "model.safetensors"
  vs.save_safetensors(path, OLD)
  with pytest.raises(ValueError, match=match):
    vs.save_safetensors(path, params)
  assert files(tmp_path) == ["model.safetensors"]
  np.testing.assert_array_equal(vs.load_safetensors(path)["m"]["w"], OLD["m"]["w"])


def test_safetensors_bool_byte_other_than_0_or_1_is_refused(tmp_path):
  path = tmp_path / "b.safetensors"
  vs.save_safetensors(path, {"flag": np.array([True, False, True])})
  raw = bytearray(path.read_bytes())
  assert raw[-3:] == b"\x01\x00\x01"
  raw[-1] = 2
  path.write_bytes(bytes(raw))
  with pytest.raises(
    vs.CheckpointError,
    match=r"flag in .*b.safetensors: a bool byte is "
    r"neither 0 nor 1",
  ) as e:
    vs.load_safetensors(path)
  assert e.value.tensor == "flag"


# ---------------------------------------------------------------------------
# The TF1 writer: the index is the one commit point.


def test_tf1_overwrite_alternates_data_files_and_removes_the_old_ones(tmp_path):
  prefix = tmp_path / "model.ckpt"
  for version in range(1, 4):
    vs.save_tf1_checkpoint(prefix, {"w": np.full(3, version, np.float32)})
    np.testing.assert_array_equal(vs.load_tf1_checkpoint(prefix)["w"], [version] * 3)
    data = [n for n in files(tmp_path) if ".data-" in n]
    assert data == (
      ["model.ckpt.data-00000-of-00001"]
      if version % 2
      else ["model.ckpt.data-00000-of-00002", "model.ckpt.data-00001-of-00002"]
    )
  assert files(tmp_path) == ["checkpoint", "model.ckpt.data-00000-of-00001", "model.ckpt.index"]


def test_tf1_killed_writers_leftovers_are_removed_by_the_next_save(tmp_path):
  prefix = tmp_path / "model.ckpt"
  vs.save_tf1_checkpoint(prefix, OLD, step=1)
  for name in [
    ".model.ckpt-2.index" + durable.TMP_MARK + "0123",
    "model.ckpt-2.varscope-lock",
    "model.ckpt-2.data-00000-of-00001",
    ".checkpoint" + durable.TMP_MARK + "4567",
  ]:
    (tmp_path / name).write_bytes(b"x" * 100)
  with durable.Temporary(str(tmp_path / "model.ckpt-5.index")) as alive:  # a living writer
    vs.save_tf1_checkpoint(prefix, OLD, step=3)
    assert files(tmp_path) == sorted(
      [
        "checkpoint",
        "model.ckpt-1.data-00000-of-00001",
        "model.ckpt-1.index",
        "model.ckpt-3.data-00000-of-00001",
        "model.ckpt-3.index",
        os.path.basename(alive.path),
      ]
    )


def test_safetensors_killed_writers_temporary_is_removed_by_the_next_save(tmp_path):
  path = tmp_path / "model.safetensors"
  (tmp_path / (".model.safetensors" + durable.TMP_MARK + "89ab")).write_bytes(b"x" * 100)
  vs.save_safetensors(path, OLD)
  assert files(tmp_path) == ["model.safetensors"]


def test_tf1_index_whose_version_refuses_this_reader_is_refused(tmp_path):
  from varscope_jax._src.io.tf1 import writer

  original = writer._header

  def header(num_shards=1):  # VersionDef{producer: 1, bad_consumers: [1]}
    return writer._field_varint(1, num_shards) + writer._field_bytes(
      3, writer._field_varint(1, 1) + writer._field_varint(3, 1)
    )

  writer._header = header
  try:
    vs.save_tf1_checkpoint(tmp_path / "model.ckpt", OLD)
  finally:
    writer._header = original
  with pytest.raises(vs.CheckpointError, match=r"disallows consumer version 1"):
    vs.load_tf1_checkpoint(tmp_path / "model.ckpt")


# ---------------------------------------------------------------------------
# Two writers never mix: the second fails loudly.


def test_a_second_writer_of_a_checkpoint_fails_loudly(tmp_path):
  ckpt = tmp_path / "ckpt"
  vs.save_checkpoint(ckpt, OLD)
  with durable.WriterLock(str(ckpt)):  # as another process writing it would
    with pytest.raises(
      vs.CheckpointError,
      match=r"Another process is writing the "
      r"checkpoint .*ckpt now",
    ):
      vs.save_checkpoint(ckpt, {"m": {"w": np.zeros(3, np.float32)}}, force=True)
  (tmp_path / "steps").mkdir()
  with durable.WriterLock(str(tmp_path / "steps" / "1")):
    with pytest.raises(vs.CheckpointError, match=r"Another process is writing the step"):
      vs.save_checkpoint(tmp_path / "steps", OLD, step=1)
  assert files(tmp_path / "steps") == []
  (tmp_path / "steps").rmdir()
  with durable.WriterLock(str(tmp_path / "model.ckpt")):
    with pytest.raises(vs.CheckpointError, match=r"writing the TF1 checkpoint"):
      vs.save_tf1_checkpoint(tmp_path / "model.ckpt", OLD)
  np.testing.assert_array_equal(vs.restore_checkpoint(ckpt)["m"]["w"], OLD["m"]["w"])
  assert files(tmp_path) == ["ckpt"]  # nothing left behind, the lock files included


TWO_WRITERS = textwrap.dedent("""
  import sys, numpy as np, varscope_jax as vs
  where, value, rounds = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
  saved = refused = 0
  for i in range(rounds):
    params = {"a": np.full(4096, value, np.float32), "b": np.full(4096, value, np.float32)}
    try:
      vs.save_checkpoint(where, params, force=True)
      saved += 1
    except vs.CheckpointError as e:
      assert "Another process is writing" in str(e), e
      refused += 1
  print(saved, refused)
""")


@pytest.mark.slow
def test_two_processes_overwriting_one_checkpoint_never_mix(tmp_path):
  ckpt = tmp_path / "ckpt"
  vs.save_checkpoint(ckpt, {"a": np.zeros(4096, np.float32), "b": np.zeros(4096, np.float32)})
  env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO)
  procs = [
    subprocess.Popen(
      [sys.executable, "-c", TWO_WRITERS, str(ckpt), str(v), "8"],
      env=env,
      stdout=subprocess.PIPE,
      stderr=subprocess.PIPE,
    )
    for v in (1, 2)
  ]
  outs = [p.communicate(timeout=300) for p in procs]
  assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
  saved = sum(int(o[0].split()[0]) for o in outs)
  assert saved >= 8  # at least one writer's every round, typically more
  back = vs.restore_checkpoint(ckpt)
  value = float(np.asarray(back["a"])[0])
  assert value in (1.0, 2.0)
  np.testing.assert_array_equal(back["a"], np.full(4096, value))
  np.testing.assert_array_equal(back["b"], np.full(4096, value))  # never one of each
  assert files(tmp_path) == ["ckpt"]


# ---------------------------------------------------------------------------
# A reader beside a writer.


def test_read_only_manager_deletes_nothing(tmp_path):
  steps = tmp_path / "steps"
  with vs.CheckpointManager(steps) as manager:
    manager.save(1, OLD)
    manager.save(2, OLD)
  # what a writer in progress, or a killed one, has beside the steps
  for name in ["3.orbax-checkpoint-tmp-1234", "2.varscope-tmp", "1.varscope-deleting"]:
    (steps / name).mkdir()
  (steps / "4.varscope-lock").write_bytes(b"")
  before = files(steps)
  with vs.CheckpointManager(steps, read_only=True) as reader:
    assert reader.all_steps() == [1, 2] and reader.latest_step() == 2
    np.testing.assert_array_equal(reader.restore()["m"]["w"], OLD["m"]["w"])
    with pytest.raises(ValueError, match=r"opened with read_only=True: it never writes"):
      reader.save(3, OLD)
    with vs.CheckpointManager(steps) as writer:  # the reader sees steps others save
      writer.save(5, OLD)
    assert reader.all_steps() == [1, 2, 5]
  assert files(steps) == ["1", "2", "5"]  # only the writer cleaned up
  del before


def test_manager_skips_half_written_steps_a_living_writer_holds(tmp_path):
  steps = tmp_path / "steps"
  vs.save_checkpoint(steps, OLD, step=1)
  (steps / "2.orbax-checkpoint-tmp-99").mkdir()
  with durable.WriterLock(str(steps / "2")):  # its writer is alive
    with vs.CheckpointManager(steps):
      pass
    assert "2.orbax-checkpoint-tmp-99" in files(steps)
  with vs.CheckpointManager(steps):
    pass
  assert files(steps) == ["1"]


def test_max_to_keep_over_a_symlinked_step_unlinks_it_and_save_succeeds(tmp_path):
  steps = tmp_path / "steps"
  vs.save_checkpoint(steps, OLD, step=1)
  os.rename(steps / "1", tmp_path / "kept")
  os.symlink(tmp_path / "kept", steps / "1")
  with vs.CheckpointManager(steps, max_to_keep=2) as manager:
    assert manager.save(2, OLD) and manager.save(3, OLD)
    assert manager.all_steps() == [2, 3]
  assert files(steps) == ["2", "3"]
  assert "params" in os.listdir(tmp_path / "kept")  # what the link pointed to is kept


def test_restore_of_a_step_deleted_while_read_is_a_checkpoint_error(tmp_path, monkeypatch):
  from varscope_jax._src.io.orbax import store as orbax_store

  steps = tmp_path / "steps"
  vs.save_checkpoint(steps, OLD, step=1)
  original = orbax_store._plan

  def deleted_meanwhile(path, *args):
    vs.CheckpointManager(steps, max_to_keep=1).save(2, OLD)  # the trainer's max_to_keep
    return original(path, *args)

  monkeypatch.setattr(orbax_store, "_plan", deleted_meanwhile)
  with pytest.raises(
    vs.CheckpointError,
    match=r"Checkpoint .*steps/1 was removed while it "
    r"was being read \(a writer's max_to_keep",
  ):
    vs.restore_checkpoint(steps)


def test_checkpoints_iterator_yields_newest_finished_steps(tmp_path):
  steps = tmp_path / "steps"
  assert list(vs.checkpoints_iterator(steps, timeout=0)) == []  # no folder yet
  vs.save_checkpoint(steps, OLD, step=1)
  (steps / "2.orbax-checkpoint-tmp-5").mkdir()  # half written: never yielded
  calls = []

  def timeout_fn():
    calls.append(1)
    if len(calls) == 1:
      assert "2.orbax-checkpoint-tmp-5" in files(steps)  # the reader deleted nothing
      vs.save_checkpoint(steps, OLD, step=3)
      vs.save_checkpoint(steps, OLD, step=4)
      return False
    return True

  got = list(vs.checkpoints_iterator(steps, timeout=0, timeout_fn=timeout_fn, poll_secs=0))
  assert got == [1, 4] and len(calls) == 2  # 3 skipped: newer one there, as TF


TRAINER = textwrap.dedent("""
  import sys, time, numpy as np, varscope_jax as vs
  where, seconds = sys.argv[1], float(sys.argv[2])
  manager = vs.CheckpointManager(where, max_to_keep=3)
  step, start = 0, time.monotonic()
  while time.monotonic() - start < seconds or step < 5:
    step += 1
    assert manager.save(step, {"w": np.full(2048, step, np.float32),
                               "s": np.full(3, step, np.int64)}), step
  print("SAVED", step)
""")

EVALUATOR = textwrap.dedent("""
  import sys, numpy as np, varscope_jax as vs
  where = sys.argv[1]
  seen, gone = [], 0
  # stops 3 s after the last new step (the trainer has finished by then)
  for step in vs.checkpoints_iterator(where, timeout=3, poll_secs=0.02):
    try:
      params = vs.restore_checkpoint(where, step=step)
    except vs.CheckpointError as e:  # deleted by the trainer's max_to_keep meanwhile
      assert "No step" in str(e) or "was removed while it was being read" in str(e), e
      gone += 1
      continue
    assert (np.asarray(params["w"]) == step).all() and (np.asarray(params["s"]) == step).all()
    seen.append(step)
  print("SEEN", len(seen), gone, seen[-1] if seen else -1)
""")


@pytest.mark.slow
def test_trainer_and_polling_evaluator_side_by_side(tmp_path):
  """A trainer saves for a few seconds (max_to_keep=3) while an evaluator follows it with
  checkpoints_iterator: every save succeeds, every step read is bit-exact."""
  steps = tmp_path / "steps"
  env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO)
  evaluator = subprocess.Popen(
    [sys.executable, "-c", EVALUATOR, str(steps)],
    env=env,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
  )
  trainer = subprocess.Popen(
    [sys.executable, "-c", TRAINER, str(steps), "4"],
    env=env,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
  )
  out, err = trainer.communicate(timeout=300)
  assert trainer.returncode == 0, err.decode()[-3000:]  # every save succeeded
  last = int(out.split()[1])
  out, err = evaluator.communicate(timeout=300)
  assert evaluator.returncode == 0, err.decode()[-3000:]
  _, seen, gone, newest = out.split()
  assert int(newest) == last and int(seen) >= 2, out
  with vs.CheckpointManager(steps, read_only=True) as reader:
    assert reader.all_steps() == [last - 2, last - 1, last]
  assert sorted(files(steps), key=int) == [str(s) for s in (last - 2, last - 1, last)]


# ---------------------------------------------------------------------------
# A full disk: simulated without root by a file-size limit (RLIMIT_FSIZE) in a subprocess.

FULL_DISK = textwrap.dedent("""
  import json, os, resource, signal, sys
  import numpy as np, varscope_jax as vs
  root = sys.argv[1]
  small = {"m": {"w": np.ones(16, np.float32)}}
  # 4 MiB of random values (incompressible: orbax compresses), over the limit
  big = {"m": {"w": np.random.default_rng(0).random(1 << 20, np.float32)}}
  writers = {
      "orbax": (os.path.join(root, "ckpt"),
                lambda p, v, **k: vs.save_checkpoint(p, v, force=True),
                lambda p: vs.restore_checkpoint(p)),
      "orbax-new": (os.path.join(root, "fresh"),
                    lambda p, v, **k: vs.save_checkpoint(p, v, force=k.get("old", True)),
                    None),
      "step": (os.path.join(root, "steps"),
               lambda p, v, **k: vs.CheckpointManager(p, max_to_keep=1).save(
                   2 if v is big else 1, v),
               lambda p: vs.restore_checkpoint(p)),
      "safetensors": (os.path.join(root, "model.safetensors"),
                      lambda p, v, **k: vs.save_safetensors(p, v),
                      lambda p: vs.load_safetensors(p)),
      "tf1": (os.path.join(root, "tf1", "model.ckpt"),
              lambda p, v, **k: vs.save_tf1_checkpoint(p, v),
              lambda p: vs.load_tf1_checkpoint(p)),
      "tf1-step": (os.path.join(root, "tf1s", "model.ckpt"),
                   lambda p, v, **k: vs.save_tf1_checkpoint(p, v, step=2 if v is big else 1),
                   lambda p: vs.load_tf1_checkpoint(os.path.dirname(p))),
  }
  for name, (path, save, load) in writers.items():
    if load is not None:
      save(path, small)
  signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
  resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
  out = {}
  for name, (path, save, load) in writers.items():
    try:
      save(path, big, old=False)
      out[name] = {"error": None}
    except Exception as e:
      out[name] = {"error": type(e).__name__, "message": str(e),
                   "path": getattr(e, "path", None)}
    if load is not None:
      out[name]["old"] = float(np.asarray(load(path)["m"]["w"]).sum())
  print(json.dumps(out))
""")


@pytest.mark.slow
def test_full_disk_is_a_checkpoint_error_naming_the_file_and_the_old_one_is_kept(tmp_path):
  import json

  env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=REPO)
  run = subprocess.run(
    [sys.executable, "-c", FULL_DISK, str(tmp_path)], env=env, capture_output=True, timeout=300
  )
  assert run.returncode == 0, run.stderr.decode()[-3000:]
  out = json.loads(run.stdout.decode().strip().splitlines()[-1])
  for name, result in out.items():
    assert result["error"] == "CheckpointError", (name, result)
    assert result["path"] and str(tmp_path) in result["path"], (name, result)
    assert result["path"] in result["message"], (name, result)
    assert ".varscope-tmp" not in result["path"], (name, result)
    if "old" in result:
      assert result["old"] == 16.0, (name, result)  # the previous checkpoint, intact
  # nothing partial left behind: only the old checkpoints' own files
  assert files(tmp_path) == ["ckpt", "model.safetensors", "steps", "tf1", "tf1s"]
  assert files(tmp_path / "steps") == ["1"]
  assert files(tmp_path / "tf1") == [
    "checkpoint",
    "model.ckpt.data-00000-of-00001",
    "model.ckpt.index",
  ]
  assert files(tmp_path / "tf1s") == [
    "checkpoint",
    "model.ckpt-1.data-00000-of-00001",
    "model.ckpt-1.index",
  ]
