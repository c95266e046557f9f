"""Part 4.3's exercises and the post's own CNN: checks and public tests.

The CNN is checked stage by stage (conv, pool, flatten, dense + softmax), so the message
names the first stage that went wrong and each stage is judged on correct inputs.
"""
from __future__ import annotations

import numpy as np

from ..checks import Failure, Mistake, as_array, check_array, check_figure, check_printed, describe_inputs, value_of
from . import Call, Test, sample_digits, unpack
from .library import POST_X
from .part4_2 import HORIZONTAL, check_one_array, mnist_inputs


def check_pool(unit, call: Call, outcome, lib, reveal: bool) -> None:
    """4.3.1 and 4.3.2: one max_pool call with the given arguments, and the post's prints."""
    X = call.inputs.get("X", POST_X)
    size, stride = call.inputs.get("size", 2), call.inputs.get("stride", 2)
    mistakes = [Mistake("that is the answer for the post's own X: use the X argument.",
                        lib.max_pool(POST_X, size, stride))]
    if stride != size:
        mistakes.append(Mistake(f"that is the result with stride {size}: pass the stride argument on to max_pool.",
                                lib.max_pool(X, size, size)))
    check_one_array(unit, call, outcome, lib.max_pool(X, size, stride), mistakes, reveal)


def check_conv_pool(unit, call: Call, outcome, lib, reveal: bool) -> None:
    """4.3.3: (conv_map, pooled_map, fig)."""
    image, label = mnist_inputs(call)
    kernel = call.inputs.get("filter_kernel", HORIZONTAL)
    text = describe_inputs(unit.function, call.kwargs)
    conv_value, pooled_value, fig = unpack(value_of(outcome, text, unit.file),
                                           ["conv_map", "pooled_map", "fig"], text)
    conv_expected = lib.conv2d(image, kernel, 1)
    conv_got = check_array(conv_value, conv_expected, call=f"{text}, its conv_map", reveal=reveal)
    pooled_expected = lib.max_pool(conv_expected, 2, 2)
    pooled_got = check_array(pooled_value, pooled_expected, call=f"{text}, its pooled_map", reveal=reveal, mistakes=[
        Mistake("that is max_pool of the input image, not of the convolved map.", lib.max_pool(image, 2, 2))])
    check_figure(fig, text, [("the input image", image), ("the convolved map", conv_got),
                             ("the pooled map", pooled_got)], label)
    check_printed(outcome.stdout, text, {"the input's shape": str(image.shape),
                                         "the convolved map's shape": str(conv_expected.shape),
                                         "the pooled map's shape": str(pooled_expected.shape)})


STAGES = ["feature_maps", "pooled_maps", "flattened", "probs"]
DEFAULT_SIZES = {"4.3.4": (2, 4), "4.3.cnn": (4, 8)}  # (images, filters) when left to default


