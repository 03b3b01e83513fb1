"""The city organisation board opens the targets dashboard, looks at the year of the
known data set (tests/workflows/report_data.py), and downloads the Excel file: the file,
read with openpyxl, holds the numbers the page shows and the API gives."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from engine import db as engine_db
from engine.cases import unit_of_work
from tests.support import report_data as rd
from web.accounts import User, create_user
from web.tokens import issue
from workflows.admission import orgs

from .conftest import password, screenshot, sign_in

TREE_2025 = Path(orgs.__file__).parent / "data" / "org_2025.yaml"

YEAR = 2025


def _seed_and_token(tmp_path) -> tuple[dict, str]:
    """The data set in the live server's database, and an API token for "btc"."""
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    factory = engine_db.make_session_factory(engine)
    ids = rd.seed(factory)
    with unit_of_work(factory) as session:
        user = session.execute(select(User).where(User.username == "btc")).scalar_one()
        token = issue(session, user, "browser test")[1]
    engine.dispose()
    return ids, token


def _table(page, key: str) -> list[list[str]]:
    rows = page.get_by_test_id(f"table-{key}").get_by_test_id("row")
    return [
        [cell.inner_text().strip() for cell in row.get_by_test_id("cell").all()]
        for row in rows.all()
    ]


def _sheet(path, name: str) -> list[list]:
    sheet = load_workbook(path, read_only=True)[name]
    return [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]


def test_board_downloads_the_dashboard_as_excel(page, tmp_path):
    ids, token = _seed_and_token(tmp_path)
    sign_in(page, "btc")
    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Chỉ tiêu phát triển đảng viên")
    page.get_by_test_id("year").fill(str(YEAR))
    page.get_by_test_id("year").press("Enter")
    expect(page.get_by_test_id("report-subtitle")).to_contain_text(f"năm {YEAR}")
    # Chart.js drew the charts beside the tables.
    page.wait_for_function(
        "() => window.Chart && Chart.getChart("
        "document.querySelector('[data-testid=chart-truong-thpt]'))"
    )
    screenshot(page, "reports-targets")

    shown_ratio = _table(page, "ty-le-cong-nhan")
    shown_schools = _table(page, "truong-thpt")
    shown_enterprises = _table(page, "doanh-nghiep")

    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    download = info.value
    assert download.suggested_filename == f"bao-cao-chi-tieu-tu-dl-{YEAR}.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    def as_text(rows):
        return [[str(value) for value in row] for row in rows]

    assert as_text(_sheet(saved, "ty-le-cong-nhan")) == shown_ratio
    assert as_text(_sheet(saved, "truong-thpt")) == shown_schools
    assert as_text(_sheet(saved, "doanh-nghiep")) == shown_enterprises

    api = page.request.get(
        f"/api/v1/reports/targets?year={YEAR}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    excel_ratio = _sheet(saved, "ty-le-cong-nhan")[0]
    assert excel_ratio[2] == api["share"]["admissions"]["value"] == 6
    assert excel_ratio[4] == api["share"]["target"]
    assert excel_ratio[5] == api["share"]["workers"]["value"] == 2
    assert excel_ratio[6] == api["share"]["pipeline"]["value"]
    # Schools in the same order in both: target, admitted, can still be decided.
    assert [row[1:4] for row in _sheet(saved, "truong-thpt")] == [
        [s["target"], s["count"]["value"], s["pipeline"]["value"]] for s in api["schools"]
    ]

    # The count of workers leads to the two workers' cases.
    page.get_by_test_id("table-ty-le-cong-nhan").get_by_role("link", name="2").first.click()
    expect(page.get_by_test_id("case-row")).to_have_count(2)
    assert sorted(
        int(r.get_attribute("data-case-id")) for r in page.get_by_test_id("case-row").all()
    ) == sorted([ids["W1"], ids["W2"]])


def test_the_province_dashboard_on_the_2025_tree_fits_a_laptop_and_a_phone(page, tmp_path):
    """After the reorganisation the province's board finds every school and enterprise
    of the five wards on its dashboard; at 1366 and at 390 px wide the report is no
    wider than the screen (a wide table scrolls inside its own box)."""
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    factory = engine_db.make_session_factory(engine)
    rd.seed(factory)
    with unit_of_work(factory) as session:
        units = orgs.read_tree_file(TREE_2025)
        orgs.import_tree(session, units)
        create_user(session, "btc_ld", password("btc_ld"), memberships=[("BTC-LD", "reviewer")])
    engine.dispose()
    names = {unit.code: unit.name for unit in units}
    sign_in(page, "btc_ld")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/bao-cao/?year={YEAR}")
        expect(page.get_by_test_id("report-subtitle")).to_contain_text("Tỉnh ủy Lâm Đồng")
        page.wait_for_function(
            "() => window.Chart && Chart.getChart("
            "document.querySelector('[data-testid=chart-doanh-nghiep]'))"
        )
        schools = {row[0] for row in _table(page, "truong-thpt")}
        enterprises = {row[0] for row in _table(page, "doanh-nghiep")}
        assert schools == {names[code] for code in ("THPT-TP", "THPT-BTX", "THPT-TL")}
        assert enterprises == {names[code] for code in ("DN-MX", "DN-RS", "DN-DT", "DN-LB")}
        screenshot(page, f"reports-targets-2025-{width}")
        # The report (not the navigation bar above it, which is base.html's).
        wider = page.evaluate(
            "() => { const main = document.querySelector('main');"
            " return main.scrollWidth - main.clientWidth; }"
        )
        assert wider <= 0, width
