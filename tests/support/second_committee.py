"""A second upper committee beside the demo tree's Thành ủy Đà Lạt, for transfers across
committees: Thành ủy Bảo Lộc with its boards, its political centre and a school branch."""

from __future__ import annotations

from engine.cases import unit_of_work
from workflows.admission import demo, orgs

SECOND_COMMITTEE = """
units:
  - code: TU-BL
    name: Thành ủy Bảo Lộc
    kind: committee
    children:
      - {code: BTV-BL, name: Ban Thường vụ Thành ủy Bảo Lộc, kind: standing_board}
      - {code: BTC-BL, name: Ban Tổ chức Thành ủy Bảo Lộc, kind: organisation_board}
      - {code: TTCT-BL, name: Trung tâm Chính trị thành phố Bảo Lộc, kind: political_centre}
      - code: THPT-BL
        name: Chi bộ Trường THPT Bảo Lộc
        kind: branch
        institution: high_school
        children:
          - {code: DT-THPT-BL, name: Đoàn trường THPT Bảo Lộc, kind: youth_union}
"""


def add_second_committee(factory) -> None:
    """Import the demo tree with Thành ủy Bảo Lộc added (the demo units stay as they are)."""
    with unit_of_work(factory) as session:
        units = orgs.read_tree_file(demo.DEMO_TREE) + orgs.parse_tree(SECOND_COMMITTEE, "yaml")
        orgs.import_tree(session, units)
