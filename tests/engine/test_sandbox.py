"""The diagram sandbox: escapes are refused before anything runs, bombs stop quickly, and
ordinary expressions and scripts behave like Python, also inside a real SpiffWorkflow run.

Every escape test runs in an empty temporary directory holding a secret file, so that a
sandbox letting something through would leave a ``pwned`` file or return the secret.
"""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.task import TaskState

from engine.sandbox import Problem, Sandbox, SandboxError, SandboxScriptEngine

SECRET = "the-secret-is-42-bananas"


@pytest.fixture
def sandbox():
    return Sandbox({"double": lambda x: x * 2, "quorum": lambda members: (members * 2 + 2) // 3})


@pytest.fixture
def jail(tmp_path, monkeypatch):
    """cwd is an empty temp dir with a secret file; a successful escape would leave traces."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    return tmp_path


def run(sandbox, source, mode, names):
    if mode == "eval":
        return sandbox.evaluate(source, names)
    sandbox.execute(source, names)
    return names


def assert_untouched(jail, *outputs):
    assert not (jail / "pwned").exists()
    assert sorted(p.name for p in jail.iterdir()) == ["secret.txt"]
    for output in outputs:
        assert SECRET not in repr(output)


# ---------------------------------------------------------------------------------------
# Escapes: refused by check() AND by evaluate()/execute(), and nothing ran.

ESCAPES = [
    ("__import__('os').system('touch pwned')", "eval"),
    ("__import__('os').system('touch pwned')", "exec"),
    ("import os\nos.system('touch pwned')", "exec"),
    ("from os import system\nsystem('touch pwned')", "exec"),
    ("().__class__.__base__.__subclasses__()", "eval"),
    ("''.__class__.__mro__[1].__subclasses__()", "eval"),
    ("open('/etc/hostname').read()", "eval"),
    ("open('secret.txt').read()", "eval"),
    ("open(path).read()", "eval"),
    ("open('pwned', 'w').write('x')", "eval"),
    ("eval('1')", "eval"),
    ("eval(\"__import__('os').system('touch pwned')\")", "eval"),
    ("exec('x=1')", "exec"),
    ("exec(\"open('pwned', 'w')\")", "eval"),
    ("compile('1', '', 'eval')", "eval"),
    ("globals()", "eval"),
    ("locals()", "eval"),
    ("vars()", "eval"),
    ("dir()", "eval"),
    ("getattr(x, '__class__')", "eval"),
    ("setattr(x, 'a', 1)", "eval"),
    ("type(1)", "eval"),
    ("type('A', (), {})", "eval"),
    ("object.__subclasses__()", "eval"),
    ("super()", "eval"),
    ("print(x)", "eval"),
    ("input()", "eval"),
    ("breakpoint()", "eval"),
    ("help()", "eval"),
    ("memoryview(b'x')", "eval"),
    ("bytearray(10)", "eval"),
    ("format(x, '')", "eval"),
    ("iter(items)", "eval"),
    ("next(x for x in items)", "eval"),
    ("__builtins__", "eval"),
    ("__builtins__['open']('pwned', 'w')", "eval"),
    ("_ = 1", "exec"),
    ("(x for x in []).gi_frame", "eval"),
    ("(x for x in []).gi_frame.f_globals", "eval"),
    ("(x for x in []).gi_frame.f_back", "eval"),
    ("(x for x in []).gi_frame.f_globals['__builtins__']", "eval"),
    ("(x for x in []).gi_code", "eval"),
    ("err.tb_frame.f_globals", "eval"),
    ("err.__traceback__.tb_frame", "eval"),
    ("'{0.__class__}'.format(x)", "eval"),
    ("'{0.__class__}'.format_map({})", "eval"),
    ("'{a.__class__}'.format_map({'a': 1})", "eval"),
    ("'%s' % x", "eval"),
    ("'%0999999999d' % 1", "eval"),
    ("f'{x.__class__}'", "eval"),
    ("f'{x!a}'", "eval"),
    ("f'{x:>999999999}'", "eval"),
    ("f'{x:>{width}}'", "eval"),
    ("lambda: 1", "eval"),
    ("(lambda: __import__('os'))()", "eval"),
    ("def f():\n    pass", "exec"),
    ("async def f():\n    pass", "exec"),
    ("class A:\n    pass", "exec"),
    ("try:\n    y = 1\nexcept Exception as e:\n    y = e", "exec"),
    ("with open('pwned', 'w') as f:\n    pass", "exec"),
    ("global x", "exec"),
    ("del x", "exec"),
    ("raise SystemExit", "exec"),
    ("assert False", "exec"),
    ("x.a = 1", "exec"),
    ("items[0:0] = [1]", "exec"),
    ("(y := 1)", "eval"),
    ("len(*items)", "eval"),
    ("dict(**d)", "eval"),
    ("{**d}", "eval"),
    ("b'bytes'", "eval"),
    ("sorted(items, key=str.lower)", "eval"),  # method objects are not values
    ("d.get", "eval"),
    ("items.append(1)", "eval"),  # expressions must not change data
    ("(x for x in items).send(None)", "eval"),
    ("[].__class__", "eval"),
    ("items.__len__()", "eval"),
    ("items.__class__.__init__.__globals__", "eval"),
    ("x.real", "eval"),
    ("double(x, _private=1)", "eval"),
]


@pytest.mark.parametrize("source, mode", ESCAPES)
def test_escape_is_refused_statically_and_at_run_time(sandbox, jail, source, mode):
    problems = sandbox.check(source, mode)
    assert problems and all(isinstance(p, Problem) and p.message for p in problems)
    names = {
        "x": 1,
        "items": ["b", "a"],
        "d": {"a": 1},
        "err": None,
        "width": 5,
        "path": str(jail / "secret.txt"),
    }
    before = copy.deepcopy(names)
    with pytest.raises(SandboxError) as info:
        run(sandbox, source, mode, names)
    assert names == before
    assert_untouched(jail, info.value, info.value.message)


def test_data_cannot_smuggle_in_callables(sandbox, jail):
    import os

    names = {"opener": open, "path": str(jail / "secret.txt"), "items": ["a"], "k": os.system}
    with pytest.raises(SandboxError):
        sandbox.evaluate("opener(path).read()", names)
    with pytest.raises(SandboxError, match="function"):
        sandbox.evaluate("sorted(items, key=k)", names)
    with pytest.raises(SandboxError, match="function"):  # statically fine: len is known
        sandbox.evaluate("len('pwned', 'w')", {"len": open})
    with pytest.raises(SandboxError, match="not plain data"):
        sandbox.evaluate("m", {"m": os})
    with pytest.raises(SandboxError, match="'max' is not a function"):
        sandbox.execute("y = max(1)", {"max": 3})  # data shadowing a builtin is data
    assert_untouched(jail)


def test_registered_functions_do_not_leak_out_as_values(sandbox):
    with pytest.raises(SandboxError, match="not plain data"):
        sandbox.evaluate("double", {})
    names = {"a": 1}
    with pytest.raises(SandboxError, match="not plain data"):
        sandbox.execute("a = 2\nf = len", names)
    assert names == {"a": 1}


# ---------------------------------------------------------------------------------------
# Bombs: allowed syntax that would eat CPU or memory stops quickly with a clear error.

BOMBS = [
    ("9**9**9", "eval", "number too large"),
    ("'x' * 10**10", "eval", "too large"),
    ("[0] * 10**10", "eval", "too large"),
    ("10**10 * [0]", "eval", "too large"),
    ("1 << 10**10", "eval", "number too large"),
    ("list(range(10**12))", "eval", "range too large"),
    ("sum(range(10**12))", "eval", "range too large"),
    ("max(range(10**12))", "eval", "range too large"),
    ("while True:\n    pass", "exec", "too much work"),
    ("while True:\n    continue", "exec", "too much work"),
    ("n = 0\nwhile n >= 0:\n    n += 1", "exec", "too much work"),
    ("[x for x in range(10**7) for y in range(10**7)]", "eval", "too"),
    ("[x for x in range(10**6) for y in range(10**6)]", "eval", "too much work"),
    ("sum(1 for x in range(10**6) for y in range(10**6))", "eval", "too much work"),
    ("s = 'x'\nfor i in range(100):\n    s = s + s", "exec", "too large"),
    ("s = 'x'\nfor i in range(100):\n    s += s", "exec", "too large"),
    ("s = [0]\nfor i in range(100):\n    s = s * 2", "exec", "too large"),
    ("s = [0]\nfor i in range(100):\n    s.extend(s)", "exec", "too large"),
    ("n = 2\nfor i in range(100):\n    n = n * n", "exec", "number too large"),
    ("int('9' * 4000)", "eval", "number too large"),
    ("int('9' * 5000)", "eval", "ValueError"),
    ("s = 'x' * 100000\nt = ''.join(s for i in range(1000))", "exec", "too large"),
    ("s = 'x' * 100000\nt = s.replace('x', s)", "exec", "too large"),
    # Shared references make a small value look huge to C code that walks it; walking
    # it to find out costs steps too, so the budget may run out first.
    ("x = []\nfor i in range(60):\n    x = [x, x]\ny = str(x)", "exec", "too"),
    ("x = []\nfor i in range(60):\n    x = [x, x]\ny = f'{x}'", "exec", "too"),
    (
        "a = []\nb = []\nfor i in range(60):\n    a = [a, a]\n    b = [b, b]\nc = a == b",
        "exec",
        "too",
    ),
    (
        "a = []\nb = []\nfor i in range(60):\n    a = [a, a]\n    b = [b, b]\nc = (a,) in zip([b])",
        "exec",
        "too",
    ),
    ("x = [[0] * 1000] * 1000\ny = sorted(x)", "exec", "too"),
    ("x = []\nfor i in range(60):\n    x = [x, x]", "exec", "too"),  # as a result
    # CPython hashes nested tuples recursively in C: this would crash the process.
    ("t = ()\nfor i in range(60000):\n    t = (t,)\nd = {t: 1}", "exec", "nested too deeply"),
    ("t = ()\nfor i in range(60000):\n    t = (t,)\nok = t in {1}", "exec", "nested too deeply"),
    (
        "t = ()\nfor i in range(60000):\n    t = (t,)\ns = set(x for x in [t])",
        "exec",
        "nested too deeply",
    ),
    (
        "t = ()\nfor i in range(60000):\n    t = (t,)\ns = {1}.union([t])",
        "exec",
        "nested too deeply",
    ),
    ("t = []\nfor i in range(1000):\n    t = [t]", "exec", "nested too deeply"),
    # Legitimate-sized work repeated until the budget runs out.
    ("x = [0] * 500000\nfor i in range(100000):\n    y = x == x", "exec", "too much work"),
    (
        "x = list(range(100000))\nfor i in range(100000):\n    y = sorted(x)",
        "exec",
        "too much work",
    ),
    ("s = 'x' * 900000\nfor i in range(100000):\n    y = s.upper()", "exec", "too much work"),
    ("x = [0] * 900000\nfor i in range(100000):\n    y = x[:]", "exec", "too much work"),
]


@pytest.mark.parametrize("source, mode, message", BOMBS)
def test_bomb_stops_quickly(sandbox, jail, source, mode, message):
    assert sandbox.check(source, mode) == []  # valid code: only running it is refused
    names = {"keep": [1, 2]}
    with pytest.raises(SandboxError, match=message):
        run(sandbox, source, mode, names)
    assert names == {"keep": [1, 2]}


def test_nested_evaluations_keep_their_own_budgets():
    outer = Sandbox(
        {"inner": lambda n: inner.evaluate("sum(x for x in range(n))", {"n": n})}, max_steps=100
    )
    inner = Sandbox(max_steps=100)
    assert outer.evaluate("[inner(50) for i in range(3)]", {}) == [1225] * 3
    with pytest.raises(SandboxError, match="too much work"):
        outer.evaluate("[inner(50) for i in range(200)]", {})


def test_limits_are_configurable():
    small = Sandbox(max_steps=10, max_size=100, max_int_bits=64)
    with pytest.raises(SandboxError, match="too much work"):
        small.execute("for i in range(20):\n    pass", {})
    with pytest.raises(SandboxError, match="too large"):
        small.evaluate("'x' * 101", {})
    with pytest.raises(SandboxError, match="number too large"):
        small.evaluate("2 ** 65", {})
    assert small.evaluate("2 ** 62", {}) == 2**62


def test_each_evaluation_has_its_own_budget():
    small = Sandbox(max_steps=50)
    for _ in range(20):
        assert small.evaluate("sum(x for x in range(40))", {}) == 780


# ---------------------------------------------------------------------------------------
# What diagrams are meant to do.


@pytest.mark.parametrize(
    "source, names, expected",
    [
        ("votes_for * 3 >= official_members * 2", {"votes_for": 6, "official_members": 9}, True),
        ("votes_for * 3 >= official_members * 2", {"votes_for": 5, "official_members": 9}, False),
        ("approved and score >= 5", {"approved": True, "score": 7}, True),
        ("not approved or score < 5", {"approved": True, "score": 7}, False),
        ("1 < age <= 30 and status in ('new', 'renewal')", {"age": 25, "status": "new"}, True),
        ("status not in {'closed'} and note is None", {"status": "open", "note": None}, True),
        ("round(avg / 3, 2)", {"avg": 10}, 3.33),
        ("-x ** 2 + 7 // 2 - 7 % 3 + abs(-1.5)", {"x": 3}, -9 + 3 - 1 + 1.5),
        ("2 ** 100", {}, 2**100),
        ("'yes' if score > 5 else 'no'", {"score": 9}, "yes"),
        ("double(quorum(members))", {"members": 9}, 12),
        ("d.get('a', 0) + d.get('b', 10)", {"d": {"a": 1}}, 11),
        ("d['a']['b'][1]", {"d": {"a": {"b": [5, 6]}}}, 6),
        ("[v * 2 for v in votes if v > 1]", {"votes": [1, 2, 3]}, [4, 6]),
        ("{k: v for k, v in d.items() if v}", {"d": {"a": 1, "b": 0}}, {"a": 1}),
        ("sorted({x % 3 for x in range(10)}, reverse=True)", {}, [2, 1, 0]),
        ("sum(len(name) for name in names)", {"names": ["An", "Binh"]}, 6),
        ("max(scores, key=len)", {"scores": ["a", "bbb", "cc"]}, "bbb"),
        ("min(3, 1, 2) + len(items) + any(items) + all([])", {"items": [0]}, 1 + 1 + 0 + 1),
        ("list(zip(a, b)) + list(enumerate(a))", {"a": [1], "b": [2]}, [(1, 2), (0, 1)]),
        (
            "f'{name.strip().title()} has {n:>3} votes ({share:.1%})'",
            {"name": " an ", "n": 7, "share": 0.5},
            "An has   7 votes (50.0%)",
        ),
        (
            "' '.join(w.capitalize() for w in text.split())",
            {"text": "nguyen van an"},
            "Nguyen Van An",
        ),
        ("text.replace('a', 'b').upper().startswith('B')", {"text": "abc"}, True),
        ("items[1:] + items[:1] + items[::-1]", {"items": [1, 2]}, [2, 1, 2, 1]),
        ("int('12') + float('1.5') + int(str(3))", {}, 16.5),
        ("deadline.year * 100 + deadline.month", {"deadline": date(2025, 3, 1)}, 202503),
        ("(end - start).days", {"start": date(2025, 1, 1), "end": date(2025, 1, 31)}, 30),
        ("when.isoformat()", {"when": datetime(2025, 1, 2, 3, 4)}, "2025-01-02T03:04:00"),
        ("max > 3", {"max": 5}, True),  # data may reuse a builtin's name
        ("list(range(3)) == [0, 1, 2]", {}, True),
        ("round(5, -10**18)", {}, 0),  # CPython itself would hang computing 10**10**18
    ],
)
def test_expressions_work(sandbox, source, names, expected):
    assert sandbox.check(source) == []
    assert sandbox.evaluate(source, names) == expected


def test_script_assigns_are_written_back(sandbox):
    names = {"votes": ["yes", "no", "yes"], "log": ["start"], "untouched": {"a": 1}}
    script = """
yes = 0
for vote in votes:
    if vote == "yes":
        yes += 1
    else:
        continue
log.append(f"counted {yes}")
tally = {"yes": yes, "no": len(votes) - yes}
tally["total"] = tally["yes"] + tally["no"]
passed = yes * 3 >= len(votes) * 2
i = 0
while i < 3:
    i += 1
    if i == 2:
        break
"""
    assert sandbox.check(script, "exec") == []
    sandbox.execute(script, names)
    assert names["yes"] == 2 and names["passed"] is True and names["i"] == 2
    assert names["tally"] == {"yes": 2, "no": 1, "total": 3}
    assert names["log"] == ["start", "counted 2"]
    assert names["untouched"] == {"a": 1}


def test_indented_script_is_accepted(sandbox):
    names = {}
    sandbox.execute("\n    a = 1\n    b = a + 1\n", names)
    assert names == {"a": 1, "b": 2}


def test_failed_script_leaves_names_unchanged(sandbox):
    names = {"items": [1], "d": {"k": 1}, "n": 1}
    before = copy.deepcopy(names)
    with pytest.raises(SandboxError) as info:
        sandbox.execute("items.append(2)\nd['k'] = 2\nn = 5\nnew = 1\nboom = 1 / 0", names)
    assert names == before
    assert info.value.message == "division by zero" and info.value.line == 5


def test_run_time_errors_become_sandbox_errors(sandbox):
    with pytest.raises(SandboxError, match="unknown name 'missing'") as info:
        sandbox.evaluate("missing + 1", {})
    assert info.value.line == 1
    with pytest.raises(SandboxError) as info:
        sandbox.execute("a = 1\nb = a + missing", {})
    assert info.value.line == 2 and "missing" in info.value.message
    with pytest.raises(SandboxError, match="division by zero"):
        sandbox.evaluate("1 / n", {"n": 0})
    with pytest.raises(SandboxError, match="no such key: 'x'"):
        sandbox.evaluate("d['x']", {"d": {}})
    with pytest.raises(SandboxError, match="TypeError"):
        sandbox.evaluate("'a' + 1", {})
    with pytest.raises(SandboxError, match="method 'nope' is not allowed"):
        sandbox.evaluate("x.nope()", {"x": 1})


def test_method_allowed_by_name_is_still_checked_by_type(sandbox):
    # 'get' is a dict method; on a date it must not resolve to anything.
    with pytest.raises(SandboxError, match="not allowed on a date"):
        sandbox.evaluate("d.get('year')", {"d": date(2025, 1, 1)})
    with pytest.raises(SandboxError, match="not allowed"):
        sandbox.evaluate("x.year", {"x": 2025})


def test_check_reports_every_problem_with_its_line(sandbox):
    script = "import os\nx = 1\ny = open('f')\nz = x.__class__\ndef f():\n    pass"
    problems = sandbox.check(script, "exec")
    lines = {p.line for p in problems}
    assert {1, 3, 4, 5} <= lines and 2 not in lines
    assert sandbox.check("a +", "eval")[0].message.startswith("syntax error")
    assert sandbox.check("x = 1", "eval")  # a statement is not an expression
    assert sandbox.check("len = 3", "exec")[0].message.startswith("cannot assign to 'len'")
    assert sandbox.check("+".join(["1"] * 500)) != []  # absurdly nested trees
    assert sandbox.check("x" * 200_000) != []
    assert sandbox.check("f'{x:" + "9" * 5000 + "}'") != []
    assert sandbox.check("", "exec") == []
    with pytest.raises(ValueError):
        sandbox.check("1", "single")


# ---------------------------------------------------------------------------------------
# Inside SpiffWorkflow.

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="Defs" targetNamespace="urn:ketnap:test">
  <bpmn:process id="vote" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:scriptTask id="count">
      <bpmn:script>{count}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="to_rejected" />
    <bpmn:scriptTask id="accept">
      <bpmn:script>result = f"accepted {{votes_for}}/{{members}}"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="reject">
      <bpmn:script>result = "rejected"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end_accepted" />
    <bpmn:endEvent id="end_rejected" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count" />
    <bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="gw" />
    <bpmn:sequenceFlow id="to_accepted" sourceRef="gw" targetRef="accept">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_rejected" sourceRef="gw" targetRef="reject" />
    <bpmn:sequenceFlow id="f3" sourceRef="accept" targetRef="end_accepted" />
    <bpmn:sequenceFlow id="f4" sourceRef="reject" targetRef="end_rejected" />
  </bpmn:process>
</bpmn:definitions>
"""
COUNT = """votes_for = len([v for v in votes if v == "yes"])
members = len(votes)"""
CONDITION = "votes_for * 3 &gt;= members * 2"


def start_workflow(votes, count=COUNT, condition=CONDITION, sandbox=None):
    parser = BpmnParser()
    parser.add_bpmn_str(BPMN.format(count=count, condition=condition).encode(), "vote.bpmn")
    engine = SandboxScriptEngine(sandbox or Sandbox())
    wf = BpmnWorkflow(parser.get_spec("vote"), script_engine=engine)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data["votes"] = votes
    return wf


def finished_data(wf):
    assert wf.is_completed()
    ends = [
        t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name.startswith("end")
    ]
    return ends[0].task_spec.name, ends[0].data


@pytest.mark.parametrize(
    "votes, end, result",
    [
        (["yes", "yes", "no"], "end_accepted", "accepted 2/3"),
        (["yes", "no", "no"], "end_rejected", "rejected"),
    ],
)
def test_workflow_runs_with_the_sandbox(votes, end, result):
    wf = start_workflow(votes)
    wf.do_engine_steps()
    name, data = finished_data(wf)
    assert name == end and data["result"] == result


@pytest.mark.parametrize(
    "count, condition",
    [
        ("__import__('os').system('touch pwned')", CONDITION),
        ("open('pwned', 'w').write('x')", CONDITION),
        (COUNT, "open('pwned', 'w') and True"),
        (COUNT, "__import__('os').system('touch pwned') == 0"),
    ],
)
def test_workflow_with_an_escape_fails_and_writes_nothing(jail, count, condition):
    wf = start_workflow(["yes"], count=count, condition=condition)
    with pytest.raises((WorkflowTaskException, SandboxError)) as info:
        wf.do_engine_steps()
    assert not wf.is_completed()
    assert "not allowed" in str(info.value) or "unknown function" in str(info.value)
    assert_untouched(jail)


def test_workflow_script_error_is_reported_with_its_line():
    wf = start_workflow(["yes"], count="members = 1\nvotes_for = members / 0")
    with pytest.raises(WorkflowTaskException) as info:
        wf.do_engine_steps()
    assert info.value.line_number == 2 and "division by zero" in str(info.value)
    count = wf.get_tasks(spec_name="count")[0]
    assert "members" not in count.data  # nothing half-written


def test_engine_validate_and_service_calls():
    engine = SandboxScriptEngine(Sandbox())
    engine.validate("a > 1")
    with pytest.raises(SyntaxError):
        engine.validate("> 1")  # SpiffWorkflow's DMN relies on SyntaxError
    with pytest.raises(SandboxError):
        engine.validate("__import__('os')")
    assert engine.environment.evaluate("a + b", {"a": 1}, {"b": 2}) == 3
    context = {"a": 1}
    engine.environment.execute("c = a + b\nd = b", context, {"b": 2})
    assert context == {"a": 1, "c": 3, "d": 2}  # the external name itself stays out
    with pytest.raises(SandboxError):
        engine.environment.call_service({}, operation_name="x")


@pytest.mark.parametrize(
    "source",
    [
        "l = []\nfor i in range(100):\n    l.append([0] * 10**6)",
        "l = []\nfor i in range(100):\n    l.append(list(zip(range(10**5), range(10**5))))",
        "l = []\nfor i in range(100):\n    l.append(('abc' * 333333).split('c'))",
        "l = []\ns = 'x' * 10**6\nfor i in range(1000):\n    l.append(s.upper())",
    ],
)
def test_memory_kept_by_one_run_is_bounded_by_its_budget(sandbox, source):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(SandboxError, match="too much work"):
            sandbox.execute(source, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20
