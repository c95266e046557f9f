"""Part 4.3, exercise 1: max pooling a 4x4 feature map."""
