"""(being written)"""

from __future__ import annotations

from fastapi import APIRouter

from linkyard.web.dashboard.ui import Ui


def add_routes(routes: APIRouter, ui: Ui) -> None:
    return None
