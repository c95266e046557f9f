from __future__ import annotations

from .. import Call, Test


def tests(unit) -> list[Test]:
    return [Test("the first MNIST digit, horizontal and vertical filters (defaults)", [Call({})])]
