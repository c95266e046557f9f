"""Part 4.2, exercise 4: two filters on one MNIST digit."""
