"""Unified records that are files (an employee's documents): downloading one's bytes, uploading new ones.

Both go through `run_action`, so they are enforced as every action is (the actions enabled on the profile, their
scopes granted, the account active, the fair shares, the token keeper). A download asks the provider for a
temporary URL and fetches it without credentials, only on the provider's own origin: a URL elsewhere is refused
rather than followed (the platform never fetches where the provider's answer alone points it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from linkyard.connectors import FilePart
from linkyard.connectors.files import (
    MAX_CONTENT,
    MAX_NAME,
    checked_name,
    decode_content,
    guess_type,
    with_extension,
)
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.connectors.unified import FieldMapping
from linkyard.domain import Project
from linkyard.errors import FieldError, NotFound, ProviderError, ValidationFailed
from linkyard.oauth.recording import current_recording
from linkyard.services.actions import run_action
from linkyard.services.platform import Platform
from linkyard.services.unified.reads import UnifiedQuery, get_record, mapping_of

__all__ = [
    "MAX_CONTENT",
    "MAX_NAME",
    "DownloadedFile",
    "FileUploadRequest",
    "check_upload",
    "check_uploads",
    "download_file",
    "upload_file",
]


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    """A file's bytes, its content type and its name."""

    content: bytes
    content_type: str
    filename: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FileUploadRequest:
    """StackOne's upload body, as given: `content` is base64 text."""

    name: str | None = None
    content: str | None = None
    file_format: str | None = None
    category_id: str | None = None
    category: str | None = None
    path: str | None = None


async def download_file(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    parent_id: str,
    record_id: str,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> DownloadedFile:
    """The bytes of the file `record_id` of the employee `parent_id`: 404 when the employee has no such record,
    502 when the provider's URL is not on its own origin or answers anything but the file."""
    _, mapping = await mapping_of(platform, project, account_id, resource)
    download = mapping.download
    if download is None:
        raise NotFound(f"The provider offers no download of {resource}", code="unified_resource_not_mapped")
    record = await get_record(
        platform,
        project,
        account_id,
        resource,
        record_id,
        UnifiedQuery(raw=True),
        parent_id=parent_id,
        policy=policy,
    )
    source = record.raw[0]["response"] if record.raw else {}
    result = await run_action(
        platform, project, account_id, download.action, {download.ids: [record_id]}, policy=policy
    )
    url_of = FieldMapping(source=download.url).search
    urls = [url_of(item) for item in result.data or () if isinstance(item, dict)]
    url = next((found for found in urls if isinstance(found, str)), None)
    if url is None or result.response is None:
        raise ProviderError("The provider gave no download URL for the file")
    if _origin(url) != _origin(result.response.url):
        raise ProviderError("The provider's download URL is not on its own origin; it is not followed")
    entry = current_recording()
    if entry is not None:
        entry.secrets.append(urlsplit(url).query)  # the URL's signature is a credential while it lasts
    answer = await platform.provider.fetch(url, timeout=policy.attempt_timeout)
    if answer.status_code != 200:
        raise ProviderError(f"The provider's download URL answered {answer.status_code}")
    declared = source.get("content_type") if isinstance(source, dict) else None
    filename = source.get("filename") if isinstance(source, dict) else None
    content_type = answer.headers.get("content-type") or declared or "application/octet-stream"
    return DownloadedFile(answer.content, content_type, str(filename or record_id))


async def upload_file(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    parent_id: str,
    upload: FileUploadRequest,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    field_prefix: str = "",
) -> str:
    """Upload StackOne's `upload` body as a file record of the employee `parent_id`; the new record's id.

    Everything in the body is honoured or refused: a body without a name or content, content that is not base64,
    a category named without its id, or a `path` (a file to fetch) is a 422 naming each field (`field_prefix`
    before its name, for a batch's `items[3].`), before anything is sent.
    """
    _, mapping = await mapping_of(platform, project, account_id, resource)
    target = mapping.upload
    if target is None:
        raise NotFound(f"The provider offers no upload of {resource}", code="unified_resource_not_mapped")
    _keep_out_of_log([upload])
    filename, content = check_upload(upload, field_prefix)
    arguments: dict[str, Any] = {**target.arguments, target.filename: filename, target.parent: parent_id}
    if upload.category_id is not None and target.category is not None:
        arguments[target.category] = upload.category_id
    content_type = guess_type(filename)
    try:
        result = await run_action(
            platform,
            project,
            account_id,
            target.action,
            arguments,
            policy=policy,
            files={target.file: FilePart(filename, content_type, content)},
        )
    except ValidationFailed as invalid:
        # The employee (from the path) or the category is an id the provider could never have given.
        if invalid.errors and all(e["field"] == target.parent for e in invalid.errors):
            raise NotFound("No such employee in the account", code="record_not_found") from None
        renamed = {target.category: "category_id", target.filename: "name"}
        raise ValidationFailed(
            invalid.message,
            errors=[
                {"field": f"{field_prefix}{renamed.get(e['field'], e['field'])}", "message": e["message"]}
                for e in invalid.errors or ()
            ],
        ) from None
    created = result.data if isinstance(result.data, dict) else {}
    created_id = mapping.fields["id"].search(created) if "id" in mapping.fields else None
    if created_id is None:
        raise ProviderError("The provider's answer to the upload names no record")
    return str(created_id)


def check_upload(upload: FileUploadRequest, prefix: str = "") -> tuple[str, bytes]:
    """The file name and bytes of StackOne's upload body, or a 422 naming every field that cannot be honoured."""
    problems: list[FieldError] = []
    name, name_problem = checked_name(upload.name)
    if name_problem is not None:
        problems.append({"field": f"{prefix}name", "message": name_problem})
    content, content_problem = decode_content(upload.content)
    if content_problem is not None:
        problems.append({"field": f"{prefix}content", "message": content_problem})
    if upload.category is not None and upload.category_id is None:
        problems.append(
            {
                "field": f"{prefix}category",
                "message": "the provider files documents in categories by id: give category_id",
            }
        )
    if upload.path is not None:
        problems.append(
            {"field": f"{prefix}path", "message": "the provider takes the file's content, not a path"}
        )
    if problems:
        raise ValidationFailed("Invalid upload", errors=problems)
    return with_extension(name, upload.file_format), content


def check_uploads(uploads: Sequence[FileUploadRequest]) -> None:
    """Every item of a batch checked before any is sent: one 422 naming each bad field of each item."""
    _keep_out_of_log(uploads)
    problems: list[FieldError] = []
    for index, upload in enumerate(uploads):
        try:
            check_upload(upload, f"items[{index}].")
        except ValidationFailed as invalid:
            problems += invalid.errors or []
    if problems:
        raise ValidationFailed("Invalid upload", errors=problems)


def _keep_out_of_log(uploads: Sequence[FileUploadRequest]) -> None:
    """The call's request log shows each file's size, never its content."""
    entry = current_recording()
    if entry is not None:
        entry.files += [upload.content for upload in uploads if upload.content]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
