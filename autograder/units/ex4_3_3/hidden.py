from __future__ import annotations

from .. import Call, Test
from ..common import digit, edge_filter


def tests(unit) -> list[Test]:
    return [
        Test("another digit and filter", [Call({**digit(4), "filter_kernel": edge_filter(4331)})])
    ]
