"""conv2d's check: the type, shape and values of what came back, and the inputs left unchanged
(the same for both library units). Its named mistakes are models in mistakes.py."""

from __future__ import annotations

from ..common import check_primitive as check

__all__ = ["check"]
