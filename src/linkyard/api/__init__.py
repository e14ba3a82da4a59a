"""The HTTP API (FastAPI): the app factory, routes per resource, and the one error table."""

from linkyard.api.app import create_app

__all__ = ["create_app"]
