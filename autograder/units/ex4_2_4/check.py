"""(horizontal_map, vertical_map, fig), and the post's prints."""

from __future__ import annotations

from ...judge.arrays import Mistake, check_array, describe_inputs
from ...judge.figures import check_figure, check_printed
from ...judge.outcomes import value_of
from ..common import mnist_inputs, unpack


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    image, label = mnist_inputs(inputs)
    text = describe_inputs(unit.function, call.kwargs)
    h_value, v_value, fig = unpack(
        value_of(outcome, text, unit.file), ["horizontal_map", "vertical_map", "fig"], text
    )
    h_expected = lib.conv2d(image, inputs["horizontal_filter"], 1)
    v_expected = lib.conv2d(image, inputs["vertical_filter"], 1)
    swapped = (
        "that is the other filter's map: return (horizontal_map, vertical_map, fig) in that order."
    )
    h_got = check_array(
        h_value,
        h_expected,
        call=f"{text}, its horizontal_map",
        mistakes=[Mistake("maps_swapped", swapped, v_expected)],
        reveal=reveal,
    )
    v_got = check_array(
        v_value,
        v_expected,
        call=f"{text}, its vertical_map",
        mistakes=[Mistake("maps_swapped", swapped, h_expected)],
        reveal=reveal,
    )
    check_figure(
        fig,
        text,
        [
            ("the input image", image),
            ("the horizontal-edge map", h_got),
            ("the vertical-edge map", v_got),
        ],
        label,
    )
    check_printed(
        outcome.stdout,
        text,
        {"the input's shape": str(image.shape), "the feature maps' shape": str(h_expected.shape)},
    )
