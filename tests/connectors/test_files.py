"""A file as a caller hands it over in JSON (StackOne's upload shape): what is taken, and what is refused naming
the member, never repeating the value."""

from __future__ import annotations

from linkyard.connectors.files import MAX_CONTENT, FilePart, FileSlot, read_file

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_file_is_its_name_its_decoded_bytes_and_a_content_type_given_or_guessed() -> None:
    assert read_file({"name": "payslip", "content": "aGk=", "file_format": {"value": "pdf"}}, "file") == (
        FilePart("payslip.pdf", "application/pdf", b"hi"),
        [],
    )
    assert read_file({"name": "cv.docx", "content": "aGk=", "content_type": DOCX}, "file") == (
        FilePart("cv.docx", DOCX, b"hi"),
        [],
    )
    assert read_file({"name": "blob", "content": "aGk="}, "file")[0] == FilePart(
        "blob", "application/octet-stream", b"hi"
    )


def test_every_bad_member_is_named_and_no_value_is_repeated() -> None:
    part, problems = read_file(
        {
            "name": "../etc/passwd",
            "content": "c2VjcmV0 !",
            "file_format": "p d f",
            "content_type": "x",
            "path": "/x",
        },
        "attachments[2]",
    )
    assert part is None
    assert [problem["field"] for problem in problems] == [
        "attachments[2].path",
        "attachments[2].name",
        "attachments[2].content",
        "attachments[2].file_format",
        "attachments[2].content_type",
    ]
    assert "passwd" not in str(problems) and "c2VjcmV0" not in str(problems)
    assert read_file("a path", "file")[1][0]["field"] == "file"
    too_long = read_file({"name": "a.bin", "content": "A" * (MAX_CONTENT + 4)}, "file")[1]
    assert too_long == [
        {
            "field": "file.content",
            "message": f"must be at most {MAX_CONTENT} characters of base64 (a file of about 1 MB)",
        }
    ]


def test_a_list_part_takes_up_to_ten_files_and_names_the_bad_one_by_position() -> None:
    slot = FileSlot(name="attachments", many=True)
    assert slot.part_name == "attachments[]"
    parts, problems = slot.read([{"name": "a.txt", "content": "YQ=="}, {"name": "b.txt", "content": "Yg=="}])
    assert [part.content for part in parts] == [b"a", b"b"] and problems == []
    assert slot.read([{"name": "a.txt", "content": "YQ=="}] * 11)[1] == [
        {"field": "attachments", "message": "must hold at most 10 items"}
    ]
    assert slot.read([{"name": "a.txt", "content": "!"}])[1] == [
        {"field": "attachments[0].content", "message": "is not base64"}
    ]
