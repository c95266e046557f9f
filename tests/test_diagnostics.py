"""Each diagnostic fires on a submission that makes that mistake, and only there.

Every case is a copy of the solutions with one function rewritten the way a learner might
get it wrong, graded for real (worker process and all) for the unit it concerns.
"""

from __future__ import annotations

import re

import pytest

from autograder.grading.grade import grade

pytestmark = pytest.mark.slow  # end to end: workers and subprocesses

NN = "neural_network.py"

CONV_HEAD = "def conv2d(image, filter_kernel, stride=1):\n    import numpy as np\n    from scipy import signal\n"
POOL_HEAD = "def max_pool(X, size=2, stride=2):\n    import numpy as np\n"
LOOP_POOL = (
    POOL_HEAD
    + """
    two_d = X.ndim == 2
    X3 = X[:, :, None] if two_d else X
    H, W, C = X3.shape
    h, w = {h}, {w}
    out = {init}
    for i in range(h):
        for j in range(w):
            window = X3[i * {step}:i * {step} + size, j * {step}:j * {step} + size, :]
            out[i, j, :] = {reduce}
    return out[:, :, 0] if two_d else out
"""
)


def pool(
    h="(H - size) // stride + 1",
    w="(W - size) // stride + 1",
    init="np.zeros((h, w, C))",
    step="stride",
    reduce="np.max(window, axis=(0, 1))",
):
    return LOOP_POOL.format(h=h, w=w, init=init, step=step, reduce=reduce)


def conv(body: str) -> str:
    return CONV_HEAD + "    " + body.strip() + "\n"


CORRELATE = "signal.correlate2d(image, filter_kernel, mode='valid')[::stride, ::stride]"

