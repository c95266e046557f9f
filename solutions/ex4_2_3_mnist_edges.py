"""Part 4.2, exercise 3: a horizontal edge filter on an MNIST digit.

Convolve the first MNIST digit (28x28) with a 3x3 horizontal edge filter, show the digit and
the (26, 26) feature map side by side, and see where the filter lights up.
"""
import matplotlib.pyplot as plt
import numpy as np

from mnist import load_mnist_image
from neural_network import conv2d

HORIZONTAL_EDGES = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])


def mnist_horizontal_edges(image: np.ndarray | None = None, label: int | None = None,
                           filter_kernel: np.ndarray = HORIZONTAL_EDGES):
    """Convolve image (H, W) with filter_kernel (3, 3), stride 1, and plot both.

    image: defaults to the first MNIST digit, loaded with load_mnist_image(0) (label too).
    Returns (feature_map, fig): feature_map of shape (H - 2, W - 2), (26, 26) for a digit;
    fig the matplotlib Figure with two panels: the input titled with its digit label
    ("Input Image (Digit: 5)"), and the feature map, each with a title.
    Prints "Input Image Shape:" and "Feature Map Shape:" with the shapes.
    """
    if image is None:
        image, label = load_mnist_image(0)
    ### BEGIN SOLUTION
    feature_map = conv2d(image, filter_kernel, stride=1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 5))
    ax1.imshow(image, cmap="gray")
    ax1.set_title(f"Input Image (Digit: {label})")
    ax1.axis("off")
    ax2.imshow(feature_map, cmap="gray")
    ax2.set_title("Feature Map (Horizontal Edges)")
    ax2.axis("off")
    fig.tight_layout()
    plt.show()
    print("Input Image Shape:", image.shape)
    print("Feature Map Shape:", feature_map.shape)
    return feature_map, fig
    ### END SOLUTION


if __name__ == "__main__":
    mnist_horizontal_edges()
