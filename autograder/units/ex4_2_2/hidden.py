from __future__ import annotations

import numpy as np

from .. import Call, Test


def tests(unit) -> list[Test]:
    rng = np.random.default_rng
    return [
        Test(
            "other images, filters and strides",
            [
                Call(
                    {
                        "image": rng(4221).normal(size=(8, 7)),
                        "filter_kernel": rng(4222).normal(size=(2, 2)),
                        "stride": 3,
                    }
                ),
                Call(
                    {
                        "image": rng(4223).normal(size=(5, 5)),
                        "filter_kernel": rng(4224).normal(size=(3, 2)),
                        "stride": 1,
                    }
                ),
            ],
        )
    ]
