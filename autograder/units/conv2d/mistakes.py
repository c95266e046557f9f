"""conv2d's named mistakes as models: what each one returns (see autograder/judge/models.py),
the sentence that names it, and the extra calls that tell them apart.

Written from the ways learners' code goes wrong (tests/corpus/ holds one submission per
mistake, and correct ones in many styles); each model is tested against its submission and
against every correct one (tests/test_corpus.py).
"""

from __future__ import annotations

import numpy as np

from ...judge.models import RAISES, AsList, Model, Shape, Unknown

ARGS = (
    "image",
    "filter_kernel",
    "stride",
)  # the models' positional arguments, from a call's inputs
FLIP_SAYS = {
    "correlation": (
        "they match the kernel flipped by 180 degrees, which is what scipy.signal.convolve2d does "
        "(true convolution). Part 4.2's formula, out[i, j] = sum_m sum_n I[i+m, j+n] * F[m, n], is "
        "cross-correlation: slide the kernel as it is, or use scipy.signal.correlate2d."
    ),
    "convolution": (
        "they match the kernel NOT flipped (cross-correlation, scipy.signal.correlate2d). This course "
        "grades true convolution: flip the kernel by 180 degrees first (kernel[::-1, ::-1]), as "
        "scipy.signal.convolve2d does."
    ),
}
RULE = "the output size is (H - kh) // stride + 1 by (W - kw) // stride + 1"


def _out(image, kernel, s):
    (H, W), (kh, kw) = np.shape(image), np.shape(kernel)
    return (H - kh) // s + 1, (W - kw) // s + 1


def _loop_windows(image, kernel, s, out_h, out_w, win_h, win_w):
    """What `out[i, j] = np.sum(image[i*s:i*s+win_h, j*s:j*s+win_w] * kernel)` gives, numpy's
    slicing (windows cut short at the edge) and broadcasting (or its ValueError) included."""
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    out = np.zeros((out_h, out_w))
    try:
        for i in range(out_h):
            for j in range(out_w):
                out[i, j] = np.sum(image[i * s : i * s + win_h, j * s : j * s + win_w] * kernel)
    except ValueError:
        return RAISES
    return out


def flipped_kernel(ref, image, kernel, s):
    """The kernel rotated 180 degrees (scipy.signal.convolve2d, the post's code)."""
    return ref.conv2d(image, np.asarray(kernel)[::-1, ::-1], s)


def transposed_kernel(ref, image, kernel, s):
    """kernel[n, m] for kernel[m, n]: only a square kernel lets it run."""
    kernel = np.asarray(kernel)
    if kernel.shape[0] != kernel.shape[1]:
        raise Unknown  # indexing a non-square kernel the wrong way round fails in ways of its own
    return ref.conv2d(image, kernel.T, s)


def stride_ignored(ref, image, kernel, s):
    return None if s == 1 else ref.conv2d(image, kernel, 1)


def windows_step_by_one(ref, image, kernel, s):
    """The strided output size, but window (i, j) starts at (i, j), not (i*s, j*s)."""
    if s == 1:
        return None
    h, w = _out(image, kernel, s)
    return ref.conv2d(image, kernel, 1)[:h, :w]


def same_padding(ref, image, kernel, s):
    """'same' mode as scipy.signal.correlate2d(mode='same'), then [::s, ::s]."""
    kh, kw = np.shape(kernel)
    return ref.conv2d(
        np.pad(np.asarray(image, float), (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2))),
        kernel,
        s,
    )


def full_padding(ref, image, kernel, s):
    kh, kw = np.shape(kernel)
    return ref.conv2d(
        np.pad(np.asarray(image, float), ((kh - 1, kh - 1), (kw - 1, kw - 1))), kernel, s
    )


def zero_border(ref, image, kernel, s):
    """An input-sized array of zeros with each window's sum at the window's centre."""
    (H, W), (kh, kw) = np.shape(image), np.shape(kernel)
    full = ref.conv2d(image, kernel, 1)
    out = np.zeros((H, W))
    out[kh // 2 : kh // 2 + full.shape[0] : s, kw // 2 : kw // 2 + full.shape[1] : s] = full[
        ::s, ::s
    ]
    return out


