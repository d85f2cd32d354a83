"""The classic TF1 variable-management walkthrough, run with varscope_jax.

Every line printed is what TensorFlow 1 prints for the same code with ``tf.`` in place
of ``vs.`` (see docs/walkthrough.md and tests/golden/, where real TF decides).
Run: ``python examples/walkthrough.py``.
"""

import varscope_jax as vs


def error_of(fn):
  try:
    fn()
  except ValueError as e:
    return "ValueError: " + str(e).split("\n")[0]
  return "no error"


def main():
  vs.reset_default_graph()

  # case 1: name_scope prefixes Variable names, like folders
  with vs.name_scope("s1"):
    with vs.name_scope("s2"):
      w1 = vs.Variable([1, 2, 3], name="w")
      bias1 = vs.Variable([0.1], name="biases")
  print("case 1:", w1.name, bias1.name)

  # case 2: opening 's1' again gives 's1_1'; re-entering the captured scope string
  with vs.name_scope("s1") as scope_1:
    w2 = vs.Variable([1, 2, 3], name="w")
    bias2 = vs.Variable([0.1], name="biases")
    with vs.name_scope("s2"):
      w3 = vs.Variable([1, 2, 3], name="w")
      bias3 = vs.Variable([0.1], name="biases")
  with vs.name_scope(scope_1):
    w4 = vs.Variable([1, 2, 3], name="w")
    bias4 = vs.Variable([0.1], name="biases")
  print("case 2:", w2.name, bias2.name, w3.name, bias3.name, w4.name, bias4.name)

  # variable_scope + get_variable: op names s1/s2/w, s1/s2/biases are taken by case 1
  with vs.variable_scope("s1"):
    with vs.variable_scope("s2"):
      w1 = vs.get_variable("w", [2, 2])
      bias1 = vs.get_variable("biases", [2, 2])
  print("get_variable:", w1.name, bias1.name)

  # reuse=AUTO_REUSE: get if it exists, else create
  with vs.variable_scope("s1", reuse=vs.AUTO_REUSE):
    with vs.variable_scope("s2"):
      w2 = vs.get_variable("w", [2, 2])
      bias2 = vs.get_variable("biases", [2, 2])
  print("AUTO_REUSE:", w2.name, bias2.name, w2 is w1)

  def reuse_true():
    with vs.variable_scope("s1", reuse=True):
      with vs.variable_scope("s2"):
        vs.get_variable("x", [2, 2])

  def reuse_false():
    with vs.variable_scope("s1", reuse=False):
      with vs.variable_scope("s2"):
        vs.get_variable("w", [2, 2])

  def other_shape():
    with vs.variable_scope("s1", reuse=True):
      vs.get_variable("s2/w", [3, 2])

  print("reuse=True:", error_of(reuse_true))
  print("reuse=False:", error_of(reuse_false))
  print("shape:", error_of(other_shape))
  print("params:", sorted(vs.global_variables()))


if __name__ == "__main__":
  main()
