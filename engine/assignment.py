"""Who is responsible for a task: each lane names a resolver that the domain registered.

A resolver gets a ``ResolveContext``: the case data, the task's own data (which, inside a
multi-instance task, holds the current item), the case's current unit, and the database
session (to read an organisation tree, say). It returns the code of the responsible unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import ProcessError
from engine.registry import Registry


@dataclass(frozen=True)
class ResolveContext:
    case: Mapping[str, Any]
    task: Mapping[str, Any]
    unit: str | None
    session: Session | None


def resolve_unit(
    registry: Registry, lanes: dict, lane_id: str | None, ctx: ResolveContext
) -> str | None:
    if lane_id is None:
        return None
    lane = lanes.get(lane_id) or {}
    name = lane.get("name", lane_id)
    resolver = registry.resolvers.get(lane.get("resolver") or "")
    if resolver is None:
        raise ProcessError(f"lane {name}: resolver {lane.get('resolver')!r} is not registered")
    try:
        unit = resolver(ctx)
    except (KeyError, ValueError, TypeError, LookupError) as err:
        raise ProcessError(f"lane {name}: cannot find the responsible unit ({err})") from err
    if not unit:
        raise ProcessError(f"lane {name}: no responsible unit for this case")
    return unit
