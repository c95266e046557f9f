"""(conv_map, pooled_map, fig), and the post's prints."""

from __future__ import annotations

from ...judge.arrays import Mistake, check_array, describe_inputs
from ...judge.figures import check_figure, check_printed
from ...judge.outcomes import value_of
from ..common import mnist_inputs, unpack


def check(unit, call, outcome, lib, reveal: bool) -> None:
    inputs = unit.inputs(call)
    image, label = mnist_inputs(inputs)
    text = describe_inputs(unit.function, call.kwargs)
    conv_value, pooled_value, fig = unpack(
        value_of(outcome, text, unit.file), ["conv_map", "pooled_map", "fig"], text
    )
    conv_expected = lib.conv2d(image, inputs["filter_kernel"], 1)
    conv_got = check_array(conv_value, conv_expected, call=f"{text}, its conv_map", reveal=reveal)
    pooled_expected = lib.max_pool(conv_expected, 2, 2)
    pooled_got = check_array(
        pooled_value,
        pooled_expected,
        call=f"{text}, its pooled_map",
        reveal=reveal,
        mistakes=[
            Mistake(
                "pooled_the_input",
                "that is max_pool of the input image, not of the convolved map.",
                lib.max_pool(image, 2, 2),
            )
        ],
    )
    check_figure(
        fig,
        text,
        [
            ("the input image", image),
            ("the convolved map", conv_got),
            ("the pooled map", pooled_got),
        ],
        label,
    )
    check_printed(
        outcome.stdout,
        text,
        {
            "the input's shape": str(image.shape),
            "the convolved map's shape": str(conv_expected.shape),
            "the pooled map's shape": str(pooled_expected.shape),
        },
    )
