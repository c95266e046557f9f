"""The learner corpus (tests/corpus/) against the mistake models (tests/corpus/models.py).

For every case and every function it defines, on a set of discriminating inputs (non-square
images, asymmetric non-square kernels, strides 1-3, (H, W), (H, W, 1) and (H, W, 3) maps,
negative values, integer inputs):

* a correct case matches the reference everywhere, and no mistake model where that model
  differs from the reference;
* a case with mistake M matches model M on every input (the reference where M predicts
  nothing), differs from the reference somewhere, and for every OTHER model there is an input
  where that model's prediction does not fit, so a diagnosis by models names exactly M;
* DISCRIMINATING_CALLS (models.py) tell every pair of models (and each model from the right
  answer) apart.

Plain imports of the case files (importlib, no worker processes): the corpus is ours.
"""
from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib

import reference

CORPUS = Path(__file__).resolve().parent / "corpus"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


M = _load(CORPUS / "models.py", "corpus_models")
CASES = tomllib.loads((CORPUS / "cases.toml").read_text())["cases"]
FUNCTIONS = ("conv2d", "max_pool")


def _module(case: str):
    name = f"corpus_case_{case}"
    if name not in sys.modules:
        sys.modules[name] = _load(CORPUS / CASES[case]["file"], name)
    return sys.modules[name]


# ---------------------------------------------------------------------------------------------
# Inputs

CONV_INPUTS = [(image, kernel, stride) for (H, W, dt), (kh, kw), stride in itertools.product(
    [(7, 9, "float"), (9, 7, "float"), (8, 8, "float"), (7, 9, "int")], [(2, 3), (3, 2), (3, 3)], [1, 2, 3])
    for image, kernel, stride in [M.conv_call(H, W, kh, kw, stride, dt)]]
POOL_INPUTS = [(X, size, stride) for shape, dt in [((7, 9), "float"), ((8, 8), "float"), ((7, 9, 1), "float"),
                                                   ((7, 9, 3), "float"), ((8, 6, 3), "negative"),
                                                   ((7, 9, 3), "int"), ((6, 7, 2), "negative"),
                                                   ((7, 9), "negative")]
               for size, stride in [(2, 2), (2, 1), (3, 2), (2, 3), (3, 3), (3, 1)]
               for X, size, stride in [M.pool_call(shape, size, stride, dt)]]
INPUTS = {"conv2d": CONV_INPUTS, "max_pool": POOL_INPUTS}
REF = {"conv2d": reference.conv2d, "max_pool": reference.max_pool}


def _describe(args) -> str:
    a, b, s = args
    second = f"kernel {np.shape(b)}" if isinstance(b, np.ndarray) else f"size {b}"
    return f"{np.shape(a)} {np.asarray(a).dtype}, {second}, stride {s}"


def _outcome(fn, args):
    args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
    try:
        return ("value", fn(*args))
    except Exception as exc:  # noqa: BLE001 (a learner's crash is an outcome)
        return ("raises", exc)


def _entries():
    for case, spec in CASES.items():
        for fn in FUNCTIONS:
            if fn in spec:
                yield pytest.param(case, fn, spec[fn], id=f"{case}-{fn}")


def test_the_inputs_discriminate():
    """Kernels are neither 180-degree symmetric nor symmetric; maps have negatives and ints."""
    for _, kernel, _ in CONV_INPUTS:
        assert not np.allclose(kernel, kernel[::-1, ::-1])
        if kernel.shape[0] == kernel.shape[1]:
            assert not np.allclose(kernel, kernel.T)
    assert any(np.issubdtype(img.dtype, np.integer) for img, _, _ in CONV_INPUTS)
    assert any(np.issubdtype(X.dtype, np.integer) for X, _, _ in POOL_INPUTS)
    assert any((reference.max_pool(X, size, s) < 0).any() for X, size, s in POOL_INPUTS), "negative maxima"


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.glob("*.py")} - {"models.py", "discriminate.py", "__init__.py"}
    assert files == {spec["file"] for spec in CASES.values()}, "every file has exactly one entry"
    assert len(CASES) >= 34
    for case, spec in CASES.items():
        module = _module(case)
        assert spec.get("style"), case
        for fn in FUNCTIONS:
            assert (fn in spec) == hasattr(module, fn), f"{case}: {fn} defined iff it has a verdict"
            if fn in spec:
                assert spec[fn] == "correct" or spec[fn] in M.MODELS[fn], f"{case}: unknown mistake {spec[fn]}"
    for fn in FUNCTIONS:  # every model has a case, and every mistake id a model
        used = {spec[fn] for spec in CASES.values() if fn in spec}
        assert set(M.MODELS[fn]) <= used, f"{fn}: models without a case: {set(M.MODELS[fn]) - used}"
        assert set(M.KINDS[fn]) == set(M.MODELS[fn])


