"""Who votes and who decides on a case, as the organisation tree says when the branch
votes (procedure.md, steps 8, 8a, 10 and 15).

The diagrams cannot read the tree, so each branch resolution (admission and
recognition) is stored with these facts, and the gateways after it route on them:

- ``needs_partial_appraisal``: a partial committee (đảng ủy bộ phận) sits between the
  branch and its grassroots committee; it appraises (Mẫu 7-KNĐ, 14-KNĐ at recognition);
- ``needs_grassroots_vote``: the branch is under a grassroots committee that is not
  itself the deciding body. A chi bộ cơ sở is its own grassroots organisation and has
  no separate grassroots vote; a residential branch of an authorised ward would make
  the ward committee vote twice, so there its decision vote is the one vote;
- ``decides_by_vote``: the deciding committee is an authorised grassroots or ward
  committee, which decides as a whole committee by a recorded vote, not through a
  standing board.

The branch vote's submission gets ``branch_below_two_thirds``: by default a vote below
two thirds closes the case as not admitted (procedure.md step 7: "not admitted now",
the branch may start a new case later: [A]); the word ``undecided-votes-again`` in the
task's ``ketnap:options`` makes a vote that reaches two thirds neither way a vote to
hold again instead, the third such vote going to the upper committee.

The grassroots vote's submission gets ``grassroots_below_two_thirds``: what a vote
below two thirds leads to. By default the full result goes to the upper committee,
which decides (procedure.md step 8, to be confirmed against HD 06: [A]); the word
``below-two-thirds-votes-again`` in the task's ``ketnap:options`` makes it a vote like
the branch's instead (two thirds against: not admitted; three undecided: referred up).
"""

from __future__ import annotations

from typing import Any

from engine.submission import Submission

from .resolvers import deciding_committee_for
from .tree import OrgTree, OrgUnit, load_tree

#: ketnap:options word of the grassroots vote: below two thirds, vote again like the branch.
VOTES_AGAIN = "below-two-thirds-votes-again"
#: ketnap:options word of the branch vote: an undecided vote is held again, not closing.
UNDECIDED_AGAIN = "undecided-votes-again"


def route_facts(tree: OrgTree, branch: str, deciding: OrgUnit | None = None) -> dict[str, bool]:
    """Which bodies act on a resolution of ``branch`` after it (see the module's text).
    ``deciding``: the committee that decides, when the case says another than the
    branch's own (a re-admission is decided at province level)."""
    deciding = deciding or tree.deciding_committee_of(branch)
    grassroots = tree.grassroots_committee_of(branch)
    authorised = deciding is not None and tree.is_authorised(deciding.code)
    decision_is_its_vote = (
        authorised
        and deciding is not None
        and grassroots is not None
        and grassroots.code == deciding.code
    )
    return {
        "needs_partial_appraisal": tree.partial_committee_of(branch) is not None,
        "needs_grassroots_vote": (
            grassroots is not None
            and not tree.is_grassroots_branch(branch)
            and not decision_is_its_vote
        ),
        "decides_by_vote": authorised,
    }


def branch_resolution_facts(sub: Submission) -> dict[str, Any]:
    """The facts stored with a branch resolution (admission or recognition)."""
    branch = sub.data.get("branch")
    tree = load_tree(sub.session)
    if not isinstance(branch, str) or branch not in tree:
        # The branch lane resolved, so this does not happen; the resolvers say why if so.
        return {}
    return route_facts(tree, branch, deciding_committee_for(tree, sub.data))


def branch_vote_facts(sub: Submission) -> dict[str, Any]:
    """The branch resolution's facts, and what a vote below two thirds leads to."""
    again = UNDECIDED_AGAIN in sub.options
    return {
        **branch_resolution_facts(sub),
        "branch_below_two_thirds": "vote_again" if again else "close",
    }


def grassroots_vote_facts(sub: Submission) -> dict[str, Any]:
    """What a grassroots vote below two thirds leads to, as the diagram's task says."""
    return {"grassroots_below_two_thirds": "vote_again" if VOTES_AGAIN in sub.options else "refer"}


FACTS = {
    "branch_vote": branch_vote_facts,
    "recognition_vote": branch_resolution_facts,
    "grassroots_vote": grassroots_vote_facts,
}
