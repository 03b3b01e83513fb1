"""Fixtures of the engine tests that work on one started case of the review process
(ending, preview, reopening). A module that needs another registry or case defines its
own ``reg`` or ``started``, which takes precedence over these."""

from __future__ import annotations

import pytest

from engine import cases
from engine.cases import unit_of_work

from .helpers import ALICE, deploy_review, make_registry


@pytest.fixture
def reg():
    return make_registry()


@pytest.fixture
def started(factory, reg):
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        return cases.start_case(s, "review", {"unit_code": "U7"}, ALICE, unit="U7", registry=reg).id
