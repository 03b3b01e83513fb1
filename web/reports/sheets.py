"""The tables of each report (see ``tables``), in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from workflows.admission.reports.periods import GROUPS, MEASURES, PeriodReport
from workflows.admission.reports.pipeline import PipelineReport, Timing
from workflows.admission.reports.quotas import QuotaReport
from workflows.admission.reports.targets import EnterpriseWorkers, TargetsReport, UnitTarget
from workflows.admission.vocabulary import CATEGORIES, GENDERS

from ..i18n import N_
from ..labels import label
from .compute import PERIODS, PIPELINE, QUOTAS, TARGETS
from .tables import Cell, Link, Table, bar_chart, count, name_of, status_cell

# A group of one category is named as the category, the women as the gender.
GROUP_NAMES = {
    "all": N_("Tổng số"),
    **CATEGORIES,
    "women": GENDERS["female"],
    "ethnic_minority": N_("Dân tộc thiểu số"),
    "youth_union": N_("Đoàn viên"),
}
MEASURE_NAMES = {
    "admissions": N_("Kết nạp"),
    "recognitions": N_("Công nhận chính thức"),
    "removals": N_("Xóa tên"),
}
PERIOD_NAMES = {1: N_("6 tháng đầu năm"), 2: N_("6 tháng cuối năm"), 0: N_("Cả năm")}


def _percent(basis_points: int) -> str:
    return f"{basis_points / 100:g} %"


# --- targets ------------------------------------------------------------------------


def _school_table(rows: list[UnitTarget], link: Link) -> Table:
    table = Table(
        "truong-thpt",
        _("Kết nạp học sinh theo trường THPT"),
        [
            _("Tổ chức đảng"),
            _("Chỉ tiêu"),
            _("Đã kết nạp"),
            _("Đang trong quy trình, có thể quyết định trong năm"),
            _("Đánh giá"),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                Cell(name_of(row.unit)),
                Cell(row.target),
                count(row.count, f"school:{row.unit}:count", link),
                count(row.pipeline, f"school:{row.unit}:pipeline", link),
                status_cell(row.status),
            ]
        )
    table.chart = bar_chart(
        [name_of(r.unit) for r in rows],
        {_("Đã kết nạp"): [r.count.value for r in rows], _("Chỉ tiêu"): [r.target for r in rows]},
    )
    return table


def _enterprise_name(row: EnterpriseWorkers) -> str:
    return name_of(row.unit) if row.unit else _("Doanh nghiệp khác, không có trong cơ cấu tổ chức")


def _enterprise_table(rows: list[EnterpriseWorkers], link: Link) -> Table:
    """The workers of the share target by enterprise: to follow, with no target, as the
    plan sets none per enterprise (the title says so on the page and in the files)."""
    table = Table(
        "doanh-nghiep",
        _(
            "Công nhân, người lao động được kết nạp theo doanh nghiệp (để theo dõi; Kế hoạch "
            "không giao chỉ tiêu cho từng doanh nghiệp)"
        ),
        [
            _("Doanh nghiệp"),
            _("Tổ chức đảng trong doanh nghiệp"),
            _("Đã kết nạp"),
            _("Đang trong quy trình, có thể quyết định trong năm"),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                Cell(_enterprise_name(row)),
                Cell(
                    "—"
                    if row.party_organisation is None
                    else _("Có")
                    if row.party_organisation
                    else _("Chưa có")
                ),
                count(row.workers, f"{row.key}:workers", link),
                count(row.pipeline, f"{row.key}:pipeline", link),
            ]
        )
    table.chart = bar_chart(
        [_enterprise_name(r) for r in rows], {_("Đã kết nạp"): [r.workers.value for r in rows]}
    )
    return table


def _units_met(rows: list[UnitTarget]) -> str:
    return _("%(met)s/%(all)s tổ chức đạt", met=sum(r.status == "met" for r in rows), all=len(rows))


def targets_tables(report: TargetsReport, link: Link) -> list[Table]:
    chosen, share, overall = report.settings, report.share, report.overall
    summary = Table(
        "tong-hop",
        _("Tổng hợp chỉ tiêu năm %(year)s", year=chosen.year),
        [_("Chỉ tiêu"), _("Yêu cầu"), _("Kết quả"), _("Đánh giá")],
    )
    summary.rows = [
        [
            Cell(
                _(
                    "Mỗi tổ chức cơ sở đảng trường THPT kết nạp ít nhất %(n)s học sinh",
                    n=chosen.students_per_school,
                )
            ),
            Cell(len(report.schools)),
            Cell(_units_met(report.schools)),
            status_cell(overall["schools"]),
        ],
        [
            Cell(
                _(
                    "Công nhân, người lao động trong doanh nghiệp không có vốn Nhà nước chiếm "
                    "từ %(p)s số đảng viên mới kết nạp",
                    p=_percent(share.share_bp),
                )
            ),
            Cell(share.target),
            count(share.workers, "share:workers", link),
            status_cell(share.status),
        ],
    ]
    ratio = Table(
        "ty-le-cong-nhan",
        _("Tỷ lệ công nhân trong số đảng viên mới kết nạp"),
        [
            _("Kết nạp ghi trong hệ thống"),
            _("Kết nạp ngoài hệ thống (Ban Tổ chức nhập)"),
            _("Tổng số đảng viên mới"),
            _("Tỷ lệ yêu cầu"),
            _("Số công nhân cần kết nạp"),
            _("Công nhân đã kết nạp"),
            _("Đang trong quy trình, có thể quyết định trong năm"),
            _("Đánh giá"),
        ],
    )
    ratio.rows = [
        [
            count(share.admissions, "share:admissions", link),
            Cell(share.admissions.extra),
            Cell(share.admissions.value),
            Cell(_percent(share.share_bp)),
            Cell(share.target),
            count(share.workers, "share:workers", link),
            count(share.pipeline, "share:pipeline", link),
            status_cell(share.status),
        ]
    ]
    return [
        summary,
        ratio,
        _school_table(report.schools, link),
        _enterprise_table(report.enterprises, link),
    ]


# --- pipeline -----------------------------------------------------------------------


def _timing_table(key: str, title: str, first: str, rows: list[Timing], names) -> Table:
    table = Table(
        key,
        title,
        [first, _("Số việc đã hoàn thành"), _("Trung vị (ngày)"), _("Phân vị 90 (ngày)")],
    )
    table.rows = [[Cell(names(t)), Cell(t.count), Cell(t.median), Cell(t.p90)] for t in rows]
    return table


def _waiting_table(key: str, title: str, rows, until: str, link: Link, figure: str) -> Table:
    table = Table(key, title, [_("Hồ sơ"), _("Đơn vị phụ trách"), until], figure=figure)
    # Thousands of rows name a few dozen units: each name is looked up once.
    names = {unit: name_of(unit) for unit in {w.unit for w in rows}}
    table.rows = [
        [
            Cell(w.title or f"#{w.case_id}", link(f"case:{w.case_id}")),
            Cell(names[w.unit]),
            Cell(w.until),
        ]
        for w in rows
    ]
    return table


def pipeline_tables(report: PipelineReport, link: Link) -> list[Table]:
    categories = list(CATEGORIES)
    steps = Table(
        "theo-buoc",
        _("Hồ sơ đang ở từng bước, theo đối tượng"),
        [_("Bước"), _("Tổng số"), *(label(CATEGORIES, c) for c in categories)],
    )
    by_unit = Table(
        "buoc-don-vi",
        _("Hồ sơ đang ở từng bước, theo đơn vị"),
        [_("Bước"), _("Đơn vị phụ trách"), _("Số hồ sơ")],
    )
    for row in report.steps:
        key = f"step:{row.step}"
        steps.rows.append(
            [
                Cell(row.name),
                count(row.total, key, link),
                *(
                    count(row.by_category[c], f"{key}:category:{c}", link)
                    if c in row.by_category
                    else Cell(0)
                    for c in categories
                ),
            ]
        )
        by_unit.rows.extend(
            [Cell(row.name), Cell(name_of(unit)), count(figure, f"{key}:unit:{unit}", link)]
            for unit, figure in row.by_unit.items()
        )
    steps.chart = bar_chart(
        [r.name for r in report.steps], {_("Số hồ sơ"): [r.total.value for r in report.steps]}
    )
    overdue = Table(
        "qua-han",
        _("Hồ sơ có việc quá hạn, theo cơ quan"),
        [_("Cơ quan"), _("Số hồ sơ có việc quá hạn")],
    )
    overdue.rows = [
        [Cell(name_of(unit)), count(figure, f"overdue:{unit}", link)]
        for unit, figure in report.overdue.items()
    ]
    return [
        steps,
        by_unit,
        _timing_table(
            "thoi-gian-buoc",
            _("Thời gian xử lý từng bước"),
            _("Bước"),
            report.step_times,
            lambda t: t.name,
        ),
        _timing_table(
            "thoi-gian-co-quan",
            _("Thời gian xử lý của từng cơ quan"),
            _("Cơ quan"),
            report.body_times,
            lambda t: name_of(t.key),
        ),
        overdue,
        _waiting_table(
            "cho-du-tuoi",
            _("Hồ sơ chờ người vào Đảng đủ 18 tuổi"),
            report.birthday,
            _("Ngày đủ 18 tuổi"),
            link,
            "birthday",
        ),
        _waiting_table(
            "du-bi",
            _("Đảng viên đang trong thời gian dự bị"),
            report.probation,
            _("Ngày hết thời gian dự bị"),
            link,
            "probation",
        ),
    ]


# --- half-year and year -------------------------------------------------------------


def period_tables(report: PeriodReport, link: Link) -> list[Table]:
    columns = [
        f"{_(MEASURE_NAMES[m])} – {_(PERIOD_NAMES[p.half])}"
        for p in report.periods
        for m in MEASURES
    ]
    table = Table(
        "so-lieu",
        _("Kết nạp, công nhận chính thức, xóa tên năm %(year)s", year=report.year),
        [_("Đối tượng"), *columns],
    )
    for group in GROUPS:
        table.rows.append(
            [
                Cell(_(GROUP_NAMES[group])),
                *(
                    count(report.cell(p, group, m), f"{p.key}:{group}:{m}", link)
                    for p in report.periods
                    for m in MEASURES
                ),
            ]
        )
    year = report.periods[-1]
    table.chart = bar_chart(
        [_(GROUP_NAMES[g]) for g in GROUPS],
        {_(MEASURE_NAMES[m]): [report.cell(year, g, m).value for g in GROUPS] for m in MEASURES},
    )
    return [table]


# --- sourcing quotas ----------------------------------------------------------------


def quota_tables(report: QuotaReport, link: Link) -> list[Table]:
    table = Table(
        "tao-nguon",
        _("Chỉ tiêu tạo nguồn năm %(year)s", year=report.year),
        [_("Tổ chức"), _("Chỉ tiêu"), _("Đã giới thiệu"), _("Trong đó đã kết nạp"), _("Đánh giá")],
    )
    for row in report.rows:
        verdict = (
            _("Chưa giao") if row.reached is None else _("Đạt") if row.reached else _("Chưa đạt")
        )
        table.rows.append(
            [
                Cell(name_of(row.unit)),
                Cell(row.quota if row.quota is not None else "—"),
                count(row.proposed, f"quota:{row.unit}:proposed", link),
                count(row.admitted, f"quota:{row.unit}:admitted", link),
                Cell(
                    verdict,
                    status=None if row.reached is None else "met" if row.reached else "at_risk",
                ),
            ]
        )
    assigned = [r for r in report.rows if r.quota is not None]
    table.chart = bar_chart(
        [name_of(r.unit) for r in assigned],
        {
            _("Đã giới thiệu"): [r.proposed.value for r in assigned],
            _("Chỉ tiêu"): [r.quota for r in assigned],
        },
    )
    return [table]


TABLES: dict[str, Callable[[Any, Link], list[Table]]] = {
    TARGETS: targets_tables,
    PIPELINE: pipeline_tables,
    PERIODS: period_tables,
    QUOTAS: quota_tables,
}
TITLES = {
    TARGETS: N_("Chỉ tiêu phát triển đảng viên"),
    PIPELINE: N_("Tiến độ giải quyết hồ sơ"),
    PERIODS: N_("Báo cáo 6 tháng và năm"),
    QUOTAS: N_("Chỉ tiêu tạo nguồn của các đoàn thể"),
}
