"""MNIST loader for the exercises (given code, not an exercise).

The posts load MNIST with scikit-learn:

    fetch_openml('mnist_784', version=1, return_X_y=True, as_frame=False)

This module does the same, with scikit-learn's usual on-disk cache.  When
OpenML cannot be reached it falls back to a small sample of real MNIST
digits shipped with the kit (data/mnist_sample.npz, see data/README.md).
Set NNKIT_OFFLINE=1 to skip the network and use the sample straight away.
"""

from __future__ import annotations

import functools
import os
import socket
import warnings
from pathlib import Path

import numpy as np

__all__ = ["load_mnist", "load_mnist_image", "mnist_source"]

_HERE = Path(__file__).resolve().parent
_SAMPLE_PATH = _HERE / "data" / "mnist_sample.npz"
# How the sample is named in messages: relative to the kit, not to this machine.
_SAMPLE_NAME = f"{_HERE.name}/data/mnist_sample.npz"

# fetch_openml calls urlopen without a timeout, so on a network that drops
# packets (rather than refusing them) it could hang for minutes.  This bounds
# each socket operation, not the whole download.
_SOCKET_TIMEOUT_S = 15.0

_last_source: str | None = None


def _offline_requested() -> bool:
    value = os.environ.get("NNKIT_OFFLINE", "")
    return value not in ("", "0")


def _fetch_openml() -> tuple[np.ndarray, np.ndarray, str]:
    # Imported here: importing scikit-learn takes about a second, and
    # exercises that never load MNIST should not pay for it.
    import inspect

    from sklearn.datasets import fetch_openml, get_data_home

    kwargs = {}
    params = inspect.signature(fetch_openml).parameters
    # Few, short retries, so an offline machine falls back in about a second
    # instead of retrying three times with one-second pauses.
    if "n_retries" in params:
        kwargs["n_retries"] = 1
    if "delay" in params:
        kwargs["delay"] = 0.1

    cache = Path(get_data_home()) / "openml.org"
    if not cache.is_dir():  # fetch_openml has no progress hook: say what the wait is
        print("First use: downloading MNIST from OpenML (about 15 MB; a minute or two). "
              f"Later runs read the copy cached in {cache}.", flush=True)
    old_timeout = socket.getdefaulttimeout()
    if old_timeout is None:
        socket.setdefaulttimeout(_SOCKET_TIMEOUT_S)
    try:
        with warnings.catch_warnings():
            # scikit-learn warns before each retry; our own source line
            # already says what happened.
            warnings.simplefilter("ignore")
            X, y = fetch_openml("mnist_784", version=1, return_X_y=True,
                                as_frame=False, **kwargs)
    finally:
        socket.setdefaulttimeout(old_timeout)

    X = np.asarray(X, dtype=np.float64)
    # OpenML gives the labels as strings ('5'), the exercises want integers.
    y = np.asarray(y).astype(np.int64)
    return X, y, f"OpenML mnist_784, {len(y)} digits (cached in {cache})."


def _load_sample(reason: str) -> tuple[np.ndarray, np.ndarray, str]:
    with np.load(_SAMPLE_PATH) as data:
        X = data["X"].astype(np.float64)
        y = data["y"].astype(np.int64)
    return X, y, (f"{reason}, so using the {len(y)}-digit sample of real MNIST "
                  f"digits shipped with the kit ({_SAMPLE_NAME}).")


def _fallback_reason(exc: Exception) -> str:
    if isinstance(exc, ImportError):
        return "scikit-learn is not installed"
    if isinstance(exc, OSError):  # URLError, timeouts, DNS failures
        return "No network (could not reach openml.org)"
    return f"fetch_openml failed ({type(exc).__name__}: {exc})"


@functools.lru_cache(maxsize=None)
def _load_all(offline: bool) -> tuple[np.ndarray, np.ndarray, str]:
    """Load everything once per process (and per offline setting)."""
    print("Loading MNIST data...")
    if offline:
        X, y, source = _load_sample("NNKIT_OFFLINE is set")
    else:
        try:
            X, y, source = _fetch_openml()
        except Exception as exc:  # any failure: fall back rather than stop the lesson
            if not _SAMPLE_PATH.exists():
                raise FileNotFoundError(
                    f"Could not load MNIST from OpenML ({exc}) and the shipped "
                    f"sample {_SAMPLE_PATH} is missing; rebuild it with "
                    f"scripts/extract_mnist_sample.py.") from exc
            X, y, source = _load_sample(_fallback_reason(exc))
    print(f"MNIST source: {source}")
    # Read-only, so a caller can never change the cached copy by accident.
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y, source


def _reset() -> None:
    """Forget the cached data and source (used by the tests)."""
    global _last_source
    _load_all.cache_clear()
    _last_source = None


def load_mnist(n_images: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """X: float64, shape (n, 784), pixel values 0..255; y: int64 labels, shape (n,).

    n_images: how many digits to return, from the start; None for all.
    """
    global _last_source
    X, y, source = _load_all(_offline_requested())
    _last_source = source
    if n_images is not None:
        if n_images < 0:
            raise ValueError(f"n_images must be 0 or more, got {n_images}.")
        if n_images > len(y):
            raise ValueError(
                f"Asked for {n_images} MNIST digits but only {len(y)} are "
                f"available. {source}")
        X, y = X[:n_images], y[:n_images]
    # Fresh copies: the exercises may modify what they get.
    return X.copy(), y.copy()


def load_mnist_image(index: int = 0) -> tuple[np.ndarray, int]:
    """One digit as a (28, 28) float64 image and its int label."""
    global _last_source
    X, y, source = _load_all(_offline_requested())
    _last_source = source
    if not 0 <= index < len(y):
        raise IndexError(
            f"index must be between 0 and {len(y) - 1}, got {index}. {source}")
    return X[index].reshape(28, 28).copy(), int(y[index])


def mnist_source() -> str | None:
    """A sentence naming the source used by the last load, or None before any load."""
    return _last_source
