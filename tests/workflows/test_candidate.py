"""The candidate-data rules as pure functions over the demo tree."""

from __future__ import annotations

import pytest

from workflows.admission import candidate


@pytest.mark.parametrize(
    "level, exception, refused",
    [
        ("upper_secondary", None, False),
        ("lower_secondary", None, False),
        ("primary", None, True),
        ("below_primary", None, True),
        ("primary", "remote_area", False),
        ("below_primary", "village_elder", False),
        ("upper_secondary", "remote_area", False),  # not needed, not refused either
        (None, None, False),  # not given yet (the nomination may leave it)
    ],
)
def test_below_lower_secondary_needs_an_exception(level, exception, refused):
    errors = candidate.education_errors(
        {"education_level": level, "education_exception": exception}
    )
    assert bool(errors) is refused
    assert set(errors) <= {"education_exception"}


@pytest.mark.parametrize(
    "code, ok",
    [
        ("P1", True),
        ("P1-KP2", True),
        (None, True),
        ("THPT-TP", False),  # a school branch directly under the city committee
        ("TU-DL", False),
        ("NO-SUCH-UNIT", False),  # an older form took the code as text
    ],
)
def test_a_residence_lies_under_a_ward_committee(demo_tree, code, ok):
    assert (candidate.residence_problem(demo_tree, code) is None) is ok


def test_relatives_places_are_reported_by_row(demo_tree):
    relatives = [{"place_unit": "P2"}, {"place_unit": "DN-LB"}, {"place_unit": "P3-KP1"}]
    assert candidate.relatives_place_errors(demo_tree, relatives) == {
        "relatives": {1: {"place_unit": [candidate.NO_WARD]}}
    }
    assert candidate.relatives_place_errors(demo_tree, None) == {}
