"""A faithful local Factorial HR: OAuth server, REST API, admin pages and a control API for tests.

It imports nothing from the rest of Linkyard, so tests cannot pass because both sides share a bug.
"""

from .app import create_app
from .control_access import ControlExposed, is_loopback
from .state import World

__all__ = ["ControlExposed", "World", "create_app", "is_loopback"]
