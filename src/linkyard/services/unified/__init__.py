"""The unified API's use cases: StackOne's models read from and written to a linked account through its connector's
mapping."""

from linkyard.services.unified.files import (
    DownloadedFile,
    FileUploadRequest,
    check_uploads,
    download_file,
    upload_file,
)
from linkyard.services.unified.nested import get_under, get_within, list_under, list_within
from linkyard.services.unified.reads import (
    UnifiedPage,
    UnifiedQuery,
    UnifiedRecord,
    get_record,
    list_records,
)
from linkyard.services.unified.writes import (
    Written,
    create_record,
    delete_record,
    run_operation,
    update_record,
)

__all__ = [
    "DownloadedFile",
    "FileUploadRequest",
    "UnifiedPage",
    "UnifiedQuery",
    "UnifiedRecord",
    "Written",
    "check_uploads",
    "create_record",
    "delete_record",
    "download_file",
    "get_record",
    "get_under",
    "get_within",
    "list_records",
    "list_under",
    "list_within",
    "run_operation",
    "update_record",
    "upload_file",
]
