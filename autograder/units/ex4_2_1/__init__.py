"""Part 4.2, exercise 1: a 2x2 averaging filter on a 4x4 image."""
