"""Attachments and comments on a case.

A file's type is judged by its content, never by its name or the browser's word; its
bytes are stored once on disk under their sha256 (outside the database), and the row
that names them is written, with its audit event, in the operation's transaction.

A file's name is the sender's, made harmless (``safe_filename``): no folders, no control
or bidi characters, and the extension of the type its content was judged to be. Nothing
is added to a closed case or to a task that is finished: the case row is locked first,
as the operations that close a case or complete a task lock it.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

# The outbox listens to the events of comments too (engine/outbox.py).
from engine import audit, clock, outbox  # noqa: F401
from engine.errors import Conflict, InvalidData, NotFound
from engine.models import Attachment, Case, Comment, WorkItem

MAX_BYTES = 10 * 1024 * 1024
MAX_COMMENT = 5000

# Leading bytes of the formats we accept: PDF and common images.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(content: bytes) -> str | None:
    """The content type of ``content`` if it is one we accept, else None."""
    for magic, kind in _SIGNATURES:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


# Content type -> the extension a file of that type is given, and those that already
# say it (a ".jpeg" stays ".jpeg").
EXTENSIONS = {
    "application/pdf": (".pdf", {".pdf"}),
    "image/png": (".png", {".png"}),
    "image/jpeg": (".jpg", {".jpg", ".jpeg", ".jpe", ".jfif"}),
    "image/gif": (".gif", {".gif"}),
    "image/webp": (".webp", {".webp"}),
}
MAX_NAME = 200
DEFAULT_STEM = "tep-dinh-kem"
# Unicode categories dropped from names: controls, format characters (the bidi
# embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 that make
# "invoice\u202efdp.exe" read "invoiceexe.pdf", zero-width characters), surrogates,
# private use.
_DROPPED = {"Cc", "Cf", "Cs", "Co"}
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")


def _visible(name: str) -> str:
    """``name`` with white space as single spaces and nothing invisible left."""
    kept = (
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", name)
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED
    )
    return " ".join("".join(kept).split())


def safe_filename(name: str, content_type: str | None) -> str:
    """The name a file of ``content_type`` is stored and downloaded under: the last part
    of ``name`` (no folders), without control, bidi and other invisible characters, not
    hidden (no leading dot), at most MAX_NAME characters, ending in the type's extension
    (which replaces one that says something else: "x.exe" of a PDF is "x.pdf"). Without
    a type (a name read back from an old audit event) the name keeps its extension."""
    base = _visible((name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not (dot and _EXTENSION.fullmatch(suffix)):
        stem, suffix = base, ""  # no extension to replace ("tờ trình. bản 2")
    typed = EXTENSIONS.get(content_type or "")  # (its extension, those that say the type)
    if typed is None or "." + suffix.lower() in typed[1]:
        extension = "." + suffix if suffix else ""  # the name's own says the type
    else:
        extension = typed[0]
    stem = stem.rstrip(" .")[: MAX_NAME - len(extension)].rstrip(" .")
    return (stem or DEFAULT_STEM) + extension


def _open_case(session: Session, case_id: int, work_item_id: int | None) -> Case:
    """The case, locked, if a comment or file may still be added to it (and its task)."""
    case = session.execute(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    if case.status == "closed":
        raise Conflict(
            "Hồ sơ đã kết thúc nên không thể thêm ý kiến hay tệp đính kèm. Không có gì được lưu."
        )
    if work_item_id is not None:
        item = session.get(WorkItem, work_item_id, populate_existing=True)
        if item is None or item.case_id != case_id:
            raise NotFound(f"task {work_item_id} not found")
        if item.status != "open":
            raise Conflict(
                "Việc này đã kết thúc (đã hoàn thành hoặc bị hủy) nên không thể thêm ý kiến "
                "hay tệp đính kèm. Không có gì được lưu."
            )
    return case


def storage_path(root: Path, digest: str) -> Path:
    return root / digest[:2] / digest


def add_attachment(
    session: Session,
    case_id: int,
    filename: str,
    content: bytes,
    actor,
    *,
    root: Path,
    work_item_id: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> Attachment:
    _open_case(session, case_id, work_item_id)
    if len(content) > max_bytes:
        raise InvalidData({"file": [f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB)."]})
    kind = sniff(content)
    if kind is None:
        raise InvalidData({"file": ["Chỉ nhận tệp PDF hoặc ảnh (PNG, JPEG, GIF, WEBP)."]})
    digest = hashlib.sha256(content).hexdigest()
    path = storage_path(root, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        os.replace(tmp, path)  # never a half-written file under the final name
    item = Attachment(
        case_id=case_id,
        work_item_id=work_item_id,
        filename=safe_filename(filename, kind),
        content_type=kind,
        size=len(content),
        sha256=digest,
        uploaded_by=actor.name,
        uploaded_at=clock.now(),
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        "attachment_added",
        actor=actor.name,
        case_id=case_id,
        data={
            "attachment": item.id,
            "filename": item.filename,
            "sha256": digest,
            "size": item.size,
            "task": work_item_id,
        },
        **actor.request,
    )
    return item


def add_comment(
    session: Session, case_id: int, body: str, actor, *, work_item_id: int | None = None
) -> Comment:
    body = (body or "").strip()
    if not body:
        raise InvalidData({"body": ["Bắt buộc nhập."]})
    if len(body) > MAX_COMMENT:
        raise InvalidData({"body": [f"Tối đa {MAX_COMMENT} ký tự."]})
    _open_case(session, case_id, work_item_id)
    comment = Comment(
        case_id=case_id,
        work_item_id=work_item_id,
        author=actor.name,
        body=body,
        created_at=clock.now(),
    )
    session.add(comment)
    session.flush()
    audit.record(
        session,
        "comment_added",
        actor=actor.name,
        case_id=case_id,
        data={"comment": comment.id, "body": body, "task": work_item_id},
        **actor.request,
    )
    return comment
