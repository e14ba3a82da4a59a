"""Alembic migrations of the Linkyard database, shipped inside the package."""
