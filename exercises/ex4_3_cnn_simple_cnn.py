"""Part 4.3, the post's own example: a simple CNN on 4 MNIST digits with 8 filters.

conv (4, 26, 26, 8) -> 2x2 max pool (4, 13, 13, 8) -> flatten (4, 2197) -> dense to 10
classes -> softmax (4, 10), with random (untrained) filters and weights; show the first digit
next to its first pooled feature map.
"""
import matplotlib.pyplot as plt
import numpy as np

from mnist import load_mnist
from neural_network import conv2d, max_pool, softmax


def simple_cnn(X_batch: np.ndarray | None = None, labels: np.ndarray | None = None,
               filters: np.ndarray | None = None, W_dense: np.ndarray | None = None,
               b_dense: np.ndarray | None = None, seed: int = 0):
    """The post's CNN forward pass: conv, 2x2 max pool (stride 2), flatten, dense, softmax.

    Inputs (each defaults as in the post):
    - X_batch: (N, H, W) images and labels (N,); default the first 4 MNIST digits.
    - filters: (F, 3, 3); default 8 random filters * 0.1 from np.random.default_rng(seed).
    - W_dense: (H2 * W2 * F, 10), H2 = (H - 2) // 2, W2 = (W - 2) // 2; default random * 0.01.
    - b_dense: (1, 10); default zeros.

    Returns (feature_maps, pooled_maps, flattened, probs, fig): shapes (N, H-2, W-2, F),
    (N, H2, W2, F), (N, H2*W2*F), (N, 10), filters on the last axis; fig has two titled
    panels: X_batch[0] (title names labels[0]) and pooled_maps[0, :, :, 0].
    Prints the five shapes and the first sample's first three probabilities, as the post does.
    """
    if X_batch is None:
        X, labels = load_mnist(4)
        X_batch = X.reshape(4, 28, 28)
    if filters is None:
        rng = np.random.default_rng(seed)
        filters = rng.standard_normal((8, 3, 3)) * 0.1
        W_dense = rng.standard_normal((13 * 13 * 8, 10)) * 0.01
        b_dense = np.zeros((1, 10))
    # YOUR CODE HERE
    raise NotImplementedError("simple_cnn is not implemented yet")


if __name__ == "__main__":
    simple_cnn()
