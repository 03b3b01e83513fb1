"""The admission of new Party members: organisation tree, rules and lane resolvers.

``plugin`` is the ``ketnap.plugins`` entry point: the engine's CLI calls it at start-up,
and any other host (the web app) calls it once before running cases.
"""
from __future__ import annotations

import click

from engine.registry import registry


def plugin(cli_group: click.Group) -> None:
    """Register the domain's functions and resolvers, and add ``orgs`` to ``cli_group``."""
    # Imported here, not at package import: importing the package, or only its tree
    # modules (orgs, models), registers nothing; the host decides when, by calling this.
    from . import models, resolvers, rules  # noqa: F401  (they register on import)
    from .cli import orgs_group

    registry.case_unit = resolvers.case_unit
    cli_group.add_command(orgs_group)
