"""Attachments are judged by content and stored by sha256; comments are audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from engine import attachments, audit, cases
from engine.cases import unit_of_work
from engine.errors import Conflict, InvalidData, NotFound
from engine.models import Attachment, Comment, Event, WorkItem

from .helpers import ALICE, SUBMIT_OK, deploy_review, make_registry

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


def _nothing_added(factory, root) -> None:
    with factory() as s:
        assert s.execute(select(Attachment)).first() is None
        assert s.execute(select(Comment)).first() is None
    assert not root.exists()


def test_finished_tasks_and_closed_cases_take_nothing(factory, case_id, tmp_path):
    """Refused under the case's row lock, on both databases: a 409, nothing stored."""
    reg, root = make_registry(), tmp_path / "files"
    with factory() as s:
        item = s.execute(select(WorkItem.id).where(WorkItem.case_id == case_id)).scalar_one()
    with unit_of_work(factory) as s:
        cases.complete_task(s, item, SUBMIT_OK, ALICE, registry=reg)
    for add in (
        lambda s: attachments.add_comment(s, case_id, "x", ALICE, work_item_id=item),
        lambda s: attachments.add_attachment(
            s, case_id, "x.pdf", PDF, ALICE, root=root, work_item_id=item
        ),
    ):
        with pytest.raises(Conflict, match="Việc này đã kết thúc"):
            with unit_of_work(factory) as s:
                add(s)
    with unit_of_work(factory) as s:
        cases.cancel(s, case_id, ALICE, registry=reg)
    for add in (
        lambda s: attachments.add_comment(s, case_id, "x", ALICE),
        lambda s: attachments.add_attachment(s, case_id, "x.pdf", PDF, ALICE, root=root),
    ):
        with pytest.raises(Conflict, match="Hồ sơ đã kết thúc"):
            with unit_of_work(factory) as s:
                add(s)
    _nothing_added(factory, root)
