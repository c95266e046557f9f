"""Part 4.2, exercise 3: horizontal edges of an MNIST digit."""
