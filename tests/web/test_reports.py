"""The report pages: who may read and set them, downloads that hold the page's numbers,
the cases behind a figure, the JSON API, and the official documents of a case."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from engine import clock
from engine.cases import unit_of_work
from tests.support import report_data as rd
from tests.support.api import api_as
from tests.support.driving import DOSSIER, do, factory, start
from tests.support.webapp import csrf_token, login
from web.accounts import create_user
from workflows.admission import orgs, rules

TREE_2025 = Path(orgs.__file__).parent / "data" / "org_2025.yaml"

YEAR = "2025"


@pytest.fixture
def seeded(app):
    ids = rd.seed(factory(app))
    with unit_of_work(factory(app)) as session:
        create_user(session, "bdv", "pw-bdv", full_name="BDV", memberships=[("BDV-DL", "reviewer")])
    return ids


def signed_in(app, name: str):
    return login(app.test_client(), name)


@pytest.mark.parametrize(
    "path",
    [
        "/bao-cao/",
        "/bao-cao/tien-do",
        "/bao-cao/so-lieu",
        "/bao-cao/tao-nguon",
        "/bao-cao/chi-tieu.xlsx",
    ],
)
def test_who_may_read_the_reports(app, seeded, path):
    assert app.test_client().get(path).status_code == 302  # sign in first
    for name in ("btc", "btv", "auditor"):
        assert signed_in(app, name).get(path).status_code == 200, name
    for name in ("cb_tp", "dt_tp", "designer", "admin"):
        assert signed_in(app, name).get(path).status_code == 403, name
    # The mass mobilisation board reads and sets the quotas, nothing else.
    expected = 200 if path == "/bao-cao/tao-nguon" else 403
    assert signed_in(app, "bdv").get(path).status_code == expected
    # A committee that is not the reader's, a unit outside it: as if they did not exist.
    btc = signed_in(app, "btc")
    assert btc.get(path + "?committee=P1").status_code == 404
    assert btc.get(path + "?year=1800").status_code == 404


def test_the_navigation_offers_reports_to_readers_only(app, seeded):
    assert 'data-testid="nav-reports"' in signed_in(app, "btc").get("/").get_data(True)
    assert 'data-testid="nav-reports"' not in signed_in(app, "cb_tp").get("/").get_data(True)


def _sheet_rows(body: bytes, sheet: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [row for row in book[sheet].iter_rows(min_row=5, values_only=True)]


def test_excel_holds_the_figures_of_the_api(app, seeded):
    btc = signed_in(app, "btc")
    api = api_as(app, "btc").get(f"/api/v1/reports/targets?year={YEAR}").get_json()
    body = btc.get(f"/bao-cao/chi-tieu.xlsx?year={YEAR}").data
    schools = {row[0]: row[1:4] for row in _sheet_rows(body, "truong-thpt")}
    names = {
        "THPT-TP": "Chi bộ Trường THPT Trần Phú",
        "THPT-BTX": "Chi bộ Trường THPT Bùi Thị Xuân",
        "THPT-TL": "Đảng bộ Trường THPT Chuyên Thăng Long",
    }
    assert {code: schools[names[code]] for code in names} == {
        s["unit"]: (s["target"], s["count"]["value"], s["pipeline"]["value"])
        for s in api["schools"]
    }
    # The year is over: S1 for Trần Phú, S2 for Thăng Long; none for Bùi Thị Xuân.
    assert schools[names["THPT-TP"]] == (1, 1, 0)
    [ratio] = _sheet_rows(body, "ty-le-cong-nhan")
    assert ratio[:3] == (
        api["share"]["admissions"]["value"] - api["share"]["admissions"]["extra"],
        0,
        6,
    )
    assert ratio[4:6] == (api["share"]["target"], api["share"]["workers"]["value"]) == (1, 2)
    assert btc.get(f"/bao-cao/chi-tieu.pdf?year={YEAR}").data.startswith(b"%PDF")
    for name in ("tien-do", "so-lieu", "tao-nguon"):
        for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
            response = btc.get(f"/bao-cao/{name}.{fmt}?year={YEAR}")
            assert response.status_code == 200 and response.data.startswith(magic)
            assert response.headers["Cache-Control"] == "private, no-store"


def test_a_count_links_to_its_cases(app, seeded):
    btc = signed_in(app, "btc")
    page = btc.get(f"/bao-cao/?year={YEAR}").get_data(True)
    link = re.search(r'href="(/bao-cao/chi-tieu/ho-so\?[^"]*figure=share:workers[^"]*)"', page)
    listed = btc.get(link.group(1).replace("&amp;", "&")).get_data(True)
    assert sorted(map(int, re.findall(r'data-case-id="(\d+)"', listed))) == [
        seeded["W1"],
        seeded["W2"],
    ]
    assert btc.get("/bao-cao/chi-tieu/ho-so?figure=nothing").status_code == 404
    # The half-year report narrowed to one unit of the committee, and to none outside it.
    narrowed = btc.get(
        f"/bao-cao/so-lieu/ho-so?year={YEAR}&unit=THPT-TL&figure=2025:all:admissions"
    ).get_data(True)
    assert re.findall(r'data-case-id="(\d+)"', narrowed) == [str(seeded["S2"])]
    assert btc.get("/bao-cao/so-lieu?unit=ELSEWHERE").status_code == 404
    birthday = btc.get("/bao-cao/tien-do/ho-so?figure=birthday").get_data(True)
    assert re.findall(r'data-case-id="(\d+)"', birthday) == [str(seeded["S5"])]


def test_the_cases_of_a_figure_come_a_page_at_a_time(app, seeded, monkeypatch):
    from web.reports import views

    # The board is no auditor: its cases are checked against what it may see, in
    # chunks of ids (several queries here, as for a figure of 60,000 cases).
    monkeypatch.setattr(views, "ID_CHUNK", 2)
    app.config["PAGE_SIZE"] = 2
    btc = signed_in(app, "btc")
    api = api_as(app, "btc").get(f"/api/v1/reports/targets?year={YEAR}").get_json()
    expected = api["share"]["admissions"]["cases"]
    assert len(expected) == 6
    path = f"/bao-cao/chi-tieu/ho-so?year={YEAR}&figure=share:admissions"
    pages = [btc.get(f"{path}&page={n}").get_data(True) for n in (1, 2, 3, 99)]
    listed = [list(map(int, re.findall(r'data-case-id="(\d+)"', body))) for body in pages]
    assert listed[:3] == [expected[0:2], expected[2:4], expected[4:6]]
    assert listed[3] == expected[4:6]  # past the end: the last page
    assert 'data-testid="page-3"' in pages[0] and "6 hồ sơ" in pages[0]


def test_the_organisation_board_sets_the_targets(app, seeded):
    btc = signed_in(app, "btc")
    token = csrf_token(btc.get(f"/bao-cao/?year={YEAR}").get_data(True))
    form = {
        "csrf_token": token,
        "committee": "TU-DL",
        "year": YEAR,
        "students_per_school": "1",
        "worker_share": "2",
        "outside_admissions": "185",
        "schools": ["THPT-TP", "THPT-BTX", "THPT-TL"],
        "note": "Số liệu Ban Tổ chức tổng hợp.",
    }
    assert btc.post("/bao-cao/chi-tieu", data={**form, "worker_share": "lots"}).status_code == 302
    api = api_as(app, "btc")
    assert api.get(f"/api/v1/reports/targets?year={YEAR}").get_json()["share"]["target"] == 1
    assert btc.post("/bao-cao/chi-tieu", data=form).status_code == 302
    share = api.get(f"/api/v1/reports/targets?year={YEAR}").get_json()["share"]
    assert (share["admissions"]["value"], share["target"]) == (191, 4)
    assert share["status"] == "missed"
    # A school the tree does not mark is no choice: refused, nothing stored.
    bad = btc.post("/bao-cao/chi-tieu", data={**form, "schools": ["DN-LB"], "note": "x"})
    assert bad.status_code == 400
    settings = api.get(f"/api/v1/reports/targets?year={YEAR}").get_json()["settings"]
    assert settings["schools"] == ["THPT-BTX", "THPT-TL", "THPT-TP"]  # in the tree's order


def test_only_the_organisation_board_sets_targets(app, seeded):
    btv = signed_in(app, "btv")
    token = csrf_token(btv.get("/bao-cao/").get_data(True))
    response = btv.post(
        "/bao-cao/chi-tieu", data={"csrf_token": token, "committee": "TU-DL", "year": YEAR}
    )
    assert response.status_code == 403


def test_the_mass_mobilisation_board_assigns_quotas(app, seeded):
    bdv = signed_in(app, "bdv")
    token = csrf_token(bdv.get(f"/bao-cao/tao-nguon?year={YEAR}").get_data(True))
    form = {
        "csrf_token": token,
        "committee": "TU-DL",
        "year": YEAR,
        "quota-CD-DN-LB": "1",
        "quota-DT-THPT-TP": "3",
    }
    btc = signed_in(app, "btc")
    btc_token = csrf_token(btc.get(f"/bao-cao/tao-nguon?year={YEAR}").get_data(True))
    assert btc.post("/bao-cao/tao-nguon", data={**form, "csrf_token": btc_token}).status_code == 403
    assert bdv.post("/bao-cao/tao-nguon", data=form).status_code == 302
    rows = {
        row[0]: row[1:]
        for row in _sheet_rows(bdv.get(f"/bao-cao/tao-nguon.xlsx?year={YEAR}").data, "tao-nguon")
    }
    assert rows["Công đoàn cơ sở Công ty Cổ phần Nông nghiệp Công nghệ cao Langbiang"] == (
        1,
        1,
        1,
        "Đạt",
    )
    assert rows["Đoàn trường THPT Trần Phú"] == (3, 0, 0, "Chưa đạt")
    assert rows["Thành đoàn Đà Lạt"][0] == "—"


def test_pipeline_api_matches_the_page(app, seeded):
    api = api_as(app, "btc").get("/api/v1/reports/pipeline").get_json()
    steps = {row["step"]: row["total"]["cases"] for row in api["steps"]}
    assert steps == {"attend_class": [seeded["W3"], seeded["W4"]], "branch_vote": [seeded["S4"]]}
    assert [w["case_id"] for w in api["birthday"]] == [seeded["S5"]]
    assert api_as(app, "cb_tp").get("/api/v1/reports/pipeline").status_code == 403
    assert api_as(app, "btc").get("/api/v1/reports/pipeline?committee=P1").status_code == 404


def test_documents_of_a_decided_case(app):
    adult = rules.add_months(rules.today(), -(19 * 12))
    case_id = start(app, birth_date=adult)
    do(app, case_id, *DOSSIER, "branch_vote")
    cb_tp = signed_in(app, "cb_tp")
    page = cb_tp.get(f"/ho-so/{case_id}").get_data(True)
    assert 'data-testid="document-mau-6-pdf"' in page
    assert 'data-testid="document-mau-9-pdf"' not in page
    assert cb_tp.get(f"/bao-cao/van-ban/{case_id}/mau-9.pdf").status_code == 404
    do(app, case_id, "appraisal", "decide")
    page = cb_tp.get(f"/ho-so/{case_id}").get_data(True)
    assert 'data-testid="document-mau-9-docx"' in page
    for code in ("mau-6", "mau-9"):
        pdf = cb_tp.get(f"/bao-cao/van-ban/{case_id}/{code}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        docx = cb_tp.get(f"/bao-cao/van-ban/{case_id}/{code}.docx")
        assert docx.status_code == 200 and docx.data.startswith(b"PK")
        assert docx.headers["Cache-Control"] == "private, no-store"
    # Another school's branch does not see the case, nor its documents.
    assert signed_in(app, "cb_btx").get(f"/bao-cao/van-ban/{case_id}/mau-6.pdf").status_code == 404


def test_a_long_list_of_cases_shows_its_first_rows_and_links_to_them_all(app, seeded, monkeypatch):
    from web.reports import views

    monkeypatch.setattr(views, "LISTED_ROWS", 1)
    btc = signed_in(app, "btc")
    with clock.frozen_at(rd.NOW):  # two members are on probation then
        api = api_as(app, "btc").get("/api/v1/reports/pipeline").get_json()
        waiting = [w["case_id"] for w in api["probation"]]
        page = btc.get("/bao-cao/tien-do").get_data(True)
        section = page.split('data-testid="table-du-bi"')[1].split("</section>")[0]
        more = re.search(r'href="([^"]+)" data-testid="more-du-bi">([^<]+)<', section)
        listed = btc.get(more.group(1).replace("&amp;", "&")).get_data(True)
        download = btc.get("/bao-cao/tien-do.xlsx").data
    assert len(waiting) == 2 and section.count('data-testid="row"') == 1
    assert more.group(2) == "Xem tất cả (còn 1 hồ sơ nữa)"
    assert sorted(map(int, re.findall(r'data-case-id="(\d+)"', listed))) == sorted(waiting)
    assert len(_sheet_rows(download, "du-bi")) == 2  # a download keeps every row


# --- the 2025 tree: the province owns the targets, its combined board sets quotas ---

REORGANISED_USERS = {
    "btc_ld": "BTC-LD",  # the province's organisation board
    "btgdv_ld": "BTGDV-LD",  # its combined propaganda and mass mobilisation board
    "bxd_xh": "BXD-XH-DL",  # a ward's party-building board
}


@pytest.fixture
def reorganised(app, seeded):
    with unit_of_work(factory(app)) as session:
        orgs.import_tree(session, orgs.read_tree_file(TREE_2025))
        for name, unit in REORGANISED_USERS.items():
            create_user(
                session, name, f"pw-{name}", full_name=name, memberships=[(unit, "reviewer")]
            )
    return seeded


def _yaml_names(codes) -> list[str]:
    """The names the 2025 file gives ``codes``, read from the file itself."""
    names = {}

    def walk(items):
        for item in items:
            names[item["code"]] = item["name"]
            walk(item.get("children") or [])

    walk(yaml.safe_load(TREE_2025.read_text(encoding="utf-8"))["units"])
    return sorted(names[code] for code in codes)


def test_the_province_dashboard_lists_every_school_and_enterprise(app, reorganised):
    btc = signed_in(app, "btc_ld")
    page = btc.get(f"/bao-cao/?year={YEAR}").get_data(True)
    assert "Tỉnh ủy Lâm Đồng" in page and 'data-testid="no-targets"' not in page
    body = btc.get(f"/bao-cao/chi-tieu.xlsx?year={YEAR}").data
    schools = sorted(row[0] for row in _sheet_rows(body, "truong-thpt"))
    enterprises = sorted(row[0] for row in _sheet_rows(body, "doanh-nghiep"))
    assert schools == _yaml_names(["THPT-TP", "THPT-BTX", "THPT-TL"])
    assert enterprises == _yaml_names(["DN-MX", "DN-RS", "DN-DT", "DN-LB"])
    api = api_as(app, "btc_ld").get(f"/api/v1/reports/targets?year={YEAR}").get_json()
    assert api["committee"] == "TU-LD"
    assert {e["unit"] for e in api["enterprises"]} == {"DN-MX", "DN-RS", "DN-DT", "DN-LB"}
    assert set(api["overall"]) == {"schools", "share"}  # no target per enterprise


def test_a_ward_that_owns_no_targets_reads_the_other_reports(app, reorganised):
    ward = signed_in(app, "bxd_xh")
    page = ward.get("/bao-cao/")
    assert page.status_code == 200 and 'data-testid="no-targets"' in page.get_data(True)
    assert 'data-testid="download-xlsx"' not in page.get_data(True)
    assert ward.get("/bao-cao/chi-tieu.xlsx").status_code == 404
    assert ward.get("/bao-cao/chi-tieu/ho-so?figure=share:workers").status_code == 404
    assert ward.get("/bao-cao/tien-do").status_code == 200
    api = api_as(app, "bxd_xh")
    assert api.get("/api/v1/reports/targets").status_code == 404
    assert api.get("/api/v1/reports/pipeline").status_code == 200


def test_the_board_the_tree_names_sets_the_quotas(app, reorganised):
    board = signed_in(app, "btgdv_ld")
    page = board.get(f"/bao-cao/tao-nguon?year={YEAR}").get_data(True)
    assert "Chỉ tiêu tạo nguồn do Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng giao." in page
    form = {
        "csrf_token": csrf_token(page),
        "committee": "TU-LD",
        "year": YEAR,
        "quota-DT-XH-DL": "2",
        "quota-CD-DN-MX": "1",
    }
    assert board.post("/bao-cao/tao-nguon", data=form).status_code == 302
    rows = {
        row[0]: row[1]
        for row in _sheet_rows(board.get(f"/bao-cao/tao-nguon.xlsx?year={YEAR}").data, "tao-nguon")
    }
    assert rows["Đoàn phường Xuân Hương – Đà Lạt"] == 2
    assert rows["Công đoàn cơ sở Công ty TNHH Mứt Đà Lạt Xưa"] == 1
    # The city's mass mobilisation board was dissolved: it sets nothing any more, and
    # the province's organisation board reads the quotas but does not set them.
    assert signed_in(app, "bdv").get("/bao-cao/tao-nguon").status_code == 403
    btc = signed_in(app, "btc_ld")
    token = csrf_token(btc.get("/bao-cao/tao-nguon").get_data(True))
    assert btc.post("/bao-cao/tao-nguon", data={**form, "csrf_token": token}).status_code == 403
