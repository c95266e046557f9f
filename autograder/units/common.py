"""What several units' checks and cases share: the MNIST digits they are graded on, the
returned tuple's items, the one-array exercises' check, the CNN's seeded parameters."""

from __future__ import annotations

import numpy as np

from ..judge.arrays import Failure, check_array, describe_inputs
from ..judge.figures import check_printed
from ..judge.outcomes import check_unmodified, value_of
from ..paths import MNIST_SAMPLE

_SAMPLE: list[np.ndarray] = []


def sample_digits(n: int, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits of the shipped MNIST sample as (n, 28, 28) float images and int labels: what the
    learner's code loads when graded offline (``load_mnist`` with NNKIT_OFFLINE set)."""
    if not _SAMPLE:  # read once per process
        with np.load(MNIST_SAMPLE) as data:
            _SAMPLE.extend([data["X"], data["y"]])
    X, y = _SAMPLE[0][start : start + n], _SAMPLE[1][start : start + n]
    return X.reshape(n, 28, 28).astype(float), y.astype(int)


def mnist_inputs(inputs: dict) -> tuple[np.ndarray, object]:
    """The image and label a call works on: its own, or the first digit when left to default."""
    if inputs.get("image") is not None:
        return inputs["image"], inputs.get("label")
    images, labels = sample_digits(1)
    return images[0], int(labels[0])


def unpack(value, names: list[str], call: str) -> list:
    """The items of a returned tuple, checked for their number."""
    if value.items is None or len(value.items) != len(names):
        got = f"{len(value.items)} values" if value.items is not None else f"a {value.type}"
        raise Failure(
            f"{call} should return {len(names)} values, ({', '.join(names)}); it returned {got}."
        )
    return value.items


def check_one_array(unit, call, outcome, expected, mistakes, reveal: bool) -> None:
    """An exercise that returns one array and prints its shape, as the post's do."""
    text = describe_inputs(unit.function, call.kwargs)
    check_array(
        value_of(outcome, text, unit.file), expected, call=text, mistakes=mistakes, reveal=reveal
    )
    check_printed(outcome.stdout, text, {"the output's shape": str(expected.shape)})


def check_primitive(unit, call, outcome, lib, reveal: bool) -> None:
    """conv2d's and max_pool's check: the type, shape and values of what came back against
    ``lib`` (or the case's hand-worked value), and the inputs left unchanged. Mistakes are named
    afterwards by the unit's models (mistakes.py); a public case's hand-worked ones serve where
    no reference is at hand (a learners' copy)."""
    from importlib import import_module

    inputs = unit.inputs(call)
    args = [inputs[a] for a in import_module(f"autograder.units.{unit.folder}.mistakes").ARGS]
    text = describe_inputs(unit.function, call.kwargs)
    expected = call.expected if lib is None else getattr(lib, unit.function)(*args)
    got = value_of(outcome, text, unit.file)
    check_array(got, expected, call=text, mistakes=call.mistakes, reveal=reveal)
    check_unmodified(outcome, text)


def cnn_parameters(n_filters: int, seed: int, bias_seed: int | None = None) -> dict:
    """Seeded filters and dense weights for 28x28 digits, as the post draws them; the bias is
    zero as in the post, or drawn from ``bias_seed``."""
    rng = np.random.default_rng(seed)
    b = (
        np.zeros((1, 10))
        if bias_seed is None
        else np.random.default_rng(bias_seed).normal(size=(1, 10))
    )
    return {
        "filters": rng.standard_normal((n_filters, 3, 3)) * 0.1,
        "W_dense": rng.standard_normal((13 * 13 * n_filters, 10)) * 0.01,
        "b_dense": b,
    }


def digit(label: int) -> dict:
    """{"image", "label"} of the first digit with this label in the shipped sample (not digit 0)."""
    X, y = sample_digits(40)
    return {"image": X[int(np.flatnonzero(y == label)[0])], "label": label}


def edge_filter(seed: int) -> np.ndarray:
    """A seeded 3x3 filter of small integers, usually asymmetric."""
    return np.random.default_rng(seed).integers(-2, 3, size=(3, 3)).astype(float)
