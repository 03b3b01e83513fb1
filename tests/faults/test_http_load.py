"""16 clients completing tasks over HTTP against gunicorn (4 workers) on PostgreSQL,
with and without kill -9 of a worker or of the whole server in the middle."""

from __future__ import annotations

import threading

from tests.support.consistency import check_consistent

from .conftest import CLIENTS, start_cases
from .load import Outcome, run_clients

SHARED = 4  # cases every client works on at once: the same-case races
OWN = 1  # cases per client that nobody else touches
STEPS = 6


def _plan(ids: list[int]) -> list[list[int]]:
    shared, own = ids[:SHARED], ids[SHARED:]
    return [shared + own[i * OWN : (i + 1) * OWN] for i in range(CLIENTS)]


AT = 60  # answers received when the fault strikes: the load is well under way


def _strike(outcome: Outcome, fault) -> threading.Thread:
    """Run ``fault`` once the clients have had AT answers (waiting 20 s at most), so it
    hits the middle of the load however fast the machine is."""

    def watch():
        for _ in range(400):
            if len(outcome.answers) + outcome.broken >= AT:
                break
            threading.Event().wait(0.05)
        outcome.struck_at = len(outcome.answers)
        fault()

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


def _load(server, seeded, seconds: float, during=None) -> Outcome:
    ids = start_cases(seeded, SHARED + CLIENTS * OWN)
    outcome = Outcome()
    watcher = _strike(outcome, during) if during else None
    run_clients(
        server.base,
        seeded.tokens,
        _plan(ids),
        steps_per_case=STEPS,
        seconds=seconds,
        outcome=outcome,
    )
    if watcher:
        watcher.join(30)
    return outcome


def test_concurrent_clients_lose_nothing_and_complete_nothing_twice(server, seeded):
    outcome = _load(server, seeded, seconds=25)
    assert outcome.server_errors() == []
    assert outcome.broken == 0
    completed = outcome.completed()
    # Every client moved its own case at least once, and the shared ones moved too.
    assert len(completed) >= CLIENTS * OWN + SHARED
    assert max(completed.values()) == 1, "a task was completed twice"
    # Lost races answer 409 (or 404 once the task is gone), never a second success.
    assert {status for _, status in outcome.answers} <= {200, 404, 409}
    found = check_consistent(seeded.factory())
    # No lost update: every acknowledged completion is stored, with one audit event.
    assert found["completed_ids"] == set(completed)
    assert found["completed"] == len(completed)


def test_worker_killed_under_load_leaves_every_case_consistent(server, seeded):
    killed = []
    outcome = _load(server, seeded, seconds=20, during=lambda: killed.append(server.kill_worker()))
    assert killed
    assert len(outcome.answers) > outcome.struck_at, "the load did not go on after the kill"
    # Requests the dead worker held lose their connection; no other answer is a 5xx.
    assert outcome.server_errors() == []
    server.wait_ready()
    found = check_consistent(seeded.factory())
    assert set(outcome.completed()) <= found["completed_ids"]


def test_server_killed_under_load_then_restarted_is_consistent(server, seeded):
    outcome = _load(server, seeded, seconds=8, during=server.kill_all)
    assert outcome.server_errors() == []
    found = check_consistent(seeded.factory())
    assert set(outcome.completed()) <= found["completed_ids"]
    # After the restart nothing is stuck: the cases go on where they were.
    server.start()
    after = Outcome()
    ids = _case_ids(seeded)
    run_clients(
        server.base,
        seeded.tokens,
        [ids[i::CLIENTS] for i in range(CLIENTS)],
        steps_per_case=1,
        seconds=20,
        outcome=after,
    )
    assert after.server_errors() == [] and after.broken == 0
    assert after.completed(), "no case moved on after the restart"
    check_consistent(seeded.factory())


def _case_ids(seeded) -> list[int]:
    from sqlalchemy import select

    from engine.models import Case

    with seeded.factory()() as s:
        return list(s.execute(select(Case.id).order_by(Case.id)).scalars())
