"""Reading tree files and finding every problem at once, in YAML and in CSV."""

from __future__ import annotations

import textwrap

import pytest

from workflows.admission.orgs import TreeFormatError, parse_tree, validate

GOOD_YAML = """
units:
  - code: TU
    name: Thành ủy
    kind: committee
    children:
      - {code: BTV, name: Ban Thường vụ, kind: standing_board}
      - code: W
        name: Đảng ủy Phường
        kind: ward_committee
        covers: [Khu phố 1, Khu phố 2]
        children:
          - {code: W-KP1, name: Chi bộ Khu phố 1, kind: branch}
  - {code: 101, name: Chi bộ số, kind: branch, parent: TU}
"""

BAD_YAML = """\
- code: ROOT
  name: Root
  kind: committee
  children:
    - {code: "bad code!", name: X, kind: branch}
    - {code: B1, name: "", kind: branch}
    - {code: B2, name: B2, kind: brnch}
    - {code: B1, name: again, kind: branch}
    - {code: N1, name: N1, kind: branch, parent: OTHER}
- {code: B3, name: B3, kind: branch, parent: NOPE}
- {code: C1, name: C1, kind: branch, parent: C2}
- {code: C2, name: C2, kind: branch, parent: C1}
- {code: U1, name: U1, kind: branch, parent: ROOT, upper: BRD}
- {code: BRD, name: Board, kind: standing_board, parent: ROOT}
- {code: LONE, name: Lone branch, kind: branch}
- {code: U2, name: U2, kind: branch, parent: ROOT, upper: GHOST}
- {code: W1, name: W1, kind: ward_committee, parent: ROOT, covers: [Area A, Area B]}
- {code: W2, name: W2, kind: ward_committee, parent: ROOT, covers: [area b]}
- {code: X1, name: X1, kind: branch, parent: ROOT, colour: red}
- {code: X2, name: X2, kind: branch, parent: ROOT, covers: {a: 1}}
"""

BAD_CSV = """\
code,name,kind,parent,upper,covers
ROOT,Root,committee,,,
bad code!,X,branch,ROOT,,
B1,,branch,ROOT,,
B2,B2,brnch,ROOT,,
B1,again,branch,ROOT,,
B3,B3,branch,NOPE,,
C1,C1,branch,C2,,
C2,C2,branch,C1,,
U1,U1,branch,ROOT,BRD,
BRD,Board,standing_board,ROOT,,
LONE,Lone branch,branch,,,
U2,U2,branch,ROOT,GHOST,
W1,W1,ward_committee,ROOT,,Area A; Area B
W2,W2,ward_committee,ROOT,,area b
X1,X1,branch,ROOT,,,extra
"""

# (where, code, words of the message) that each bad file must report, in this order.
EXPECTED_YAML = [
    ("line 5", "bad code!", "bad code"),
    ("line 6", "B1", "name is empty"),
    ("line 7", "B2", "unknown kind 'brnch'"),
    ("line 8", "B1", "duplicate code, first used at line 6"),
    ("line 9", "N1", "contradicts its place under ROOT"),
    ("line 10", "B3", "parent 'NOPE' is not in the file"),
    ("line 11", "C1", "parents form a cycle: C1 -> C2 -> C1"),
    ("line 13", "U1", "upper 'BRD' is a standing_board"),
    ("line 15", "LONE", "no committee decides admissions"),
    ("line 16", "U2", "upper 'GHOST' is not in the file"),
    ("line 18", "W2", "area 'area b' is already covered by W1"),
    ("line 19", "X1", "unknown field 'colour'"),
    ("line 20", "X2", "covers must be a list"),
]
EXPECTED_CSV = [
    ("row 3", "bad code!", "bad code"),
    ("row 4", "B1", "name is empty"),
    ("row 5", "B2", "unknown kind 'brnch'"),
    ("row 6", "B1", "duplicate code, first used at row 4"),
    ("row 7", "B3", "parent 'NOPE' is not in the file"),
    ("row 8", "C1", "parents form a cycle: C1 -> C2 -> C1"),
    ("row 10", "U1", "upper 'BRD' is a standing_board"),
    ("row 12", "LONE", "no committee decides admissions"),
    ("row 13", "U2", "upper 'GHOST' is not in the file"),
    ("row 15", "W2", "area 'area b' is already covered by W1"),
    ("row 16", "X1", "more cells than columns"),
]


