"""What the API tests share: tokens for the test users, a client that sends them, and
cases started through the API (the users and units are those of ``conftest.USERS``)."""

from __future__ import annotations

from sqlalchemy import select

from engine.cases import unit_of_work
from tests.support.driving import STUDENT
from web.accounts import User
from web.tokens import issue
from workflows.admission import rules


def adult(**changes) -> dict:
    """The driving module's student, but old enough that nothing waits for a birthday."""
    return {**STUDENT, "birth_date": rules.add_months(rules.today(), -(19 * 12)), **changes}


def issue_token(app, name: str) -> str:
    """A new API token for the test user ``name``."""
    with unit_of_work(app.extensions["ketnap_db"]) as session:
        user = session.execute(select(User).where(User.username == name)).scalar_one()
        return issue(session, user, "test")[1]


class Api:
    """The Flask test client, sending a bearer token (if any) on every request."""

    def __init__(self, client, token: str | None) -> None:
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**sent, **(headers or {})}

    def get(self, path: str, *, headers: dict | None = None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def post(self, path: str, *, headers: dict | None = None, **kwargs):
        return self.client.post(path, headers=self._headers(headers), **kwargs)


def api_as(app, name: str | None) -> Api:
    """A client acting as test user ``name`` (None: without a token)."""
    return Api(app.test_client(), issue_token(app, name) if name else None)


def start(api: Api, data: dict | None = None) -> dict:
    """Start an admission case through the API; the answer's body."""
    response = api.post("/api/v1/cases", json={"definition": "admission", "data": data or adult()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def only_task(body: dict) -> dict:
    """The one open task of a case answer."""
    [task] = body["tasks"]
    return task
