"""(feature_map, fig) for one digit and one edge filter, and the post's prints."""

from __future__ import annotations

from ...judge.arrays import check_array, describe_inputs
from ...judge.figures import check_figure, check_printed
from ...judge.outcomes import value_of
from ..common import mnist_inputs, unpack


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    image, label = mnist_inputs(inputs)
    text = describe_inputs(unit.function, call.kwargs)
    feature_map, fig = unpack(value_of(outcome, text, unit.file), ["feature_map", "fig"], text)
    expected = lib.conv2d(image, inputs["filter_kernel"], 1)
    got = check_array(feature_map, expected, call=f"{text}, its feature_map", reveal=reveal)
    check_figure(fig, text, [("the input image", image), ("the feature map", got)], label)
    check_printed(
        outcome.stdout,
        text,
        {"the input's shape": str(image.shape), "the feature map's shape": str(expected.shape)},
    )
