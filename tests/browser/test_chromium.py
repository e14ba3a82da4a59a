"""Where Chromium is missing: CI (which installs it in `.ci/run`) fails loudly; a developer's machine skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import conftest


@pytest.mark.parametrize(
    "environment",
    [{"CI": "true"}, {"LINKYARD_TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test"}],
)
def test_a_missing_chromium_fails_the_browser_tests_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str]
) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("LINKYARD_TEST_DATABASE_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        conftest._require_chromium()


def test_a_missing_chromium_skips_the_browser_tests_on_a_developer_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("LINKYARD_TEST_DATABASE_URL", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium"):
        conftest._require_chromium()
