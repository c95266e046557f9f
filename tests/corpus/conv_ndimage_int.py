from scipy import ndimage


def conv2d(image, filter_kernel, stride=1):
    kh, kw = filter_kernel.shape
    H, W = image.shape
    full = ndimage.correlate(image, filter_kernel, mode="constant")
    valid = full[kh // 2 : kh // 2 + H - kh + 1, kw // 2 : kw // 2 + W - kw + 1]
    return valid[::stride, ::stride]
