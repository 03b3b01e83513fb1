"""The admin area: accounts, grants and the organisation tree, each change in the audit log."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from engine.models import Event
from tests.support.webapp import ROOT, USERS, csrf_token, login
from web.accounts import User
from workflows.admission.models import Unit

DEMO_TREE = (ROOT / "workflows/admission/data/org_demo.yaml").read_text(encoding="utf-8")


@pytest.fixture
def admin(client):
    return login(client, "admin")


def _db(app):
    return app.extensions["ketnap_db"]()


def _user(app, name) -> User | None:
    with _db(app) as session:
        user = session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is not None:
            user.memberships  # noqa: B018  (load them before the session closes)
            session.expunge(user)
        return user


def _events(app, kind):
    with _db(app) as session:
        return (
            session.execute(select(Event).where(Event.kind == kind).order_by(Event.seq))
            .scalars()
            .all()
        )


def _post(client, url, data=None, page=None, **kwargs):
    """POST ``data`` with the CSRF token of ``page`` (by default the page at ``url``)."""
    token = csrf_token(client.get(page or "/tai-khoan").get_data(True))
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.mark.parametrize("name", ["cb_tp", "auditor", "designer", "btc"])
def test_only_admins_enter(client, name):
    assert client.get("/quan-tri/nguoi-dung").headers["Location"].startswith("/dang-nhap")
    login(client, name)
    assert client.get("/quan-tri/nguoi-dung").status_code == 403
    assert client.get("/quan-tri/don-vi").status_code == 403
    assert _post(client, "/quan-tri/nguoi-dung/moi", {"username": "x"}).status_code == 403


def test_administration_is_no_task_work(app, admin):
    # An administrator only is sent to the admin area; a reviewer role brings the inbox.
    assert admin.get("/").headers["Location"] == "/quan-tri/nguoi-dung"
    target = _user(app, "admin")
    _post(admin, f"/quan-tri/nguoi-dung/{target.id}/cap-quyen", {"role": "reviewer", "unit": "P1"})
    assert admin.get("/").status_code == 200


def test_user_list_search_and_pages(app, admin):
    listed = admin.get("/quan-tri/nguoi-dung").get_data(True)
    assert all(f">{name}</a>" in listed for name in USERS)
    found = admin.get("/quan-tri/nguoi-dung?q=_").get_data(True)
    assert found.count('data-testid="user-row"') == 3  # "_" is a letter, not a wildcard
    assert "BTC" in admin.get("/quan-tri/nguoi-dung?q=btc").get_data(True)
    app.config["PAGE_SIZE"] = 3
    first = admin.get("/quan-tri/nguoi-dung").get_data(True)
    assert first.count('data-testid="user-row"') == 3 and 'data-testid="page-4"' in first
    for number in (4, 99):  # past the end: the last page
        last = admin.get(f"/quan-tri/nguoi-dung?page={number}").get_data(True)
        assert last.count('data-testid="user-row"') == 1 and ">dt_tp</a>" not in last


def test_create_user_with_grants(app, admin):
    response = _post(
        admin,
        "/quan-tri/nguoi-dung/moi",
        {
            "username": "new_btc",
            "full_name": "Trần Thị Mới",
            "password": "long-enough-pw",
            "role": ["reviewer", "reviewer", ""],
            "unit": ["BTC-DL", "P1", ""],
        },
    )
    assert response.status_code == 302
    user = _user(app, "new_btc")
    assert user.full_name == "Trần Thị Mới"
    assert {(m.role, m.unit_code) for m in user.memberships} == {
        ("reviewer", "BTC-DL"),
        ("reviewer", "P1"),
    }
    [event] = _events(app, "user_created")
    assert event.actor == "admin" and event.request_id and event.client == "127.0.0.1"
    assert json.loads(event.data)["grants"] == ["reviewer@BTC-DL", "reviewer@P1"]
    new = app.test_client()
    page = new.get("/dang-nhap")
    assert (
        new.post(
            "/dang-nhap",
            data={
                "username": "new_btc",
                "password": "long-enough-pw",
                "csrf_token": csrf_token(page.get_data(True)),
            },
        ).status_code
        == 302
    )


def test_create_user_shows_every_problem(app, admin):
    response = _post(
        admin,
        "/quan-tri/nguoi-dung/moi",
        {
            "username": "BTC",
            "full_name": "",
            "password": "short",
            "role": ["reviewer", "admin"],
            "unit": ["NO-SUCH", ""],
        },
    )
    assert response.status_code == 422
    text = response.get_data(True)
    for expected in ("đã có người dùng", "họ và tên", "từ 12", "NO-SUCH", "cả vai trò và đơn vị"):
        assert expected in text, expected
    assert _user(app, "BTC") is None and not _events(app, "user_created")


def test_grant_and_revoke(app, admin):
    target = _user(app, "cb_tp")
    page = f"/quan-tri/nguoi-dung/{target.id}"
    added = _post(admin, page + "/cap-quyen", {"role": "auditor", "unit": "TU-DL"})
    assert added.status_code == 302
    refused = _post(admin, page + "/cap-quyen", {"role": "boss", "unit": "TU-DL"})
    assert refused.status_code == 422 and "boss" in refused.get_data(True)
    granted = {m.role: m for m in _user(app, "cb_tp").memberships}
    assert set(granted) == {"reviewer", "auditor"}
    assert _post(admin, f"{page}/bo-quyen/{granted['reviewer'].id}").status_code == 302
    assert [m.role for m in _user(app, "cb_tp").memberships] == ["auditor"]
    assert json.loads(_events(app, "role_granted")[0].data) == {
        "user": "cb_tp",
        "role": "auditor",
        "unit": "TU-DL",
    }
    assert json.loads(_events(app, "role_revoked")[0].data)["unit"] == "THPT-TP"


def test_admin_cannot_shut_themselves_out(app, admin):
    me = _user(app, "admin")
    assert _post(admin, f"/quan-tri/nguoi-dung/{me.id}/vo-hieu-hoa").status_code == 422
    own = me.memberships[0].id
    assert _post(admin, f"/quan-tri/nguoi-dung/{me.id}/bo-quyen/{own}").status_code == 422
    assert _user(app, "admin").active and _user(app, "admin").memberships


def test_deactivate_after_confirmation_then_reactivate(app, admin):
    victim = login(app.test_client(), "btc")
    target = _user(app, "btc")
    url = f"/quan-tri/nguoi-dung/{target.id}/vo-hieu-hoa"
    confirm = admin.get(url)
    assert confirm.status_code == 200 and "btc" in confirm.get_data(True)
    assert _user(app, "btc").active  # asking is not doing
    assert _post(admin, url, page=url).status_code == 302
    assert not _user(app, "btc").active
    assert victim.get("/tai-khoan").status_code == 302  # the session ended
    assert _events(app, "user_deactivated")[0].actor == "admin"
    assert _post(admin, f"/quan-tri/nguoi-dung/{target.id}/kich-hoat").status_code == 302
    assert _user(app, "btc").active
    assert json.loads(_events(app, "user_updated")[-1].data)["change"] == "reactivated"


def test_reset_password_ends_sessions(app, admin):
    victim = login(app.test_client(), "btc")
    target = _user(app, "btc")
    url = f"/quan-tri/nguoi-dung/{target.id}/mat-khau"
    assert _post(admin, url, {"password": "short"}).status_code == 422
    assert _post(admin, url, {"password": "brand-new-secret"}).status_code == 302
    assert victim.get("/tai-khoan").status_code == 302
    assert json.loads(_events(app, "user_updated")[-1].data)["change"] == "password_reset"


def test_unlock_a_locked_account(app, admin):
    other = app.test_client()
    for _ in range(5):
        other.post(
            "/dang-nhap",
            data={
                "username": "btc",
                "password": "wrong",
                "csrf_token": csrf_token(other.get("/dang-nhap").get_data(True)),
            },
        )
    target = _user(app, "btc")
    assert target.locked_until is not None
    assert "Đang bị khóa" in admin.get(f"/quan-tri/nguoi-dung/{target.id}").get_data(True)
    assert _post(admin, f"/quan-tri/nguoi-dung/{target.id}/mo-khoa").status_code == 302
    login(other, "btc")
    assert json.loads(_events(app, "user_updated")[-1].data)["change"] == "unlocked"


def test_units_list_is_an_indented_tree(admin):
    text = admin.get("/quan-tri/don-vi").get_data(True)
    assert (
        text.index("Thành ủy Đà Lạt")
        < text.index("Chi bộ Trường THPT Trần Phú")
        < text.index("Đoàn trường THPT Trần Phú")
    )
    assert "\u2003\u2003└ Đoàn trường THPT Trần Phú" in text


def _upload(client, content: str, name: str):
    return _post(
        client,
        "/quan-tri/don-vi/nhap",
        page="/quan-tri/don-vi/nhap",
        data={"file": (io.BytesIO(content.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def _confirm_form(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


def _admin_imports(app):
    # The fixture's own import is recorded too, by "system".
    return [e for e in _events(app, "units_imported") if e.actor == "admin"]


def _unit(app, code):
    with _db(app) as session:
        return session.get(Unit, code)


NEW_BRANCH = """
  - code: THPT-NEW
    name: Chi bộ Trường THPT Mới
    kind: branch
    parent: TU-DL
