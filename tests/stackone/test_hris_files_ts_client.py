"""StackOne's TypeScript client on the unified HRIS records kept about employees: each call succeeds, its zod schema
accepts the answer, and the values are the emulator's own (its attendance shifts as shifts and time entries, its
documents and folders); a document downloads as its bytes, and uploads land in Factorial, read back through its API."""

from __future__ import annotations

import base64
from typing import Any

from linkyard.connectors.factorialhr import API_VERSION
from tests.harness.sandbox import Sandbox
from tests.stackone.test_hris_ts_client import _client_time, _records
from tests.stackone.ts_client import run_script


def _start(shift: dict[str, Any]) -> str:
    return f"{shift['date']}T{shift['clock_in_with_seconds'] or shift['clock_in'] + ':00'}"


def _end(shift: dict[str, Any]) -> str | None:
    return None if shift["clock_out"] is None else f"{shift['date']}T{shift['clock_out']}:00"


def _shift(source: dict[str, Any]) -> dict[str, Any]:
    """What the client gives for one of the emulator's attendance shifts as a StackOne shift."""
    return {
        "id": source["id"],
        "remoteId": source["id"],
        "employeeId": source["employee_id"],
        "companyId": source["company_id"],
        "locationId": source["workplace_id"],
        "startTime": _start(source),
        "endTime": _end(source),
        "createdAt": _client_time(source["created_at"]),
        "updatedAt": _client_time(source["updated_at"]),
    }


def _time_entry(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": source["id"],
        "remoteId": source["id"],
        "employeeId": source["employee_id"],
        "remoteEmployeeId": source["employee_id"],
        "startTime": _client_time(f"{_start(source)}+00:00"),
        "endTime": None if source["clock_out"] is None else _client_time(f"{_end(source)}+00:00"),
        "hoursWorked": round(source["minutes"] / 60, 6),
        "createdAt": _client_time(source["created_at"]),
        "updatedAt": _client_time(source["updated_at"]),
    }


