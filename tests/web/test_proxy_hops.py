"""KETNAP_PROXY_HOPS: behind nginx the client address is the one nginx saw (its
X-Forwarded-For), so the sign-in throttle counts per client, not per proxy; without a
proxy a client's own X-Forwarded-For is ignored, so it cannot pose as many addresses."""

from __future__ import annotations

import pytest

from tests.support.webapp import csrf_token, seeded_app


def _wrong_sign_in(client, address: str) -> int:
    # As nginx passes a browser's request on: over HTTPS, so CSRF wants the Referer too.
    headers = {
        "X-Forwarded-For": address,
        "X-Forwarded-Proto": "https",
        "Referer": "https://localhost/dang-nhap",
    }
    form = client.get("/dang-nhap", headers=headers)
    return client.post(
        "/dang-nhap",
        headers=headers,
        data={"username": "cb_tp", "password": "wrong", "csrf_token": csrf_token(form.text)},
    ).status_code


@pytest.fixture
def app_with(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda hops: seeded_app(tmp_path, TESTING=True, PROXY_HOPS=hops, SIGN_IN_LIMIT=2)


def test_behind_one_proxy_each_client_address_has_its_own_count(app_with):
    client = app_with(1).test_client()
    assert [_wrong_sign_in(client, "203.0.113.7") for _ in range(2)] == [401, 401]
    assert _wrong_sign_in(client, "203.0.113.7") == 429
    assert _wrong_sign_in(client, "203.0.113.8") == 401  # another client behind nginx


def test_without_a_proxy_a_forged_address_is_ignored(app_with):
    client = app_with(0).test_client()
    assert [_wrong_sign_in(client, f"203.0.113.{n}") for n in range(2)] == [401, 401]
    assert _wrong_sign_in(client, "203.0.113.99") == 429  # the same client all along


def test_behind_one_proxy_the_scheme_is_the_proxys(app_with):
    app = app_with(1)
    seen = {}

    @app.get("/_test/scheme")
    def scheme():
        from flask import request

        seen.update(scheme=request.scheme, address=request.remote_addr)
        return ""

    app.test_client().get(
        "/_test/scheme", headers={"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"scheme": "https", "address": "198.51.100.4"}
