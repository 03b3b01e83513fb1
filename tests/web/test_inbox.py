"""The inbox page: whose tasks it shows, its tabs and counts, search, filters, order,
pages, deadlines that stand out, and claim / unclaim / reassign."""

from __future__ import annotations

import re
from datetime import timedelta

from engine import clock
from engine.cases import unit_of_work
from tests.support.driving import do, factory, get_item, item_id, set_item, start
from tests.support.webapp import csrf_token, login, password
from web.accounts import create_user


def rows(response) -> list[int]:
    html = response.get_data(True)
    return [int(n) for n in re.findall(r'data-testid="task-row" data-item-id="(\d+)"', html)]


def counts(response) -> dict[str, int]:
    html = response.get_data(True)
    return {tab: int(n) for tab, n in re.findall(r'data-testid="count-(\w+)">(\d+)<', html)}


def as_user(app, name: str):
    return login(app.test_client(), name)


def add_reviewer(app, name: str, *units: str) -> None:
    with unit_of_work(factory(app)) as s:
        create_user(
            s,
            name,
            password(name),
            full_name=name.upper(),
            memberships=[(unit, "reviewer") for unit in units],
        )


def post(client, url: str, **data):
    page = client.get("/")
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(True)), **data})


def test_inbox_shows_exactly_the_units_tasks(app):
    case = start(app)
    first = item_id(app, case, "accept_sympathiser")
    branch = as_user(app, "cb_tp")
    assert rows(branch.get("/?tab=unit")) == [first]
    for name in ("cb_btx", "dt_tp", "p1"):
        other = as_user(app, name)
        assert rows(other.get("/?tab=unit")) == []
        assert counts(other.get("/")) == {"mine": 0, "unit": 0, "overdue": 0, "done": 0}


def test_inbox_needs_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302 and "/dang-nhap" in response.location


def test_tabs_and_their_counts(app):
    claimed, overdue, soon, done = (
        start(app, full_name=name)
        for name in ("Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Em", "Đỗ Thị Hà")
    )
    cb = as_user(app, "cb_tp")
    assert post(cb, f"/viec/{item_id(app, claimed, 'accept_sympathiser')}/nhan").status_code == 302
    do(app, done, "accept_sympathiser", who="cb_tp")
    now = clock.now()
    set_item(app, item_id(app, overdue, "accept_sympathiser"), due_at=now - timedelta(days=1))
    set_item(app, item_id(app, soon, "accept_sympathiser"), due_at=now + timedelta(days=1))

    page = cb.get("/")  # no tab: one's own tasks first, as there are some
    assert counts(page) == {"mine": 1, "unit": 2, "overdue": 1, "done": 1}
    assert rows(page) == [item_id(app, claimed, "accept_sympathiser")]
    assert 'data-testid="tab-mine" aria-current="page"' in page.get_data(True)
    assert rows(cb.get("/?tab=overdue")) == [item_id(app, overdue, "accept_sympathiser")]
    assert len(rows(cb.get("/?tab=done"))) == 1
    unit_page = cb.get("/?tab=unit").get_data(True)
    assert re.search(r'<tr class="overdue" data-testid="task-row"', unit_page)
    assert re.search(r'<tr class="due-soon" data-testid="task-row"', unit_page)


def test_without_own_tasks_the_inbox_opens_on_the_units(app):
    start(app)
    page = as_user(app, "cb_tp").get("/").get_data(True)
    assert 'data-testid="tab-unit" aria-current="page"' in page


def test_search_with_and_without_diacritics(app):
    an = start(app, full_name="Nguyễn Văn An")
    start(app, full_name="Trần Thị Bình")
    cb = as_user(app, "cb_tp")
    wanted = [item_id(app, an, "accept_sympathiser")]
    for typed in ("nguyen van an", "Nguyễn Văn An", "NGUYEN an"):
        assert rows(cb.get("/", query_string={"tab": "unit", "q": typed})) == wanted
    page = cb.get("/", query_string={"tab": "unit", "q": "binh"})
    assert len(rows(page)) == 1 and counts(page)["unit"] == 1


