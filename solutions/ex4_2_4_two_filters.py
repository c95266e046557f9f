"""Part 4.2, exercise 4: two filters on one MNIST digit.

Apply a horizontal and a vertical edge filter to the same digit and show the digit and both
feature maps: different filters pick out different features.
"""
import matplotlib.pyplot as plt
import numpy as np

from mnist import load_mnist_image
from neural_network import conv2d

HORIZONTAL_EDGES = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
VERTICAL_EDGES = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])


def mnist_two_filters(image: np.ndarray | None = None, label: int | None = None,
                      horizontal_filter: np.ndarray = HORIZONTAL_EDGES,
                      vertical_filter: np.ndarray = VERTICAL_EDGES):
    """Convolve image (H, W) with each filter (3, 3), stride 1, and plot all three.

    image: defaults to the first MNIST digit, loaded with load_mnist_image(0) (label too).
    Returns (horizontal_map, vertical_map, fig): two (H - 2, W - 2) maps and a Figure with
    three titled panels: the input (title names the digit label), horizontal map, vertical map.
    Prints "Input Image Shape:", "Horizontal Feature Map Shape:", "Vertical Feature Map Shape:".
    """
    if image is None:
        image, label = load_mnist_image(0)
    ### BEGIN SOLUTION
    horizontal_map = conv2d(image, horizontal_filter, stride=1)
    vertical_map = conv2d(image, vertical_filter, stride=1)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    panels = [(image, f"Input Image (Digit: {label})"),
              (horizontal_map, "Feature Map (Horizontal Edges)"),
              (vertical_map, "Feature Map (Vertical Edges)")]
    for ax, (picture, title) in zip(axes, panels):
        ax.imshow(picture, cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    plt.show()
    print("Input Image Shape:", image.shape)
    print("Horizontal Feature Map Shape:", horizontal_map.shape)
    print("Vertical Feature Map Shape:", vertical_map.shape)
    return horizontal_map, vertical_map, fig
    ### END SOLUTION


if __name__ == "__main__":
    mnist_two_filters()
