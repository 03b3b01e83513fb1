"""Two timer worker processes (``ketnap timers run``) over 1,000 due timers: each timer
fires exactly once, and every case moves on consistently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from engine import clock, cloning
from engine.cases import Actor, unit_of_work
from engine.models import Case, Event
from tests.support.api import adult
from tests.support.consistency import check_consistent
from tests.support.driving import DOSSIER
from workflows.admission import intake, rules, steps

TIMERS = int(os.environ.get("KETNAP_FAULT_TIMERS", "1000"))
KETNAP = Path(sys.executable).parent / "ketnap"


def _waiting_minors(seeded, count: int) -> None:
    """``count`` cases of 17½-year-olds whose dossier was finished a year ago: each waits
    for an 18th birthday that is now six months past, so its timer is due. One is driven
    through the engine; the others are copies of it (engine.cloning)."""
    name = "Trần Thị Chờ"
    factory = seeded.factory()
    with clock.frozen_at(clock.now() - timedelta(days=365)):
        person = adult(full_name=name, birth_date=rules.add_months(rules.today(), -(17 * 12 + 6)))
        with unit_of_work(factory) as s:
            case_id = intake.start_admission(s, person, Actor("load0")).id
        for step in DOSSIER:
            with unit_of_work(factory) as s:
                steps.complete_step(
                    s, case_id, step, steps.step_data(step, rules.today(), person), Actor("load0")
                )
    with unit_of_work(factory) as s:
        template = cloning.Template(s, case_id, name)
        for n in range(1, count):
            cloning.copy_case(s, template, f"{name} {n}")
    with factory() as s:
        due = s.execute(
            select(func.count()).select_from(Case).where(Case.next_due_at <= clock.now())
        ).scalar()
    assert due == count


def test_two_timer_workers_fire_each_of_1000_timers_once(seeded, tmp_path):
    _waiting_minors(seeded, TIMERS)
    env = {**os.environ, "DATABASE_URL": seeded.url}
    workers = [
        subprocess.Popen(
            [str(KETNAP), "timers", "run"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    handled = [int(out.split()[0]) for out, _err in outputs]
    assert sum(handled) == TIMERS
    factory = seeded.factory()
    with factory() as s:
        fired = Counter(
            e.case_id for e in s.execute(select(Event).where(Event.kind == "timer_fired")).scalars()
        )
        steps = {
            json.loads(e.data)["step"]
            for e in s.execute(select(Event).where(Event.kind == "timer_fired")).scalars()
        }
        assert len(fired) == TIMERS and set(fired.values()) == {1}
        assert steps == {"wait_18"}
        assert (
            s.execute(
                select(func.count()).select_from(Case).where(Case.next_due_at <= clock.now())
            ).scalar()
            == 0
        )
    check_consistent(factory)
