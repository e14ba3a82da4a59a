"""The unified HRIS records kept about employees over Factorial: shifts and time entries (the account's and one
employee's) filled from the emulator's attendance shifts; documents, their categories (Factorial's folders), their
files downloaded and uploaded; enforced as actions are (scopes named in a 403), bad uploads refused whole."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"
EMPLOYEES = 120


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 5, EMPLOYEES


async def _factorial_all(harness: Harness, path: str, **params: str) -> list[dict[str, Any]]:
    """Every record of a Factorial list, as the company's admin reads it with an API key (Factorial's own data)."""
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    headers = {"x-api-key": created.json()["api_key"]}
    records: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = {"limit": "100", **params, **({"after_id": after} if after else {})}
        page = (await harness.factorial.get(f"{FACTORIAL_API}/{path}", params=query, headers=headers)).json()
        records += page["data"]
        if not page["meta"]["has_next_page"]:
            return records
        after = records[-1]["id"]


SCOPES = [*ALL_SCOPES, "documents"]


async def _linked(harness: Harness, extra: list[str] | None = None) -> tuple[Tenant, str]:
    scopes = [*SCOPES, *(extra or [])]
    tenant = await harness.tenant()
    application = await harness.application(scopes=scopes)
    await harness.profile(tenant, application, token_type="company", scopes=scopes)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _get(harness: Harness, tenant: Tenant, account_id: str, path: str, **params: Any) -> httpx.Response:
    return await harness.api.get(
        f"/unified/hris/{path}", params=params, headers={**tenant.auth, "x-account-id": account_id}
    )


async def _walk(
    harness: Harness, tenant: Tenant, account_id: str, path: str, **params: str
) -> list[dict[str, Any]]:
    """Every record of a unified list, following `next`."""
    records: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        response = await _get(
            harness, tenant, account_id, path, **params, **({"next": cursor} if cursor else {})
        )
        assert response.status_code == 200, response.text
        body = response.json()
        records += body["data"]
        cursor = body["next"]
        if cursor is None:
            return records


def _start(shift: dict[str, Any]) -> str:
    return f"{shift['date']}T{shift['clock_in_with_seconds'] or shift['clock_in'] + ':00'}"


def _end(shift: dict[str, Any]) -> str | None:
    return None if shift["clock_out"] is None else f"{shift['date']}T{shift['clock_out']}:00"


async def test_shifts_and_time_entries_are_factorials_attendance_shifts(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    factorial = await _factorial_all(harness, "attendance/shifts")
    assert len(factorial) > 100  # more than one page of Factorial's
    shifts = await _walk(harness, tenant, account_id, "shifts", page_size="40")
    assert shifts == [
        {
            "id": s["id"],
            "remote_id": s["id"],
            "employee_id": s["employee_id"],
            "company_id": s["company_id"],
            "location_id": s["workplace_id"],
            "start_time": _start(s),
            "end_time": _end(s),
            "created_at": s["created_at"],
            "updated_at": s["updated_at"],
        }
        for s in factorial
    ]
    assert any(s["end_time"] is None for s in shifts) or all(s["clock_out"] for s in factorial)
    entries = await _walk(harness, tenant, account_id, "time_entries", page_size="100")
    assert [e["id"] for e in entries] == [s["id"] for s in factorial]
    for entry, shift in zip(entries, factorial, strict=True):
        assert entry["employee_id"] == entry["remote_employee_id"] == shift["employee_id"]
        assert entry["start_time"] == f"{_start(shift)}+00:00"
        assert entry["end_time"] == (None if shift["clock_out"] is None else f"{_end(shift)}+00:00")
        assert entry["hours_worked"] == round(shift["minutes"] / 60, 6)
    one = await _get(harness, tenant, account_id, f"time_entries/{factorial[3]['id']}", raw="true")
    assert one.status_code == 200, one.text
    assert one.json()["data"] == entries[3]
    assert one.json()["raw"][0]["response"] == factorial[3]
    got = await _get(harness, tenant, account_id, f"shifts/{factorial[-1]['id']}")
    assert got.json() == {"data": shifts[-1]}
    assert (await _get(harness, tenant, account_id, "shifts/999999999")).status_code == 404


async def test_one_employees_shifts_are_theirs_alone(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    factorial = await _factorial_all(harness, "attendance/shifts")
    employee = factorial[0]["employee_id"]
    theirs = [s["id"] for s in factorial if s["employee_id"] == employee]
    listed = await _walk(harness, tenant, account_id, f"employees/{employee}/shifts")
    assert [s["id"] for s in listed] == theirs
    one = await _get(
        harness, tenant, account_id, f"employees/{employee}/shifts/{theirs[0]}", fields="id,start_time"
    )
    assert one.json() == {"data": {"id": theirs[0], "start_time": _start(factorial[0])}}
    # Another employee's shift is not one of this employee's.
    other = next(s for s in factorial if s["employee_id"] != employee)
    assert (
        await _get(harness, tenant, account_id, f"employees/{employee}/shifts/{other['id']}")
    ).status_code == 404
    by_filter = await _walk(harness, tenant, account_id, "time_entries", **{"filter[employee_id]": employee})
    assert [e["id"] for e in by_filter] == theirs


async def test_updated_after_keeps_exactly_the_shifts_updated_since(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    factorial = await _factorial_all(harness, "attendance/shifts")
    times = sorted(s["updated_at"] for s in factorial)
    since = times[len(times) // 2]
    found = await _walk(
        harness, tenant, account_id, "shifts", page_size="30", **{"filter[updated_after]": since}
    )
    assert [s["id"] for s in found] == [s["id"] for s in factorial if s["updated_at"] >= since]
    assert 0 < len(found) < len(factorial)


async def test_shifts_without_the_time_tracking_scope_are_403_naming_it(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])
    before = (await harness.stats())["api_requests"]
    for path in ("shifts", "time_entries", "employees/1/shifts", "shifts/1"):
        response = await _get(harness, tenant, account_id, path)
        assert response.status_code == 403, path
        assert response.json()["missing_scopes"] == ["time_tracking"]
    assert (await harness.stats())["api_requests"] == before


DOCUMENT_FLAGS = {"by_trash_bin": "false"}


async def _post(harness: Harness, tenant: Tenant, account_id: str, path: str, body: Any) -> httpx.Response:
    return await harness.api.post(
        f"/unified/hris/{path}", json=body, headers={**tenant.auth, "x-account-id": account_id}
    )


def _document(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": source["id"],
        "remote_id": source["id"],
        "name": source["filename"],
        "category_id": source["folder_id"],
        "file_format": {"value": source["extension"], "source_value": source["extension"]},
        "created_at": source["created_at"],
        "updated_at": source["updated_at"],
    }


async def test_an_employees_documents_and_the_categories_are_factorials_documents_and_folders(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    documents = await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS)
    employee = documents[0]["employee_id"]
    theirs = [d for d in documents if d["employee_id"] == employee]
    listed = await _walk(harness, tenant, account_id, f"employees/{employee}/documents")
    assert listed == [_document(d) for d in theirs]
    one = await _get(harness, tenant, account_id, f"employees/{employee}/documents/{theirs[0]['id']}")
    assert one.json() == {"data": _document(theirs[0])}
    other = next(d for d in documents if d["employee_id"] != employee)
    assert (
        await _get(harness, tenant, account_id, f"employees/{employee}/documents/{other['id']}")
    ).status_code == 404

    folders = await _factorial_all(harness, "documents/folders")
    categories = await _walk(harness, tenant, account_id, "documents/employee_categories")
    assert categories == [
        {"id": f["id"], "remote_id": f["id"], "name": f["name"], "active": f["active"]} for f in folders
    ]
    got = await _get(harness, tenant, account_id, f"documents/employee_categories/{folders[2]['id']}")
    assert got.json() == {"data": categories[2]}


async def test_a_document_downloads_as_its_bytes_with_its_content_type(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    documents = await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS)
    for source in (next(d for d in documents if d["extension"] == ext) for ext in ("pdf", "png")):
        path = f"employees/{source['employee_id']}/documents/{source['id']}/download"
        response = await _get(harness, tenant, account_id, path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == source["content_type"]
        assert len(response.content) == source["file_size"]
        assert source["filename"] in response.headers["content-disposition"]
    refused = await _get(harness, tenant, account_id, path, format="docx")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["format"]
    other = next(d for d in documents if d["employee_id"] != source["employee_id"])
    crossed = await _get(
        harness, tenant, account_id, f"employees/{source['employee_id']}/documents/{other['id']}/download"
    )
    assert crossed.status_code == 404


async def test_an_uploaded_document_lands_in_factorial_and_downloads_as_sent(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    employee = (await _factorial_all(harness, "employees/employees"))[9]
    folder = (await _factorial_all(harness, "documents/folders"))[2]
    content = b"%PDF-1.4\n% a work permit\n%%EOF\n"
    body = {
        "name": "work_permit",
        "file_format": {"value": "pdf"},
        "content": base64.b64encode(content).decode(),
        "category_id": folder["id"],
        "confidential": {"value": "true"},
    }
    created = await _post(harness, tenant, account_id, f"employees/{employee['id']}/documents/upload", body)
    assert created.status_code == 201, created.text
    assert created.json()["statusCode"] == 201
    new_id = created.json()["data"]["id"]
    # Read back through Factorial's own API.
    (stored,) = [
        d for d in await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS) if d["id"] == new_id
    ]
    assert (stored["filename"], stored["employee_id"], stored["folder_id"]) == (
        "work_permit.pdf",
        employee["id"],
        folder["id"],
    )
    assert (stored["file_size"], stored["content_type"], stored["public"]) == (
        len(content),
        "application/pdf",
        False,
    )
    downloaded = await _get(
        harness, tenant, account_id, f"employees/{employee['id']}/documents/{new_id}/download"
    )
    assert downloaded.content == content

    batch = {
        "items": [
            {"name": "notes.txt", "content": base64.b64encode(b"first").decode()},
            {
                "name": "second",
                "file_format": {"value": "txt"},
                "content": base64.b64encode(b"second").decode(),
            },
        ]
    }
    answer = await _post(
        harness, tenant, account_id, f"employees/{employee['id']}/documents/upload/batch", batch
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["errors"] == [[], []]
    names = [
        d["filename"]
        for d in await _factorial_all(
            harness, "documents/documents", employee_ids=employee["id"], **DOCUMENT_FLAGS
        )
    ]
    assert names[-2:] == ["notes.txt", "second.txt"]


async def test_a_bad_upload_is_refused_whole_naming_each_field_and_nothing_lands(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    employee = (await _factorial_all(harness, "employees/employees"))[9]
    before = len(await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS))
    path = f"employees/{employee['id']}/documents/upload"
    not_base64 = await _post(harness, tenant, account_id, path, {"name": "a.txt", "content": "%%%"})
    assert not_base64.status_code == 422
    assert [e["field"] for e in not_base64.json()["errors"]] == ["content"]
    unnamed = await _post(
        harness,
        tenant,
        account_id,
        path,
        {"content": "aGk=", "category": {"value": "visa"}, "path": "/tmp/x"},
    )
    assert unnamed.status_code == 422
    assert [e["field"] for e in unnamed.json()["errors"]] == ["name", "category", "path"]
    unknown = await _post(
        harness, tenant, account_id, path, {"name": "a.txt", "content": "aGk=", "colour": "red"}
    )
    assert unknown.status_code in (400, 422)
    batch = {"items": [{"name": "ok.txt", "content": "aGk="}, {"name": "bad.txt", "content": "!!"}]}
    refused = await _post(harness, tenant, account_id, f"{path}/batch", batch)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["items[1].content"]
    # Larger than the API takes: refused before it is read, with the limit named.
    huge = {"name": "big.bin", "content": base64.b64encode(b"x" * 1_200_000).decode()}
    too_large = await _post(harness, tenant, account_id, path, huge)
    assert too_large.status_code == 413
    assert "larger than" in too_large.json()["message"]
    assert len(await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS)) == before


async def test_documents_without_the_documents_scope_are_403_naming_it(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])
    before = (await harness.stats())["api_requests"]
    for path in (
        "employees/1/documents",
        "employees/1/documents/2",
        "employees/1/documents/2/download",
        "documents/employee_categories",
    ):
        response = await _get(harness, tenant, account_id, path)
        assert response.status_code == 403, path
        assert response.json()["missing_scopes"] == ["documents"]
    upload = await _post(
        harness, tenant, account_id, "employees/1/documents/upload", {"name": "a.txt", "content": "aGk="}
    )
    assert upload.status_code == 403
    assert upload.json()["missing_scopes"] == ["documents"]
    definitions = await _get(harness, tenant, account_id, "custom_field_definitions/employees")
    assert definitions.status_code == 403
    assert definitions.json()["missing_scopes"] == ["custom_fields"]
    assert (await harness.stats())["api_requests"] == before


async def test_custom_field_definitions_are_factorials_custom_fields(harness: Harness) -> None:
    tenant, account_id = await _linked(harness, extra=["custom_fields"])
    fields = await _factorial_all(harness, "custom_fields/fields")
    types = {"single_choice": "single_select", "multiple_choice": "multi_select", "long_text": "text"}
    definitions = await _walk(harness, tenant, account_id, "custom_field_definitions/employees")
    assert definitions == [
        {
            "id": f["id"],
            "remote_id": f["id"],
            "name": f["label_text"],
            "description": f["slug"],
            "type": {"value": types.get(f["field_type"], f["field_type"]), "source_value": f["field_type"]},
        }
        for f in fields
    ]
    one = await _get(harness, tenant, account_id, f"custom_field_definitions/employees/{fields[1]['id']}")
    assert one.json() == {"data": definitions[1]}
    assert (
        await _get(harness, tenant, account_id, "custom_field_definitions/employees/999999999")
    ).status_code == 404


async def test_an_employee_id_factorial_could_never_have_given_is_404(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    before = len(await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS))
    for path in ("employees/not-an-id/shifts", "employees/not-an-id/documents", "employees/1/shifts/x"):
        assert (await _get(harness, tenant, account_id, path)).status_code == 404, path
    upload = {"name": "a.txt", "content": "aGk="}
    nobody = await _post(harness, tenant, account_id, "employees/not-an-id/documents/upload", upload)
    assert nobody.status_code == 404
    badly_filed = await _post(
        harness, tenant, account_id, "employees/1/documents/upload", {**upload, "category_id": "x"}
    )
    assert badly_filed.status_code == 422
    assert [e["field"] for e in badly_filed.json()["errors"]] == ["category_id"]
    assert len(await _factorial_all(harness, "documents/documents", **DOCUMENT_FLAGS)) == before
