"""conv2d's public cases: expected values worked out by hand from Part 4.2 (and checked
against the reference in tests/test_reference.py)."""

from __future__ import annotations

import numpy as np

from ...judge.arrays import Mistake
from .. import BY_ID, Call, Test
from .mistakes import FLIP_SAYS, flip_panel


def tests(unit) -> list[Test]:
    post = BY_ID["4.2.1"].defaults  # Part 4.2's image and 2x2 average (exercises 1 and 2)
    image, average = (
        np.asarray(post["image"], dtype=float),
        np.asarray(post["filter_kernel"], dtype=float),
    )
    ramp = np.arange(16.0).reshape(4, 4)
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    # On a ramp I[i, j] = 4i + j: correlation gives 10 * I[i, j] + 34, the flipped kernel 10 * I[i, j] + 16.
    flipped = 10 * ramp[:3, :3] + 16
    tall = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    column = np.array([[1.0], [2.0]])
    flip = FLIP_SAYS["correlation"]
    return [
        Test(
            "the post's 2x2 average on its 4x4 image of integers (Part 4.2, exercise 1)",
            [
                Call(
                    {"image": np.asarray(post["image"]), "filter_kernel": average, "stride": 1},
                    expected=np.array([[1.25, 1.5, 1.25], [1.5, 2.0, 1.5], [1.25, 1.5, 1.25]]),
                )
            ],
        ),
        Test(
            "stride 2 on the same image (Part 4.2, exercise 2)",
            [
                Call(
                    {"image": image, "filter_kernel": average, "stride": 2},
                    expected=np.full((2, 2), 1.25),
                )
            ],
        ),
        Test(
            "an asymmetric kernel, which tells correlation from convolution",
            [
                Call(
                    {"image": ramp, "filter_kernel": kernel, "stride": 1},
                    expected=10 * ramp[:3, :3] + 34,
                    mistakes=[Mistake("flipped_kernel", flip, flipped, shows=flip_panel(kernel))],
                )
            ],
        ),
        Test(
            "a 2x3 image and a 2x1 kernel (non-square)",
            [
                Call(
                    {"image": tall, "filter_kernel": column, "stride": 1},
                    expected=np.array([[9.0, 12.0, 15.0]]),
                    mistakes=[
                        Mistake(
                            "flipped_kernel", flip, [[6.0, 9.0, 12.0]], shows=flip_panel(column)
                        )
                    ],
                )
            ],
        ),
    ]
