from __future__ import annotations

import numpy as np

from .. import Call, Test
from ..common import digit, edge_filter


def tests(unit) -> list[Test]:
    rng = np.random.default_rng
    return [
        Test(
            "another digit and filter, and a 20x24 image",
            [
                Call({**digit(7), "filter_kernel": edge_filter(4231)}),
                Call(
                    {
                        "image": rng(4232).uniform(0, 255, size=(20, 24)),
                        "label": 3,
                        "filter_kernel": edge_filter(4233),
                    }
                ),
            ],
        )
    ]
