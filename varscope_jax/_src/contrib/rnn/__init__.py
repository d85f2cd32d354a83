"""``tf.contrib.rnn``'s own cells (the rest of that namespace is ``vs.nn.rnn_cell``)."""