MISTAKES = {
    # id: (function's file, function, its mistaken source, unit graded, phrase the feedback must contain)
    "kernel flipped (the post's convolve2d)": (
        NN,
        "conv2d",
        conv(
            "out = signal.convolve2d(image, filter_kernel, mode='valid')\n    return out[::stride, ::stride]"
        ),
        "conv2d",
        "flipped by 180 degrees, which is what scipy.signal.convolve2d does",
    ),
    "forgot the +1": (
        NN,
        "conv2d",
        conv(f"return {CORRELATE}[:-1, :-1]"),
        "conv2d",
        "did you forget the + 1",
    ),
    "one too large": (
        NN,
        "conv2d",
        conv(
            "p = np.pad(image, ((0, stride), (0, stride)))\n"
            "    return signal.correlate2d(p, filter_kernel, mode='valid')[::stride, ::stride]"
        ),
        "conv2d",
        "one row and one column too many",
    ),
    "'same' mode": (
        NN,
        "conv2d",
        conv("return signal.correlate2d(image, filter_kernel, mode='same')[::stride, ::stride]"),
        "conv2d",
        "'same' mode",
    ),
    "'full' mode": (
        NN,
        "conv2d",
        conv("return signal.correlate2d(image, filter_kernel, mode='full')[::stride, ::stride]"),
        "conv2d",
        "'full' mode",
    ),
    "stride ignored": (
        NN,
        "conv2d",
        conv("return signal.correlate2d(image, filter_kernel, mode='valid')"),
        "conv2d",
        "the stride was ignored",
    ),
    "stride misapplied (windows not moved by the stride)": (
        NN,
        "conv2d",
        conv(
            "full = signal.correlate2d(image, filter_kernel, mode='valid')\n"
            "    h, w = full[::stride, ::stride].shape\n    return full[:h, :w]"
        ),
        "conv2d",
        "must start at row i * stride and column j * stride",
    ),
    "output size H // stride": (
        NN,
        "conv2d",
        conv(
            "H, W = image.shape\n    full = "
            + CORRELATE
            + "\n    out = np.zeros((H // stride, W // stride))\n"
            "    h, w = min(out.shape[0], full.shape[0]), min(out.shape[1], full.shape[1])\n"
            "    out[:h, :w] = full[:h, :w]\n    return out"
        ),
        "conv2d",
        "the stride was applied to the output size as H // stride",
    ),
    "height and width swapped": (
        NN,
        "conv2d",
        conv(f"return {CORRELATE}.T.copy()"),
        "conv2d",
        "height and width are swapped",
    ),
    "kernel transposed": (
        NN,
        "conv2d",
        conv("return signal.correlate2d(image, filter_kernel.T, mode='valid')[::stride, ::stride]"),
        "conv2d",
        "kernel transposed",
    ),
    "input modified in place": (
        NN,
        "conv2d",
        conv(f"out = {CORRELATE}\n    image[...] = 0\n    return out"),
        "conv2d",
        "changed its input image in place",
    ),
    "returns a list": (
        NN,
        "conv2d",
        conv(f"return {CORRELATE}.tolist()"),
        "conv2d",
        "returned a list",
    ),
    "returns None": (NN, "conv2d", conv(f"out = {CORRELATE}"), "conv2d", "returned None"),
    "returns np.matrix": (
        NN,
        "conv2d",
        conv(f"return np.matrix({CORRELATE})"),
        "conv2d",
        "returned a numpy.matrix",
    ),
    "returns a scalar": (
        NN,
        "conv2d",
        conv(f"return float({CORRELATE}.sum())"),
        "conv2d",
        "single number",
    ),
    "returns NaN": (
        NN,
        "conv2d",
        conv(f"out = {CORRELATE}.astype(float)\n    out[-1, -1] = np.nan\n    return out"),
        "conv2d",
        "non-finite value",
    ),
    "still not implemented": (
        NN,
        "conv2d",
        conv("raise NotImplementedError"),
        "conv2d",
        "is not implemented yet",
    ),
    "raises": (
        NN,
        "conv2d",
        conv("raise ValueError('shapes do not match')"),
        "conv2d",
        "raised ValueError: shapes do not match (neural_network.py, line",
    ),
    "channel axis dropped (the post's max_pool)": (
        NN,
        "max_pool",
        pool(reduce="np.max(window, axis=(0, 1))").replace(
            "if two_d else out", "if C == 1 else out"
        ),
        "max_pool",
        "the channel axis was dropped",
    ),
    "channel axis added to a 2-D input": (
        NN,
        "max_pool",
        pool().replace("if two_d else out", "if False else out"),
        "max_pool",
        "must give a 2-D (H', W') output",
    ),
    "floor(H / s) output size": (
        NN,
        "max_pool",
        pool(h="H // stride", w="W // stride"),
        "max_pool",
        "floor(H / stride), Part 4.3's formula",
    ),
    "max over the wrong axes (across channels)": (
        NN,
        "max_pool",
        pool(reduce="np.max(window)"),
        "max_pool",
        "the max was taken across channels too",
    ),
    "max started at zero": (
        NN,
        "max_pool",
        pool(reduce="np.maximum(0, np.max(window, axis=(0, 1)))"),
        "max_pool",
        "the max started from 0",
    ),
    "minimum instead of maximum": (
        NN,
        "max_pool",
        pool(reduce="np.min(window, axis=(0, 1))"),
        "max_pool",
        "the minimum of each window",
    ),
    "pool stride ignored": (
        NN,
        "max_pool",
        pool(h="H - size + 1", w="W - size + 1", step="1"),
        "max_pool",
        "the stride was ignored",
    ),
    "exercise ignores its arguments": (
        "ex4_2_1_average_filter.py",
        "average_filter",
        """
        def average_filter(image=IMAGE, filter_kernel=AVERAGE_FILTER):
            out = conv2d(IMAGE, AVERAGE_FILTER, stride=1)
            print("Output Shape:", out.shape)
            return out
        """,
        "4.2.1",
        "use the image and filter_kernel arguments",
    ),
    "exercise drops the stride": (
        "ex4_2_2_stride.py",
        "strided_average",
        """
        def strided_average(image=IMAGE, filter_kernel=AVERAGE_FILTER, stride=2):
            out = conv2d(image, filter_kernel, stride=1)
            print("Output Shape:", out.shape)
            return out
        """,
        "4.2.2",
        "pass the stride argument on to conv2d",
    ),
    "exercise prints nothing": (
        "ex4_3_1_max_pool_synthetic.py",
        "pool_synthetic",
        """
        def pool_synthetic(X=X_MAP):
            return max_pool(X, size=2, stride=2)
        """,
        "4.3.1",
        "should print the output's shape ((2, 2)), as the post does",
    ),
}


# The id each case's results must carry (Result.mistake, the results files' extra_data): the named
# mistake, and no other one on any of that unit's tests. None: a failure that is not a named mistake.
IDS = {
    "kernel flipped (the post's convolve2d)": "flipped_kernel",
    "forgot the +1": "plus_one_forgotten",
    "one too large": "plus_one_doubled",
    "'same' mode": "same_padding",
    "'full' mode": "full_padding",
    "stride ignored": "stride_ignored",
    "stride misapplied (windows not moved by the stride)": "windows_step_by_one",
    "height and width swapped": "hw_swapped",
    "output size H // stride": "stride_size_only",
    "kernel transposed": "transposed_kernel",
    "returns a list": "returns_list",
    "channel axis dropped (the post's max_pool)": "channel_dropped",
    "channel axis added to a 2-D input": "channel_added",
    "floor(H / s) output size": "floor_h_over_stride",
    "max over the wrong axes (across channels)": "max_across_channels",
    "max started at zero": "max_from_zero",
    "minimum instead of maximum": "min_not_max",
    "pool stride ignored": "stride_ignored",
    "exercise ignores its arguments": "post_inputs_used",
    "exercise drops the stride": "stride_not_passed",
}


def failures(sub, unit: str, **kw) -> list[str]:
    return [r.message for r in grade(sub, units=[unit], **kw) if not r.passed]


