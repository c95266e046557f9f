from scipy.signal import correlate2d


def conv2d(image, filter_kernel, stride=1):
    # 'same' so the feature map keeps the image size (like padding='same' in Keras)
    fmap = correlate2d(image, filter_kernel, mode="same", boundary="fill", fillvalue=0)
    return fmap[::stride, ::stride].astype(float)
