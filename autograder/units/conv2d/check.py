"""conv2d's check and the mistakes it names.

Mistaken outputs that need a conv2d to compute (a flipped kernel) come from ``lib`` when
grading, and are written out by hand in the public cases.
"""
from __future__ import annotations

import numpy as np

from ...judge.arrays import Mistake, check_array, describe_inputs
from ...judge.outcomes import check_unmodified, value_of

FLIP_SAYS = {
    "correlation": (
        "they match the kernel flipped by 180 degrees, which is what scipy.signal.convolve2d does "
        "(true convolution). Part 4.2's formula, out[i, j] = sum_m sum_n I[i+m, j+n] * F[m, n], is "
        "cross-correlation: slide the kernel as it is, or use scipy.signal.correlate2d."),
    "convolution": (
        "they match the kernel NOT flipped (cross-correlation, scipy.signal.correlate2d). This course "
        "grades true convolution: flip the kernel by 180 degrees first (kernel[::-1, ::-1]), as "
        "scipy.signal.convolve2d does."),
}


def flipped_kernel(kernel) -> tuple[str, np.ndarray]:
    """The picture's extra panel for a flipped kernel."""
    return "filter_kernel rotated 180 degrees:\nyour result matches this kernel", np.asarray(kernel, float)[::-1, ::-1]


def mistakes(image, kernel, stride, lib) -> list[Mistake]:
    (H, W), (kh, kw), s = np.shape(image), np.shape(kernel), stride
    rule = "the output size is (H - kh) // stride + 1 by (W - kw) // stride + 1"
    ms = [
        Mistake("plus_one_forgotten", f"one row and one column too few: did you forget the + 1? ({rule}).",
                shape=((H - kh) // s, (W - kw) // s)),
        Mistake("plus_one_doubled", f"one row and one column too many: the last window would run past the edge "
                f"({rule}).", shape=((H - kh) // s + 2, (W - kw) // s + 2)),
        Mistake("same_padding", f"that is the size of 'same' mode (zero padding); this layer uses 'valid' mode: "
                f"{rule}.", shape=(-(-H // s), -(-W // s))),
        Mistake("full_padding", f"that is the size of 'full' mode (zero padding all round); this layer uses "
                f"'valid' mode: {rule}.", shape=(-(-(H + kh - 1) // s), -(-(W + kw - 1) // s))),
    ]
    if s > 1:
        ms.append(Mistake("stride_ignored", f"that is the stride-1 size: the stride was ignored ({rule}).",
                          shape=(H - kh + 1, W - kw + 1)))
        ms.append(Mistake("stride_size_only", f"the stride was applied to the output size as H // stride; {rule}.",
                          shape=(H // s, W // s)))
    if lib is not None:
        ms.append(Mistake("flipped_kernel", FLIP_SAYS[lib.convention],
                          lib.conv2d(image, np.asarray(kernel)[::-1, ::-1], s), shows=flipped_kernel(kernel)))
        if s > 1:  # windows stepped by 1 while the output has the strided size
            h, w = (H - kh) // s + 1, (W - kw) // s + 1
            ms.append(Mistake("windows_step_by_one", "window (i, j) must start at row i * stride and column "
                              "j * stride, not at (i, j).", lib.conv2d(image, kernel, 1)[:h, :w]))
        if kh == kw:
            ms.append(Mistake("transposed_kernel", "they match the kernel transposed (rows and columns swapped): "
                              "index it as kernel[m, n], m over rows, n over columns.",
                              lib.conv2d(image, np.asarray(kernel).T, s)))
    return ms


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    image, kernel, stride = inputs["image"], inputs["filter_kernel"], inputs["stride"]
    text = describe_inputs("conv2d", call.kwargs)
    expected = call.expected if lib is None else lib.conv2d(image, kernel, stride)
    named = (call.mistakes if lib is None else []) + mistakes(image, kernel, stride, lib)
    check_array(value_of(outcome, text, unit.file), expected, call=text, mistakes=named, reveal=reveal)
    check_unmodified(outcome, text)
