"""Part 4.3, exercise 3: convolution then pooling on an MNIST digit."""
