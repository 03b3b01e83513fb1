"""Importing the tree into the database (SQLite and PostgreSQL), and loading it back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.cases import unit_of_work
from engine.models import Event
from workflows.admission import orgs
from workflows.admission.models import Unit

from .conftest import DEMO, TREE_2025


def do_import(factory, units, **kw):
    with unit_of_work(factory) as session:
        return orgs.import_tree(session, units, **kw)


def stored(factory) -> dict[str, Unit]:
    with unit_of_work(factory) as session:
        return {u.code: u for u in session.execute(select(Unit)).scalars()}


def events(factory, kind="units_imported"):
    with unit_of_work(factory) as session:
        rows = (
            session.execute(select(Event).where(Event.kind == kind).order_by(Event.seq))
            .scalars()
            .all()
        )
        return [(e.actor, json.loads(e.data)) for e in rows]


SMALL = """
- code: TU
  name: Thành ủy
  kind: committee
  children:
    - {code: BTV, name: Ban Thường vụ, kind: standing_board}
    - {code: CB1, name: Chi bộ 1, kind: branch}
    - {code: CB2, name: Chi bộ 2, kind: branch}
"""


def test_demo_tree_imports(factory, demo_units):
    plan = do_import(factory, demo_units, actor="os:admin", source="org_demo.yaml")
    assert len(plan.created) == len(demo_units) == 36 and not plan.updated
    rows = stored(factory)
    assert set(rows) == {u.code for u in demo_units}
    assert all(r.active for r in rows.values())
    assert rows["P1"].covers == ["Khu phố 1 – Phường 1", "Khu phố 2 – Phường 1"]
    assert rows["THPT-TL-GV"].parent_code == "THPT-TL"
    [(actor, data)] = events(factory)
    assert actor == "os:admin" and data["source"] == "org_demo.yaml"
    assert len(data["created"]) == 36 and data["deactivated"] == []


def test_reimport_changes_nothing(factory, demo_units):
    do_import(factory, demo_units)
    before = {c: r.updated_at for c, r in stored(factory).items()}
    plan = do_import(factory, demo_units)
    assert (plan.created, plan.updated, plan.deactivated) == ((), (), ())
    assert plan.unchanged == 36
    assert {c: r.updated_at for c, r in stored(factory).items()} == before


def test_units_left_out_become_inactive_and_come_back(factory):
    full = orgs.parse_tree(SMALL, "yaml")
    do_import(factory, full)
    plan = do_import(factory, [u for u in full if u.code != "CB2"])
    assert plan.deactivated == ("CB2",)
    assert stored(factory)["CB2"].active is False
    with unit_of_work(factory) as session:
        tree = orgs.load_tree(session)
    assert not tree.unit("CB2").active  # old cases still find it
    assert "CB2" not in [u.code for u in tree.units()]
    plan = do_import(factory, full)
    assert plan.reactivated == ("CB2",) and plan.updated == ("CB2",)
    assert stored(factory)["CB2"].active is True


def test_reorganisation_2025(factory, demo_units):
    do_import(factory, demo_units)
    with unit_of_work(factory) as session:
        before = orgs.load_tree(session)
    plan = do_import(factory, orgs.read_tree_file(TREE_2025))
    assert {"TU-DL", "BTV-DL", "BTC-DL", "TTCT-DL", "P1", "P2", "P3"} <= set(plan.deactivated)
    assert {"THPT-TP", "P1-KP1", "DN-LB"} <= set(plan.updated)
    assert {"TU-LD", "XH-DL", "BTV-XH-DL"} <= set(plan.created)
    rows = stored(factory)
    # Re-attached under a ward created by the same import: inserts precede updates.
    assert rows["THPT-TP"].parent_code == "XH-DL" and rows["THPT-TP"].active
    assert rows["XH-DL"].upper_code == "XH-DL"
    assert not rows["TU-DL"].active
    with unit_of_work(factory) as session:
        after = orgs.load_tree(session)
    assert after is not before
    assert after.deciding_committee_of("THPT-TP").code == "XH-DL"
    assert before.deciding_committee_of("THPT-TP").code == "TU-DL"


def test_a_bad_tree_writes_nothing(factory):
    units = orgs.parse_tree(SMALL + "- {code: X, name: X, kind: branch, parent: NOPE}\n", "yaml")
    with pytest.raises(orgs.TreeFormatError) as err:
        do_import(factory, units)
    assert [p.message for p in err.value.problems] == [
        "line 9 (X): parent 'NOPE' is not in the file"
    ]
    assert stored(factory) == {} and events(factory) == []


def test_dry_run_plans_without_writing(factory, demo_units):
    with unit_of_work(factory) as session:
        plan = orgs.plan_import(session, demo_units)
    assert len(plan.created) == 36
    assert stored(factory) == {}


def test_load_tree_is_cached_until_the_table_changes(factory):
    do_import(factory, orgs.parse_tree(SMALL, "yaml"))
    with unit_of_work(factory) as session:
        first = orgs.load_tree(session)
    with unit_of_work(factory) as session:
        assert orgs.load_tree(session) is first
    # A rename changes no count; the strictly increasing stamp still shows it.
    do_import(factory, orgs.parse_tree(SMALL.replace("Chi bộ 1", "Chi bộ Một"), "yaml"))
    with unit_of_work(factory) as session:
        renamed = orgs.load_tree(session)
        stamps = session.execute(select(func.count(func.distinct(Unit.updated_at)))).scalar()
    assert renamed is not first and renamed.unit("CB1").name == "Chi bộ Một"
    assert stamps == 2


def test_both_demo_files_import_in_turn_and_back(factory):
    for path in (DEMO, TREE_2025, DEMO):
        do_import(factory, orgs.read_tree_file(path))
    rows = stored(factory)
    assert rows["TU-DL"].active and not rows["TU-LD"].active
    assert rows["THPT-TP"].parent_code == "TU-DL"
