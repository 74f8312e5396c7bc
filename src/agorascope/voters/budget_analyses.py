"""The budget analysis (see budget.py)."""

from __future__ import annotations
