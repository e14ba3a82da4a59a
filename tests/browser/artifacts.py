"""Screenshots of each step a browser test takes, kept as test artifacts under `test-artifacts/browser/`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "step"


class Shots:
    """Numbered full-page screenshots of one test: `test-artifacts/browser/<test name>/<NN-step>.png`."""

    def __init__(self, test_name: str) -> None:
        self.directory = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name)
        shutil.rmtree(self.directory, ignore_errors=True)  # a re-run replaces the last run's pictures
        self.taken: list[Path] = []

    def take(self, page: Page, step: str) -> Path:
        path = self.directory / f"{len(self.taken) + 1:02d}-{_slug(step)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.bring_to_front()  # what the person looks at; Chromium may not paint a tab behind another
        try:
            page.screenshot(path=path, full_page=True)
        except PlaywrightError:  # "Unable to capture screenshot" while a busy machine paints: once more
            page.wait_for_timeout(200)
            page.screenshot(path=path, full_page=True)
        self.taken.append(path)
        return path
