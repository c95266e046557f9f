"""max_pool's check: the type, shape and values of what came back, and the input left unchanged.
Its named mistakes are models in mistakes.py."""

from __future__ import annotations

from ...judge.arrays import check_array, describe_inputs
from ...judge.outcomes import check_unmodified, value_of


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    X, size, stride = inputs["X"], inputs["size"], inputs["stride"]
    text = describe_inputs("max_pool", call.kwargs)
    expected = call.expected if lib is None else lib.max_pool(X, size, stride)
    # Mistakes are named afterwards, by their models (mistakes.py).
    check_array(
        value_of(outcome, text, unit.file),
        expected,
        call=text,
        mistakes=call.mistakes,
        reveal=reveal,
    )
    check_unmodified(outcome, text)
