"""The same public cases as exercise 4, at the post's sizes (with the digits' labels)."""

from __future__ import annotations

from ..ex4_3_4.public import tests

__all__ = ["tests"]
