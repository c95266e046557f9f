from scipy import signal


def conv2d(image, filter_kernel, stride=1):
    # The formula in Part 4.2 is cross-correlation, so correlate2d (not convolve2d).
    output = signal.correlate2d(image, filter_kernel, mode="valid")
    if stride > 1:
        output = output[::stride, ::stride]
    return output.astype(float)
