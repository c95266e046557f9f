"""conv2d's check: the type, shape and values of what came back, and the input left unchanged.
Its named mistakes are models in mistakes.py."""

from __future__ import annotations

import numpy as np

from ...judge.arrays import check_array, describe_inputs
from ...judge.outcomes import check_unmodified, value_of


def flipped_kernel(kernel) -> tuple[str, np.ndarray]:
    """The picture's extra panel for a flipped kernel."""
    return "filter_kernel rotated 180 degrees:\nyour result matches this kernel", np.asarray(
        kernel, float
    )[::-1, ::-1]


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    image, kernel, stride = inputs["image"], inputs["filter_kernel"], inputs["stride"]
    text = describe_inputs("conv2d", call.kwargs)
    expected = call.expected if lib is None else lib.conv2d(image, kernel, stride)
    # Mistakes are named afterwards, by their models (mistakes.py); the public cases' hand-worked
    # ones serve where no reference is at hand (a learners' copy).
    check_array(
        value_of(outcome, text, unit.file),
        expected,
        call=text,
        mistakes=call.mistakes,
        reveal=reveal,
    )
    check_unmodified(outcome, text)
