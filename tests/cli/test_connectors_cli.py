"""`linkyard connectors show`: a connector's declaration, and each unified field's source with `--unified`."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkyard.connectors import get_connector
from tests.cli.conftest import Cli

DOCS = Path(__file__).parents[2] / "docs" / "unified.md"
START = "<!-- mapping: linkyard connectors show factorialhr --unified --markdown -->\n"
END = "<!-- end of mapping -->"


def test_show_unified_prints_the_source_expression_of_every_unified_field(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = cli.json("connectors", "show", "factorialhr", "--unified")
    unified = get_connector("factorialhr").unified
    assert unified is not None
    assert [resource["resource"] for resource in printed] == [m.resource for m in unified.resources]
    employees = next(r for r in printed if r["resource"] == "hris/employees")
    fields = {field["field"]: field for field in employees["fields"]}
    assert fields["display_name"]["source"] == "preferred_name || full_name"
    assert fields["gender"]["enum"] == {"male": "male", "female": "female"}
    assert fields["work_email"]["write"] == "email"
    # A terminal wide enough that no expression is wrapped across lines of the table.
    monkeypatch.setenv("COLUMNS", "400")
    table = cli.ok("connectors", "show", "factorialhr", "--unified").stdout
    for mapping in unified.resources:
        assert f"/unified/{mapping.resource}" in table
        for name, field in mapping.fields.items():
            assert name in table and (field.source or "(written only)") in table


def test_show_prints_the_declaration_and_an_unknown_connector_fails(cli: Cli) -> None:
    summary = cli.json("connectors", "show", "factorialhr")
    assert summary["key"] == "factorialhr"
    assert summary["unified"] == [
        "hris/companies",
        "hris/employees",
        "hris/locations",
        "hris/groups",
        "hris/groups/teams",
        "hris/time_off",
        "hris/time_off_types",
        "hris/time_off_policies",
        "hris/time_off_balances",
        "ats/jobs",
        "ats/job_postings",
        "ats/candidates",
        "ats/applications",
        "ats/application_stages",
        "ats/interview_stages",
        "ats/job_application_stages",
        "ats/rejected_reasons",
        "ats/departments",
        "ats/locations",
        "ats/users",
        "hris/employments",
        "hris/jobs",
        "hris/groups/cost_centers",
        "hris/groups/companies",
        "hris/shifts",
        "hris/time_entries",
        "hris/documents",
        "hris/documents/employee_categories",
        "hris/custom_field_definitions/employees",
        "hris/tasks",
        "ats/application_scorecards",
    ]
    missing = cli("connectors", "show", "workday")
    assert missing.exit_code == 1
    assert "No such connector" in missing.output


def test_the_mapping_tables_in_docs_unified_are_the_commands_output(cli: Cli) -> None:
    text = DOCS.read_text(encoding="utf-8")
    pasted = text[text.index(START) + len(START) : text.index(END)]
    printed = cli.ok("connectors", "show", "factorialhr", "--unified", "--markdown").stdout
    assert pasted == printed
