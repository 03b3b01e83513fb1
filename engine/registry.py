"""What a domain package plugs into the engine: functions for diagrams, lane resolvers,
the units that unit fields offer, and its own checks of a form's submissions.

Diagrams may call only the functions registered here (plus a few safe builtins), and a
lane may name only a resolver registered here. The domain registers its own at import
time; the engine never imports the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Resolver = Callable[[Any], str]  # (assignment.ResolveContext) -> unit code
# (session, kinds) -> the active units of those kinds as (code, name), in the order offered.
UnitSource = Callable[[Any, tuple[str, ...]], Sequence[tuple[str, str]]]
# (submission.Submission) -> field errors, shaped like a form's ({} when it may go on).
FormCheck = Callable[[Any], Mapping[str, Any]]
# (submission.Submission) -> values the domain adds to an accepted submission.
FormFacts = Callable[[Any], Mapping[str, Any]]
# What one call of a diagram function costs, in sandbox steps: a number, or a function of
# the call's arguments giving it (see ``Registry.function``).
Cost = int | Callable[..., int]
# (session, case data) -> rows (label, text) of a form's evidence panel; [] when the fact
# does not apply to the case (engine.forms.evidence).
EvidenceFact = Callable[[Any, Mapping[str, Any]], Sequence[tuple[str, str]]]
DEFAULT_COST = 10


def default_summary(data) -> tuple[str, str | None]:
    """A case's title and category for lists: its ``title`` or ``full_name`` field."""
    return str(data.get("title") or data.get("full_name") or ""), data.get("category")


class Registry:
    """Named functions callable from BPMN expressions, and named lane resolvers."""

    def __init__(self) -> None:
        self.functions: dict[str, Callable[..., Any]] = {}
        self.costs: dict[str, Cost] = {}
        self.resolvers: dict[str, Resolver] = {}
        self.docs: dict[str, str] = {}
        # (case data) -> (title, category): what inbox rows show and filter on.
        self.summary: Callable[[Mapping[str, Any]], tuple[str, str | None]] = default_summary
        # (case data, current unit) -> unit: lets a domain move responsibility as data changes.
        self.case_unit: Callable[[Mapping[str, Any], str | None], str | None] | None = None
        # (session, case, steps of its open tasks) -> None, called in the case's
        # transaction each time the engine stores a case (or a copy of one): a domain
        # keeps its own tables derived from the case (typed columns its reports filter
        # on) in step with it.
        self.case_stored: list[Callable[[Any, Any, list[str]], None]] = []
        # Where the codes of unit fields come from, and the kinds forms may name.
        self.unit_options: UnitSource | None = None
        self.unit_kinds: frozenset[str] = frozenset()
        # form name -> the domain's check of a submission that fits the form, run before
        # anything changes (a rule between fields, or against the case's other data).
        self.form_checks: dict[str, FormCheck] = {}
        # form name -> facts the domain adds to a submission it accepted (what its tree
        # says of the case at that moment), stored with it so that a diagram's gateways
        # can route on them: a script cannot reach the domain's tables.
        self.form_facts: dict[str, FormFacts] = {}
        # fact name -> what an evidence panel shows of it (engine.forms.evidence).
        self.evidence_facts: dict[str, EvidenceFact] = {}

    def function(self, name: str | None = None, *, cost: Cost = DEFAULT_COST):
        """Decorator: make a function callable from diagrams under ``name``.

        ``cost`` is what one call costs, in sandbox steps, paid from the calling
        expression's budget before the function runs: a number, or a function taking the
        same arguments and giving the number, for work that grows with them (keep it
        cheap, and lenient with arguments of the wrong type: the function itself refuses
        those). It must cover the worst case of the call, priced no cheaper than a loop
        turn of a diagram's script (a step, a few µs; the budget is 100,000 steps):
        bench/functions.py compares. The sandbox adds the size of the arguments and of
        the result; the function still checks its arguments (a bound on a count, say)."""

        def wrap(fn):
            key = name or fn.__name__
            self.functions[key] = fn
            self.costs[key] = cost
            self.docs[key] = (fn.__doc__ or "").strip()
            return fn

        return wrap

    def resolver(self, name: str):
        """Decorator: register ``fn(ResolveContext) -> unit code`` for lanes."""

        def wrap(fn):
            self.resolvers[name] = fn
            return fn

        return wrap

    def form_check(self, form: str):
        """Decorator: register ``fn(Submission) -> field errors`` for the form ``form``."""

        def wrap(fn):
            self.form_checks[form] = fn
            return fn

        return wrap

    def form_fact(self, form: str):
        """Decorator: register ``fn(Submission) -> {field: value}`` for the form ``form``:
        the values are stored with every accepted submission of it, as if submitted."""

        def wrap(fn):
            self.form_facts[form] = fn
            return fn

        return wrap

    def evidence_fact(self, name: str):
        """Decorator: register ``fn(session, data) -> [(label, text)]`` for evidence panels."""

        def wrap(fn):
            self.evidence_facts[name] = fn
            return fn

        return wrap


#: The process-wide registry that the engine uses unless given another one.
registry = Registry()
