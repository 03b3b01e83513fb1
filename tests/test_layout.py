"""The layout's rules that no linter checks: no import circles between modules.

A package importing its own modules (a blueprint's ``__init__`` importing the modules
that add routes to it) is how Flask areas are built and is allowed; anything else in a
circle means two modules each need the other, and one of them is in the wrong place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import cycles, import_graph

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("package", ["engine", "workflows", "web"])
def test_no_import_circles(package):
    assert cycles(import_graph(ROOT / package)) == []


def test_a_circle_is_found(tmp_path):
    """The check itself: two sibling modules importing each other are reported."""
    pkg = tmp_path / "pkg"
    (pkg / "area").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "area" / "__init__.py").write_text("from . import views\n")
    (pkg / "area" / "views.py").write_text("from . import forms\n")
    (pkg / "area" / "forms.py").write_text("def f():\n    from .views import x\n")
    (pkg / "other.py").write_text("from pkg.area import views\n")
    assert cycles(import_graph(pkg)) == [["pkg.area.forms", "pkg.area.views"]]
