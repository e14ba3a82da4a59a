"""Server-rendered pages: the hosted connect flow and the dashboard."""

from linkyard.web.connect import add_connect_routes
from linkyard.web.dashboard import add_dashboard_routes

__all__ = ["add_connect_routes", "add_dashboard_routes"]
