"""The load of the fault tests: clients completing tasks over HTTP, and what must hold
of the database afterwards, whatever happened to the server in between."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.support.api import adult
from workflows.admission import rules, steps

PERSON = adult()


@dataclass
class Outcome:
    """Every answer the clients got: (task id, status); connection errors apart."""

    answers: list[tuple[int, int]] = field(default_factory=list)
    broken: int = 0  # no answer at all (a killed worker's connections)
    struck_at: int = 0  # answers received when a fault was injected
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, task: int | None, status: int | None) -> None:
        with self.lock:
            if status is None:
                self.broken += 1
            else:
                self.answers.append((task or 0, status))

    def completed(self) -> Counter:
        return Counter(task for task, status in self.answers if status == 200)

    def server_errors(self) -> list[tuple[int, int]]:
        return [(task, status) for task, status in self.answers if status >= 500]


def complete_next(http: requests.Session, base: str, case_id: int, outcome: Outcome) -> bool:
    """Complete the case's first open task with the usual form; False when none is open."""
    try:
        answer = http.get(f"{base}/api/v1/cases/{case_id}", timeout=30)
    except requests.RequestException:
        outcome.add(None, None)
        return True
    if answer.status_code != 200:
        outcome.add(None, answer.status_code)
        return answer.status_code < 500
    tasks = answer.json()["tasks"]
    if not tasks:
        return False
    task = tasks[0]
    data = steps.step_data(task["step"], rules.today(), PERSON)
    try:
        done = http.post(
            f"{base}/api/v1/tasks/{task['id']}/complete", json={"data": data}, timeout=30
        )
    except requests.RequestException:
        outcome.add(task["id"], None)
        return True
    outcome.add(task["id"], done.status_code)
    return True


def run_clients(
    base: str,
    tokens: list[str],
    plan: list[list[int]],
    *,
    steps_per_case: int,
    seconds: float,
    outcome: Outcome,
) -> None:
    """One thread per token; client i walks the cases ``plan[i]`` round-robin, at most
    ``steps_per_case`` completions each, and stops at ``seconds`` in any case."""
    deadline = time.monotonic() + seconds

    def client(token: str, cases: list[int]) -> None:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        tries = Counter()
        pending = list(cases)
        while pending and time.monotonic() < deadline:
            for case_id in list(pending):
                tries[case_id] += 1
                if (
                    not complete_next(http, base, case_id, outcome)
                    or tries[case_id] >= steps_per_case
                ):
                    pending.remove(case_id)
        http.close()

    threads = [
        threading.Thread(target=client, args=(token, cases))
        for token, cases in zip(tokens, plan, strict=False)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
