"""Checked as exercise 4 is, stage by stage, plus its figure."""

from __future__ import annotations

from ..ex4_3_4.check import check

__all__ = ["check"]
