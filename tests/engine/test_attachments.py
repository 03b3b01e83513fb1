"""Attachments are judged by content and stored by sha256; comments are audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from engine import attachments, audit, cases
from engine.cases import unit_of_work
from engine.errors import InvalidData, NotFound
from engine.models import Attachment, Event

from .helpers import ALICE, deploy_review, make_registry

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def case_id(factory):
    reg = make_registry()
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        return cases.start_case(s, "review", {"full_name": "A"}, ALICE, registry=reg).id


def test_pdf_is_stored_by_hash_and_audited(factory, case_id, tmp_path):
    with unit_of_work(factory) as s:
        item = attachments.add_attachment(
            s, case_id, "../../etc/don.pdf", PDF, ALICE, root=tmp_path / "files"
        )
    digest = hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / "files" / digest[:2] / digest).read_bytes() == PDF
    assert (item.filename, item.content_type, item.sha256) == ("don.pdf", "application/pdf", digest)
    with unit_of_work(factory) as s:
        assert [e.kind for e in audit.history(s, case_id)][-1] == "attachment_added"


@pytest.mark.parametrize("content", [b"MZ\x90\x00 not a pdf", b"<script>alert(1)</script>", b"%PD"])
def test_other_content_is_refused_whatever_its_name(factory, case_id, tmp_path, content):
    with pytest.raises(InvalidData):
        with unit_of_work(factory) as s:
            attachments.add_attachment(
                s, case_id, "anh.png", content, ALICE, root=tmp_path / "files"
            )
    assert not (tmp_path / "files").exists()
    with unit_of_work(factory) as s:
        assert s.execute(select(Attachment)).first() is None


def test_oversized_file_is_refused(factory, case_id, tmp_path):
    with pytest.raises(InvalidData):
        with unit_of_work(factory) as s:
            attachments.add_attachment(
                s,
                case_id,
                "x.pdf",
                PDF + b"0" * 2000,
                ALICE,
                root=tmp_path / "files",
                max_bytes=1000,
            )


def test_comment_is_recorded_and_empty_refused(factory, case_id):
    with unit_of_work(factory) as s:
        attachments.add_comment(s, case_id, "  Hồ sơ đủ.  ", ALICE)
    with pytest.raises(InvalidData):
        with unit_of_work(factory) as s:
            attachments.add_comment(s, case_id, "   ", ALICE)
    with pytest.raises(NotFound):
        with unit_of_work(factory) as s:
            attachments.add_comment(s, 999, "x", ALICE)
    with unit_of_work(factory) as s:
        [ev] = s.execute(select(Event).where(Event.kind == "comment_added")).scalars()
        assert "Hồ sơ đủ." in ev.data