def test_filters_by_step_category_and_unit(app):
    add_reviewer(app, "multi", "THPT-TP", "TTCT-DL")
    waiting = start(app, full_name="Lê Văn Cường")
    at_class = start(app, full_name="Phạm Thị Dung")
    other = start(app, full_name="Võ Văn Em", category="other")
    do(app, at_class, "accept_sympathiser")
    client = as_user(app, "multi")
    assert len(rows(client.get("/?tab=unit"))) == 3
    assert rows(client.get("/?tab=unit&step=attend_class")) == [
        item_id(app, at_class, "attend_class")
    ]
    assert sorted(rows(client.get("/?tab=unit&unit=THPT-TP"))) == sorted(
        [item_id(app, waiting, "accept_sympathiser"), item_id(app, other, "accept_sympathiser")]
    )
    assert rows(client.get("/?tab=unit&category=other")) == [
        item_id(app, other, "accept_sympathiser")
    ]
    # A unit that is not the user's is no filter to widen the inbox with.
    assert len(rows(client.get("/?tab=unit&unit=THPT-BTX"))) == 3


def test_sort_by_due_date_and_pages(app):
    app.config["PAGE_SIZE"] = 2
    cases = [start(app, full_name=name) for name in ("An", "Bình", "Cường")]
    items = [item_id(app, case, "accept_sympathiser") for case in cases]
    now = clock.now()
    for days, item in zip((30, 10, 20), items, strict=True):
        set_item(app, item, due_at=now + timedelta(days=days))
    cb = as_user(app, "cb_tp")
    first = cb.get("/?tab=unit")
    assert rows(first) == [items[1], items[2]] and 'data-testid="page-2"' in first.get_data(True)
    assert rows(cb.get("/?tab=unit&page=2")) == [items[0]]
    assert rows(cb.get("/?tab=unit&sort=desc")) == [items[0], items[2]]
    assert rows(cb.get("/?tab=unit&page=abc")) == [items[1], items[2]]


def test_claim_unclaim_and_reassign_within_the_unit(app):
    add_reviewer(app, "cb_tp2", "THPT-TP")
    item = item_id(app, start(app), "accept_sympathiser")
    cb, colleague = as_user(app, "cb_tp"), as_user(app, "cb_tp2")
    response = post(cb, f"/viec/{item}/nhan", next="/?tab=unit")
    # Taking a task opens it, wherever the claim was made.
    assert response.status_code == 302 and response.location.endswith(f"/viec/{item}")
    assert get_item(app, item).claimed_by == "cb_tp"
    assert 'data-testid="unclaim"' in cb.get("/?tab=mine").get_data(True)

    refused = post(colleague, f"/viec/{item}/nhan")
    assert refused.status_code == 409 and "CB_TP" in refused.get_data(True)
    assert post(colleague, f"/viec/{item}/giao", user="cb_tp2").status_code == 409
    assert post(colleague, f"/viec/{item}/tra-lai").status_code == 409
    assert get_item(app, item).claimed_by == "cb_tp"

    assert post(cb, f"/viec/{item}/giao", user="cb_btx").status_code == 422  # other unit
    assert post(cb, f"/viec/{item}/giao", user="cb_tp2").status_code == 302
    assert get_item(app, item).claimed_by == "cb_tp2"
    assert post(colleague, f"/viec/{item}/tra-lai").status_code == 302
    assert get_item(app, item).claimed_by is None


def test_actions_on_tasks_of_other_units(app):
    item = item_id(app, start(app), "accept_sympathiser")
    assert post(as_user(app, "cb_btx"), f"/viec/{item}/nhan").status_code == 404
    # The city organisation board sees the case but works on its own tasks only.
    assert post(as_user(app, "btc"), f"/viec/{item}/nhan").status_code == 403
    assert get_item(app, item).claimed_by is None


def test_actions_need_the_csrf_token(app):
    item = item_id(app, start(app), "accept_sympathiser")
    cb = as_user(app, "cb_tp")
    assert cb.post(f"/viec/{item}/nhan").status_code == 400
    assert get_item(app, item).claimed_by is None


def test_next_must_stay_on_the_site(app):
    item = item_id(app, start(app), "accept_sympathiser")
    response = post(as_user(app, "cb_tp"), f"/viec/{item}/nhan", next="//evil.example/")
    assert response.status_code == 302 and "evil" not in response.location


def test_non_reviewers_land_elsewhere(app):
    # Each on the page of their own work: the auditor's search, the designer's definitions.
    assert as_user(app, "auditor").get("/").location.endswith("/kiem-tra/")
    assert as_user(app, "admin").get("/").location.endswith("/quan-tri/nguoi-dung")
    assert as_user(app, "designer").get("/").location.endswith("/thiet-ke/")
