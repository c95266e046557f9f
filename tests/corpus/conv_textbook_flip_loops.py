import numpy as np


def conv2d(image, filter_kernel, stride=1):
    # "True" convolution from my signals course: the kernel index runs backwards.
    H, W = image.shape
    kh, kw = filter_kernel.shape
    out = np.zeros(((H - kh) // stride + 1, (W - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            s = 0.0
            for m in range(kh):
                for n in range(kw):
                    s += (
                        image[i * stride + m, j * stride + n]
                        * filter_kernel[kh - 1 - m, kw - 1 - n]
                    )
            out[i, j] = s
    return out