def test_good_yaml_nests_children_and_reads_codes_as_text():
    units = parse_tree(GOOD_YAML, "yaml")
    assert validate(units) == []
    by_code = {u.code: u for u in units}
    assert [u.code for u in units] == ["TU", "BTV", "W", "W-KP1", "101"]
    assert by_code["W-KP1"].parent == "W" and by_code["BTV"].parent == "TU"
    assert by_code["W"].covers == ("Khu phố 1", "Khu phố 2")
    assert by_code["101"].parent == "TU" and by_code["TU"].parent is None


def test_a_bare_list_is_a_tree_too():
    units = parse_tree("- {code: TU, name: T, kind: committee}\n", "yml")
    assert [u.code for u in units] == ["TU"]


@pytest.mark.parametrize(
    "text, fmt, expected",
    [(BAD_YAML, "yaml", EXPECTED_YAML), (BAD_CSV, "csv", EXPECTED_CSV)],
    ids=["yaml", "csv"],
)
def test_validate_reports_every_problem_at_once(text, fmt, expected):
    problems = validate(parse_tree(text, fmt))
    assert len(problems) == len(expected), "\n".join(problems)
    for problem, (where, code, words) in zip(problems, expected, strict=True):
        assert problem.startswith(f"{where} ({code}): "), problem
        assert words in problem, problem


def test_a_cycle_is_reported_once_and_its_branches_not_again():
    units = parse_tree(
        "- {code: A, name: A, kind: branch, parent: B}\n"
        "- {code: B, name: B, kind: branch, parent: A}\n"
        "- {code: S, name: S, kind: branch, parent: S}\n",
        "yaml",
    )
    problems = validate(units)
    assert problems == [
        "line 1 (A): parents form a cycle: A -> B -> A",
        "line 3 (S): parents form a cycle: S -> S",
    ]


def test_missing_code_and_overlong_code():
    units = parse_tree(
        f"- {{name: A, kind: committee}}\n- {{code: {'x' * 65}, name: B, kind: committee}}\n",
        "yaml",
    )
    problems = validate(units)
    assert problems[0] == (
        "line 1 (no code): bad code '': 1 to 64 letters, digits, '_', '.' or '-'"
    )
    assert problems[1].startswith("line 2 (xxxx") and "bad code" in problems[1]


def test_upper_may_be_any_committee_like_unit_and_decides_for_branches_below():
    units = parse_tree(
        textwrap.dedent("""\
        - code: W
          name: Ward
          kind: ward_committee
          upper: W
          children:
            - {code: KP, name: Branch, kind: branch}
        """),
        "yaml",
    )
    assert validate(units) == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: [1\n", "not valid YAML"),
        ("just text\n", "expected a list of units"),
        ("units: {code: A}\n", "expected a list of units"),
        ("- 1\n- 2\n", "item 1 is not a unit"),
    ],
)
def test_unreadable_yaml_raises(text, message):
    with pytest.raises(TreeFormatError) as err:
        parse_tree(text, "yaml")
    assert message in err.value.problems[0].message


def test_csv_header_problems_are_reported_together():
    with pytest.raises(TreeFormatError) as err:
        parse_tree("code,title,kind,colour\nA,B,committee,red\n", "csv")
    assert [p.message for p in err.value.problems] == [
        "row 1: missing column 'name'",
        "row 1: unknown column 'title'",
        "row 1: unknown column 'colour'",
    ]


def test_csv_with_bom_any_column_order_blank_lines_and_covers():
    text = (
        "\ufeffname,code,kind,covers,parent\n"
        "Thành ủy,TU,committee,,\n"
        "\n"
        "Phường,W,ward_committee,Khu phố 1; Khu phố 2 ;,TU\n"
    )
    units = parse_tree(text, "csv")
    assert validate(units) == []
    assert [(u.code, u.parent, u.covers) for u in units] == [
        ("TU", None, ()),
        ("W", "TU", ("Khu phố 1", "Khu phố 2")),
    ]
    assert units[1].where == "row 4"


def test_unknown_format():
    with pytest.raises(TreeFormatError):
        parse_tree("", "xml")
