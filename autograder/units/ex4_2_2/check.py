"""Checked as exercise 1 is: one conv2d call, now with the stride passed on."""

from __future__ import annotations

from ..ex4_2_1.check import check

__all__ = ["check"]
