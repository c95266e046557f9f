"""Judging: pure numpy. Arrays, figures and printed output against what was expected, and
the sentences that say what went wrong. Imports nothing of the kit outside this package."""
