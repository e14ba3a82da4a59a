"""Linkyard: an open-source, self-hostable integration platform."""

__version__ = "0.1.0"
