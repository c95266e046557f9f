from __future__ import annotations

from .. import Call, Test


def tests(unit) -> list[Test]:
    return [Test("the post's image and filter with stride 2 (defaults)", [Call({})])]
