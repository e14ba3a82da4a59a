"""The unified HRIS API's files: an employee's document downloaded (its bytes, with their content type) and files
uploaded as an employee's documents, one or a batch, from StackOne's upload body (base64 content)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import account_id_of
from linkyard.api.routes.unified_common import ERRORS, MAX_ID, AccountHeader
from linkyard.api.routes.unified_hris_records import RecordId
from linkyard.errors import LinkyardError, ValidationFailed
from linkyard.services.unified import FileUploadRequest, check_uploads, download_file, upload_file
from linkyard.services.unified.files import MAX_CONTENT, MAX_NAME

MAX_BATCH = 20
"""The most files one batch upload takes (the whole body is bounded by the API's body limit too)."""


class EnumInput(BaseModel):
    """StackOne's enum object as a client sends it."""

    model_config = ConfigDict(extra="forbid")

    value: str | None = Field(None, max_length=100)
    source_value: str | int | float | bool | None = None


class DocumentUpload(BaseModel):
    """StackOne's upload body (`HrisDocumentsUploadRequestDto`): a field it has that is not here is refused."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=MAX_NAME, description="The file's name (no folders)")
    content: str | None = Field(
        None, min_length=1, max_length=MAX_CONTENT, description="The file's bytes, in standard base64"
    )
    file_format: EnumInput | None = None
    category_id: str | None = Field(None, min_length=1, max_length=MAX_ID)
    category: EnumInput | None = None
    confidential: EnumInput | None = None
    path: str | None = Field(None, max_length=2000)

    def request(self) -> FileUploadRequest:
        fmt = self.file_format
        return FileUploadRequest(
            name=self.name,
            content=self.content,
            file_format=fmt.value if fmt is not None and fmt.value != "unmapped_value" else None,
            category_id=self.category_id,
            category=None
            if self.category is None
            else str(self.category.value or self.category.source_value),
            path=self.path,
        )


class BatchUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[DocumentUpload] = Field(min_length=1, max_length=MAX_BATCH)


async def download_document(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    subResourceId: RecordId,
    x_account_id: AccountHeader = None,
    format: Annotated[str | None, Query(max_length=100)] = None,
    export_format: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The document's bytes, as Factorial keeps them, with their content type."""
    asked = {"format": format, "export_format": export_format}
    if any(value is not None for value in asked.values()):
        raise ValidationFailed(
            "Not served",
            errors=[
                {
                    "field": name,
                    "message": "the provider serves the file as it was uploaded, in no other format",
                }
                for name, value in asked.items()
                if value is not None
            ],
        )
    found = await download_file(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/documents",
        id,
        subResourceId,
        policy=request.app.state.retry_policy,
    )
    filename = quote(found.filename, safe="")
    return Response(
        found.content,
        media_type=found.content_type,
        headers={"content-disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


async def upload_document(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    body: DocumentUpload,
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    """Upload one file as a document of the employee; StackOne's write result, with the new document's id."""
    created = await upload_file(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/documents",
        id,
        body.request(),
        policy=request.app.state.retry_policy,
    )
    return {
        "statusCode": 201,
        "message": "Record created successfully.",
        "timestamp": platform.clock().isoformat(),
        "data": {"id": created, "remote_id": created},
    }


async def batch_upload_documents(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    body: BatchUpload,
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    """Upload each file in turn, all checked first; StackOne's batch result, `errors[i]` being item i's."""
    account_id = account_id_of(x_account_id, None)
    uploads = [item.request() for item in body.items]
    check_uploads(uploads)
    errors: list[list[str]] = []
    for upload in uploads:
        try:
            await upload_file(
                platform,
                project,
                account_id,
                "hris/documents",
                id,
                upload,
                policy=request.app.state.retry_policy,
            )
        except LinkyardError as failed:
            if not errors:
                raise  # nothing uploaded yet: the plain error (a missing scope's 403) says it best
            errors.append([failed.message])
        else:
            errors.append([])
    uploaded = sum(1 for item in errors if not item)
    return {
        "statusCode": 202,
        "message": f"{uploaded} of {len(errors)} documents uploaded",
        "timestamp": platform.clock().isoformat(),
        "errors": errors,
    }


def add_routes(routes: APIRouter) -> None:
    documents = "/unified/hris/employees/{id}/documents"
    routes.add_api_route(
        f"{documents}/{{subResourceId}}/download",
        download_document,
        methods=["GET"],
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}, **ERRORS},
        name="hris_download_employee_document",
        tags=["unified hris"],
    )
    routes.add_api_route(
        f"{documents}/upload",
        upload_document,
        methods=["POST"],
        status_code=201,
        responses=ERRORS,
        name="hris_upload_employee_document",
        tags=["unified hris"],
    )
    routes.add_api_route(
        f"{documents}/upload/batch",
        batch_upload_documents,
        methods=["POST"],
        status_code=202,
        responses=ERRORS,
        name="hris_batch_upload_employee_document",
        tags=["unified hris"],
    )
