"""Nothing is added to a closed case or a finished task: files and comments answer 409
with a Vietnamese message and store nothing (no row, no event, no bytes on disk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import attachments, cases
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict
from engine.models import Attachment, Comment
from tests.support.driving import do, event_count, factory, item_id, start

from .test_files import PDF, comment, upload
from .test_inbox import as_user


def _stored(app) -> tuple[int, int, bool]:
    """(attachment rows, comment rows, whether any file is on disk)."""
    root = Path(app.config["ATTACHMENTS_DIR"])
    with factory(app)() as s:
        files = s.execute(select(func.count()).select_from(Attachment)).scalar()
        notes = s.execute(select(func.count()).select_from(Comment)).scalar()
    return files, notes, root.exists() and any(p.is_file() for p in root.rglob("*"))


def _refused(app, case: int, item: int, says: str) -> None:
    branch = as_user(app, "cb_tp")
    page = branch.get(f"/viec/{item}").get_data(True)
    assert 'data-testid="upload"' not in page and 'data-testid="add-comment"' not in page
    before = event_count(app, case)
    for response in (upload(branch, item, PDF), comment(branch, item, "Bổ sung giấy tờ.")):
        assert response.status_code == 409
        assert says in response.get_data(True) and "Không có gì được lưu" in response.get_data(True)
    assert _stored(app) == (0, 0, False)
    assert event_count(app, case) == before


def test_a_completed_task_takes_no_files_or_comments(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    do(app, case, "accept_sympathiser")
    _refused(app, case, item, "Việc này đã kết thúc")
    # The case's next task still takes them.
    following = item_id(app, case, "attend_class")
    assert comment(as_user(app, "ttct"), following, "Đã nhập học.").status_code == 302


def test_a_closed_case_takes_no_files_or_comments(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    with unit_of_work(factory(app)) as s:
        cases.cancel(s, case, Actor("btc"), "nộp nhầm")
    _refused(app, case, item, "Hồ sơ đã kết thúc")


def test_the_engine_refuses_a_closed_cases_comment_without_a_task(app):
    case = start(app)
    with unit_of_work(factory(app)) as s:
        cases.cancel(s, case, Actor("btc"), "nộp nhầm")
    root = Path(app.config["ATTACHMENTS_DIR"])
    for add in (
        lambda s: attachments.add_comment(s, case, "Ý kiến", Actor("btc")),
        lambda s: attachments.add_attachment(s, case, "x.pdf", PDF, Actor("btc"), root=root),
    ):
        with pytest.raises(Conflict, match="Hồ sơ đã kết thúc"):
            with unit_of_work(factory(app)) as s:
                add(s)
    assert _stored(app) == (0, 0, False)
