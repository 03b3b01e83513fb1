"""Which tests pytest-xdist must keep together on one worker, one after the other.

tests/conftest.py uses this scheduler under ``-n`` (with xdist's default ``--dist load``,
or ``loadgroup``). ``loadgroup`` alone should group by the ``xdist_group`` marks, but with
pytest 9.2 pytest-xdist 3.8.0 tags the marked tests by writing ``item._nodeid``, which
pytest no longer reads (its node ids are structured now): the marks are ignored without
a word (pytest-dev/pytest-xdist#1386). So the controller groups by folder; once xdist
reads the marks again, their node ids end in ``@<group>`` and give the same groups.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling

# folder (as node ids begin) -> group
FOLDERS = {
    # Fault tests load the server, kill processes and cut connections: never two at once.
    "tests/faults/": "faults",
}


class FolderGroups(LoadGroupScheduling):
    """``loadgroup``, with every test under a folder of FOLDERS in that folder's group.

    The largest groups are handed out first (xdist's --loadscope-reorder, on by
    default): the fault tests start at once on one worker while the other worker takes
    the rest, test by test."""

    def _split_scope(self, nodeid: str) -> str:
        for folder, group in FOLDERS.items():
            if nodeid.startswith(folder):
                return group
        return super()._split_scope(nodeid)
