import numpy as np


def max_pool(X, size=2, stride=2):
    """Perform 2D max pooling on an input feature map (the post's version)."""
    if len(X.shape) == 2:
        height, width = X.shape
        channels = 1
        X = X.reshape(height, width, 1)
    else:
        height, width, channels = X.shape

    out_height = (height - size) // stride + 1
    out_width = (width - size) // stride + 1
    output = np.zeros((out_height, out_width, channels))

    for i in range(out_height):
        for j in range(out_width):
            x_start = i * stride
            y_start = j * stride
            region = X[x_start : x_start + size, y_start : y_start + size, :]
            output[i, j, :] = np.max(region, axis=(0, 1))

    if channels == 1:
        output = output.reshape(out_height, out_width)
    return output
