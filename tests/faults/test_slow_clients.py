"""200 slow clients (slowloris) against the README's production setup — four sync
gunicorn workers behind nginx from deploy/nginx/ketnap.conf — while a normal client's
requests keep answering within 1 s; and the same attack against bare gunicorn, which
it blocks (so this test can fail)."""

from __future__ import annotations

import re
import time

import pytest
import requests

from engine.settings import MIB, Settings

from .nginx import SITE, Nginx, require_nginx
from .slowloris import SlowClients

SLOW = 200
BOUND = 1.0  # seconds: the bound for a normal client's answer


@pytest.fixture
def fronted(server, tmp_path):
    """nginx from the repo's site file in front of the ``server`` gunicorn."""
    require_nginx()
    proxy = Nginx(server.port, tmp_path)
    proxy.start()
    yield proxy
    proxy.stop()


def _normal_client(base: str, token: str, seconds: float, **tls) -> list[tuple[str, int, float]]:
    """A page and an API read, each on a new connection, for ``seconds``:
    (path, status, seconds taken) of each."""
    answers = []
    deadline = time.monotonic() + seconds
    paths = ["/dang-nhap", "/api/v1/tasks"]
    while time.monotonic() < deadline:
        path = paths[len(answers) % 2]
        started = time.monotonic()
        answer = requests.get(
            base + path, headers={"Authorization": f"Bearer {token}"}, timeout=10, **tls
        )
        answers.append((path, answer.status_code, time.monotonic() - started))
        time.sleep(0.2)
    return answers


def _attack_nginx(fronted, token: str) -> list[tuple[str, int, float]]:
    slow = SlowClients(fronted.https_port, SLOW, cafile=fronted.cert, interval=1.5)
    try:
        slow.start()
        # Well within nginx's 10 s for a request's headers, after which it would rightly
        # close the half of them that never finish theirs.
        answers = _normal_client(fronted.base, token, 4.0, verify=str(fronted.cert))
        assert slow.rounds >= 2, "the slow clients did not trickle while the others asked"
        assert slow.open >= SLOW * 0.95, "nginx dropped the slow clients: they held nothing"
    finally:
        slow.close()
    return answers


def _attack_gunicorn(server, token: str) -> None:
    slow = SlowClients(server.port, SLOW)
    try:
        slow.start()
        with pytest.raises(requests.Timeout):
            requests.get(
                server.base + "/api/v1/tasks",
                headers={"Authorization": f"Bearer {token}"},
                timeout=BOUND,
            )
    finally:
        slow.close()


def test_slow_clients_hold_up_nobody_behind_nginx_and_everybody_without(fronted, server, seeded):
    """One gunicorn (four sync workers, as the README runs it) for both halves: the
    attack through nginx, then straight at gunicorn."""
    answers = _attack_nginx(fronted, seeded.tokens[0])
    assert len(answers) >= 8
    assert {status for _, status, _ in answers} == {200}, answers
    slowest = max(answers, key=lambda a: a[2])
    assert slowest[2] < BOUND, f"{slowest[0]} took {slowest[2]:.2f} s with {SLOW} slow clients"
    # Without nginx, four of the slow clients hold the four workers; the rest queue, and
    # the normal client behind them.
    _attack_gunicorn(server, seeded.tokens[0])


def test_nginx_takes_the_bodies_the_app_takes():
    """client_max_body_size = KETNAP_MAX_REQUEST_BYTES' default, so nginx refuses (413)
    exactly what the app would, before reading it."""
    [size] = re.findall(r"^\s*client_max_body_size (\d+)m;", SITE.read_text(), re.MULTILINE)
    assert int(size) * MIB == Settings().max_request_bytes
