"""``ketnap orgs import`` and ``ketnap orgs list`` through the plugin entry point."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine import cli as engine_cli
from engine.cases import unit_of_work
from engine.models import Event
from engine.registry import registry
from workflows.admission import resolvers, rules
from workflows.admission.kinds import KINDS
from workflows.admission.models import Unit

from .conftest import DEMO, TREE_2025, plugin_runner


@pytest.fixture
def run(factory, monkeypatch):
    """Invoke a ``ketnap`` group that the plugin extended, on the test database."""
    return plugin_runner(factory, monkeypatch)


def count_units(factory):
    with unit_of_work(factory) as session:
        return len(session.execute(select(Unit.code)).all())


def test_plugin_registers_the_domain(run):
    assert registry.case_unit is resolvers.case_unit
    assert registry.functions["age_eligible"] is rules.age_eligible
    assert registry.resolvers["deciding_committee"] is resolvers.deciding_committee


def test_import_a_bad_file_prints_every_problem_and_changes_nothing(run, factory, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- {code: TU, name: T, kind: committee}\n"
        "- {code: A, name: '', kind: branch, parent: TU}\n"
        "- {code: B, name: B, kind: brnch, parent: NOPE}\n",
        encoding="utf-8",
    )
    result = run("orgs", "import", bad)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "line 2 (A): name is empty",
        "line 3 (B): unknown kind 'brnch'; known: " + ", ".join(KINDS),
        "line 3 (B): parent 'NOPE' is not in the file",
    ]
    assert "3 problem(s); nothing was changed" in result.stderr
    assert count_units(factory) == 0


def test_import_a_file_that_is_not_utf8(run, tmp_path):
    bad = tmp_path / "latin.csv"
    bad.write_bytes("code,name,kind\nTU,Th\xe0nh \xfay,committee\n".encode("latin-1"))
    result = run("orgs", "import", bad)
    assert result.exit_code == 1 and "not UTF-8" in result.stdout


def test_dry_run_then_import_then_list(run, factory):
    result = run("orgs", "import", "--dry-run", DEMO)
    assert result.exit_code == 0, result.output
    assert "would import 36 unit(s): 36 new" in result.stdout
    assert count_units(factory) == 0

    result = run("orgs", "import", DEMO)
    assert result.exit_code == 0, result.output
    assert "imported 36 unit(s): 36 new, 0 changed, 0 made inactive" in result.stdout
    with unit_of_work(factory) as session:
        [event] = session.execute(select(Event).where(Event.kind == "units_imported")).scalars()
    assert event.actor == engine_cli.os_actor().name
    assert json.loads(event.data)["source"] == "org_demo.yaml"

    lines = run("orgs", "list").stdout.splitlines()
    assert len(lines) == 36
    assert lines[0] == "TU-DL\tcommittee\t-\tThành ủy Đà Lạt"
    assert "THPT-TL-GV\tbranch\tTHPT-TL\tChi bộ Giáo viên Trường THPT Chuyên Thăng Long" in lines

    wards = run("orgs", "list", "--kind", "ward_committee").stdout.splitlines()
    assert [line.split("\t")[0] for line in wards] == ["P1", "P2", "P3"]
    assert run("orgs", "list", "--kind", "nonsense").exit_code == 2


def test_reorganisation_lists_inactive_units_only_with_all(run):
    run("orgs", "import", DEMO)
    result = run("orgs", "import", TREE_2025)
    assert result.exit_code == 0, result.output
    assert "deactivated: " in result.stdout and "TU-DL" in result.stdout
    active = [line.split("\t")[0] for line in run("orgs", "list").stdout.splitlines()]
    assert "TU-DL" not in active and active[0] == "TU-LD"
    everything = run("orgs", "list", "--all").stdout.splitlines()
    assert "TU-DL\tcommittee\t-\tThành ủy Đà Lạt\tinactive" in everything


def test_import_csv(run, factory, tmp_path):
    path = tmp_path / "tree.csv"
    path.write_text(
        "code,name,kind,parent,upper,covers\n"
        "W,Đảng ủy phường,ward_committee,,W,Tổ 1;Tổ 2\n"
        "W-T1,Chi bộ Tổ 1,branch,W,,\n",
        encoding="utf-8",
    )
    result = run("orgs", "import", path)
    assert result.exit_code == 0, result.output
    assert run("orgs", "list").stdout.splitlines() == [
        "W\tward_committee\t-\tĐảng ủy phường",
        "W-T1\tbranch\tW\tChi bộ Tổ 1",
    ]
