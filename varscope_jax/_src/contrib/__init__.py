"""TF1's ``tf.contrib`` pieces that ported models call: tf-slim's framework and layers."""
