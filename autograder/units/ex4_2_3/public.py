from __future__ import annotations

from .. import Call, Test


def tests(unit) -> list[Test]:
    return [Test("the first MNIST digit and the horizontal edge filter (defaults)", [Call({})])]
