"""Part 4.3, exercise 2: the effect of stride on max pooling.

The map of exercise 1 with 2x2 windows but stride 1: the windows overlap and the output is
3x3, (4 - 2) // 1 + 1 = 3, larger than with stride 2.
"""
import numpy as np

from neural_network import max_pool

X_MAP = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]])


def pool_overlapping(X: np.ndarray = X_MAP, size: int = 2, stride: int = 1) -> np.ndarray:
    """max_pool(X, size, stride) on X (H, W); print as the post does.

    Returns the pooled map, shape ((H - size) // stride + 1, (W - size) // stride + 1).
    Prints "Input Feature Map (4x4):", X, "Output after Max Pooling (stride=1):", the map, "Output Shape:".
    """
    # YOUR CODE HERE
    raise NotImplementedError("pool_overlapping is not implemented yet")


if __name__ == "__main__":
    pool_overlapping()
