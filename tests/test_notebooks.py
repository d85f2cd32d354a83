"""The notebooks execute top to bottom (so they cannot rot).

They are committed without outputs; this runs each in a fresh ``python3`` kernel with
``notebooks/`` as the working directory and fails with the failing cell's error.
"""
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def _execute(path):
  nb = nbformat.read(path, as_version=4)
  client = nbclient.NotebookClient(
      nb, timeout=120, kernel_name="python3",
      resources={"metadata": {"path": str(NOTEBOOKS)}})
  try:
    client.execute()
  except nbclient.exceptions.CellExecutionError as e:
    # The message names the cell's source and its traceback.
    pytest.fail(f"{path.name}: a cell failed:\n{e}", pytrace=False)
  return nb


def _text(cell):
  out = []
  for o in cell.get("outputs", []):
    if o.output_type == "stream":
      out.append(o.text)
    elif "data" in o and "text/plain" in o.data:
      out.append(o.data["text/plain"])
  return "".join(out)


@pytest.fixture(autouse=True)
def _agg_backend(monkeypatch):
  monkeypatch.setenv("MPLBACKEND", "Agg")   # the kernel inherits it: no windows


def test_01_tf1_scopes():
  nb = _execute(NOTEBOOKS / "01_tf1_scopes.ipynb")
  out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
  # The names real TF prints (shared/tf1/WALKTHROUGH.md), line by line.
  for line in (
      "s1/s2/w:0 s1/s2/biases:0",
      "s1_1/w:0 s1_1/biases:0 s1_1/s2/w:0 s1_1/s2/biases:0 s1_1/w_1:0 s1_1/biases_1:0",
      "s1/s2/w_1:0 s1/s2/biases_1:0",
      "s1/s2/w_1:0 s1/s2/biases_1:0 True",
  ):
    assert f"\n{line}\n" in f"\n{out}", line
  assert "ValueError: Variable s1/s2/x does not exist" in out
  assert "ValueError: Variable s1/s2/w already exists, disallowed." in out
  assert ("ValueError: Trying to share variable s1/s2/w, but specified shape (3, 2) and "
          "found shape (2, 2).") in out


def test_02_train_eval_shared():
  nb = _execute(NOTEBOOKS / "02_train_eval_shared.ipynb")
  out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
  assert "model/fc1/w" in out
  assert "raw weights:" in out and "EMA weights:" in out


def test_03_flax_bridges():
  nb = _execute(NOTEBOOKS / "03_flax_bridges.ipynb")
  out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
  assert "enc/proj/kernel" in out and "enc/bn/mean" in out
  assert "same as Flax: True" in out
  assert ("ValueError: Trying to share variable enc/proj/kernel, but specified shape (8, 32) "
          "and found shape (8, 16).") in out
  assert "params/tf/enc/proj/kernel" in out and "batch_stats/tf/enc/bn/mean" in out
  assert "Param BatchStat" in out
  assert "batch_stats updated: True" in out


def test_04_tf1_layers():
  nb = _execute(NOTEBOOKS / "04_tf1_layers.ipynb")
  out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
  assert "cnn/batch_normalization_1/moving_mean" in out
  accs = [float(a) for a in __import__("re").findall(r"val_accuracy=(\d\.\d+)", out)]
  assert len(accs) == 6 and accs[-1] >= 0.85, out
  assert "ValueError: Variable cnn/batch_normalization/moving_mean is assigned inside apply" in out
  assert 'Input 0 of layer "conv2d_' in out and "variable scope 'cnn/conv2d'" in out
  assert ("['a/dense/kernel', 'a/dense_1/kernel', 'dense/kernel', 'dense_1/kernel', "
          "'dense_2/kernel', 'b/fc/kernel']") in out


def test_05_slim_finetune():
  nb = _execute(NOTEBOOKS / "05_slim_finetune.ipynb")
  out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
  assert "45 variables" in out
  assert "resnet_v2/block1/unit_1/conv1/BatchNorm/moving_mean" in out
  assert "43 restored; kept new: ['resnet_v2/logits/biases', 'resnet_v2/logits/weights']" in out
  assert "fine-tuned" in out
