"""Part 4.3, exercise 1: max pooling a synthetic 4x4 feature map.

Pool the post's 4x4 map with 2x2 windows and stride 2: the output is 2x2 and holds the
maximum of each block, [[6, 8], [14, 16]].
"""
import numpy as np

from neural_network import max_pool

X_MAP = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]])


def pool_synthetic(X: np.ndarray = X_MAP) -> np.ndarray:
    """max_pool(X, size=2, stride=2) on X (H, W); print as the post does.

    Returns the pooled map, shape ((H - 2) // 2 + 1, (W - 2) // 2 + 1): (2, 2) for the default.
    Prints "Input Feature Map (4x4):", X, "Output after Max Pooling (2x2):", the map, "Output Shape:".
    """
    # YOUR CODE HERE
    raise NotImplementedError("pool_synthetic is not implemented yet")


if __name__ == "__main__":
    pool_synthetic()
