"""Document writes: a file uploaded as `multipart/form-data` (Factorial's `POST documents/documents`)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..errors import ApiError, invalid
from ..state import Row, timestamp
from .bodies import Body, check_reference, parse_body, require_employee

MAX_FILE_BYTES = 10_000_000
"""The largest file taken (a choice: Factorial does not document its limit)."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart body: its name, declared content type and bytes."""

    filename: str
    content_type: str | None
    content: bytes


class DocumentCreate(Body):
    space: Literal[
        "company_internal",
        "company_public",
        "employee_my_documents",
        "pending_to_assign",
        "pending_to_destroy",
    ]
    public: bool = False
    is_pending_assignment: bool = False
    request_esignature: bool = False
    author_id: int | None = None
    company_id: int | None = None
    employee_id: int | None = None
    folder_id: int | None = None
    leave_id: int | None = None
    file_filename: str | None = Field(None, min_length=1, max_length=255)
    signee_ids: list[int] = Field(default_factory=list)


def create_document(caller: Caller, payload: Any) -> Row:
    """Store the uploaded file as a document of the company (or of one of its employees)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("file"), Upload):
        raise invalid("file", "is required: send the document as a multipart file part named `file`")
    upload: Upload = payload["file"]
    if not upload.content:
        raise invalid("file", "is empty")
    body = parse_body(DocumentCreate, {name: value for name, value in payload.items() if name != "file"})
    if body.company_id is not None and body.company_id != caller.company_id:
        raise invalid("company_id", "is not the credential's company")
    if body.space == "employee_my_documents" and body.employee_id is None:
        raise invalid("employee_id", "is required for an employee's document")
    if body.employee_id is not None:
        require_employee(caller, body.employee_id)
        if not caller.admin and not caller.is_self(body.employee_id):
            raise ApiError(403, ["Only admins can upload documents for other employees"])
    check_reference(caller, "documents/folders", "folder_id", body.folder_id)
    check_reference(caller, "timeoff/leaves", "leave_id", body.leave_id)
    filename = body.file_filename or upload.filename
    extension = filename.rpartition(".")[2].lower() if "." in filename else None
    content_type = upload.content_type
    if not content_type or content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    now = timestamp(caller.world.clock.now())
    author = caller.employee["access_id"] if caller.employee is not None else body.author_id
    row: Row = {
        "filename": filename,
        "space": body.space,
        "public": body.public,
        "author_id": author,
        "content_type": content_type,
        "employee_id": body.employee_id,
        "extension": extension,
        "file_size": len(upload.content),
        "folder_id": body.folder_id,
        "is_company_document": body.space.startswith("company_"),
        "is_management_document": False,
        "is_pending_assignment": body.is_pending_assignment,
        "leave_id": body.leave_id,
        "signature_status": "pending" if body.request_esignature else None,
        "signees": [str(signee) for signee in body.signee_ids],
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "_content": upload.content,
    }
    return caller.world.table("documents/documents").insert(caller.company_id, row)
