"""The connector page shows the unified mapping as `linkyard connectors show factorialhr --unified` prints it:
per resource, each unified field with its JMESPath source, its enum table and where it is written; and the
unified operations the connector offers agents."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from typer.testing import CliRunner

from linkyard.cli import app as cli
from linkyard.connectors import get_connector
from tests.web.conftest import Harness, page_text, sign_in


class _Tables(HTMLParser):
    """Each `<table class="mapping">`'s body rows as lists of cell texts, under the `<h3>` before it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._heading: str | None = None
        self._in_heading = False
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h3":
            self._in_heading, self._heading = True, ""
        elif tag == "table" and ("class", "mapping") in attrs and self._heading is not None:
            self._table = self.tables.setdefault(self._heading, [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag == "td" and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3":
            self._in_heading = False
        elif tag == "table":
            self._table = None
        elif tag == "td" and self._table is not None and self._cell is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_heading and self._heading is not None:
            self._heading += data
        if self._cell is not None:
            self._cell.append(data)


def _cli_mapping() -> list[dict[str, object]]:
    """What `linkyard connectors show factorialhr --unified --json` prints."""
    result = CliRunner().invoke(cli, ["connectors", "show", "factorialhr", "--unified", "--json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output))


def _source_shown(field: dict[str, Any]) -> str:
    """How the page words a printed field's source: its expression and divisor, or that it is written only."""
    if field["source"] is None:
        return "(written only)"
    divisor = field["divide_by"]
    return str(field["source"]) if divisor is None else f"{field['source']} ÷ {divisor:g}"


async def test_the_factorial_page_shows_each_unified_field_as_the_cli_prints_it(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    page = await dashboard.get(f"/projects/{tenant.project_id}/connectors/factorialhr")
    assert page.status_code == 200
    parser = _Tables()
    parser.feed(page.text)
    printed = _cli_mapping()
    assert list(parser.tables) == [f"/unified/{resource['resource']}" for resource in printed]
    for resource in printed:
        rows = [row for row in parser.tables[f"/unified/{resource['resource']}"] if row]
        fields = resource["fields"]
        assert isinstance(fields, list)
        assert [row[0] for row in rows] == [field["field"] for field in fields]
        assert [row[1] for row in rows] == [_source_shown(field) for field in fields]
        assert [row[3] for row in rows] == [field["write"] or "read-only" for field in fields]
    employees = {row[0]: row for row in parser.tables["/unified/hris/employees"] if row}
    assert employees["display_name"][1] == "preferred_name || full_name"
    assert employees["gender"][2] == "male → male, female → female"
    assert employees["employment_status"][2] == "true → active, false → terminated"
    assert employees["date_of_birth"][3] == "birthday_on"
    groups = {row[0]: row for row in parser.tables["/unified/hris/groups"] if row}
    assert groups["parent_ids"][1] == "[parent_team_id][?@ != null]"
    assert groups["type"][1] == '`"team"`'
    locations = {row[0]: row for row in parser.tables["/unified/hris/locations"] if row}
    assert locations["country"][2] == "the provider's code, upper-cased"

    text = page_text(page.text)
    assert "Reads list: factorialhr_list_employees; get: factorialhr_get_employee." in text
    # How each `expand` is backed, as the CLI's Markdown says it.
    assert "`company`: the hris/companies records whose ids are `legal_entity_id`, fetched by ids" in text
    assert (
        "`interview_stages`: the ats/job_application_stages records naming it by `ats_job_posting_id`" in text
    )
    for tool in get_connector("factorialhr").unified_actions:
        assert tool.id in text
        assert tool.description in text
