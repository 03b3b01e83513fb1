"""The evidence panel over the test client: values formatted as people read them (a list
entry by entry, choices by label, units by name, dates dd/mm/yyyy, booleans Có/Không),
only on pages of those who may see the task, and absent where a form defines none."""

from __future__ import annotations

from tests.support.driving import do, item_id, start
from tests.support.webapp import login
from workflows.admission import rules


def panel(html: str) -> str:
    assert 'data-testid="evidence"' in html
    # From the panel to the form's card, which follows it.
    return html.split('data-testid="evidence"')[1].split('<section class="card mb-3">')[0]


def test_the_verification_request_shows_the_declared_relatives(app):
    case = start(app)
    do(app, case, "accept_sympathiser", "attend_class", "application")
    item = item_id(app, case, "send_verification")
    html = login(app.test_client(), "cb_tp").get(f"/viec/{item}").get_data(True)
    shown = panel(html)
    # Headed by the form the fields come from, each with that form's label.
    assert "Đơn xin vào Đảng và lý lịch người xin vào Đảng" in shown
    assert "Lý lịch khai đầy đủ, rõ ràng" in shown and "Người thân" in shown
    # A list entry by entry, its choices by label, its units by name, booleans in words.
    assert shown.count("<li>") == 2
    assert "Cha đẻ" in shown and "Nguyễn Văn Hòa" in shown and "Đảng ủy Phường 1" in shown
    assert ": Không" in shown
    assert "father" not in shown and ": P1;" not in shown  # codes never shown


def test_a_form_without_evidence_has_no_panel_and_others_get_404(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    html = login(app.test_client(), "cb_tp").get(f"/viec/{item}").get_data(True)
    assert 'data-testid="evidence"' not in html
    do(app, case, "accept_sympathiser", "attend_class", "application")
    request = item_id(app, case, "send_verification")
    assert login(app.test_client(), "cb_btx").get(f"/viec/{request}").status_code == 404
    assert login(app.test_client(), "designer").get(f"/viec/{request}").status_code == 404
    # The auditor reads every case, and its panels.
    auditor = login(app.test_client(), "auditor").get(f"/viec/{request}").get_data(True)
    assert "Nguyễn Văn Hòa" in panel(auditor)


def test_dates_are_written_dd_mm_yyyy(app):
    case = start(app, birth_date="2005-01-10")  # of age: the branch votes at once
    do(app, case, "accept_sympathiser", "attend_class")
    for step in ("application", "send_verification", "verify_place", "certify_history"):
        do(app, case, step)
    do(app, case, "introduction", "mass_org_opinion", "residence_opinion")
    item = item_id(app, case, "branch_vote")
    shown = panel(login(app.test_client(), "cb_tp").get(f"/viec/{item}").get_data(True))
    year, month, day = rules.today().split("-")
    assert f"{day}/{month}/{year}" in shown and rules.today() not in shown