"""


def test_import_shows_every_problem_and_changes_nothing(app, admin):
    broken = (
        "units:\n  - {code: A, name: '', kind: branch, parent: NOWHERE}\n"
        "  - {code: A, name: Again, kind: castle}\n"
    )
    response = _upload(admin, broken, "broken.yaml")
    assert response.status_code == 422
    text = response.get_data(True)
    for expected in ("name is empty", "duplicate code", "unknown kind", "NOWHERE"):
        assert expected in text, expected
    assert _unit(app, "A") is None and not _admin_imports(app)
    assert _upload(admin, "x", "tree.txt").status_code == 422
    latin1 = _post(
        admin,
        "/quan-tri/don-vi/nhap",
        page="/quan-tri/don-vi/nhap",
        data={"file": (io.BytesIO("code\nĐ".encode("cp1258")), "t.csv")},
        content_type="multipart/form-data",
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.get_data(True)


def test_import_previews_then_confirms(app, admin):
    preview = _upload(admin, DEMO_TREE + NEW_BRANCH, "org_new.yaml")
    assert preview.status_code == 200
    text = preview.get_data(True)
    assert "THPT-NEW" in text and "Chi bộ Trường THPT Mới" in text
    assert _unit(app, "THPT-NEW") is None  # a preview writes nothing
    form = _confirm_form(text)
    confirmed = admin.post("/quan-tri/don-vi/nhap/xac-nhan", data=form)
    assert confirmed.status_code == 302
    assert _unit(app, "THPT-NEW").parent_code == "TU-DL"
    [event] = _admin_imports(app)
    assert event.request_id and event.client == "127.0.0.1"
    assert json.loads(event.data)["created"] == ["THPT-NEW"]
    assert json.loads(event.data)["source"] == "org_new.yaml"
    # Confirming the same preview again: the plan is no longer what was shown.
    again = admin.post("/quan-tri/don-vi/nhap/xac-nhan", data=form)
    assert again.status_code == 409 and "không làm thay đổi" in again.get_data(True)
    assert len(_admin_imports(app)) == 1


def test_import_csv_deactivates_missing_units(app, admin):
    csv = (
        "code,name,kind,parent\nTU-DL,Thành ủy Đà Lạt,committee,\n"
        "BTV-DL,Ban Thường vụ Thành ủy Đà Lạt,standing_board,TU-DL\n"
    )
    preview = _upload(admin, csv, "small.csv")
    assert preview.status_code == 200 and "THPT-TP" in preview.get_data(True)
    assert (
        admin.post(
            "/quan-tri/don-vi/nhap/xac-nhan", data=_confirm_form(preview.get_data(True))
        ).status_code
        == 302
    )
    assert not _unit(app, "THPT-TP").active and _unit(app, "BTV-DL").active


def test_tampered_confirmation_is_refused(app, admin):
    form = _confirm_form(_upload(admin, DEMO_TREE + NEW_BRANCH, "t.yaml").get_data(True))
    assert (
        admin.post("/quan-tri/don-vi/nhap/xac-nhan", data={**form, "content": "!!"}).status_code
        == 400
    )
    assert (
        admin.post("/quan-tri/don-vi/nhap/xac-nhan", data={**form, "digest": "0" * 64}).status_code
        == 409
    )
    assert _unit(app, "THPT-NEW") is None


def test_role_labels_cover_every_role():
    from web.accounts import ROLES
    from web.admin.operations import ROLE_LABELS

    assert set(ROLE_LABELS) == set(ROLES)