def square_kernel(ref, image, kernel, s):
    """kh used for the width too: kh x kh windows times the (kh, kw) kernel."""
    kh, kw = np.shape(kernel)
    if kh == kw:
        return None
    H, W = np.shape(image)
    return _loop_windows(image, kernel, s, (H - kh) // s + 1, (W - kh) // s + 1, kh, kh)


def hw_swapped(ref, image, kernel, s):
    return ref.conv2d(image, kernel, s).T


def plus_one_forgotten(ref, image, kernel, s):
    return ref.conv2d(image, kernel, s)[:-1, :-1]


def plus_one_doubled(ref, image, kernel, s):
    h, w = _out(image, kernel, s)
    return Shape((h + 1, w + 1))


def stride_size_only(ref, image, kernel, s):
    """The output size taken as H // stride (values unknown)."""
    H, W = np.shape(image)
    return Shape((H // s, W // s))


def returns_list(ref, image, kernel, s):
    return AsList(ref.conv2d(image, kernel, s))


def int_truncation(ref, image, kernel, s):
    """An integer image gives an integer output (np.zeros_like(image)): values truncated."""
    image = np.asarray(image)
    return (
        np.trunc(ref.conv2d(image, kernel, s)) if np.issubdtype(image.dtype, np.integer) else None
    )


def raises_when_not_square(ref, image, kernel, s):
    """Rows and columns mixed up in the loop bounds: it raises when H' != W'."""
    h, w = _out(image, kernel, s)
    return RAISES if h != w else None


MODELS = [
    Model(
        "flipped_kernel",
        flipped_kernel,
        "a kernel flipped by 180 degrees",
        FLIP_SAYS["correlation"],
    ),
    Model(
        "transposed_kernel",
        transposed_kernel,
        "a transposed kernel",
        "they match the kernel transposed (rows and columns swapped): index it as kernel[m, n], m over rows, "
        "n over columns.",
    ),
    Model(
        "stride_ignored",
        stride_ignored,
        "an ignored stride",
        f"that is the stride-1 output: the stride was ignored ({RULE}; window (i, j) starts at row i * stride).",
    ),
    Model(
        "windows_step_by_one",
        windows_step_by_one,
        "windows moved by 1 instead of by the stride",
        "the output has the right size, but window (i, j) must start at row i * stride and column j * stride, "
        "not at (i, j).",
    ),
    Model(
        "same_padding",
        same_padding,
        "'same' zero padding",
        f"that is 'same' mode (the image padded with zeros to keep its size); this layer uses 'valid' mode: "
        f"no padding, {RULE}.",
    ),
    Model(
        "full_padding",
        full_padding,
        "'full' zero padding",
        f"that is 'full' mode (zero padding all round); this layer uses 'valid' mode: no padding, {RULE}.",
    ),
    Model(
        "zero_border",
        zero_border,
        "an input-sized output with a zero border",
        f"the right sums sit inside an input-sized array with a border of zeros: return only the valid part, "
        f"{RULE}.",
    ),
    Model(
        "square_kernel",
        square_kernel,
        "a kernel taken as square",
        "the kernel was taken as square (its height used for its width too): use kh, kw = filter_kernel.shape "
        "and kw for the columns.",
    ),
    Model(
        "hw_swapped",
        hw_swapped,
        "height and width swapped",
        "it is the right answer transposed: height and width are swapped (out[i, j] with i over rows).",
    ),
    Model(
        "plus_one_forgotten",
        plus_one_forgotten,
        "a forgotten + 1",
        f"one row and one column too few: did you forget the + 1? ({RULE}).",
    ),
    Model(
        "plus_one_doubled",
        plus_one_doubled,
        "one window too many",
        f"one row and one column too many: the last window would run past the edge ({RULE}).",
    ),
    Model(
        "stride_size_only",
        stride_size_only,
        "an output size of H // stride",
        f"the stride was applied to the output size as H // stride; {RULE}.",
    ),
    Model(
        "returns_list",
        returns_list,
        "a list instead of an array",
        "the values are right, but it is a list: return a numpy.ndarray (np.array(...)).",
    ),
    Model(
        "int_truncation",
        int_truncation,
        "an integer output array",
        "for an integer image the output was truncated to integers: make the output array float "
        "(np.zeros((H', W')) rather than np.zeros_like(image)).",
    ),
    Model(
        "raises",
        raises_when_not_square,
        "rows and columns mixed up",
        "it raises only when the output is not square: are height and width (or rows and columns) mixed up "
        "in the loop bounds or the slices?",
    ),
]


def discriminating_calls() -> list[dict]:
    """Two small calls that tell every pair of models apart (found by an exact search over 120
    candidate calls; tests/test_corpus.py checks that they name every corpus case's mistake): integer images with negatives, an asymmetric
    2x3 kernel with non-integer weights, stride 2, a square and a non-square output."""
    return [_call(8, 8, 2, 3, 2), _call(8, 9, 2, 3, 2)]


def _call(H, W, kh, kw, stride) -> dict:
    image = ((np.arange(H * W).reshape(H, W) * 37) % 19 - 9).astype(np.int64)
    kernel = ((np.arange(kh * kw).reshape(kh, kw) * 5) % 7 - 3) / 2.0 + 0.3
    return {"image": image, "filter_kernel": kernel, "stride": stride}


def sentence(model: Model, ref) -> str:
    """The model's sentence in the course's convention (a flip is the mistake either way round)."""
    return FLIP_SAYS[ref.convention] if model.id == "flipped_kernel" else model.says


def flip_panel(kernel) -> tuple[str, np.ndarray]:
    """A picture's extra panel for a flipped kernel: the kernel the result matches."""
    flipped = np.asarray(kernel, float)[::-1, ::-1]
    return "filter_kernel rotated 180 degrees:\nyour result matches this kernel", flipped


def shows(model: Model, inputs: dict):
    """A picture's extra panel that makes the mistake plain, if one does."""
    return flip_panel(inputs["filter_kernel"]) if model.id == "flipped_kernel" else None


def small_calls():
    """Small cases in order of size, for showing the smallest one that still fails: integer
    images with negatives, asymmetric kernels, strides 1 and 2 (seeded)."""
    from .. import Call

    rng = np.random.default_rng(4299)
    for H, W in [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (4, 5), (5, 6)]:
        for kh, kw in [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)]:
            for s in (1, 2):
                if kh <= H and kw <= W:
                    kernel = rng.integers(-2, 3, size=(kh, kw)).astype(float)
                    kernel[0, 0] = 3.0  # never all zero, never symmetric
                    yield Call(
                        {
                            "image": rng.integers(-3, 4, size=(H, W)).astype(float),
                            "filter_kernel": kernel,
                            "stride": s,
                        }
                    )
