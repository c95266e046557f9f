"""Part 4.2's four exercises: checks and public tests.

Expected values come from ``lib``: the reference when grading, the learner's own conv2d in
public runs (those check that the exercise uses conv2d right; conv2d has its own tests).
"""
from __future__ import annotations

import numpy as np

from ..checks import Mistake, check_array, check_figure, check_printed, describe_inputs, value_of
from . import Call, Test, sample_digits, unpack
from .library import AVERAGE_2x2, POST_IMAGE

HORIZONTAL = np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
VERTICAL = np.array([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]])


def mnist_inputs(call: Call) -> tuple[np.ndarray, object]:
    """The image and label a call works on: its own, or the first digit when left to default."""
    if call.inputs.get("image") is not None:
        return call.inputs["image"], call.inputs.get("label")
    images, labels = sample_digits(1)
    return images[0], int(labels[0])


def check_average(unit, call: Call, outcome, lib, reveal: bool) -> None:
    """4.2.1 and 4.2.2: one conv2d call with the given arguments, and the post's prints."""
    image = call.inputs.get("image", POST_IMAGE)
    kernel = call.inputs.get("filter_kernel", AVERAGE_2x2)
    stride = call.inputs.get("stride", 1)
    mistakes = [Mistake("that is the answer for the post's own image and filter: use the image and "
                        "filter_kernel arguments.", lib.conv2d(POST_IMAGE, AVERAGE_2x2, stride))]
    if stride != 1:
        mistakes.append(Mistake("that is the stride-1 result: pass the stride argument on to conv2d.",
                                lib.conv2d(image, kernel, 1)))
    check_one_array(unit, call, outcome, lib.conv2d(image, kernel, stride), mistakes, reveal)


def check_one_array(unit, call: Call, outcome, expected, mistakes, reveal: bool) -> None:
    """An exercise that returns one array and prints its shape, as the post's do."""
    text = describe_inputs(unit.function, call.kwargs)
    check_array(value_of(outcome, text, unit.file), expected, call=text, mistakes=mistakes, reveal=reveal)
    check_printed(outcome.stdout, text, {"the output's shape": str(expected.shape)})


def check_edges(unit, call: Call, outcome, lib, reveal: bool) -> None:
    """4.2.3: (feature_map, fig) for one digit and one edge filter."""
    image, label = mnist_inputs(call)
    kernel = call.inputs.get("filter_kernel", HORIZONTAL)
    text = describe_inputs(unit.function, call.kwargs)
    feature_map, fig = unpack(value_of(outcome, text, unit.file), ["feature_map", "fig"], text)
    expected = lib.conv2d(image, kernel, 1)
    got = check_array(feature_map, expected, call=f"{text}, its feature_map", reveal=reveal)
    check_figure(fig, text, [("the input image", image), ("the feature map", got)], label)
    check_printed(outcome.stdout, text, {"the input's shape": str(image.shape),
                                         "the feature map's shape": str(expected.shape)})


def check_two_filters(unit, call: Call, outcome, lib, reveal: bool) -> None:
    """4.2.4: (horizontal_map, vertical_map, fig)."""
    image, label = mnist_inputs(call)
    h_filter = call.inputs.get("horizontal_filter", HORIZONTAL)
    v_filter = call.inputs.get("vertical_filter", VERTICAL)
    text = describe_inputs(unit.function, call.kwargs)
    h_value, v_value, fig = unpack(value_of(outcome, text, unit.file),
                                   ["horizontal_map", "vertical_map", "fig"], text)
    h_expected, v_expected = lib.conv2d(image, h_filter, 1), lib.conv2d(image, v_filter, 1)
    swapped = "that is the other filter's map: return (horizontal_map, vertical_map, fig) in that order."
    h_got = check_array(h_value, h_expected, call=f"{text}, its horizontal_map",
                        mistakes=[Mistake(swapped, v_expected)], reveal=reveal)
    v_got = check_array(v_value, v_expected, call=f"{text}, its vertical_map",
                        mistakes=[Mistake(swapped, h_expected)], reveal=reveal)
    check_figure(fig, text, [("the input image", image), ("the horizontal-edge map", h_got),
                             ("the vertical-edge map", v_got)], label)
    check_printed(outcome.stdout, text, {"the input's shape": str(image.shape),
                                         "the feature maps' shape": str(h_expected.shape)})


CHECKS = {"4.2.1": check_average, "4.2.2": check_average, "4.2.3": check_edges, "4.2.4": check_two_filters}

PUBLIC = {
    "4.2.1": lambda: [Test("the post's image and 2x2 average filter (defaults)", "public", [Call({})])],
    "4.2.2": lambda: [Test("the post's image and filter with stride 2 (defaults)", "public",
                           [Call({}, inputs={"stride": 2})])],
    "4.2.3": lambda: [Test("the first MNIST digit and the horizontal edge filter (defaults)", "public", [Call({})])],
    "4.2.4": lambda: [Test("the first MNIST digit, horizontal and vertical filters (defaults)", "public", [Call({})])],
}
