"""Exercises 1 and 2 of Part 4.3: one max_pool call with the given arguments, and the post's prints."""

from __future__ import annotations

import numpy as np

from ...judge.arrays import Mistake
from .. import BY_ID
from ..common import check_one_array


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = {
        **BY_ID["max_pool"].defaults,
        **unit.inputs(call),
    }  # exercise 1 pools as max_pool's defaults do
    X, size, stride = inputs["X"], inputs["size"], inputs["stride"]
    mistakes = [
        Mistake(
            "post_inputs_used",
            "that is the answer for the post's own X: use the X argument.",
            lib.max_pool(np.asarray(unit.defaults["X"]), size, stride),
        )
    ]
    if stride != size:
        mistakes.append(
            Mistake(
                "stride_not_passed",
                f"that is the result with stride {size}: pass the stride argument on to max_pool.",
                lib.max_pool(X, size, size),
            )
        )
    check_one_array(unit, call, outcome, lib.max_pool(X, size, stride), mistakes, reveal)
