"""Part 4.3, exercise 4: a CNN forward pass on a small batch with several filters.

Two digits, four random 3x3 filters: conv (2, 26, 26, 4) -> 2x2 max pool (2, 13, 13, 4) ->
flatten (2, 676) -> dense layer to 10 classes -> softmax (2, 10). Print every shape.
"""
import numpy as np

from mnist import load_mnist
from neural_network import conv2d, max_pool, softmax


def small_cnn_forward(X_batch: np.ndarray | None = None, filters: np.ndarray | None = None,
                      W_dense: np.ndarray | None = None, b_dense: np.ndarray | None = None,
                      seed: int = 0):
    """Forward pass: conv2d with each filter, 2x2 max pool (stride 2), flatten, dense, softmax.

    Inputs (each defaults as in the post):
    - X_batch: (N, H, W) images; default the first 2 MNIST digits, (2, 28, 28).
    - filters: (F, 3, 3); default 4 random filters * 0.1, drawn from np.random.default_rng(seed).
    - W_dense: (H2 * W2 * F, 10) with H2 = (H - 2) // 2, W2 = (W - 2) // 2; default random * 0.01.
    - b_dense: (1, 10); default zeros.

    Returns (feature_maps, pooled_maps, flattened, probs) with shapes
    (N, H-2, W-2, F), (N, H2, W2, F), (N, H2*W2*F), (N, 10): filters on the LAST axis, and
    flattened = pooled_maps.reshape(N, -1). Prints each of the five shapes, as the post does.
    """
    if X_batch is None:
        X, _ = load_mnist(2)
        X_batch = X.reshape(2, 28, 28)
    if filters is None:
        rng = np.random.default_rng(seed)
        filters = rng.standard_normal((4, 3, 3)) * 0.1
        W_dense = rng.standard_normal((13 * 13 * 4, 10)) * 0.01
        b_dense = np.zeros((1, 10))
    ### BEGIN SOLUTION
    N, F = len(X_batch), len(filters)
    feature_maps = np.stack([np.stack([conv2d(X_batch[i], filters[f], stride=1) for f in range(F)], axis=-1)
                             for i in range(N)])
    pooled_maps = np.stack([max_pool(feature_maps[i], size=2, stride=2) for i in range(N)])
    flattened = pooled_maps.reshape(N, -1)
    probs = softmax(flattened @ W_dense + b_dense)
    print("Input Batch Shape:", X_batch.shape)
    print("Feature Maps Shape (after conv):", feature_maps.shape)
    print("Pooled Maps Shape (after pooling):", pooled_maps.shape)
    print("Flattened Shape:", flattened.shape)
    print("Output Probabilities Shape:", probs.shape)
    return feature_maps, pooled_maps, flattened, probs
    ### END SOLUTION


if __name__ == "__main__":
    small_cnn_forward()
