"""The examples run end to end (in subprocesses, as the README runs them)."""

import os
import pathlib
import re
import subprocess
import sys

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _run(script, *args, timeout=120):
  env = dict(os.environ, PYTHONUNBUFFERED="1")
  proc = subprocess.run(
    [sys.executable, str(EXAMPLES / script), *args],
    capture_output=True,
    text=True,
    timeout=timeout,
    env=env,
    cwd=EXAMPLES.parent,
  )
  assert proc.returncode == 0, (
    f"{script} failed (rc={proc.returncode})\n--- stdout\n{proc.stdout[-4000:]}"
    f"\n--- stderr\n{proc.stderr[-4000:]}"
  )
  return proc.stdout


def test_train_eval_default_settings():
  # The default settings (the README's command): ~15 s on 2 CPU cores. stdout is a pipe
  # here, so the progress bar is off and the epoch lines are whole lines.
  out = _run("train_eval.py")
  lines = out.strip().splitlines()
  last = lines[-1]
  assert re.fullmatch(r"val_accuracy=\d\.\d{3}", last), last
  assert float(last.split("=")[1]) >= 0.95, out[-3000:]
  # One line per epoch, with train and validation accuracy.
  epochs = [l for l in lines if l.startswith("epoch ")]
  assert len(epochs) == 30, out[-3000:]
  assert "train_acc=" in epochs[-1] and "val_acc=" in epochs[-1]
  # The variables table lists every variable, by its scoped name.
  for name in ("model/fc1/w", "model/fc1/bn/moving_mean", "model/fc2/bn/gamma", "model/logits/b"):
    assert re.search(rf"\b{re.escape(name)}\b", out), name
  assert "ema_val_accuracy=" in out


def test_train_eval_epochs_flag():
  out = _run("train_eval.py", "--epochs", "1", "--quiet")
  assert [l for l in out.splitlines() if l.startswith("epoch ")] == []  # quiet: none
  assert re.fullmatch(r"val_accuracy=\d\.\d{3}", out.strip().splitlines()[-1])


def test_walkthrough():
  out = _run("walkthrough.py", timeout=60)
  # A few of the names real TF prints (docs/walkthrough.md).
  for name in ("s1/s2/w:0", "s1_1/w_1:0", "s1/s2/w_1:0", "s1/s2/biases_1:0"):
    assert name in out, (name, out)
  assert "already exists, disallowed" in out
  assert "does not exist" in out
  assert "specified shape (3, 2) and found shape (2, 2)" in out


def test_char_lstm_small_setting():
  # The character LSTM example, 60 steps without the progress bar (the default is 400).
  out = _run("char_lstm.py", "--steps", "60", "--quiet")
  last = out.strip().splitlines()[-1]
  m = re.fullmatch(r"val_loss=(\d+\.\d{3}) \(from (\d+\.\d{3})\)", last)
  assert m, last
  assert float(m.group(1)) < float(m.group(2)) - 0.5, out[-3000:]
  for name in (
    "char_lm/embedding",
    "char_lm/rnn/multi_rnn_cell/cell_1/lstm_cell/kernel",
    "char_lm/softmax/w",
  ):
    assert re.search(rf"\b{re.escape(name)}\b", out), name
  assert "sample: 'Beautiful" in out


def test_slim_resnet_fine_tuning():
  # ~30 s of CPU: pretrain 80 steps, save a TF1 checkpoint, restore the body under a new
  # head (slim.get_variables_to_restore + vs.train.init_from_checkpoint), fine-tune.
  out = _run("slim_resnet.py", "--quiet")
  assert "restored 43 of 45 variables" in out and "new head: resnet_v2/logits" in out, out
  assert "resnet_v2/block1/unit_1/conv1" in out  # an end point, TF-Slim's key
  last = out.strip().splitlines()[-1]
  m = re.fullmatch(r"fine_tuned_accuracy=(\d\.\d{3})", last)
  assert m and float(m.group(1)) >= 0.8, out[-3000:]
