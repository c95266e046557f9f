"""Pictures of failed checks: the input, what was expected, what came back, and the difference.

One PNG per failed test. Expected and returned arrays share one colour scale, small arrays
carry their numbers, and the difference uses a diverging scale centred on 0. For a plotting
exercise the learner's figure is drawn above the expected one. Hidden tests' pictures leave
the expected values out unless the instructor allows them (``reveal``).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np

NUMBERS_UP_TO = 10  # cells per side below which each cell is labelled with its value


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def picture_path(folder: Path, result) -> Path:
    return Path(folder) / f"{slug(result.unit.id)}--{slug(result.test.name)}.png"


def draw(result, path: Path, reveal: bool) -> Path | None:
    """Write the picture of a failed Result; None when there is nothing to draw."""
    failure = result.failure
    if failure is None or not failure.data:
        return None
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    warnings.filterwarnings(
        "ignore", message="Attempting to set identical"
    )  # a constant array's colour scale
    data = failure.data
    if "figure" in data:
        fig = _figure_picture(plt, data["figure"], data["panels"], reveal)
    else:
        extra = [data["shows"]] if data.get("shows") and reveal else []
        fig = _array_picture(plt, _inputs(result) + extra, data["got"], data["expected"], reveal)
    wrapped = "\n".join(textwrap.wrap(str(failure), 120)[:6])
    fig.suptitle(
        f"{result.unit.id}: {result.test.name}  (your code: {result.unit.file})\n{wrapped}",
        fontsize=9,
        x=0.01,
        ha="left",
        va="top",
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.035 * (wrapped.count("\n") + 2)))
    path.parent.mkdir(parents=True, exist_ok=True)
    panels = " | ".join(ax.get_title().replace("\n", " ") for ax in fig.axes if ax.get_title())
    fig.savefig(
        path, dpi=90, metadata={"Description": panels}
    )  # what it shows, for tools and tests
    plt.close(fig)
    return path


def _inputs(result) -> list[tuple[str, np.ndarray]]:
    """The call's array inputs as 2-D pictures (a 3-D map shows its first channel)."""
    shown = []
    for name, value in (result.unit.inputs(result.call) if result.call else {}).items():
        if isinstance(value, np.ndarray) and value.ndim in (2, 3) and value.size <= 200_000:
            shown.append(_as_2d(f"input {name}", np.asarray(value, dtype=float)))
    return shown[:3]


def _as_2d(label: str, a: np.ndarray) -> tuple[str, np.ndarray]:
    if a.ndim == 3:
        if a.shape[-1] <= 8:  # (H, W, C): channels last
            return f"{label} {a.shape}, channel 0", a[:, :, 0]
        return f"{label} {a.shape}, [0]", a[0]  # (N, H, W): a batch
    if a.ndim == 4:
        return f"{label} {a.shape}, [0, :, :, 0]", a[0, :, :, 0]
    if a.ndim == 1:
        return f"{label} {a.shape}", a[None, :]
    return f"{label} {a.shape}", a


def _array_picture(plt, inputs, got, expected, reveal):
    same_shape = got.shape == expected.shape
    got_label, got2 = _as_2d("yours", np.asarray(got, dtype=float))
    if not same_shape:
        got_label += f"\nSHAPE DIFFERS: expected {expected.shape}"
    panels = list(inputs)
    if reveal:
        exp_label, exp2 = _as_2d("expected", np.asarray(expected, dtype=float))
        panels.append((exp_label, exp2))
    panels.append((got_label, got2))
    finite = [p for p in ([exp2] if reveal else []) + [got2] if p.size and np.isfinite(p).any()]
    lo = min(np.nanmin(p[np.isfinite(p)]) for p in finite) if finite else 0
    hi = max(np.nanmax(p[np.isfinite(p)]) for p in finite) if finite else 1
    if reveal and same_shape:
        panels.append(("difference: yours - expected", got2 - exp2))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.8), squeeze=False)
    for ax, (label, a) in zip(axes[0], panels):
        if label.startswith("difference"):
            span = float(np.nanmax(np.abs(a))) or 1.0
            _show(ax, a, label, cmap="RdBu_r", vmin=-span, vmax=span)
        elif label.startswith(("expected", "yours")):
            color = "crimson" if label.startswith("yours") and not same_shape else "black"
            _show(ax, a, label, cmap="viridis", vmin=lo, vmax=hi, color=color)  # one scale for both
        else:
            _show(ax, a, label, cmap="gray")
    return fig


def _show(ax, a, label, cmap, vmin=None, vmax=None, color="black"):
    ax.set_xticks([])
    ax.set_yticks([])
    if a.size == 0:  # e.g. an off-by-one that left nothing
        ax.set_title(label, fontsize=9, color=color)
        ax.text(
            0.5,
            0.5,
            f"empty array\nshape {a.shape}",
            ha="center",
            va="center",
            color=color,
            transform=ax.transAxes,
        )
        return
    im = ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(label, fontsize=9, color=color)
    if max(a.shape) <= NUMBERS_UP_TO:
        for (i, j), v in np.ndenumerate(a):
            r, g, b, _ = im.cmap(im.norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5  # the cell's own luminance picks the ink
            ax.text(
                j,
                i,
                f"{v:.3g}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)


def _figure_picture(plt, got_axes, panels, reveal):
    """Row 1: the learner's figure as it came back; row 2: the panels it should have."""
    rows = [
        (
            "your figure",
            [
                (ax["title"] or "(no title)", ax["images"][0] if ax["images"] else None)
                for ax in got_axes
            ],
        )
    ]
    if reveal:
        rows.append(("expected", [(what, np.asarray(a, dtype=float)) for what, a in panels]))
    width = max(len(r[1]) for r in rows) or 1
    fig, axes = plt.subplots(
        len(rows), width, figsize=(3.4 * width, 3.4 * len(rows)), squeeze=False
    )
    for r, (row_label, items) in enumerate(rows):
        for c in range(width):
            ax = axes[r][c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= len(items):
                ax.axis("off")
                continue
            title, image = items[c]
            if image is None:
                ax.text(0.5, 0.5, "no image", ha="center", va="center")
            else:
                ax.imshow(image, cmap="gray")
            ax.set_title(f"{row_label}, panel {c + 1}:\n{title}", fontsize=8)
    return fig


def compare_picture(path: Path, title: str, pairs) -> Path:
    """Yours (top row) against the worked solution's (bottom row), one column per output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    arrays = [(name, x, y) for (name, x), (_, y) in pairs if x is not None or y is not None]
    fig, axes = plt.subplots(
        2, max(len(arrays), 1), figsize=(3.4 * max(len(arrays), 1), 7), squeeze=False
    )
    for c, (name, x, y) in enumerate(arrays):
        for r, (who, a) in enumerate((("yours", x), ("solution", y))):
            if a is None:
                axes[r][c].axis("off")
                continue
            label, a2 = _as_2d(f"{who}{name}", np.asarray(a, dtype=float))
            _show(axes[r][c], a2, label, cmap="viridis")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
