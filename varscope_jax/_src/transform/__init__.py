"""``transform(fn)``: init / apply / specs, and the persistent compilation cache."""
