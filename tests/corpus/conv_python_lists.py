def conv2d(image, filter_kernel, stride=1):
    # Plain Python, no numpy tricks: easier for me to follow.
    H, W = len(image), len(image[0])
    kh, kw = len(filter_kernel), len(filter_kernel[0])
    result = []
    for i in range(0, H - kh + 1, stride):
        row = []
        for j in range(0, W - kw + 1, stride):
            s = 0
            for m in range(kh):
                for n in range(kw):
                    s += float(image[i + m][j + n]) * float(filter_kernel[m][n])
            row.append(s)
        result.append(row)
    return result
