"""Part 4.3, exercise 2: overlapping windows (size 2, stride 1)."""
