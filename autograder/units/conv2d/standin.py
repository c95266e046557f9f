"""A working conv2d: graded exercises call it in place of a learner's conv2d that fails its
own tests, so that each exercise is charged for its own code only. Copied into the worker's
folder as a module of its own; numpy only."""

import numpy as np


def conv2d(image, filter_kernel, stride=1):
    image, kernel = np.asarray(image, dtype=float), np.asarray(filter_kernel, dtype=float)
    (H, W), (kh, kw) = image.shape, kernel.shape
    out = np.zeros(((H - kh) // stride + 1, (W - kw) // stride + 1))
    for m in range(kh):  # one shifted, strided slice of the image per kernel cell
        for n in range(kw):
            out += (
                kernel[m, n]
                * image[
                    m : m + (out.shape[0] - 1) * stride + 1 : stride,
                    n : n + (out.shape[1] - 1) * stride + 1 : stride,
                ]
            )
    return out
