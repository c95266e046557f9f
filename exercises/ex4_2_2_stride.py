"""Part 4.2, exercise 2: the effect of stride on the output size.

The image and filter of exercise 1, now with stride 2: the output shrinks from 3x3 to 2x2,
since H' = (H - kh) // stride + 1 = (4 - 2) // 2 + 1 = 2.
"""
import numpy as np

from neural_network import conv2d

IMAGE = np.array([[1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1]])
AVERAGE_FILTER = np.array([[0.25, 0.25], [0.25, 0.25]])


def strided_average(image: np.ndarray = IMAGE, filter_kernel: np.ndarray = AVERAGE_FILTER,
                    stride: int = 2) -> np.ndarray:
    """Convolve image (H, W) with filter_kernel (kh, kw) at the given stride; print as the post does.

    Returns the feature map, shape ((H - kh) // stride + 1, (W - kw) // stride + 1).
    Prints "Input Image (4x4):", the image, "Output Feature Map (stride=2):", the map, "Output Shape:".
    """
    # YOUR CODE HERE
    raise NotImplementedError("strided_average is not implemented yet")


if __name__ == "__main__":
    strided_average()
