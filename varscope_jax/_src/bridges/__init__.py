"""bridges layer: Flax linen / NNX both ways."""
