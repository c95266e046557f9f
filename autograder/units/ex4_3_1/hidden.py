from __future__ import annotations

import numpy as np

from .. import Call, Test


def tests(unit) -> list[Test]:
    return [
        Test(
            "another 6x6 map with negative values",
            [Call({"X": np.random.default_rng(4311).normal(size=(6, 6)) - 1})],
        )
    ]
