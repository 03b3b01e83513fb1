"""The admission of new Party members: organisation tree, rules and lane resolvers.

``plugin`` is the ``ketnap.plugins`` entry point: the engine's CLI calls it at start-up,
and any other host (the web app) calls it once before running cases.
"""

from __future__ import annotations

import click

from engine.registry import registry


def register_domain() -> None:
    """Register the domain's functions, resolvers, units, form checks and case-unit rule
    (idempotent)."""
    # Imported here, not at package import: importing the package, or only its tree
    # modules (orgs, models), registers nothing; the host decides when, by calling this.
    from . import (  # noqa: F401  (they register on import)
        evidence,
        form_checks,
        models,
        notifications,
        resolvers,
        rules,
    )
    from .reports import models as _report_tables  # noqa: F401  (in the metadata)
    from .reports import stored

    registry.case_unit = resolvers.case_unit
    if stored.store not in registry.case_stored:
        registry.case_stored.append(stored.store)


def plugin(cli_group: click.Group) -> None:
    """Register the domain, and add its commands (``orgs`` …) to ``cli_group``."""
    from .cli import add_case_commands, demo_command, orgs_group

    register_domain()
    cli_group.add_command(orgs_group)
    cli_group.add_command(demo_command)
    add_case_commands(cli_group)
