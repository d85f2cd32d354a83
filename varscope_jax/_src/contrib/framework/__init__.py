"""``tf.contrib.framework`` as tf-slim has it: ``arg_scope`` and slim's variable helpers."""
