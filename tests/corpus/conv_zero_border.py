import numpy as np


def conv2d(image, filter_kernel, stride=1):
    H, W = image.shape
    kh, kw = filter_kernel.shape
    output = np.zeros((H, W))  # feature map, same size as the image
    ch, cw = kh // 2, kw // 2  # kernel centre
    for y in range(0, H - kh + 1, stride):
        for x in range(0, W - kw + 1, stride):
            output[y + ch, x + cw] = np.sum(image[y : y + kh, x : x + kw] * filter_kernel)
    return output
