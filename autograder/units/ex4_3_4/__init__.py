"""Part 4.3, exercise 4: a CNN forward pass on a batch of 2 with 4 filters."""