@pytest.mark.parametrize("case, fn, verdict", list(_entries()))
def test_case_against_models(case, fn, verdict):
    learner = getattr(_module(case), fn)
    models = M.MODELS[fn]
    fits = {name: [] for name in models}   # per model, per input: does its prediction fit the outcome?
    fits_reference = []
    for args in INPUTS[fn]:
        want = REF[fn](*args)
        got = _outcome(learner, args)
        fits_reference.append(M.agrees(want, got))
        for name, model in models.items():
            pred = model(reference, *args)
            fits[name].append(M.agrees(M.resolve(pred, want), got))
            if verdict == "correct" and M.differs(pred, want):
                assert not M.agrees(pred, got), f"{case} matches mistake {name} on {_describe(args)}"
            if name == verdict:
                assert M.agrees(M.resolve(pred, want), got), (
                    f"{case} does not do what model {name} says on {_describe(args)}: "
                    f"predicted {M.resolve(pred, want)!r}, got {got[0]} {got[1]!r}")
    if verdict == "correct":
        bad = [_describe(a) for a, ok in zip(INPUTS[fn], fits_reference) if not ok]
        assert not bad, f"{case} differs from the reference on {bad}"
        return
    assert not all(fits_reference), f"{case} is never wrong on these inputs"
    also = [name for name, ok in fits.items() if name != verdict and all(ok)]
    assert not also, f"{case} ({verdict}) is also explained by {also} on every input"


# ---------------------------------------------------------------------------------------------
# Telling the models apart

@pytest.mark.parametrize("fn", FUNCTIONS)
def test_discriminating_calls_separate_every_pair(fn):
    calls = [M.build_call(fn, spec) for spec in M.DISCRIMINATING_CALLS[fn]]
    apart = M.separated_pairs(fn, reference, calls)
    names = ["correct", *M.MODELS[fn]]
    missing = [(a, b) for a, b in itertools.combinations(names, 2) if (a, b) not in apart]
    assert not missing, f"{fn}: these pairs are not told apart by DISCRIMINATING_CALLS: {missing}"


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_discriminating_calls_tell_each_case_its_mistake(fn):
    """On DISCRIMINATING_CALLS alone, every case fits exactly its own verdict."""
    calls = [M.build_call(fn, spec) for spec in M.DISCRIMINATING_CALLS[fn]]
    for case, spec in CASES.items():
        if fn not in spec:
            continue
        learner = getattr(_module(case), fn)
        outcomes = [_outcome(learner, args) for args in calls]
        fitting = M.diagnose(fn, reference, calls, outcomes)
        assert fitting == [spec[fn]], f"{case}: expected {spec[fn]}, models that fit: {fitting}"


# ---------------------------------------------------------------------------------------------
# The models themselves

def test_models_import_only_numpy():
    """models.py is handed to the grader as is: numpy only, the reference comes in as a parameter."""
    import ast
    tree = ast.parse((CORPUS / "models.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"numpy", "__future__"}, imported


@pytest.mark.parametrize("args", CONV_INPUTS, ids=_describe)
def test_conv_models_against_scipy(args):
    """The padding and flipping models against scipy.signal, an oracle they share no code with."""
    from scipy import signal
    image, kernel, s = args
    for name, mode, fn in [("same_padding", "same", signal.correlate2d), ("full_padding", "full", signal.correlate2d),
                           ("flipped_kernel", "valid", signal.convolve2d)]:
        want = fn(image.astype(float), kernel, mode=mode)[::s, ::s]
        np.testing.assert_allclose(M.conv2d_models[name](reference, image, kernel, s), want, atol=1e-12, err_msg=name)


def test_predict_is_none_exactly_where_nothing_shows():
    X = np.arange(16.0).reshape(4, 4)          # all positive: max_from_zero changes nothing
    assert M.predict("max_pool", "max_from_zero", reference, X, 2, 2) is None
    assert M.predict("max_pool", "max_from_zero", reference, -X - 1, 2, 2) is not None
    sym = np.array([[1.0, 2.0, 1.0], [0.0, 5.0, 0.0], [1.0, 2.0, 1.0]])   # 180-degree symmetric
    assert M.predict("conv2d", "flipped_kernel", reference, np.arange(30.0).reshape(5, 6), sym, 1) is None
    assert M.predict("conv2d", "raises", reference, np.zeros((5, 6)), np.ones((2, 2)), 1) == M.RAISES
