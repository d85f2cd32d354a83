"""Two local processes (jax.distributed on loopback, CPU): sharded init, orbax save/restore.

On a real cluster the same script runs once per host with the coordinator's address;
see docs/multihost.md.
"""

import json
import os
import socket
import subprocess
import sys

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
  with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


def _bind_failed(err: str) -> bool:
  return any(
    s in err for s in ("Address already in use", "Failed to add port", "bind", "UNAVAILABLE")
  )


@pytest.mark.slow
def test_two_processes_init_sharded_save_and_restore(tmp_path):
  # The free port can be taken by another process before the coordinator binds it:
  # that (and only that) is retried with a new port.
  for attempt in range(3):
    outs, errs = _run_two(tmp_path / f"ckpt{attempt}")
    if outs is not None or not any(_bind_failed(e) for e in errs):
      break
  assert outs is not None, "\n".join(e[-3000:] for e in errs)
  assert sorted(o["process"] for o in outs) == [0, 1]
  for o in outs:
    assert o["local_shards"] == [[8, 2], [8, 2]]  # each process holds 2 of 4 shards
    assert o["restored_equal"] and o["equals_single_process_init"]
    assert o["restored_spec"] == "P(None, 'model')"
    # The overwrites (from both processes) left no temporary folder behind.
    assert not [f for f in o["folders"] if ".varscope" in f or "orbax" in f], o["folders"]
    assert o["steps"] == ["1"], o["steps"]


def _run_two(ckpt_dir):
  port = str(free_port())
  env = dict(os.environ, PYTHONPATH=os.path.dirname(TESTS))
  env.pop("XLA_FLAGS", None)
  procs = [
    subprocess.Popen(
      [
        sys.executable,
        os.path.join(TESTS, "multidevice", "two_process.py"),
        str(i),
        port,
        str(ckpt_dir),
      ],
      stdout=subprocess.PIPE,
      stderr=subprocess.PIPE,
      text=True,
      env=env,
    )
    for i in range(2)
  ]
  outs, errs = [], []
  for p in procs:
    try:
      out, err = p.communicate(timeout=240)
    except subprocess.TimeoutExpired:
      for q in procs:
        q.kill()
      pytest.fail("the two processes did not finish in 240 s")
    errs.append(err)
    if p.returncode == 0:
      outs.append(json.loads(out.strip().splitlines()[-1]))
  return (outs if len(outs) == 2 else None), errs
