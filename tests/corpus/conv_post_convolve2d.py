from scipy import signal


def conv2d(image, filter_kernel, stride=1):
    """Perform 2D convolution on an image using a filter kernel (as in the post)."""
    # Use scipy.signal.convolve2d with 'valid' mode (no padding)
    output = signal.convolve2d(image, filter_kernel, mode="valid", boundary="fill", fillvalue=0)
    if stride > 1:
        output = output[::stride, ::stride]
    return output
