"""max_pool's hidden cases: seeded random maps and edge cases (graders only)."""

from __future__ import annotations

import numpy as np

from .. import Call, Test


def _pool(X, size=2, stride=2) -> Call:
    return Call({"X": X, "size": size, "stride": stride})


def tests(unit) -> list[Test]:
    rng = np.random.default_rng(4300)
    random_calls = []
    for _ in range(12):
        size = int(rng.integers(2, 4))
        H, W = rng.integers(size, 12, size=2)
        random_calls.append(_pool(rng.normal(size=(H, W)), size, int(rng.integers(1, 4))))
    return [
        Test(
            "seeded random 2-D maps, windows 2 and 3, strides 1 to 3 (overlapping and not)",
            random_calls,
        ),
        Test(
            "(H, W, 3) maps: each channel pooled on its own",
            [_pool(rng.normal(size=(6, 7, 3))), _pool(rng.normal(size=(7, 5, 4)), 3, 1)],
        ),
        Test(
            "(H, W, 1) maps keep their channel axis",
            [_pool(rng.normal(size=(6, 6, 1))), _pool(rng.normal(size=(5, 7, 1)), 2, 1)],
        ),
        Test(
            "all-negative maps",
            [
                _pool(-np.abs(rng.normal(size=(6, 8))) - 1),
                _pool(-np.abs(rng.normal(size=(5, 5, 2))) - 1, 3, 2),
            ],
        ),
        Test(
            "integer maps",
            [
                _pool(rng.integers(-50, 50, size=(8, 6))),
                _pool(rng.integers(0, 9, size=(5, 5)), 2, 1),
            ],
        ),
        Test(
            "a window as large as the map (a 1x1 output)",
            [_pool(rng.normal(size=(5, 5)), 5, 1), _pool(rng.normal(size=(3, 4, 2)), 3, 2)],
        ),
        Test("size 3, stride 2 on odd sizes", [_pool(rng.normal(size=(7, 9)), 3, 2)]),
    ]
