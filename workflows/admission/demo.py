"""``ketnap demo``: fill an empty database with the demo organisation tree, the admission
diagrams and a dozen cases at different steps of both paths of the city plan.

Every case is driven through the real engine operations (start, complete), so the demo
also proves the diagrams end to end. Dates are relative to today: a story started some
days ago and each step is dated on its usual day after that start (``schedule``), so
the ages, certificates and deadlines that the diagrams check come out as the story says
(a student still waiting for the 18th birthday, a decision overdue, a probation ended...).
The demo is one transaction: it fills the database completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases import Actor, unit_of_work
from engine.models import Case, DefinitionVersion

from . import intake, orgs, rules, steps
from .models import Unit
from .schedule import SCHEDULE

DEMO_TREE = Path(orgs.__file__).parent / "data" / "org_demo.yaml"

DOSSIER = (
    "attend_class",
    "application",
    "send_verification",
    "verify_place",
    "certify_history",
    "introduction",
    "mass_org_opinion",
    "residence_opinion",
)
# Every branch of the demo's stories is a chi bộ cơ sở (a school or enterprise branch
# directly under the city committee): no grassroots vote, at admission or recognition.
ADMITTED = ("branch_vote", "appraisal", "decide", "ceremony", "member_record")
RECOGNISED = ("recognition_file", "recognition_vote", "recognition_decide")


@dataclass(frozen=True)
class Story:
    """One demo case: who, how many days ago it started, the steps done since."""

    title: str
    person: dict[str, Any]
    started: int
    done: tuple = ()  # step ids, or (step id, form overrides)
    age: tuple[int, int] = (25, 0)  # years and months old today
    relatives: list = field(default_factory=list)


def _student(name: str, gender: str, branch: str, residence: str) -> dict[str, Any]:
    union = {"THPT-TP": "DT-THPT-TP", "THPT-BTX": "DT-THPT-BTX", "THPT-TL-GV": "DT-THPT-TL"}
    return {
        "full_name": name,
        "gender": gender,
        "occupation": "Học sinh",
        "education_level": "upper_secondary",
        "youth_union_member": True,
        "category": "student",
        "branch": branch,
        "residence_unit": residence,
        "proposer_unit": union[branch],
    }


def _worker(
    name: str,
    gender: str,
    residence: str,
    branch: str | None = None,
    enterprise: str | None = None,
    proposer: str | None = None,
    *,
    youth_union: bool = False,
    trade_union: bool = True,
) -> dict[str, Any]:
    """A worker of youth age; one in an enterprise whose Youth Union is in the tree is a
    member of it (``youth_union``), and is introduced by it."""
    return {
        "full_name": name,
        "gender": gender,
        "occupation": "Công nhân",
        "education_level": "upper_secondary",
        "youth_union_member": youth_union,
        "trade_union_member": trade_union,
        "category": "enterprise_worker",
        "enterprise_has_party_org": branch is not None,
        "enterprise": enterprise,
        "branch": branch,
        "residence_unit": residence,
        "proposer_unit": proposer,
    }


STORIES = (
    Story(
        "Học sinh vừa được Đoàn trường giới thiệu",
        _student("Nguyễn Thị Minh Anh", "female", "THPT-TP", "P1-KP1"),
        3,
        age=(17, 9),
    ),
    Story(
        "Học sinh đã hoàn thành hồ sơ, chờ đủ 18 tuổi",
        _student("Lê Hoàng Gia Hân", "female", "THPT-TL-GV", "P2-KP1"),
        100,
        ("accept_sympathiser", *DOSSIER),
        age=(17, 8),
    ),
    Story(
        "Học sinh đang được thẩm tra lý lịch tại ba nơi, một nơi ở tỉnh khác",
        _student("Võ Ngọc Lan", "female", "THPT-TP", "P1-KP2"),
        60,
        (
            "accept_sympathiser",
            "attend_class",
            "application",
            "send_verification",
            "introduction",
            "mass_org_opinion",
            "residence_opinion",
            ("verify_place", {"unit": "P1"}),
        ),
        age=(18, 3),
        relatives=[
            {"relation": "father", "full_name": "Võ Văn Trung", "place_unit": "P2"},
            {
                "relation": "mother",
                "full_name": "Huỳnh Thị Lệ",
                "place_kind": "other_province",
                "place_outside": "Đảng ủy phường Bến Thành, Thành phố Hồ Chí Minh",
            },
        ],
    ),
    Story(
        "Học sinh chờ chi bộ xét, biểu quyết",
        _student("Phạm Minh Khôi", "male", "THPT-BTX", "P2-KP2"),
        80,
        ("accept_sympathiser", *DOSSIER),
        age=(18, 4),
    ),
    Story(
        "Đã nhận quyết định kết nạp, đến hạn xét công nhận chính thức",
        _student("Lý Thị Ngọc Trâm", "female", "THPT-BTX", "P1-KP1"),
        500,
        ("accept_sympathiser", *DOSSIER, *ADMITTED),
        age=(19, 8),
    ),
    Story(
        "Giấy chứng nhận lớp bồi dưỡng hết hạn, phải học lại",
        _worker("Hoàng Văn Nam", "male", "P2", "DN-DT", proposer="DT-DN-DT", youth_union=True),
        80,
        ("accept_sympathiser", ("attend_class", {"certificate_age": 61}), *DOSSIER[1:]),
    ),
    Story(
        "Chi bộ biểu quyết hai phần ba không tán thành: không kết nạp",
        _worker("Trịnh Văn Sơn", "male", "P1", "DN-LB", proposer="CD-DN-LB", youth_union=True),
        90,
        ("accept_sympathiser", *DOSSIER, ("branch_vote", {"votes_for": 2, "votes_against": 7})),
    ),
    Story(
        "Quá 90 ngày làm việc chưa có quyết định: Ban Tổ chức gia hạn, đôn đốc",
        _worker(
            "Hoàng Thị Thu Hà", "female", "P3-KP2", "DN-DT", proposer="CD-DN-DT", youth_union=True
        ),
        240,
        ("accept_sympathiser", *DOSSIER, "branch_vote", "appraisal"),
    ),
    Story(
        "Đảng viên dự bị đang trong thời gian dự bị",
        _worker("Bùi Đức Long", "male", "P2-KP1", "DN-LB", proposer="CD-DN-LB", youth_union=True),
        250,
        ("accept_sympathiser", *DOSSIER, *ADMITTED),
    ),
    Story(
        "Đã công nhận đảng viên chính thức",
        _worker("Mai Anh Tuấn", "male", "P3", "DN-DT", proposer="CD-DN-DT", youth_union=True),
        560,
        ("accept_sympathiser", *DOSSIER, *ADMITTED, *RECOGNISED),
        age=(29, 2),
    ),
    Story(
        "Doanh nghiệp chưa có tổ chức đảng: chờ Đảng ủy phường phân công chi bộ",
        _worker("Ngô Thị Hồng", "female", "P3", enterprise="DN-MX", proposer="CD-DN-MX"),
        2,
        age=(26, 3),
    ),
    Story(
        "Doanh nghiệp chưa có Đoàn, Công đoàn: hai đảng viên chính thức giới thiệu",
        _worker("Dương Văn Tâm", "male", "P1", enterprise="DN-RS", trade_union=False),
        50,
        (
            ("assign_branch", {"branch": "P1-KP2"}),
            "attend_class",
            "application",
            "send_verification",
            "introduction",
        ),
    ),
)


class NotEmpty(Exception):
    """The database already holds units, definitions or cases."""


def is_empty(session: Session) -> bool:
    """No unit, no definition, no case: nothing the demo could clash with."""
    return not any(
        session.execute(select(func.count()).select_from(model)).scalar()
        for model in (Unit, DefinitionVersion, Case)
    )


def _step_data(
    story: Story, person: dict, step: str, overrides: dict, today: date
) -> tuple[dict, str | None]:
    """The form for ``step`` of ``story`` on its usual day, and the unit to pick."""
    overrides = dict(overrides)
    unit = overrides.pop("unit", None)
    day = min(today - timedelta(days=story.started - SCHEDULE[step]), today)
    if "certificate_age" in overrides:  # months since an earlier certificate
        months = overrides.pop("certificate_age")
        overrides["certificate_date"] = rules.add_months(day, -months)
    if step == "application" and story.relatives:
        overrides["relatives"] = story.relatives
    return steps.step_data(step, day, person, **overrides), unit


def start_story(session: Session, story: Story, actor: Actor, today: date) -> Case:
    """Start the story's case and complete its steps, each dated on its usual day."""
    years, months = story.age
    person = {**story.person, "birth_date": rules.add_months(today, -(years * 12 + months))}
    case = intake.start_admission(session, person, actor)
    for entry in story.done:
        step, overrides = entry if isinstance(entry, tuple) else (entry, {})
        data, unit = _step_data(story, person, step, overrides, today)
        steps.complete_step(session, case.id, step, data, actor, unit=unit)
    return case


def run(
    factory: sessionmaker,
    actor: Actor,
    on_case: Callable[[Story, Case], None] = lambda story, case: None,
) -> list[int]:
    """Fill an empty database; raise ``NotEmpty`` if it holds anything."""
    today = date.fromisoformat(rules.today())
    with unit_of_work(factory) as session:
        if not is_empty(session):
            raise NotEmpty()
        orgs.import_tree(
            session, orgs.read_tree_file(DEMO_TREE), actor=actor.name, source=DEMO_TREE.name
        )
        intake.deploy(session, actor)
        ids = []
        for story in STORIES:
            case = start_story(session, story, actor, today)
            ids.append(case.id)
            on_case(story, case)
        return ids
