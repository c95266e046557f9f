from __future__ import annotations

import numpy as np

from .. import Call, Test


def tests(unit) -> list[Test]:
    rng = np.random.default_rng
    return [
        Test(
            "other maps, sizes and strides",
            [
                Call({"X": rng(4321).normal(size=(5, 5)), "size": 3, "stride": 1}),
                Call({"X": -np.abs(rng(4322).normal(size=(6, 4))), "size": 2, "stride": 1}),
            ],
        )
    ]
