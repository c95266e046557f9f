"""Exercises 1 and 2 of Part 4.2: one conv2d call with the given arguments, and the post's prints."""

from __future__ import annotations

import numpy as np

from ...judge.arrays import Mistake
from .. import BY_ID
from ..common import check_one_array


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = {
        **BY_ID["conv2d"].defaults,
        **unit.inputs(call),
    }  # exercise 1 uses conv2d's default stride
    image, kernel, stride = inputs["image"], inputs["filter_kernel"], inputs["stride"]
    post_image, post_kernel = (
        np.asarray(unit.defaults["image"]),
        np.asarray(unit.defaults["filter_kernel"]),
    )
    mistakes = [
        Mistake(
            "post_inputs_used",
            "that is the answer for the post's own image and filter: use the "
            "image and filter_kernel arguments.",
            lib.conv2d(post_image, post_kernel, stride),
        )
    ]
    if stride != 1:
        mistakes.append(
            Mistake(
                "stride_not_passed",
                "that is the stride-1 result: pass the stride argument on to conv2d.",
                lib.conv2d(image, kernel, 1),
            )
        )
    check_one_array(unit, call, outcome, lib.conv2d(image, kernel, stride), mistakes, reveal)
