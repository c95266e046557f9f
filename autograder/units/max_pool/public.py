"""max_pool's public cases: expected values worked out by hand from Part 4.3 (and checked
against the reference in tests/test_reference.py)."""

from __future__ import annotations

import numpy as np

from .. import BY_ID, Call, Test


def tests(unit) -> list[Test]:
    X = np.asarray(BY_ID["4.3.1"].defaults["X"], dtype=float)  # Part 4.3's 4x4 map (exercise 1)
    two = np.stack([X, -X], axis=-1)
    return [
        Test(
            "the post's 4x4 map, size 2, stride 2 (Part 4.3, exercise 1)",
            [Call({"X": X, "size": 2, "stride": 2}, expected=np.array([[6.0, 8.0], [14.0, 16.0]]))],
        ),
        Test(
            "overlapping windows: size 2, stride 1 (Part 4.3, exercise 2)",
            [
                Call(
                    {"X": X, "size": 2, "stride": 1},
                    expected=np.array([[6.0, 7.0, 8.0], [10.0, 11.0, 12.0], [14.0, 15.0, 16.0]]),
                )
            ],
        ),
        Test(
            "negative values: a max must not start at 0",
            [
                Call(
                    {"X": -X, "size": 2, "stride": 2},
                    expected=np.array([[-1.0, -3.0], [-9.0, -11.0]]),
                )
            ],
        ),
        Test(
            "a (4, 4, 2) input keeps its 2 channels, pooled separately",
            [
                Call(
                    {"X": two, "size": 2, "stride": 2},
                    expected=np.stack(
                        [[[6.0, 8.0], [14.0, 16.0]], [[-1.0, -3.0], [-9.0, -11.0]]], axis=-1
                    ),
                )
            ],
        ),
        Test(
            "a (4, 4, 1) input keeps its channel axis",
            [
                Call(
                    {"X": X[:, :, None], "size": 2, "stride": 2},
                    expected=np.array([[[6.0], [8.0]], [[14.0], [16.0]]]),
                )
            ],
        ),
        Test(
            "an odd-sized 5x5 map: the last row and column are left out",
            [
                Call(
                    {"X": np.arange(25.0).reshape(5, 5), "size": 2, "stride": 2},
                    expected=np.array([[6.0, 8.0], [16.0, 18.0]]),
                )
            ],
        ),
    ]
