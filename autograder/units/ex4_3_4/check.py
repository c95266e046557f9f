"""Exercise 4 of Part 4.3 and the post's CNN: checked stage by stage (conv, pool, flatten,
dense + softmax), so the message names the first stage that went wrong and each stage is
judged on correct inputs."""

from __future__ import annotations

import numpy as np

from ...judge.arrays import Failure, Mistake, as_array, check_array, describe_inputs
from ...judge.figures import check_figure, check_printed
from ...judge.outcomes import value_of
from ..common import sample_digits, unpack

STAGES = ["feature_maps", "pooled_maps", "flattened", "probs"]


def check(unit, call, outcome, lib, reveal: bool) -> None:
    """The four stages, then (when the unit returns one) the figure, then the prints."""
    with_figure = unit.function == "simple_cnn"
    inputs = unit.inputs(call)
    text = describe_inputs(unit.function, call.kwargs)
    items = unpack(value_of(outcome, text, unit.file), STAGES + ["fig"] * with_figure, text)
    if inputs.get("X_batch") is None:
        N, F = unit.post_sizes["images"], unit.post_sizes["filters"]
        X, labels = sample_digits(N)
    else:
        X, labels = np.asarray(inputs["X_batch"], dtype=float), inputs.get("labels")
        N, F = len(X), len(inputs["filters"])
    h, w = X.shape[1] - 2, X.shape[2] - 2
    shapes = [(N, h, w, F), (N, h // 2, w // 2, F), (N, (h // 2) * (w // 2) * F), (N, 10)]
    if inputs.get("filters") is None:  # random defaults: the shapes and the figure are checked
        got = [
            _check_shape(v, shape, f"{text}, its {name}")
            for v, name, shape in zip(items, STAGES, shapes)
        ]
    else:
        got = _check_stages(items, X, inputs, lib, text, reveal)
    if with_figure:
        check_figure(
            items[4],
            text,
            [("the first input digit", X[0]), ("pooled_maps[0, :, :, 0]", got[1][0, :, :, 0])],
            None if labels is None else labels[0],
        )
    check_printed(
        outcome.stdout,
        text,
        {f"the shape of {name}": str(shape) for name, shape in zip(STAGES, shapes)},
    )


def _check_shape(value, shape, call) -> np.ndarray:
    got = as_array(value, call)
    if got.shape != shape:
        raise Failure(f"{call}: expected shape {shape}, got {got.shape}.")
    return got


def _check_stages(items, X, inputs, lib, text, reveal) -> list[np.ndarray]:
    filters = np.asarray(inputs["filters"], dtype=float)
    W, b = np.asarray(inputs["W_dense"], dtype=float), np.asarray(inputs["b_dense"], dtype=float)
    N, F = len(X), len(filters)
    conv = np.stack(
        [np.stack([lib.conv2d(X[i], filters[f], 1) for f in range(F)], axis=-1) for i in range(N)]
    )
    h, w = conv.shape[1:3]
    filters_first = "the filters are on axis 1; the post keeps them last: {}[i, :, :, f]."
    got = [
        check_array(
            items[0],
            conv,
            call=f"{text}, its feature_maps (after conv)",
            reveal=reveal,
            mistakes=[
                Mistake("filters_first", filters_first.format("feature_maps"), shape=(N, F, h, w))
            ],
        )
    ]
    pooled = np.stack(
        [
            np.stack([lib.max_pool(conv[i, :, :, f], 2, 2) for f in range(F)], axis=-1)
            for i in range(N)
        ]
    )
    got.append(
        check_array(
            items[1],
            pooled,
            call=f"{text}, its pooled_maps (after pooling)",
            reveal=reveal,
            mistakes=[
                Mistake(
                    "filters_first",
                    filters_first.format("pooled_maps"),
                    shape=(N, F) + pooled.shape[1:3],
                )
            ],
        )
    )
    flat = pooled.reshape(N, -1)
    got.append(
        check_array(
            items[2],
            flat,
            call=f"{text}, its flattened",
            reveal=reveal,
            mistakes=[
                Mistake(
                    "filter_first_flatten",
                    "the features are in filter-first order: flatten the (N, H, W, F) array "
                    "as it is, pooled_maps.reshape(N, -1).",
                    pooled.transpose(0, 3, 1, 2).reshape(N, -1),
                )
            ],
        )
    )
    logits = flat @ W + b
    mistakes = [
        Mistake(
            "logits_not_probs",
            "those are the logits: apply softmax to flattened @ W_dense + b_dense.",
            logits,
        )
    ]
    if np.any(b):
        mistakes.append(
            Mistake(
                "bias_left_out",
                "the bias b_dense was left out: logits = flattened @ W_dense + b_dense.",
                lib.softmax(flat @ W),
            )
        )
    if N > 1:
        mistakes.append(
            Mistake(
                "softmax_over_batch",
                "softmax was taken over the batch (axis 0); each row (image) must sum to 1.",
                lib.softmax(logits.T).T,
            )
        )
    got.append(
        check_array(
            items[3],
            lib.softmax(logits),
            call=f"{text}, its probs",
            reveal=reveal,
            mistakes=mistakes,
        )
    )
    return got
