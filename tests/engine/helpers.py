"""Helpers for engine tests: a registry with test resolvers, and the review diagram."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from engine import definitions
from engine.cases import Actor, unit_of_work
from engine.registry import Registry

DATA = Path(__file__).parent / "data"
ALICE, BOB = Actor("alice"), Actor("bob")


def make_registry() -> Registry:
    reg = Registry()
    reg.resolver("case_unit")(lambda ctx: ctx.case.get("unit_code", "U1"))
    reg.resolver("board")(lambda ctx: "BOARD")

    @reg.function()
    def double(x):
        """Twice x."""
        return 2 * x

    return reg


def review_files() -> dict[str, bytes]:
    return definitions.collect([DATA / "review"])


def deploy_review(factory, registry) -> int:
    with unit_of_work(factory) as s:
        version, _ = definitions.deploy(s, review_files(), "designer", registry=registry)
        return version.id


SUBMIT_OK = {
    "approved": True,
    "score": 7,
    "submitted_on": "2025-03-03",
    "wait_until": "2030-01-01T00:00:00+00:00",
}


def move_clock_past_wait() -> None:
    """Move the engine clock to just after SUBMIT_OK's wait date."""
    from datetime import datetime

    from engine import clock

    clock.advance(datetime(2030, 1, 1, 1, tzinfo=UTC) - clock.now())


def deploy_edited_review(
    factory, registry, old: bytes, new: bytes, extra: dict[str, bytes] | None = None
) -> None:
    """Deploy the review diagram with ``old`` replaced by ``new`` (which must occur), plus
    ``extra`` files (a form, say)."""
    files = review_files()
    assert old in files["review.bpmn"], "the edit found nothing to replace"
    files["review.bpmn"] = files["review.bpmn"].replace(old, new)
    files.update(extra or {})
    with unit_of_work(factory) as s:
        definitions.deploy(s, files, "designer", registry=registry)
