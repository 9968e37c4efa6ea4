"""Storing an upload: a short list of document types, a size bound, one row per distinct content.

The declared type must be one we accept and the bytes must look like it (a PDF starts with
`%PDF-`, text is UTF-8 ...), so a download served with that type is what it says. Identical
content uploaded twice, by anyone, is stored once: the row's key is its SHA-256.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from domain.errors import InvalidInput
from domain.persistence.tables import StoredFile
from domain.persistence.uow import UnitOfWork

_ZIP = b"PK\x03\x04"
# content type -> the bytes a file of that type starts with (None: UTF-8 text)
ALLOWED_TYPES: dict[str, bytes | None] = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ZIP,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ZIP,
    "text/csv": None,
    "text/plain": None,
    "application/json": None,
}


def media_type(header: str | None) -> str:
    """`text/csv; charset=utf-8` -> `text/csv` (parameters dropped, lower case)."""
    return (header or "").split(";", 1)[0].strip().lower()


def check(content: bytes, content_type: str, max_bytes: int) -> str:
    """The SHA-256 of an acceptable upload; InvalidInput naming what is wrong otherwise."""
    if content_type not in ALLOWED_TYPES:
        raise InvalidInput(
            f"Content-Type {content_type or '(none)'!r} is not accepted; "
            f"send one of: {', '.join(ALLOWED_TYPES)}",
            code="unsupported_file_type",
            field="Content-Type",
        )
    if not content:
        raise InvalidInput("the file is empty", code="empty_file", field="body")
    if len(content) > max_bytes:
        raise InvalidInput(
            f"the file has {len(content)} bytes; at most {max_bytes} are accepted",
            code="file_too_large",
            field="body",
            max_bytes=max_bytes,
        )
    magic = ALLOWED_TYPES[content_type]
    if magic is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(
                f"a {content_type} file must be UTF-8 text", code="file_type_mismatch", field="body"
            ) from None
        if "\x00" in text:
            raise InvalidInput(
                "text holds the NUL character", code="file_type_mismatch", field="body"
            )
    elif not content.startswith(magic):
        raise InvalidInput(
            f"the content is not a {content_type} file", code="file_type_mismatch", field="body"
        )
    return hashlib.sha256(content).hexdigest()


async def store(
    uow: UnitOfWork, content: bytes, content_type: str, *, max_bytes: int, now: datetime
) -> StoredFile:
    """The stored file for this content: the existing row if the same bytes came before."""
    sha256 = check(content, content_type, max_bytes)
    return await uow.files.put(
        StoredFile(
            sha256=sha256,
            size=len(content),
            content_type=content_type,
            content=content,
            created_at=now,
        )
    )
