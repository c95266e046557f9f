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
    ### BEGIN SOLUTION
    N, F = len(X_batch), len(filters)
    feature_maps = np.zeros((N, X_batch.shape[1] - 2, X_batch.shape[2] - 2, F))
    for i in range(N):
        for f in range(F):
            feature_maps[i, :, :, f] = conv2d(X_batch[i], filters[f], stride=1)
    pooled_maps = np.stack([max_pool(feature_maps[i], size=2, stride=2) for i in range(N)])
    flattened = pooled_maps.reshape(N, -1)
    probs = softmax(flattened @ W_dense + b_dense)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 5))
    ax1.imshow(X_batch[0], cmap="gray")
    ax1.set_title(f"Input Image (Digit: {None if labels is None else labels[0]})")
    ax1.axis("off")
    ax2.imshow(pooled_maps[0, :, :, 0], cmap="gray")
    ax2.set_title("Pooled Feature Map (Filter 1)")
    ax2.axis("off")
    fig.tight_layout()
    plt.show()

    print("Input Batch Shape:", X_batch.shape)
    print("Feature Maps Shape (after conv):", feature_maps.shape)
    print("Pooled Maps Shape (after pooling):", pooled_maps.shape)
    print("Flattened Shape:", flattened.shape)
    print("Output Probabilities Shape:", probs.shape)
    print("Output Probabilities (first sample, first few classes):\n", probs[0, :3])
    return feature_maps, pooled_maps, flattened, probs, fig
    ### END SOLUTION


if __name__ == "__main__":
    simple_cnn()
