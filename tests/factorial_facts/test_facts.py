"""The facts file is what the installed official client says, and its reader gives the typed facts."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

from linkyard.factorial_facts import load_facts

REPO = Path(__file__).resolve().parents[2]
EXTRACTOR = REPO / "tools" / "extract_factorial_facts.py"


def test_the_facts_file_is_what_the_installed_official_client_says(tmp_path: Path) -> None:
    output = tmp_path / "endpoints.json"
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, str(EXTRACTOR), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shipped = (
        resources.files("linkyard.factorial_facts").joinpath("endpoints.json").read_text(encoding="utf-8")
    )
    assert output.read_text(encoding="utf-8") == shipped, "rerun tools/extract_factorial_facts.py and commit"


def test_the_facts_hold_every_endpoint_of_the_official_client() -> None:
    facts = load_facts()
    assert facts.client_distribution == "factorial-api-client"
    assert facts.client_version == "3.0.0"
    assert len(facts.endpoints) == 615
    assert len({(endpoint.method, endpoint.path) for endpoint in facts.endpoints}) == 615
    assert facts.api_versions == ("2026-10-01",)


def test_an_endpoint_reads_as_its_method_path_parameters_and_models() -> None:
    facts = load_facts()
    (shifts,) = (
        endpoint
        for endpoint in facts.endpoints
        if endpoint.method == "GET" and endpoint.path == "/api/2026-10-01/resources/attendance/shifts"
    )
    assert (shifts.namespace, shifts.resource, shifts.kind, shifts.pages) == (
        "attendance",
        "shifts",
        "list",
        True,
    )
    employee_ids = next(
        parameter for parameter in shifts.query_parameters if parameter.name == "employee_ids[]"
    )
    assert employee_ids.array and employee_ids.type == "string" and not employee_ids.required
    assert shifts.response.model is not None
    envelope = facts.model(shifts.response.model)
    data = envelope.field("data")
    assert data is not None and data.array and data.model == "AttendanceShift"
    shift = facts.model("AttendanceShift")
    assert {field.name for field in shift.required} >= {"id", "employee_id", "date", "minutes"}
    half_day = shift.field("half_day")
    assert half_day is not None and half_day.enum == ("beginning_of_day", "end_of_day")


def test_a_write_reads_as_its_body_and_an_action_as_its_name() -> None:
    facts = load_facts()
    by_route = {(endpoint.method, endpoint.path): endpoint for endpoint in facts.endpoints}
    clock_in = by_route["POST", "/api/2026-10-01/resources/attendance/shifts/clock_in"]
    assert (clock_in.kind, clock_in.action) == ("action", "clock_in")
    assert clock_in.body is not None and clock_in.body.content_type == "application/json"
    update = by_route["PUT", "/api/2026-10-01/resources/attendance/shifts/{id}"]
    assert update.kind == "update"
    assert [parameter.name for parameter in update.path_parameters] == ["id"]
    upload = by_route["POST", "/api/2026-10-01/resources/documents/documents"]
    assert upload.body is not None and upload.body.content_type == "multipart/form-data"


def test_every_model_an_endpoint_names_is_in_the_facts() -> None:
    facts = load_facts()
    named = {endpoint.response.model for endpoint in facts.endpoints} | {
        endpoint.body.model for endpoint in facts.endpoints if endpoint.body is not None
    }
    named |= {field.model for model in facts.models.values() for field in model.fields}
    named.discard(None)
    assert named <= facts.models.keys()
