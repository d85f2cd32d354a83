"""tf-slim's layers (``tf.contrib.layers``): one concept a file, on ``vs.layers``."""
