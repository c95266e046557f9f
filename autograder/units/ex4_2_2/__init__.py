"""Part 4.2, exercise 2: the effect of stride on the output size."""
