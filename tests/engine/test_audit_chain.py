"""`ketnap audit verify` finds every kind of tampering and names the entry."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from engine import audit, cli
from engine.cases import unit_of_work
from engine.models import Event


def _fill(factory):
    with unit_of_work(factory) as s:
        for n in range(10):
            audit.record(s, "comment", actor="alice", case_id=n % 3 + 1, data={"n": n})


def _append_only_trigger(factory, enabled: bool):
    """On PostgreSQL the events table refuses UPDATE and DELETE (migration 0007). The
    tampering tests act as an attacker with DDL rights, who can switch it off: verify must
    still catch them."""
    with factory() as s:
        if s.bind.dialect.name == "postgresql":
            state = "ENABLE" if enabled else "DISABLE"
            s.execute(text(f"ALTER TABLE events {state} TRIGGER events_append_only"))
            s.commit()


@pytest.fixture
def chain(factory):
    """Ten events over three cases, with the append-only trigger off."""
    _fill(factory)
    _append_only_trigger(factory, False)
    yield factory
    _append_only_trigger(factory, True)


def verify(factory):
    with unit_of_work(factory) as s:
        return audit.verify(s)


def run_cli(factory, monkeypatch):
    monkeypatch.setattr(cli, "_factory", factory)
    return CliRunner().invoke(cli.cli, ["audit", "verify"])


def sql(factory, statement, **params):
    with factory() as s:
        s.execute(text(statement), params)
        s.commit()


def test_intact_chain_verifies(chain, monkeypatch):
    assert verify(chain) is None
    result = run_cli(chain, monkeypatch)
    assert result.exit_code == 0 and "intact" in result.output


def test_changed_event_is_named(chain, monkeypatch):
    sql(chain, "UPDATE events SET data = :d WHERE seq = 4", d='{"n":99}')
    broken = verify(chain)
    assert broken.seq == 4 and "changed" in broken.reason
    result = run_cli(chain, monkeypatch)
    assert result.exit_code == 1 and "#4" in result.output


def test_changed_actor_is_detected(chain):
    sql(chain, "UPDATE events SET actor = 'mallory' WHERE seq = 7")
    assert verify(chain).seq == 7


def test_deleted_event_is_named(chain):
    sql(chain, "DELETE FROM events WHERE seq = 5")
    assert verify(chain).seq == 5


def test_deleted_last_events_are_detected(chain):
    sql(chain, "DELETE FROM events WHERE seq >= 9")
    assert verify(chain).seq == 9


def test_inserted_event_is_detected(chain):
    # Shift the tail up by one and insert a forged event with a self-consistent hash.
    with chain() as s:
        rows = (
            s.execute(select(Event).where(Event.seq >= 6).order_by(Event.seq.desc()))
            .scalars()
            .all()
        )
        for ev in rows:
            s.execute(text("UPDATE events SET seq = seq + 1 WHERE seq = :q"), {"q": ev.seq})
        at = rows[-1].at
        s.expunge_all()
        prev = s.execute(select(Event.hash).where(Event.seq == 5)).scalar()
        forged = dict(
            seq=6,
            prev_hash=prev,
            kind="comment",
            case_id=1,
            actor="mallory",
            unit=None,
            at=at,
            data="{}",
            request_id=None,
            client=None,
        )
        forged["hash"] = audit.event_hash(
            **{
                k: forged[k]
                for k in (
                    "seq",
                    "prev_hash",
                    "kind",
                    "case_id",
                    "actor",
                    "unit",
                    "at",
                    "data",
                    "request_id",
                    "client",
                )
            }
        )
        s.add(Event(**forged))
        s.commit()
    assert verify(chain).seq == 7


def test_reordered_events_are_detected(chain):
    with chain() as s:
        a, b = (s.get(Event, 3), s.get(Event, 4))
        fields = ("kind", "case_id", "actor", "at", "data", "prev_hash", "hash")
        va, vb = [{f: getattr(e, f) for f in fields} for e in (a, b)]
        for f in fields:
            setattr(a, f, vb[f])
            setattr(b, f, va[f])
        s.commit()
    assert verify(chain).seq == 3


def test_deleted_case_history_is_detected(chain):
    sql(chain, "DELETE FROM events WHERE case_id = 2")
    broken = verify(chain)
    assert broken is not None and broken.seq == 2


def test_failed_operation_leaves_no_event(factory):
    with pytest.raises(RuntimeError):
        with unit_of_work(factory) as s:
            audit.record(s, "comment", actor="alice", data={})
            raise RuntimeError("boom")
    with unit_of_work(factory) as s:
        assert s.execute(select(Event)).first() is None
        assert audit.verify(s) is None


def test_a_transaction_with_thousands_of_events_is_chained_whole(factory):
    """More events at once than one statement has parameters for (a timer worker's
    batch, the demo's copies: 6,000 events of 11 values each), all chained in order."""
    count = 6000
    with unit_of_work(factory) as s:
        for n in range(count):
            audit.record(s, "comment", actor="alice", case_id=n % 7 + 1, data={"n": n})
    with unit_of_work(factory) as s:
        assert s.execute(text("SELECT count(*), max(seq) FROM events")).one() == (count, count)
        assert audit.verify(s) is None


# The append-only trigger exists on PostgreSQL only: db_engine takes that back end alone.
@pytest.mark.parametrize("db_engine", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    "statement",
    ["UPDATE events SET actor = 'mallory' WHERE seq = 3", "DELETE FROM events WHERE seq = 3"],
)
def test_postgres_refuses_update_and_delete(factory, statement):
    _fill(factory)
    with pytest.raises(Exception, match="append-only"):
        sql(factory, statement)
    assert verify(factory) is None
