"""Server-rendered pages: the hosted connect flow (and, later, the dashboard)."""

from linkyard.web.connect import add_connect_routes

__all__ = ["add_connect_routes"]
