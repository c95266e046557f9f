"""The CNN exercises' public cases: the post's defaults (shapes and prints), then given
filters and weights, checked stage by stage."""

from __future__ import annotations

from .. import Call, Test
from ..common import cnn_parameters, sample_digits


def tests(unit) -> list[Test]:
    n_images, n_filters = unit.post_sizes["images"], unit.post_sizes["filters"]
    X, labels = sample_digits(n_images)
    explicit = {"X_batch": X, **cnn_parameters(n_filters, seed=42)}
    if unit.function == "simple_cnn":
        explicit["labels"] = labels
    return [
        Test(
            f"defaults: the first {n_images} digits, {n_filters} random filters (shapes and prints)",
            [Call({})],
        ),
        Test(
            f"the first {n_images} digits with given filters and weights, stage by stage",
            [Call(explicit)],
        ),
    ]
