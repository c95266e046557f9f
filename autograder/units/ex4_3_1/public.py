from __future__ import annotations

from .. import Call, Test


def tests(unit) -> list[Test]:
    return [Test("the post's 4x4 map, size 2, stride 2 (defaults)", [Call({})])]
