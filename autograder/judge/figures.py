"""Judging what a call printed and the matplotlib figure it returned (as panels of arrays)."""

from __future__ import annotations

import numpy as np

from .arrays import ATOL, RTOL, Failure, shape_text


def check_printed(stdout: str, call: str, needles: dict[str, str]) -> None:
    """Each needle (e.g. the text of a shape) must appear in what the call printed."""
    for what, text in needles.items():
        if text not in stdout:
            shown = stdout.strip().splitlines()[-1][:120] if stdout.strip() else "nothing"
            raise Failure(
                f"{call} should print {what} ({text}), as the post does; its last printed line was: {shown}"
            )


def check_figure(value, call: str, panels: list[tuple[str, np.ndarray]], label=None) -> None:
    """A Figure with one panel per (description, array) showing that array, titled."""
    if value.figure is None:
        raise Failure(
            f"{call} should return the matplotlib Figure it drew (fig from plt.subplots), got a {value.type}."
        )
    axes = value.figure
    picture = {"figure": axes, "panels": panels}
    if len(axes) != len(panels):
        raise Failure(
            f"{call}: the figure should have {len(panels)} panels side by side, it has {len(axes)}.",
            **picture,
        )
    for k, ((what, array), ax) in enumerate(zip(panels, axes), start=1):
        if not ax["images"]:
            raise Failure(
                f"{call}: panel {k} of the figure shows no image; it should show {what} with imshow.",
                **picture,
            )
        shown = ax["images"][0]
        if shown.shape != np.shape(array) or not np.allclose(
            shown, array, rtol=RTOL, atol=ATOL, equal_nan=True
        ):
            raise Failure(
                f"{call}: panel {k} of the figure should show {what} ({shape_text(array)}), "
                f"but shows a {shape_text(shown)} image with other values.",
                **picture,
            )
        if not ax["title"].strip():
            raise Failure(
                f"{call}: panel {k} ({what}) has no title; give every panel a title as the post does.",
                **picture,
            )
    if label is not None and str(label) not in axes[0]["title"]:
        raise Failure(
            f"{call}: the first panel's title should name the digit's label ({label}), as the post's "
            f"'Input Image (Digit: {label})' does; it is {axes[0]['title']!r}.",
            **picture,
        )