@pytest.mark.parametrize("case", list(MISTAKES), ids=list(MISTAKES))
def test_mistake_is_named(case, submission):
    file, function, source, unit, phrase = MISTAKES[case]
    failed = [r for r in grade(submission((file, function, source)), units=[unit]) if not r.passed]
    messages = [r.message for r in failed]
    assert messages, f"{case}: the mistaken submission passed every {unit} test"
    assert any(phrase in m for m in messages), f"{case}: no message says {phrase!r}:\n" + "\n".join(
        messages
    )
    named = {r.mistake for r in failed} - {None}
    assert named <= {IDS.get(case)}, f"{case}: named {named}, not only {IDS.get(case)}"
    if case in IDS:
        assert IDS[case] in named


def test_correct_submission_gets_no_message(submission):
    results = grade(submission())
    assert [r.message for r in results if not r.passed] == []
    assert sum(r.score for r in results) == pytest.approx(100)


def test_hidden_feedback_never_shows_expected_values(submission):
    sub = submission((NN, "conv2d", conv(f"return {CORRELATE} + 1.0")))
    results = [r for r in grade(sub, units=["conv2d"]) if not r.passed]
    hidden = [r.message for r in results if r.test.tier == "hidden"]
    public = [r.message for r in results if r.test.tier == "public"]
    assert hidden and public
    assert all("expected" in m for m in public)  # public tests may show the expected values...
    assert not any(re.search(r"expected -?\d", m) for m in hidden)  # ...hidden ones never
    assert all("you returned" in m and "largest error is 1 " in m for m in hidden)


def test_exercise_mistakes(submission):
    cnn = "ex4_3_4_cnn_batch.py"
    head = (
        "def small_cnn_forward(X_batch=None, filters=None, W_dense=None, b_dense=None, seed=0):\n"
    )
    body = """
    N, F = len(X_batch), len(filters)
    fm = np.stack([np.stack([conv2d(X_batch[i], filters[f]) for f in range(F)], axis=-1) for i in range(N)])
    pooled = np.stack([max_pool(fm[i]) for i in range(N)])
    flat = pooled.reshape(N, -1)
    probs = softmax(flat @ W_dense + b_dense)
    """
    body = body.rstrip(" ")
    tail = "    return fm, pooled, flat, probs\n"
    cases = {
        "the filters are on axis 1": body.replace("axis=-1", "axis=0"),
        "filter-first order": body.replace(
            "flat = pooled.reshape(N, -1)", "flat = pooled.transpose(0, 3, 1, 2).reshape(N, -1)"
        ),
        "the bias b_dense was left out": body.replace(" + b_dense", ""),
        "those are the logits": body.replace(
            "softmax(flat @ W_dense + b_dense)", "flat @ W_dense + b_dense"
        ),
    }
    for phrase, mistaken in cases.items():
        messages = failures(submission((cnn, "small_cnn_forward", head + mistaken + tail)), "4.3.4")
        assert any(phrase in m for m in messages), f"{phrase!r} not in:\n" + "\n".join(messages)


def test_figure_mistakes(submission):
    source = """
    def mnist_horizontal_edges(image=None, label=None, filter_kernel=HORIZONTAL_EDGES):
        if image is None:
            image, label = load_mnist_image(0)
        fm = conv2d(image, filter_kernel, stride=1)
        fig, axes = plt.subplots(1, {n})
        axes = np.atleast_1d(axes)
        axes[0].imshow({first}); axes[0].set_title("{title}")
        if {n} > 1:
            axes[1].imshow(fm); axes[1].set_title("Feature Map")
        print(image.shape, fm.shape)
        return fm, fig
    """
    cases = {
        "the figure should have 2 panels side by side, it has 1": dict(
            n=1, first="image", title="Input Image"
        ),
        "should name the digit's label": dict(n=2, first="image", title="Input Image"),
        "panel 1 of the figure should show the input image": dict(
            n=2, first="image.T", title="{label}"
        ),
    }
    for phrase, fmt in cases.items():
        src = (
            source.replace("{n}", str(fmt["n"]))
            .replace("{first}", fmt["first"])
            .replace("{title}", fmt["title"])
        )
        src = src.replace('"{label}"', 'f"Digit {label}"')
        messages = failures(
            submission(("ex4_2_3_mnist_edges.py", "mnist_horizontal_edges", src)), "4.2.3"
        )
        assert any(phrase in m for m in messages), f"{phrase!r} not in:\n" + "\n".join(messages)


def test_exercise_swapped_maps(submission):
    source = """
    def mnist_two_filters(image=None, label=None, horizontal_filter=HORIZONTAL_EDGES, vertical_filter=VERTICAL_EDGES):
        h, v, fig = _solution(image, label, horizontal_filter, vertical_filter)
        return v, h, fig
    """
    sub = submission()
    path = sub / "ex4_2_4_two_filters.py"
    path.write_text(
        path.read_text().replace("def mnist_two_filters(", "def _solution(", 1)
        + "\n\n"
        + __import__("textwrap").dedent(source)
    )
    messages = failures(sub, "4.2.4")
    assert any("that is the other filter's map" in m for m in messages)
