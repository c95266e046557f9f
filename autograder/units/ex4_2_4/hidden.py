from __future__ import annotations

from .. import Call, Test
from ..common import digit, edge_filter


def tests(unit) -> list[Test]:
    return [
        Test(
            "another digit with two asymmetric filters",
            [
                Call(
                    {
                        **digit(3),
                        "horizontal_filter": edge_filter(4241),
                        "vertical_filter": edge_filter(4242),
                    }
                )
            ],
        )
    ]
