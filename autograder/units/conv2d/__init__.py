"""conv2d: valid 2-D cross-correlation with a stride (Part 4.2)."""
