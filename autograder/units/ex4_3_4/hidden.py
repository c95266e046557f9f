from __future__ import annotations

from .. import Call, Test
from ..common import cnn_parameters, sample_digits


def tests(unit) -> list[Test]:
    return [
        Test(
            "3 digits and 2 filters, then 1 digit and 5 filters, with a bias",
            [
                Call(
                    {
                        "X_batch": sample_digits(3, start=5)[0],
                        **cnn_parameters(2, seed=4341, bias_seed=4342),
                    }
                ),
                Call(
                    {
                        "X_batch": sample_digits(1, start=9)[0],
                        **cnn_parameters(5, seed=4343, bias_seed=4344),
                    }
                ),
            ],
        )
    ]
