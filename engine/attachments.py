"""Attachments and comments on a case.

A file's type is judged by its content, never by its name or the browser's word; its
bytes are stored once on disk under their sha256 (outside the database), and the row
that names them is written, with its audit event, in the operation's transaction.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import InvalidData, NotFound
from engine.models import Attachment, Case, Comment

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


def safe_filename(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = re.sub(r"[\x00-\x1f\x7f/]", "", base)[:200]
    return base or "tep-dinh-kem"


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
    if session.get(Case, case_id) is None:
        raise NotFound(f"case {case_id} not found")
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
        filename=safe_filename(filename),
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
    if session.get(Case, case_id) is None:
        raise NotFound(f"case {case_id} not found")
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