def check_cnn(unit, call: Call, outcome, lib, reveal: bool) -> None:
    """4.3.4 and the post's CNN: the four stages, then (4.3.cnn) the figure, then the prints."""
    with_figure = unit.id == "4.3.cnn"
    text = describe_inputs(unit.function, call.kwargs)
    items = unpack(value_of(outcome, text, unit.file), STAGES + ["fig"] * with_figure, text)
    if call.inputs.get("X_batch") is None:
        N, F = DEFAULT_SIZES[unit.id]
        X, labels = sample_digits(N)
    else:
        X, labels = np.asarray(call.inputs["X_batch"], dtype=float), call.inputs.get("labels")
        N, F = len(X), len(call.inputs["filters"])
    h, w = X.shape[1] - 2, X.shape[2] - 2
    shapes = [(N, h, w, F), (N, h // 2, w // 2, F), (N, (h // 2) * (w // 2) * F), (N, 10)]
    if call.inputs.get("filters") is None:  # random defaults: the shapes and the figure are checked
        got = [_check_shape(v, shape, f"{text}, its {name}") for v, name, shape in zip(items, STAGES, shapes)]
    else:
        got = _check_stages(items, X, call.inputs, lib, text, reveal)
    if with_figure:
        check_figure(items[4], text, [("the first input digit", X[0]), ("pooled_maps[0, :, :, 0]", got[1][0, :, :, 0])],
                     None if labels is None else labels[0])
    check_printed(outcome.stdout, text, {f"the shape of {name}": str(shape) for name, shape in zip(STAGES, shapes)})


def _check_shape(value, shape, call) -> np.ndarray:
    got = as_array(value, call)
    if got.shape != shape:
        raise Failure(f"{call}: expected shape {shape}, got {got.shape}.")
    return got


def _check_stages(items, X, inputs, lib, text, reveal) -> list[np.ndarray]:
    filters = np.asarray(inputs["filters"], dtype=float)
    W, b = np.asarray(inputs["W_dense"], dtype=float), np.asarray(inputs["b_dense"], dtype=float)
    N, F = len(X), len(filters)
    conv = np.stack([np.stack([lib.conv2d(X[i], filters[f], 1) for f in range(F)], axis=-1) for i in range(N)])
    h, w = conv.shape[1:3]
    got = [check_array(items[0], conv, call=f"{text}, its feature_maps (after conv)", reveal=reveal, mistakes=[
        Mistake("the filters are on axis 1; the post keeps them last: feature_maps[i, :, :, f].", shape=(N, F, h, w))])]
    pooled = np.stack([np.stack([lib.max_pool(conv[i, :, :, f], 2, 2) for f in range(F)], axis=-1) for i in range(N)])
    got.append(check_array(items[1], pooled, call=f"{text}, its pooled_maps (after pooling)", reveal=reveal, mistakes=[
        Mistake("the filters are on axis 1; the post keeps them last: pooled_maps[i, :, :, f].",
                shape=(N, F) + pooled.shape[1:3])]))
    flat = pooled.reshape(N, -1)
    got.append(check_array(items[2], flat, call=f"{text}, its flattened", reveal=reveal, mistakes=[
        Mistake("the features are in filter-first order: flatten the (N, H, W, F) array as it is, "
                "pooled_maps.reshape(N, -1).", pooled.transpose(0, 3, 1, 2).reshape(N, -1))]))
    logits = flat @ W + b
    mistakes = [Mistake("those are the logits: apply softmax to flattened @ W_dense + b_dense.", logits)]
    if np.any(b):
        mistakes.append(Mistake("the bias b_dense was left out: logits = flattened @ W_dense + b_dense.",
                                lib.softmax(flat @ W)))
    if N > 1:
        mistakes.append(Mistake("softmax was taken over the batch (axis 0); each row (image) must sum to 1.",
                                lib.softmax(logits.T).T))
    got.append(check_array(items[3], lib.softmax(logits), call=f"{text}, its probs", reveal=reveal, mistakes=mistakes))
    return got


def cnn_parameters(n_filters: int, seed: int) -> dict:
    """Seeded filters and dense weights for 28x28 digits, as the post draws them."""
    rng = np.random.default_rng(seed)
    return {"filters": rng.standard_normal((n_filters, 3, 3)) * 0.1,
            "W_dense": rng.standard_normal((13 * 13 * n_filters, 10)) * 0.01,
            "b_dense": np.zeros((1, 10))}


def _cnn_public(n_images: int, n_filters: int, figure: bool):
    def tests():
        X, labels = sample_digits(n_images)
        explicit = {"X_batch": X, **cnn_parameters(n_filters, seed=42)}
        if figure:
            explicit["labels"] = labels
        return [
            Test(f"defaults: the first {n_images} digits, {n_filters} random filters (shapes and prints)", "public",
                 [Call({})]),
            Test(f"the first {n_images} digits with given filters and weights, stage by stage", "public",
                 [Call(explicit)]),
        ]
    return tests


CHECKS = {"4.3.1": check_pool, "4.3.2": check_pool, "4.3.3": check_conv_pool, "4.3.4": check_cnn, "4.3.cnn": check_cnn}

PUBLIC = {
    "4.3.1": lambda: [Test("the post's 4x4 map, size 2, stride 2 (defaults)", "public", [Call({})])],
    "4.3.2": lambda: [Test("the post's 4x4 map, size 2, stride 1 (defaults)", "public",
                           [Call({}, inputs={"stride": 1})])],
    "4.3.3": lambda: [Test("the first MNIST digit, horizontal edges, 2x2 pooling (defaults)", "public", [Call({})])],
    "4.3.4": _cnn_public(2, 4, figure=False),
    "4.3.cnn": _cnn_public(4, 8, figure=True),
}
