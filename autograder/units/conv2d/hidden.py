"""conv2d's hidden cases: seeded random inputs and edge cases (graders only). Each generator
has its own fixed seed, so a failure can be replayed exactly."""

from __future__ import annotations

import numpy as np

from .. import Call, Test


def _conv(image, kernel, stride=1) -> Call:
    return Call({"image": image, "filter_kernel": kernel, "stride": stride})


def tests(unit) -> list[Test]:
    rng = np.random.default_rng(4200)
    random_calls = []
    for _ in range(12):
        H, W = rng.integers(3, 13, size=2)
        kh, kw = rng.integers(1, min(H, 4) + 1), rng.integers(1, min(W, 4) + 1)
        random_calls.append(
            _conv(rng.normal(size=(H, W)), rng.normal(size=(kh, kw)), int(rng.integers(1, 4)))
        )
    ints = np.random.default_rng(4201)
    return [
        Test("seeded random non-square images and kernels, strides 1 to 3", random_calls),
        Test(
            "a 5x7 image with a 3x2 kernel and a 7x5 image with a 2x3 kernel (height vs width)",
            [
                _conv(rng.normal(size=(5, 7)), rng.normal(size=(3, 2))),
                _conv(rng.normal(size=(7, 5)), rng.normal(size=(2, 3)), 2),
            ],
        ),
        Test(
            "a kernel as large as the image (a 1x1 output)",
            [
                _conv(rng.normal(size=(4, 5)), rng.normal(size=(4, 5))),
                _conv(rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), 2),
            ],
        ),
        Test(
            "1x1 kernels",
            [
                _conv(rng.normal(size=(5, 6)), np.array([[2.5]])),
                _conv(rng.normal(size=(6, 5)), np.array([[-1.0]]), 2),
            ],
        ),
        Test(
            "integer images and kernels",
            [
                _conv(ints.integers(-5, 6, size=(6, 6)), ints.integers(-3, 4, size=(3, 3))),
                _conv(ints.integers(0, 256, size=(7, 8)), ints.integers(-1, 2, size=(2, 3)), 2),
            ],
        ),
        Test(
            "an integer image with a fractional kernel (the output must not be rounded)",
            [_conv(ints.integers(-9, 10, size=(6, 7)), rng.normal(size=(2, 3)))],
        ),
        Test(
            "a stride larger than the kernel (windows skip pixels)",
            [_conv(rng.normal(size=(9, 10)), rng.normal(size=(2, 2)), 3)],
        ),
    ]
