from __future__ import annotations

import numpy as np

from .. import Call, Test


def tests(unit) -> list[Test]:
    return [
        Test(
            "another image and filter",
            [
                Call(
                    {
                        "image": np.random.default_rng(4211).integers(-4, 5, size=(5, 6)),
                        "filter_kernel": np.random.default_rng(4212).normal(size=(2, 3)),
                    }
                )
            ],
        )
    ]
