"""Deterministic, realistic company data for the emulated Factorial: people, org, time off, hiring."""

from __future__ import annotations

from .company import seed_company, seed_world
from .describe import describe_company

__all__ = ["describe_company", "seed_company", "seed_world"]
