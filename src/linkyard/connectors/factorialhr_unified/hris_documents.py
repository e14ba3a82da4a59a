"""StackOne's employee documents and their categories over Factorial's documents and document folders.

A Factorial document is a file kept about an employee (or the company), filed in a folder: StackOne's document
categories are Factorial's folders, and a document's `category_id` its folder. The file itself is not in the
record: `/download` asks Factorial for a temporary URL and streams the bytes from it.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read
from linkyard.connectors.unified.models import FILE_FORMATS

_FORMATS = {extension: extension for extension in FILE_FORMATS}
"""Factorial's extension is StackOne's file format; one StackOne does not list is `unmapped_value`."""


def resources() -> list[dict[str, Any]]:
    """The document and document category mappings."""
    return [
        {
            "resource": "hris/documents",
            "list_action": "factorialhr_list_documents",
            "get_action": "factorialhr_get_document",
            # Documents in Factorial's trash bin are deleted ones: never listed.
            "list_arguments": {"by_trash_bin": False},
            "updated_after": {},
            "parent": {"param": "employee_ids", "source": "employee_id"},
            "download": {"action": "factorialhr_create_document_download_urls"},
            "upload": {
                "action": "factorialhr_upload_document",
                "file": "file",
                "filename": "file_filename",
                "parent": "employee_id",
                "category": "folder_id",
                "arguments": {"space": "employee_my_documents"},
            },
            "fields": {
                **_ids(),
                "name": _read("filename"),
                "category_id": _read("folder_id"),
                "file_format": _read("extension", enum=_FORMATS),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
        {
            "resource": "hris/documents/employee_categories",
            "list_action": "factorialhr_list_document_folders",
            "get_action": "factorialhr_get_document_folder",
            "fields": {**_ids(), "name": _read("name"), "active": _read("active")},
        },
    ]
