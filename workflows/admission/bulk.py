"""``ketnap demo --cases N``: the demo at scale, for benchmarks and load tests.

The demo's stories are driven through the engine once; every further case is a copy of
one of them (``engine.cloning``) for another person, so the copies stand at the same
realistic steps, with the same histories, as cases the engine produced: the audit chain
verifies and every inbox row names a ready task of its case's state. Copies are written
in batches, one transaction each, so a long run shows progress and keeps memory flat.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import sessionmaker

from engine import cloning
from engine.cases import unit_of_work

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Thu", "Đức", "Bảo")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Huy",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
)


def person_name(n: int) -> str:
    """A distinct, plausible name for the n-th copy (numbered past 4,160 combinations,
    so that two people are never confused in searches)."""
    combos = len(FAMILY) * len(MIDDLE) * len(GIVEN)
    family, rest = divmod(n % combos, len(MIDDLE) * len(GIVEN))
    middle, given = divmod(rest, len(GIVEN))
    name = f"{FAMILY[family]} {MIDDLE[middle]} {GIVEN[given]}"
    return name if n < combos else f"{name} {n // combos + 1}"


def copy_cases(
    factory: sessionmaker,
    templates: list[tuple[int, str]],
    count: int,
    *,
    batch: int = 200,
    on_batch: Callable[[int], None] = lambda n: None,
) -> int:
    """``count`` copies of the template cases (case id, person's name), in turn."""
    with factory() as session:
        loaded = [cloning.Template(session, case_id, name) for case_id, name in templates]
    made = 0
    while made < count:
        size = min(batch, count - made)
        with unit_of_work(factory) as session:
            for n in range(made, made + size):
                cloning.copy_case(session, loaded[n % len(loaded)], person_name(n))
        made += size
        on_batch(size)
    return made
