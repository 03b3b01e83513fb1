"""Fixtures for the admission domain: the demo trees, parsed without a database, and
(from ``scenario``) ``world``: a database with the tree and the deployed diagrams."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.admission import orgs

DATA = Path(orgs.__file__).parent / "data"
DEMO = DATA / "org_demo.yaml"
TREE_2025 = DATA / "org_2025.yaml"


def plugin_runner(factory, monkeypatch):
    """Invoke a fresh ``ketnap`` group that the admission plugin extended, on the test
    database: ``run("orgs", "list")`` returns click's Result."""
    import click
    from click.testing import CliRunner

    from engine import cli as engine_cli
    from engine.registry import registry
    from workflows.admission import plugin

    monkeypatch.setattr(engine_cli, "_factory", factory)
    monkeypatch.setattr(registry, "case_unit", None)
    monkeypatch.setattr(registry, "case_stored", [])  # the plugin's listeners, this test only

    @click.group()
    def ketnap():
        pass

    plugin(ketnap)
    runner = CliRunner()
    return lambda *args: runner.invoke(ketnap, [str(a) for a in args])


@pytest.fixture(scope="session")
def demo_units():
    return orgs.read_tree_file(DEMO)


@pytest.fixture(scope="session")
def demo_tree(demo_units):
    return orgs.OrgTree(demo_units)


@pytest.fixture(scope="session")
def tree_2025():
    return orgs.OrgTree(orgs.read_tree_file(TREE_2025))


from .scenario import no_stuck_case_after, world  # noqa: E402, F401  (scenario fixtures)


@pytest.fixture(autouse=True)
def _scenarios_leave_no_stuck_case(request):
    """The scenario tests (test_scenarios_*.py) end with the check that no case is
    stuck, as if each had asked for ``no_stuck_case_after``."""
    if request.module.__name__.rsplit(".", 1)[-1].startswith("test_scenarios_"):
        request.getfixturevalue("no_stuck_case_after")
    yield