def test_the_clients_shift_and_document_methods_answer_the_emulators_data(
    stackone_server: Sandbox, linked_account: str
) -> None:
    shifts = stackone_server.emulator_records("attendance/shifts")
    assert shifts
    chosen = shifts[len(shifts) // 2]
    employee = chosen["employee_id"]
    since = sorted(shift["updated_at"] for shift in shifts)[len(shifts) // 3]
    documents = stackone_server.emulator_records("documents/documents")
    folders = stackone_server.emulator_records("documents/folders")
    owner = next(
        d["employee_id"]
        for d in documents
        if d["employee_id"] and _formats_of(documents, d["employee_id"]) > 1
    )
    owned = [d for d in documents if d["employee_id"] == owner]
    uploader = stackone_server.emulator_records("employees/employees")[7]["id"]
    custom_fields = stackone_server.emulator_records("custom_fields/fields")
    content = b"%PDF-1.4\n% a passport\n%%EOF\n"
    report = run_script(
        "hris_files.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        shiftId=chosen["id"],
        employeeId=employee,
        updatedAfter=since,
        documentEmployeeId=owner,
        documentIds=[d["id"] for d in owned],
        categoryId=folders[1]["id"],
        uploadEmployeeId=uploader,
        uploadContent=base64.b64encode(content).decode(),
        customFieldId=custom_fields[1]["id"],
    )

    pages = report["listShifts"].expect_ok()
    assert len(pages) == -(-len(shifts) // 50)
    assert _records(pages, "hrisShiftsPaginated") == [_shift(s) for s in shifts]
    assert report["getShift"].expect_ok()["hrisShiftResult"]["data"] == _shift(chosen)
    theirs = [s for s in shifts if s["employee_id"] == employee]
    listed = _records(report["listEmployeeShifts"].expect_ok(), "hrisShiftsPaginated")
    assert listed == [_shift(s) for s in theirs]
    assert report["getEmployeeShift"].expect_ok()["hrisShiftResult"]["data"] == _shift(chosen)

    recent = _records(report["listTimeEntries"].expect_ok(), "timeEntriesPaginated")
    assert recent == [_time_entry(s) for s in shifts if s["updated_at"] >= since]
    mine = _records(report["listTimeEntriesOfEmployee"].expect_ok(), "timeEntriesPaginated")
    assert mine == [_time_entry(s) for s in theirs]
    one = report["getTimeEntries"].expect_ok()["timeEntriesResult"]
    assert one["data"] == _time_entry(chosen)
    assert one["raw"][0]["response"] == chosen

    # --- documents ---------------------------------------------------------------------------------------------
    listed = _records(report["listEmployeeDocuments"].expect_ok(), "hrisDocumentsPaginated")
    assert listed == [_document(d) for d in owned]
    got = report["getEmployeeDocument"].expect_ok()["hrisDocumentResult"]["data"]
    assert got == _document(owned[0])
    for index, source in enumerate(owned):
        file = report[f"downloadEmployeeDocument{index}"].expect_ok()
        assert file["statusCode"] == 200
        assert file["contentType"].split(";")[0] == source["content_type"]
        assert base64.b64decode(file["base64"]) == _factorial_file(stackone_server, source["id"])
    categories = _records(report["listEmployeeCategories"].expect_ok(), "referencePaginated")
    assert categories == [
        {"id": f["id"], "remoteId": f["id"], "name": f["name"], "active": f["active"]} for f in folders
    ]
    assert report["getEmployeeDocumentCategory"].expect_ok()["referenceResult"]["data"] == categories[1]

    uploaded = report["uploadEmployeeDocument"].expect_ok()
    assert uploaded["statusCode"] == 201 and uploaded["writeResultApiModel"]["statusCode"] == 201
    batch = report["batchUploadEmployeeDocument"].expect_ok()
    assert batch["statusCode"] == 202 and batch["batchResultApiModel"]["errors"] == [[], []]
    # The uploads, read back through Factorial's own API.
    landed = [
        d for d in stackone_server.emulator_records("documents/documents") if d["employee_id"] == uploader
    ]
    assert [(d["filename"], d["file_size"]) for d in landed[-3:]] == [
        ("passport_scan.pdf", len(content)),
        ("first.txt", len(content)),
        ("second.txt", len(content)),
    ]
    assert landed[-3]["folder_id"] == folders[1]["id"]

    # --- custom field definitions --------------------------------------------------------------------------
    definitions = _records(
        report["listEmployeeCustomFieldDefinitions"].expect_ok(), "customFieldDefinitionsPaginated"
    )
    types = {"single_choice": "single_select", "multiple_choice": "multi_select", "long_text": "text"}
    assert definitions == [
        {
            "id": f["id"],
            "remoteId": f["id"],
            "name": f["label_text"],
            "description": f["slug"],
            "type": {"value": types.get(f["field_type"], f["field_type"]), "sourceValue": f["field_type"]},
        }
        for f in custom_fields
    ]
    one = report["getEmployeeCustomFieldDefinition"].expect_ok()["customFieldDefinitionResultApiModel"]
    assert one["data"] == definitions[1]


def _factorial_file(sandbox: Sandbox, document_id: str) -> bytes:
    """A document's bytes as Factorial's own API hands them out (a download URL, then the file)."""
    company = sandbox.emulator_company()
    with sandbox._emulator() as emulator:
        key = emulator.post("/_emulator/api_keys", json={"company_id": company["id"]}).json()["api_key"]
        urls = emulator.post(
            f"/api/{API_VERSION}/resources/documents/download_urls/bulk_create",
            json={"ids": [document_id]},
            headers={"x-api-key": key},
        ).json()
        answer = emulator.get(urls[0]["url"])
        assert answer.status_code == 200
        return answer.content


def _formats_of(documents: list[dict[str, Any]], employee_id: str) -> int:
    return len({d["extension"] for d in documents if d["employee_id"] == employee_id})


def _document(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": source["id"],
        "remoteId": source["id"],
        "name": source["filename"],
        "categoryId": source["folder_id"],
        "fileFormat": {"value": source["extension"], "sourceValue": source["extension"]},
        "createdAt": _client_time(source["created_at"]),
        "updatedAt": _client_time(source["updated_at"]),
    }
