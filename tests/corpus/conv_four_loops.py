import numpy as np


def conv2d(image, filter_kernel, stride=1):
    # out[i, j] = sum_m sum_n I[i*s + m, j*s + n] * F[m, n]  -- written out literally
    height, width = image.shape[0], image.shape[1]
    fh, fw = filter_kernel.shape[0], filter_kernel.shape[1]
    rows = (height - fh) // stride + 1
    cols = (width - fw) // stride + 1
    result = np.empty((rows, cols), dtype=float)
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for m in range(fh):
                for n in range(fw):
                    total += image[i * stride + m][j * stride + n] * filter_kernel[m][n]
            result[i][j] = total
    return result
