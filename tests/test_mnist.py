"""Tests for exercises/mnist.py.  None of them touches the network."""

import hashlib
import importlib.util
import re
import socket
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
MNIST_PY = ROOT / "exercises" / "mnist.py"
SAMPLE = ROOT / "exercises" / "data" / "mnist_sample.npz"
README = ROOT / "exercises" / "data" / "README.md"


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """Fail loudly if anything tries to open a connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # get_data_home() creates its directory; keep that out of the home folder.
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn_data"))
    monkeypatch.delenv("NNKIT_OFFLINE", raising=False)


@pytest.fixture
def mnist():
    """A freshly loaded copy of exercises/mnist.py (it is not a package)."""
    spec = importlib.util.spec_from_file_location("nnkit_mnist_under_test", MNIST_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._reset()
    yield module
    module._reset()


@pytest.fixture
def fake_openml(monkeypatch):
    """Replace fetch_openml with one returning 20 fake digits, openml-style."""
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    calls = []
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(20, 784)).astype(np.float64)
    y = np.array([str(i % 10) for i in range(5, 25)], dtype=object)  # '5', '6', ...

    def fake(name, **kwargs):
        calls.append((name, kwargs))
        return X.copy(), y.copy()

    monkeypatch.setattr(sklearn_datasets, "fetch_openml", fake)
    return calls


@pytest.fixture
def broken_openml(monkeypatch):
    """Replace fetch_openml with one that fails like an offline machine."""
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    from urllib.error import URLError

    calls = []

    def fake(name, **kwargs):
        calls.append(name)
        raise URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(sklearn_datasets, "fetch_openml", fake)
    return calls


def check_sample_arrays(X, y):
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.shape == (500, 784) and y.shape == (500,)
    assert X.min() >= 0 and X.max() <= 255 and X.max() > 200
    assert set(np.unique(y)) == set(range(10))
    assert np.all(np.bincount(y) == 50)


def test_source_is_none_before_any_load(mnist):
    assert mnist.mnist_source() is None


def test_offline_env_uses_sample(mnist, monkeypatch, capsys, fake_openml):
    monkeypatch.setenv("NNKIT_OFFLINE", "1")
    X, y = mnist.load_mnist()
    check_sample_arrays(X, y)
    assert fake_openml == []  # the network path was skipped entirely
    source = mnist.mnist_source()
    assert "sample" in source and "NNKIT_OFFLINE" in source
    assert "mnist_sample.npz" in source
    out = capsys.readouterr().out
    assert "Loading MNIST data..." in out
    assert "MNIST source:" in out and "sample" in out


def test_offline_env_zero_means_online(mnist, monkeypatch, fake_openml):
    monkeypatch.setenv("NNKIT_OFFLINE", "0")
    mnist.load_mnist()
    assert len(fake_openml) == 1
    assert "OpenML" in mnist.mnist_source()


def test_fetch_failure_falls_back_to_sample(mnist, capsys, broken_openml):
    X, y = mnist.load_mnist()
    check_sample_arrays(X, y)
    assert broken_openml == ["mnist_784"]
    source = mnist.mnist_source()
    assert "sample" in source and "network" in source.lower()
    out = capsys.readouterr().out
    assert "MNIST source:" in out and "sample" in out


def test_openml_path_converts_and_reports(mnist, capsys, fake_openml):
    X, y = mnist.load_mnist()
    assert X.dtype == np.float64 and X.shape == (20, 784)
    assert y.dtype == np.int64 and y.shape == (20,)
    assert y[0] == 5 and y[5] == 0
    ((name, kwargs),) = fake_openml
    assert name == "mnist_784"
    assert kwargs["version"] == 1
    assert kwargs["return_X_y"] is True and kwargs["as_frame"] is False
    assert "data_home" not in kwargs  # scikit-learn's normal cache
    source = mnist.mnist_source()
    assert "OpenML" in source and "sample" not in source
    out = capsys.readouterr().out
    assert "Loading MNIST data..." in out and "MNIST source: " + source in out


def test_cached_in_process(mnist, capsys, fake_openml):
    mnist.load_mnist()
    mnist.load_mnist(5)
    mnist.load_mnist_image(3)
    assert len(fake_openml) == 1
    assert capsys.readouterr().out.count("Loading MNIST data...") == 1
    mnist._reset()
    assert mnist.mnist_source() is None
    mnist.load_mnist()
    assert len(fake_openml) == 2


def test_returns_fresh_copies(mnist, monkeypatch):
    monkeypatch.setenv("NNKIT_OFFLINE", "1")
    X, y = mnist.load_mnist(10)
    X[:] = -1
    y[:] = -1
    image, _ = mnist.load_mnist_image(0)
    image[:] = -1
    X2, y2 = mnist.load_mnist(10)
    assert X2.min() >= 0 and y2.min() >= 0
    assert mnist.load_mnist_image(0)[0].min() >= 0


def test_n_images(mnist, monkeypatch):
    monkeypatch.setenv("NNKIT_OFFLINE", "1")
    X, y = mnist.load_mnist(30)
    assert X.shape == (30, 784) and y.shape == (30,)
    # MNIST's own first 20 training labels come first, so offline runs show the posts' digits
    assert y[:20].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9]
    assert set(y[20:30]) == set(range(10))  # the rest interleaved: any stretch is balanced
    with pytest.raises(ValueError, match="only 500"):
        mnist.load_mnist(501)
    with pytest.raises(ValueError):
        mnist.load_mnist(-1)


def test_load_mnist_image(mnist, monkeypatch):
    monkeypatch.setenv("NNKIT_OFFLINE", "1")
    X, y = mnist.load_mnist()
    image, label = mnist.load_mnist_image(7)
    assert image.shape == (28, 28) and image.dtype == np.float64
    assert type(label) is int and label == y[7]
    np.testing.assert_array_equal(image.ravel(), X[7])
    with pytest.raises(IndexError):
        mnist.load_mnist_image(500)


def test_sample_file_size_and_checksum():
    assert SAMPLE.stat().st_size <= 400 * 1024
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    match = re.search(
        r"sha256 of `mnist_sample\.npz`:\s*`([0-9a-f]{64})`", README.read_text(encoding="utf-8")
    )
    assert match, "README.md should state the sample's sha256"
    assert match.group(1) == digest


def test_sample_file_contents():
    with np.load(SAMPLE) as data:
        assert sorted(data.files) == ["X", "y"]
        assert data["X"].dtype == np.uint8 and data["X"].shape == (500, 784)
        assert data["y"].dtype == np.uint8 and data["y"].shape == (500,)


def test_first_download_says_what_the_wait_is(mnist, capsys, fake_openml, tmp_path):
    """fetch_openml has no progress hook; before the first download the learner is told why it waits."""
    mnist.load_mnist(3)
    assert "First use: downloading MNIST from OpenML (about 15 MB" in capsys.readouterr().out
    mnist._reset()
    (tmp_path / "sklearn_data" / "openml.org").mkdir(parents=True, exist_ok=True)  # now cached
    mnist.load_mnist(3)
    assert "First use" not in capsys.readouterr().out
