"""The README stays true: each Python block runs on its own, its counts are the files',
its test command is the one CI runs, and its links lead somewhere."""

import json
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)

# A line of a block -> what the block must print (the README's comments say it).
PRINTS = {
  "def mlp(x):": ["{'fc1': {'b': (32,), 'w': (8, 32)}, 'fc2': {'b': (10,), 'w': (32, 10)}}"],
  'w = vs.get_variable("w", [3, 3], initializer=vs.ones_initializer())': [
    "layer/w:0 (3, 3) 9.0\n0.0\n"
  ],
  "def evaluate(x):": ["Variable model/fc1/w does not exist, or was not created"],
  "def cnn(images, training):": [
    "['cnn/conv2d/kernel', 'cnn/conv2d/bias', 'cnn/batch_normalization/gamma'"
  ],
  "import modeling": ["True\n"],
  "def lm(ids, lengths):": ["['lm/embedding', 'lm/rnn/multi_rnn_cell/cell_0/lstm_cell/bias']"],
  'ckpt = "tests/tf1_train/data/ema"': ["slot\n"],
  "class Model(nn.Module):": ["['proj', 'w']"],
  "vs.summary(same)": ["model/fc1/w"],
}


def _block_id(block):
  return next((line for line in PRINTS if line in block), block.strip().splitlines()[0])


def test_every_python_block_is_checked():
  assert len(BLOCKS) >= 8
  for line in PRINTS:
    assert sum(line in b for b in BLOCKS) == 1, f"no single README block has {line!r}"


@pytest.mark.parametrize("block", BLOCKS, ids=[_block_id(b)[:40] for b in BLOCKS])
def test_python_block_runs_alone(block):
  env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
  proc = subprocess.run(
    [sys.executable, "-c", block], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
  )
  assert proc.returncode == 0, (
    f"README block {_block_id(block)!r} failed on its own:\n{proc.stderr[-3000:]}"
  )
  for want in PRINTS.get(_block_id(block), []):
    assert want in proc.stdout, (want, proc.stdout[-2000:])


def _command_lines(language):
  return [
    line
    for b in re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)
    for line in b.splitlines()
  ]


def test_readme_test_command_is_the_one_ci_runs():
  ci = [
    line.strip()
    for line in open(os.path.join(ROOT, ".ci", "run")).read().splitlines()
    if line.strip() and not line.lstrip().startswith("#")
  ]
  ci_test = ci[-1]  # the script's last command
  assert "pytest" in ci_test
  readme_test = [line for line in _command_lines("bash") if "pytest" in line]
  assert readme_test and all(line.rstrip().endswith("&& " + ci_test) for line in readme_test), (
    readme_test,
    ci_test,
  )
  fresh = [line for line in _command_lines("bash") if line.startswith("python3 -m venv .venv")]
  assert any(line.endswith("python examples/train_eval.py") for line in fresh)


def _golden(*parts):
  with open(os.path.join(ROOT, "tests", "golden", *parts)) as f:
    return json.load(f)


def test_counts_are_the_files():
  golden = _golden("golden.json")
  with open(os.path.join(ROOT, "tests", "golden", "programs.jsonl")) as f:
    programs = sum(1 for line in f if line.strip())
  with open(os.path.join(ROOT, "tests", "tf1_train", "data", "expected.json")) as f:
    tf1_runs = len(json.load(f)["configs"])
  counts = {
    r"for (\d[\d,]*) scenarios": len(golden["scenarios"]),
    r"scenarios and (\d[\d,]*) random scope programs": programs,
    r"`vs\.layers` \((\d+) TF programs\)": _golden("layers", "golden.json")["n_programs"],
    r"124 TF programs\), `vs\.nn` \((\d+)\)": len(_golden("rnn", "golden.json")["programs"]),
    r"`layer_norm` \((\d+)\)": len(_golden("layer_norm.json")["programs"]),
    r"\((\d+) golden TF programs\)": _golden("layers", "golden.json")["n_programs"],
    r"TF's, on (\d+) programs recorded": len(_golden("rnn", "golden.json")["programs"]),
    r"load (\d+) TF1 training checkpoints": tf1_runs,
  }
  for pattern, want in counts.items():
    found = re.findall(pattern, README.replace("\n", " "))
    assert found, f"README no longer says {pattern!r}"
    assert {int(n.replace(",", "")) for n in found} == {want}, (pattern, found, want)


def test_no_process_words():
  for pattern in (
    r"\b[Tt]his session\b",
    r"\bsessions\b",
    r"\b[Ii]ssue \d",
    r"\| met \|",
    r"\b[Tt]argets?\b(?!=)",
    r"\b[Dd]raft\b",
    r"\bTODO\b",
  ):
    assert not re.search(pattern, README), pattern


def test_relative_links_lead_to_files():
  links = re.findall(r"\]\(([^)#\s]+)\)", README)
  assert len(links) >= 15
  missing = [
    link
    for link in links
    if not link.startswith(("http://", "https://")) and not os.path.exists(os.path.join(ROOT, link))
  ]
  assert not missing, missing


def test_no_shared_links_in_user_facing_files():
  import pathlib

  root = pathlib.Path(ROOT)
  files = [
    root / "README.md",
    *root.glob("examples/**/*.py"),
    *root.glob("notebooks/*.ipynb"),
    *root.glob("docs/*.md"),
    *root.glob("varscope_jax/**/*.py"),
  ]
  bad = [str(f.relative_to(root)) for f in files if "../shared" in f.read_text()]
  assert bad == []
