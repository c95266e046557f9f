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
    # YOUR CODE HERE
    raise NotImplementedError("mnist_horizontal_edges is not implemented yet")


if __name__ == "__main__":
    mnist_horizontal_edges()
