from __future__ import annotations

from .. import Call, Test
from ..common import cnn_parameters, sample_digits


def tests(unit) -> list[Test]:
    X, labels = sample_digits(2, start=12)
    return [
        Test(
            "2 other digits and 3 filters, with a bias",
            [
                Call(
                    {"X_batch": X, "labels": labels, **cnn_parameters(3, seed=4351, bias_seed=4352)}
                )
            ],
        )
    ]
