"""Part 4.2, exercise 1: convolution with a simple filter on a synthetic image.

Apply a 2x2 averaging filter to the post's 4x4 image with stride 1, print the input, the
feature map and its shape, and check that the output is smaller (3x3) and smoother.
"""
import numpy as np

from neural_network import conv2d

IMAGE = np.array([[1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1]])
AVERAGE_FILTER = np.array([[0.25, 0.25], [0.25, 0.25]])


def average_filter(image: np.ndarray = IMAGE, filter_kernel: np.ndarray = AVERAGE_FILTER) -> np.ndarray:
    """Convolve image (H, W) with filter_kernel (kh, kw), stride 1, and print as the post does.

    Returns the feature map, shape (H - kh + 1, W - kw + 1): (3, 3) for the defaults.
    Prints "Input Image (4x4):", the image, "Output Feature Map:", the map, "Output Shape:".
    """
    ### BEGIN SOLUTION
    feature_map = conv2d(image, filter_kernel, stride=1)
    print("Input Image (4x4):\n", image)
    print("Output Feature Map:\n", feature_map)
    print("Output Shape:", feature_map.shape)
    return feature_map
    ### END SOLUTION


if __name__ == "__main__":
    average_filter()
