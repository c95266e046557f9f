"""Part 4.3, exercise 3: convolution, then pooling, on an MNIST digit.

Convolve the first digit with the horizontal edge filter (28x28 -> 26x26), max-pool the
result with 2x2 windows and stride 2 (26x26 -> 13x13), and show all three.
"""
import matplotlib.pyplot as plt
import numpy as np

from mnist import load_mnist_image
from neural_network import conv2d, max_pool

HORIZONTAL_EDGES = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])


def conv_then_pool(image: np.ndarray | None = None, label: int | None = None,
                   filter_kernel: np.ndarray = HORIZONTAL_EDGES):
    """conv2d(image, filter_kernel, stride=1), then max_pool(size=2, stride=2), and plot.

    image: defaults to the first MNIST digit, loaded with load_mnist_image(0) (label too).
    Returns (conv_map, pooled_map, fig): conv_map (H - 2, W - 2), pooled_map
    ((H - 2) // 2, (W - 2) // 2), fig with three titled panels: input (title names the digit
    label), convolved map, pooled map.
    Prints "Input Image Shape:", "Convolved Map Shape:", "Pooled Map Shape:".
    """
    if image is None:
        image, label = load_mnist_image(0)
    ### BEGIN SOLUTION
    conv_map = conv2d(image, filter_kernel, stride=1)
    pooled_map = max_pool(conv_map, size=2, stride=2)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    panels = [(image, f"Input Image (Digit: {label})"), (conv_map, "Convolved Feature Map"),
              (pooled_map, "Pooled Feature Map")]
    for ax, (picture, title) in zip(axes, panels):
        ax.imshow(picture, cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    plt.show()
    print("Input Image Shape:", image.shape)
    print("Convolved Map Shape:", conv_map.shape)
    print("Pooled Map Shape:", pooled_map.shape)
    return conv_map, pooled_map, fig
    ### END SOLUTION


if __name__ == "__main__":
    conv_then_pool()
