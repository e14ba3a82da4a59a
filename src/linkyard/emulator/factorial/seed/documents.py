"""Documents: the company's folders and the files kept in them about its people (contracts, payslips, IDs)."""

from __future__ import annotations

from ..state import Row
from .seeding import Seeding
from .timestamps import DAY_SECONDS

FOLDERS = ("Contracts", "Payslips", "Identity documents", "Certificates")
"""The employee folders every company starts with; "Company policies" is the company's own."""

# Per kind of document: its folder, name, extension and content type.
_KINDS = (
    (0, "Employment contract", "pdf", "application/pdf"),
    (1, "Payslip", "pdf", "application/pdf"),
    (2, "ID card", "png", "image/png"),
    (3, "Training certificate", "txt", "text/plain"),
)
_PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def seed_documents(seeding: Seeding) -> None:
    """The folders, and one to three documents for about a third of the staff, each with its bytes."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    admin = seeding.people[0].row
    folders = [
        seeding.insert(
            "documents/folders",
            {"name": name, "space": "employee_my_documents", "active": True, "parent_folder_id": None},
        )
        for name in FOLDERS
    ]
    seeding.insert(
        "documents/folders",
        {"name": "Company policies", "space": "company_internal", "active": True, "parent_folder_id": None},
    )
    for person in seeding.people:
        if rng.random() >= 0.35:
            continue
        employee = person.row
        for _ in range(1 + int(rng.random() * 3)):
            folder, title, extension, content_type = rng.choice(_KINDS)
            created = time.start_of(max(person.hired, today - 400) + rng.randint(0, 60)) + rng.randrange(
                8 * 3600, 18 * 3600
            )
            stamp = time.stamp(created)
            text = f"{title} of {employee['full_name']}, issued {stamp[:10]}.\n"
            content = _PNG_HEADER + text.encode() if extension == "png" else text.encode()
            if extension == "pdf":
                content = b"%PDF-1.4\n%" + text.encode() + b"%%EOF\n"
            row: Row = {
                "filename": f"{title.lower().replace(' ', '_')}_{stamp[:10]}.{extension}",
                "space": "employee_my_documents",
                "public": False,
                "author_id": admin["access_id"],
                "content_type": content_type,
                "employee_id": employee["id"],
                "extension": extension,
                "file_size": len(content),
                "folder_id": folders[folder]["id"],
                "is_company_document": False,
                "is_management_document": False,
                "is_pending_assignment": False,
                "leave_id": None,
                "signature_status": "completed" if folder == 0 else None,
                "signees": [str(employee["access_id"])] if folder == 0 else [],
                "created_at": stamp,
                "updated_at": time.stamp(created + rng.randrange(0, 3 * DAY_SECONDS)),
                "deleted_at": None,
                "_content": content,
            }
            seeding.insert("documents/documents", row)
