"""Benchmark: what each registered admission function costs against what it declares.

.venv/bin/python bench/functions.py

A call is paid from the calling expression's budget at the cost it declares, in sandbox
steps (engine/registry.py). For each function this times a call at its worst (working
days on years whose holidays are not built yet, long argument lists) and prints the
time per declared step, next to the time of a plain sandbox loop step, the unit the
budget is made of. A function whose time per step is above a loop step's declares too
little: a diagram calling it in a loop would get more work than its budget allows.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import workdays  # noqa: E402
from engine.sandbox import Sandbox  # noqa: E402
from workflows.admission import rules  # noqa: E402

INTRODUCERS = [
    {"kind": "member", "name": "Nguyễn Văn A", "official": False, "months_known": 3}
] * 100
RELATIVES = [
    {"full_name": f"Người {i}", "party_member": False, "place_unit": f"U{i}"} for i in range(100)
]
CALLS = {
    "age_in_months": ("2000-02-29", "2025-03-03"),
    "full_years": ("2000-02-29", "2025-03-03"),
    "age_eligible": ("2000-02-29", "2025-03-03"),
    "eighteenth_birthday": ("2000-02-29",),
    "certificate_valid": ("2020-02-29", "2025-03-03"),
    "two_thirds": (6, 9),
    "introducers_valid": (INTRODUCERS,),
    "introducer_problems": (INTRODUCERS,),
    "add_workdays": ("2025-03-03", 500),
    "workday_deadline": ("2025-03-03", 500),
    "add_months": ("2020-01-31", 13),
    "date_at_start": ("2020-01-31",),
    "today": (),
    "vote_problems": (9, 6, 4, "2025-01-01"),
    "verification_places": ("A", "U", RELATIVES, False),
    "special_reviews": ("A", "other", RELATIVES, True, True),
    "age_allowed": ("1960-02-29", "2025-03-03", "given"),
}
COLD = {"add_workdays", "workday_deadline"}  # each call on years not built yet


def _steps(name: str, args: tuple) -> int:
    cost = rules.COSTS[name]
    return max(1, cost(*args) if callable(cost) else cost)


def _time_call(name: str, args: tuple, repeat: int) -> float:
    fn = rules.__dict__[name]
    best = float("inf")
    for i in range(repeat):
        if name in COLD:  # another century each time: nothing of it is built yet
            args = (f"{2100 + 3 * i}-03-03", *args[1:])
            workdays.default_calendar._years.clear()
            workdays._vn_year.cache_clear()
        started = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - started)
    return best


def _sandbox_step() -> float:
    sandbox = Sandbox(max_steps=200_000)
    started = time.perf_counter()
    sandbox.execute("n = 0\nwhile n < 100000:\n    n = n + 1", {})
    return (time.perf_counter() - started) / 100_000


def main() -> None:
    print(f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}")
    step = _sandbox_step()
    print(f"{'a sandbox loop step':<22} {step * 1e6:8.2f} µs")
    for name, args in CALLS.items():
        seconds = _time_call(name, args, 20 if name in COLD else 200)
        steps = _steps(name, args)
        print(
            f"{name:<22} {seconds * 1e6:8.1f} µs   declares {steps:6,} steps   "
            f"{seconds / steps * 1e6:6.2f} µs a step"
        )


if __name__ == "__main__":
    main()
