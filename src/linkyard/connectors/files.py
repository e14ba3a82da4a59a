"""The files an upload action sends: how a caller hands one over as JSON (StackOne's upload shape: base64
`content`, a `name`, an optional `file_format`), its schema, and the checks that turn it into a file part.

A JSON call cannot carry bytes, so a file travels as base64 text and becomes a `multipart/form-data` file part
only on the way to the provider. The unified API's document upload takes the same shape and the same checks
(`linkyard.services.unified.files`); both are bounded like the API's request bodies.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linkyard.errors import FieldError

MAX_NAME = 255
"""The longest file name taken."""
MAX_CONTENT = 1_400_000
"""The most base64 characters of one file: a file of about 1 MB, which is what the API's request body cap
(1 MB by default) lets through anyway."""
MAX_FORMAT = 20
"""The longest `file_format` (an extension such as `pdf`) taken."""
MAX_MEDIA_TYPE = 255
"""The longest `content_type` taken: two names of at most 127 characters each (RFC 6838)."""
MAX_FILES = 10
"""The most files one list part (`attachments[]`) takes."""
_FIELDS = frozenset({"name", "content", "file_format", "content_type"})
_MEDIA_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-")


@dataclass(frozen=True, slots=True)
class FilePart:
    """A file a multipart action sends: its name, content type and bytes."""

    filename: str
    content_type: str
    content: bytes


class FileSlot(BaseModel):
    """A file part of a multipart action (`file`), or a list of them (`attachments[]` when `many`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    many: bool = False
    required: bool = True

    @property
    def part_name(self) -> str:
        """The name of the multipart part: `attachments[]` for a list, as Factorial names them."""
        return f"{self.name}[]" if self.many else self.name

    def json_schema(self) -> dict[str, Any]:
        """The argument's schema: one file object, or a list of them (at most `MAX_FILES`)."""
        if not self.many:
            return file_schema(f"The file to upload as `{self.name}`: {_SHAPE}")
        return {
            "type": "array",
            "description": f"The files to upload as `{self.part_name}`, each {_SHAPE}",
            "items": file_schema("One file."),
            "maxItems": MAX_FILES,
        }

    def read(self, value: object) -> tuple[list[FilePart], list[FieldError]]:
        """The file parts a caller's JSON `value` gives, or the errors naming each bad field (never a value)."""
        if not self.many:
            part, problems = read_file(value, self.name)
            return ([part] if part is not None else []), problems
        if not isinstance(value, list) or not value:
            return [], [{"field": self.name, "message": "must be a list of files"}]
        if len(value) > MAX_FILES:
            return [], [{"field": self.name, "message": f"must hold at most {MAX_FILES} items"}]
        parts: list[FilePart] = []
        problems = []
        for index, item in enumerate(value):
            part, found = read_file(item, f"{self.name}[{index}]")
            problems += found
            if part is not None:
                parts.append(part)
        return parts, problems


_SHAPE = (
    'an object {"name": "contract.pdf", "content": "<the bytes in standard base64>"}, optionally with '
    '"file_format" (an extension, e.g. "pdf", added to the name when missing) and "content_type" (e.g. '
    '"application/pdf"; by default guessed from the name).'
)


def file_schema(description: str) -> dict[str, Any]:
    """The JSON schema of one file as a caller sends it."""
    return {
        "type": "object",
        "description": description,
        "properties": {
            "name": {"type": "string", "description": "The file's name (no folders).", "maxLength": MAX_NAME},
            "content": {
                "type": "string",
                "description": "The file's bytes in standard base64.",
                "contentEncoding": "base64",
                "maxLength": MAX_CONTENT,
            },
            "file_format": {
                "type": "string",
                "description": "The file's extension (pdf); added to the name when it lacks it.",
                "maxLength": MAX_FORMAT,
            },
            "content_type": {
                "type": "string",
                "description": "The media type (application/pdf); by default guessed from the name.",
                "maxLength": MAX_MEDIA_TYPE,
            },
        },
        "required": ["name", "content"],
        "additionalProperties": False,
        "maxProperties": len(_FIELDS),
    }


def read_file(value: object, field: str) -> tuple[FilePart | None, list[FieldError]]:
    """One file from a caller's JSON object: its part, or the errors naming each bad member (`file.content`)."""
    if isinstance(value, FilePart):
        return value, []  # bytes already in hand (an in-process caller)
    if not isinstance(value, Mapping):
        return None, [{"field": field, "message": f"must be a file: {_SHAPE}"}]
    problems: list[FieldError] = [
        {"field": f"{field}.{_shown(key)}", "message": "is not a member of a file"}
        for key in value
        if key not in _FIELDS
    ]
    name, name_problem = checked_name(value.get("name"))
    if name_problem is not None:
        problems.append({"field": f"{field}.name", "message": name_problem})
    content, content_problem = decode_content(value.get("content"))
    if content_problem is not None:
        problems.append({"field": f"{field}.content", "message": content_problem})
    extension = value.get("file_format")
    if isinstance(extension, Mapping):  # StackOne's enum object: {"value": "pdf"}
        extension = extension.get("value")
    if extension is not None and not (isinstance(extension, str) and _is_word(extension)):
        problems.append({"field": f"{field}.file_format", "message": "must be an extension such as pdf"})
    content_type = value.get("content_type")
    if content_type is not None and not (isinstance(content_type, str) and _is_media_type(content_type)):
        problems.append(
            {"field": f"{field}.content_type", "message": "must be a media type such as text/plain"}
        )
    if problems:
        return None, problems
    filename = with_extension(name, extension if isinstance(extension, str) else None)
    return FilePart(filename, content_type or guess_type(filename), content), []


def checked_name(raw: object) -> tuple[str, str | None]:
    """A file name as given (stripped), or why it cannot be one."""
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        return "", "is required: the file's name"
    if len(name) > MAX_NAME or "/" in name or "\\" in name or not name.isprintable():
        return "", f"must be a file name (no folders) of at most {MAX_NAME} characters"
    return name, None


def decode_content(raw: object) -> tuple[bytes, str | None]:
    """A file's bytes from standard base64 text, or why they cannot be read (missing, too large, not base64)."""
    if not isinstance(raw, str) or not raw:
        return b"", "is required: the file's bytes in base64"
    if len(raw) > MAX_CONTENT:
        return b"", f"must be at most {MAX_CONTENT} characters of base64 (a file of about 1 MB)"
    try:
        return base64.b64decode(raw, validate=True), None
    except (binascii.Error, ValueError):
        return b"", "is not base64"


def with_extension(name: str, extension: str | None) -> str:
    """The name with `.extension` added unless it already ends so."""
    wanted = (extension or "").strip().lower()
    return f"{name}.{wanted}" if wanted and not name.lower().endswith(f".{wanted}") else name


def guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _is_word(text: str) -> bool:
    return 0 < len(text) <= MAX_FORMAT and text.isascii() and text.replace("_", "").isalnum()


def _is_media_type(text: str) -> bool:
    kind, slash, sub = text.partition("/")
    return bool(slash) and all(
        0 < len(part) <= 127 and set(part) <= _MEDIA_CHARACTERS for part in (kind, sub)
    )


def _shown(key: object) -> str:
    text = "".join(c if c.isalnum() or c in "_-" else "?" for c in str(key))
    return text if len(text) <= 64 else f"{text[:61]}..."


def carried_contents(arguments: object) -> list[str]:
    """The base64 text of every file an action's arguments carry (a file object's `content`, alone or in a list),
    whatever the action: what its request log must not keep, known before the action is even found."""
    if not isinstance(arguments, Mapping):
        return []
    found: list[str] = []
    for value in arguments.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping) and isinstance(item.get("content"), str):
                found.append(item["content"])
    return found
