"""The notebooks are committed executed, and still produce what they show.

Each ``notebooks/*.ipynb`` (any added later included) is re-executed by
``notebooks/execute.py`` (a fresh ``python3`` kernel, ``notebooks/`` as working
directory, plots inline). A stored output that the code no longer produces (a cell that
stored an image and now draws none, a table that is gone) fails, naming the cell; so
does an output the stored notebook lacks (it was committed without running
``python notebooks/execute.py``), and a stored notebook that is not stripped.
"""

import importlib.util
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("notebooks_execute", NOTEBOOKS / "execute.py")
execute_lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_lib)
_EXECUTED: dict = {}
RERUN = "run `python notebooks/execute.py {}` and commit the result"


def _execute(path):
  """The notebook executed now (once per test session), stripped as it is stored."""
  if path not in _EXECUTED:
    try:
      _EXECUTED[path] = execute_lib.execute(path)
    except nbclient.exceptions.CellExecutionError as e:
      # The message names the cell's source and its traceback.
      pytest.fail(f"{path.name}: a cell failed:\n{e}", pytrace=False)
  return _EXECUTED[path]


def _kinds(cell):
  """What a code cell outputs, by kind: ``stream:stdout``, ``image/png``, ``text/html``..."""
  out = set()
  for o in cell.get("outputs", []):
    if o.output_type == "stream":
      out.add("stream:" + o.name)
    elif o.output_type == "error":
      out.add("error")
    else:
      out.update(o.get("data", {}))
  return out


def _text(cell):
  out = []
  for o in cell.get("outputs", []):
    if o.output_type == "stream":
      out.append(o.text)
    elif "data" in o and "text/plain" in o.data:
      out.append(o.data["text/plain"])
  return "".join(out)


def _code_text(path):
  return "\n".join(_text(c) for c in _execute(path).cells if c.cell_type == "code")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_stored_notebook_is_stripped(path):
  assert execute_lib.is_stripped(path), f"{path.name} is not stripped: " + RERUN.format(path.stem)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_stored_outputs_are_what_the_code_produces(path):
  stored = nbformat.read(path, as_version=4)
  fresh = _execute(path)
  assert [c.source for c in stored.cells] == [c.source for c in fresh.cells]
  problems = []
  for i, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
    if old.cell_type != "code":
      continue
    head = old.source.strip().splitlines()[0] if old.source.strip() else ""
    for kind in sorted(_kinds(old) - _kinds(new)):
      problems.append(f"cell {i} ({head!r}) stored a {kind} output; re-executed, it produced none")
    for kind in sorted(_kinds(new) - _kinds(old)):
      problems.append(
        f"cell {i} ({head!r}) produces a {kind} output the stored notebook "
        f"lacks: " + RERUN.format(path.stem)
      )
    if "error" in _kinds(new):
      problems.append(f"cell {i} ({head!r}) raised")
  assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_notebooks_show_plots_and_tables():
  """What the README promises: training curves and rich tables, stored."""
  kinds = {
    p.stem: set().union(
      *(_kinds(c) for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code")
    )
    for p in PATHS
  }
  for name in ("02_train_eval_shared", "04_tf1_layers"):
    assert {"image/png", "text/html"} <= kinds[name], (name, kinds[name])


def test_01_tf1_scopes():
  out = _code_text(NOTEBOOKS / "01_tf1_scopes.ipynb")
  # The names real TF prints (docs/walkthrough.md), line by line.
  for line in (
    "s1/s2/w:0 s1/s2/biases:0",
    "s1_1/w:0 s1_1/biases:0 s1_1/s2/w:0 s1_1/s2/biases:0 s1_1/w_1:0 s1_1/biases_1:0",
    "s1/s2/w_1:0 s1/s2/biases_1:0",
    "s1/s2/w_1:0 s1/s2/biases_1:0 True",
  ):
    assert f"\n{line}\n" in f"\n{out}", line
  assert "ValueError: Variable s1/s2/x does not exist" in out
  assert "ValueError: Variable s1/s2/w already exists, disallowed." in out
  assert (
    "ValueError: Trying to share variable s1/s2/w, but specified shape (3, 2) and "
    "found shape (2, 2)."
  ) in out


def test_02_train_eval_shared():
  out = _code_text(NOTEBOOKS / "02_train_eval_shared.ipynb")
  assert "model/fc1/w" in out
  assert "raw weights:" in out and "EMA weights:" in out


def test_03_flax_bridges():
  out = _code_text(NOTEBOOKS / "03_flax_bridges.ipynb")
  assert "enc/proj/kernel" in out and "enc/bn/mean" in out
  assert "same as Flax: True" in out
  assert (
    "ValueError: Trying to share variable enc/proj/kernel, but specified shape (8, 32) "
    "and found shape (8, 16)."
  ) in out
  assert "params/tf/enc/proj/kernel" in out and "batch_stats/tf/enc/bn/mean" in out
  assert "Param BatchStat" in out
  assert "batch_stats updated: True" in out


def test_04_tf1_layers():
  out = _code_text(NOTEBOOKS / "04_tf1_layers.ipynb")
  assert "cnn/batch_normalization_1/moving_mean" in out
  accs = [float(a) for a in __import__("re").findall(r"val_accuracy=(\d\.\d+)", out)]
  assert len(accs) == 6 and accs[-1] >= 0.85, out
  assert "ValueError: Variable cnn/batch_normalization/moving_mean is assigned inside apply" in out
  assert 'Input 0 of layer "conv2d_' in out and "variable scope 'cnn/conv2d'" in out
  assert (
    "['a/dense/kernel', 'a/dense_1/kernel', 'dense/kernel', 'dense_1/kernel', "
    "'dense_2/kernel', 'b/fc/kernel']"
  ) in out


def test_05_slim_finetune():
  nb = _execute(NOTEBOOKS / "05_slim_finetune.ipynb")
  out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
  assert "45 variables" in out
  assert "resnet_v2/block1/unit_1/conv1/BatchNorm/moving_mean" in out
  assert "43 restored; kept new: ['resnet_v2/logits/biases', 'resnet_v2/logits/weights']" in out
  assert "fine-tuned" in out
  # The last code cell plots both accuracy curves (body from the checkpoint, from scratch).
  assert "image/png" in _kinds([c for c in nb.cells if c.cell_type == "code"][-1])
