"""Tests of the store: the same suite on SQLite and, when configured, PostgreSQL."""
