"""Benchmark: a gateway condition in the sandbox against plain eval.

.venv/bin/python bench/sandbox.py
"""

from __future__ import annotations

import platform
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.sandbox import Sandbox  # noqa: E402

CASES = {
    "two-thirds condition": (
        "votes_for * 3 >= official_members * 2",
        {"votes_for": 6, "official_members": 9},
    ),
    "boolean rule": (
        "approved and score >= 5 and category in ('student', 'other')",
        {"approved": True, "score": 7, "category": "student"},
    ),
}


def main() -> None:
    print(f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}")
    sandbox = Sandbox()
    for label, (source, names) in CASES.items():
        code = compile(source, "<bench>", "eval")
        n = 20000
        ours = (
            min(
                timeit.repeat(
                    lambda source=source, names=names: sandbox.evaluate(source, names),
                    number=n,
                    repeat=5,
                )
            )
            / n
        )
        bare = (
            min(
                timeit.repeat(
                    lambda code=code, names=names: eval(code, {"__builtins__": {}}, dict(names)),
                    number=n,
                    repeat=5,
                )
            )
            / n
        )
        print(
            f"{label:<22} sandbox {ours * 1e6:6.2f} µs   plain eval {bare * 1e6:6.2f} µs   "
            f"ratio {ours / bare:5.1f}"
        )


if __name__ == "__main__":
    main()
