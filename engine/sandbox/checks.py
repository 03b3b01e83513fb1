"""The static half of the diagram sandbox (see ``scripting.py``): which syntax, names and
methods a diagram may use, and the rewrite that routes every costly operation through a
checked helper.

Everything here is an ALLOW-list. A node type, method or attribute that is not listed is
refused, so new Python syntax or a forgotten dunder cannot open a hole by default.
"""

from __future__ import annotations

import ast
import copy
import re
from datetime import date, datetime, timedelta

MAX_SOURCE = 100_000  # characters in one expression or script
MAX_NESTING = 100  # AST depth; keeps every recursive pass (ours, compile's) shallow
MAX_FORMAT_NUMBER = 1000  # largest width/precision in an f-string format spec

_OPERATORS = {
    ast.And,
    ast.Or,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.LShift,
    ast.RShift,
    ast.BitOr,
    ast.BitXor,
    ast.BitAnd,
    ast.UAdd,
    ast.USub,
    ast.Not,
    ast.Invert,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Is,
    ast.IsNot,
    ast.In,
    ast.NotIn,
}
ALLOWED_NODES = frozenset(
    _OPERATORS
    | {
        ast.Expression,
        ast.Module,
        ast.Expr,
        ast.Assign,
        ast.AugAssign,
        ast.If,
        ast.For,
        ast.While,
        ast.Break,
        ast.Continue,
        ast.Pass,
        ast.BoolOp,
        ast.BinOp,
        ast.UnaryOp,
        ast.Compare,
        ast.IfExp,
        ast.Call,
        ast.keyword,
        ast.Constant,
        ast.Name,
        ast.Load,
        ast.Store,
        ast.List,
        ast.Tuple,
        ast.Dict,
        ast.Set,
        ast.Subscript,
        ast.Slice,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.comprehension,
        ast.JoinedStr,
        ast.FormattedValue,
        ast.Attribute,
    }
)
CONSTANT_TYPES = (type(None), bool, int, float, str)

# Friendlier words for the refusals a designer is most likely to meet.
_REFUSED = {
    "Import": "import is not allowed: use the functions registered for diagrams",
    "ImportFrom": "import is not allowed: use the functions registered for diagrams",
    "Lambda": "lambda is not allowed: diagrams cannot define functions",
    "FunctionDef": "def is not allowed: diagrams cannot define functions",
    "AsyncFunctionDef": "def is not allowed: diagrams cannot define functions",
    "ClassDef": "class is not allowed: diagrams cannot define classes",
    "Global": "global is not allowed",
    "Nonlocal": "nonlocal is not allowed",
    "With": "with is not allowed",
    "AsyncWith": "with is not allowed",
    "Try": "try/except is not allowed",
    "TryStar": "try/except is not allowed",
    "Raise": "raise is not allowed",
    "Assert": "assert is not allowed",
    "Delete": "del is not allowed",
    "Return": "return is not allowed",
    "Await": "await is not allowed",
    "Yield": "yield is not allowed",
    "YieldFrom": "yield is not allowed",
    "NamedExpr": "the := operator is not allowed",
    "Starred": "* unpacking is not allowed",
    "MatMult": "the @ operator is not allowed",
    "Match": "match is not allowed",
    "AsyncFor": "async for is not allowed",
}

# Methods callable as ``value.name(...)``, by the exact type of the value. Nothing that
# formats (str.format reaches attributes through '{0.__class__}'), pads or encodes.
_STR = {
    "lower",
    "upper",
    "strip",
    "lstrip",
    "rstrip",
    "startswith",
    "endswith",
    "split",
    "rsplit",
    "splitlines",
    "replace",
    "join",
    "title",
    "capitalize",
    "casefold",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isdecimal",
    "isnumeric",
    "islower",
    "isupper",
    "find",
    "rfind",
    "count",
    "removeprefix",
    "removesuffix",
}
_DATE = {"isoformat", "weekday", "isoweekday"}
METHODS: dict[type, frozenset] = {
    str: frozenset(_STR),
    list: frozenset(
        {
            "count",
            "index",
            "copy",
            "append",
            "extend",
            "insert",
            "pop",
            "remove",
            "sort",
            "reverse",
            "clear",
        }
    ),
    tuple: frozenset({"count", "index"}),
    dict: frozenset(
        {"get", "keys", "values", "items", "copy", "pop", "setdefault", "update", "clear"}
    ),
    set: frozenset(
        {
            "union",
            "intersection",
            "difference",
            "issubset",
            "issuperset",
            "isdisjoint",
            "copy",
            "add",
            "discard",
            "remove",
            "clear",
        }
    ),
    float: frozenset({"is_integer"}),
    date: frozenset(_DATE),
    datetime: frozenset(_DATE | {"date"}),
    timedelta: frozenset({"total_seconds"}),
}
# Methods that change the value they are called on: scripts only, never in an expression
# (a gateway condition must not alter case data).
MUTATING = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "sort",
        "reverse",
        "clear",
        "setdefault",
        "update",
        "add",
        "discard",
    }
)
# Plain attribute reads (no call), by exact type.
_YMD = {"year", "month", "day"}
FIELDS: dict[type, frozenset] = {
    date: frozenset(_YMD),
    datetime: frozenset(_YMD | {"hour", "minute", "second", "microsecond"}),
    timedelta: frozenset({"days", "seconds", "microseconds"}),
}
_ALL_METHODS = frozenset().union(*METHODS.values())
_ALL_FIELDS = frozenset().union(*FIELDS.values())
_ASSIGNABLE = (ast.Name, ast.Subscript, ast.Tuple, ast.List)


class Checker:
    """Walks a parsed tree once and lists every problem as (line, message)."""

    def __init__(self, mode: str, callables: frozenset[str]):
        self.mode, self.callables = mode, callables
        self.problems: list[tuple[int | None, str]] = []
        self._seen: set[tuple[int | None, str]] = set()  # the same problems, to skip repeats
        self.call_funcs: set[int] = set()
        self.loads: set[str] = set()  # names read anywhere
        self.stores: set[str] = set()  # names a statement assigns (they are written back)

    def add(self, line, message):
        if (line, message) not in self._seen:
            self._seen.add((line, message))
            self.problems.append((line, message))

    def visit(self, node, line, depth=0) -> bool:
        """Check ``node`` and its children; False stops the walk (tree too deep)."""
        line = getattr(node, "lineno", None) or line
        if depth > MAX_NESTING:
            self.add(line, "too deeply nested: split it into simpler steps")
            return False
        kind = type(node)
        if kind not in ALLOWED_NODES:
            self.add(line, _REFUSED.get(kind.__name__, f"{kind.__name__} is not allowed"))
            return True  # its children are not worth reporting
        check = _CHECKS.get(kind)
        if check:
            check(self, node, line)
        # ast.iter_child_nodes, inlined: the walk is most of a check's time.
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                if not self.visit(value, line, depth + 1):
                    return False
            elif isinstance(value, list):
                for child in value:
                    if isinstance(child, ast.AST) and not self.visit(child, line, depth + 1):
                        return False
        return True

    def check_Name(self, node, line):
        if node.id.startswith("_"):
            self.add(line, f"name {node.id!r} is not allowed (names may not start with _)")
        elif isinstance(node.ctx, ast.Load):
            self.loads.add(node.id)

    def check_Attribute(self, node, line):
        name = node.attr
        if name.startswith("_"):
            self.add(line, f"attribute {name!r} is not allowed")
        elif not isinstance(node.ctx, ast.Load):
            self.add(line, "setting an attribute is not allowed")
        elif id(node) in self.call_funcs:
            if name not in _ALL_METHODS:
                self.add(line, f"method {name!r} is not allowed")
            elif self.mode == "eval" and name in MUTATING:
                self.add(
                    line,
                    f"method {name!r} changes data: only a script may do that, not an expression",
                )
        elif name not in _ALL_FIELDS:
            self.add(line, f"reading attribute {name!r} is not allowed")

    def check_Call(self, node, line):
        self.call_funcs.add(id(node.func))
        if isinstance(node.func, ast.Name):
            if not node.func.id.startswith("_") and node.func.id not in self.callables:
                self.add(line, f"unknown function {node.func.id!r}")
        elif not isinstance(node.func, ast.Attribute):
            self.add(line, "only a named function or a method can be called")
        for keyword in node.keywords:
            if keyword.arg is None:
                self.add(line, "** unpacking is not allowed")
            elif keyword.arg.startswith("_"):
                self.add(line, f"argument name {keyword.arg!r} is not allowed")

    def check_Constant(self, node, line):
        if not isinstance(node.value, CONSTANT_TYPES):
            self.add(line, f"constants of type {type(node.value).__name__} are not allowed")

    def check_BinOp(self, node, line):
        if (
            isinstance(node.op, ast.Mod)
            and isinstance(node.left, (ast.Constant, ast.JoinedStr))
            and isinstance(getattr(node.left, "value", ""), str)
        ):
            self.add(line, "%-formatting is not allowed: use an f-string")

    def check_Dict(self, node, line):
        if any(key is None for key in node.keys):
            self.add(line, "** unpacking is not allowed")

    def check_Subscript(self, node, line):
        if isinstance(node.slice, ast.Slice) and not isinstance(node.ctx, ast.Load):
            self.add(line, "assigning to a slice is not allowed")

    def check_comprehension(self, node, line):
        if node.is_async:
            self.add(line, "async comprehensions are not allowed")

    def check_FormattedValue(self, node, line):
        if node.conversion not in (-1, ord("s"), ord("r")):
            self.add(line, "only !s and !r conversions are allowed in f-strings")
        spec = node.format_spec
        if spec is None:
            return
        if not all(isinstance(v, ast.Constant) for v in spec.values):
            self.add(line, "an f-string format spec must be fixed text")
        elif any(
            len(n.lstrip("0")) > 4 or int(n) > MAX_FORMAT_NUMBER  # no huge int()
            for v in spec.values
            for n in re.findall(r"[0-9]+", str(v.value))
        ):
            self.add(line, f"f-string width or precision above {MAX_FORMAT_NUMBER}")

    def _targets(self, targets, line):
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    if node.id in self.callables:
                        self.add(line, f"cannot assign to {node.id!r}: it names a function")
                    self.stores.add(node.id)
            if not isinstance(target, _ASSIGNABLE):
                self.add(line, "you can only assign to a name or an item (x = ..., d[k] = ...)")

    def check_Assign(self, node, line):
        self._targets(node.targets, line)

    def check_AugAssign(self, node, line):
        self._targets([node.target], line)
        if isinstance(node.target, ast.Name):  # x += 1 also reads x
            self.loads.add(node.target.id)

    def check_For(self, node, line):
        self._targets([node.target], line)


# The check method of each node type that has one.
_CHECKS = {
    getattr(ast, name.removeprefix("check_")): getattr(Checker, name)
    for name in dir(Checker)
    if name.startswith("check_")
}


def parse(source: str, mode: str):
    """(tree, problems): a syntax error is one problem, with its line."""
    if len(source) > MAX_SOURCE:
        return None, [(None, f"too long ({len(source)} characters, at most {MAX_SOURCE})")]
    try:
        return ast.parse(source, "<diagram>", mode), []
    except SyntaxError as err:
        return None, [(err.lineno, f"syntax error: {err.msg}")]
    except (ValueError, RecursionError, MemoryError) as err:  # null bytes, absurd nesting
        return None, [(None, f"cannot be read: {err.__class__.__name__}")]


# ---------------------------------------------------------------------------------------
# The rewrite. Runs only on trees the Checker accepted. Helper names start with "_" so
# the diagram itself can never name (or shadow) them.


def _call(name: str, args: list, like: ast.AST, keywords=()) -> ast.Call:
    node = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=list(keywords))
    return ast.copy_location(node, like)


def _is_const(node) -> bool:
    return isinstance(node, ast.Constant)


class Instrument(ast.NodeTransformer):
    """Route arithmetic, comparisons, calls, subscripts, loops and f-strings to helpers."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return _call("_op_" + type(node.op).__name__, [node.left, node.right], node)

    def visit_Compare(self, node):
        # Comparing with a literal is cheap; comparing/hashing two containers walks them,
        # so such operands are first weighed (size, nesting depth) by _cv/_cvc.
        self.generic_visit(node)
        ops, operands = node.ops, [node.left, *node.comparators]
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in ops):
            return node
        if len(ops) == 1 and isinstance(ops[0], (ast.In, ast.NotIn)):
            guards = ["_cv", "_cvc"]
        elif len(ops) == 1 and any(map(_is_const, operands)):
            return node
        else:
            guards = ["_cv"] * len(operands)
        wrapped = [
            op if _is_const(op) else _call(g, [op], op)
            for g, op in zip(guards, operands, strict=True)
        ]
        node.left, node.comparators = wrapped[0], wrapped[1:]
        return node

    def visit_Call(self, node):
        args = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        func = node.func
        if isinstance(func, ast.Attribute):  # value.method(...): type-checked at run time
            head = [self.visit(func.value), ast.copy_location(ast.Constant(func.attr), func)]
            return _call("_meth", head + args, node, keywords)
        name = ast.copy_location(ast.Constant(func.id), func)  # for error messages
        return _call("_call", [self.visit(func), name] + args, node, keywords)

    def visit_Attribute(self, node):  # a plain read such as deadline.year
        return _call("_attr", [self.visit(node.value), ast.Constant(node.attr)], node)

    def visit_Subscript(self, node):
        node.value = self.visit(node.value)
        if isinstance(node.slice, ast.Slice):  # only read: slice stores are refused
            parts = [
                self.visit(p) if p else ast.Constant(None)
                for p in (node.slice.lower, node.slice.upper, node.slice.step)
            ]
            return _call("_slice", [node.value, *parts], node)
        node.slice = self._key(self.visit(node.slice))
        return node

    @staticmethod
    def _key(node):
        # Keys are hashed: a deeply nested tuple would crash CPython's hash, so weigh it.
        return node if _is_const(node) else _call("_key", [node], node)

    def visit_Dict(self, node):
        self.generic_visit(node)
        node.keys = [self._key(k) for k in node.keys]
        return node

    def visit_Set(self, node):
        self.generic_visit(node)
        node.elts = [self._key(e) for e in node.elts]
        return node

    def visit_DictComp(self, node):
        self.generic_visit(node)
        node.key = self._key(node.key)
        return node

    def visit_SetComp(self, node):
        self.generic_visit(node)
        node.elt = self._key(node.elt)
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        node.iter = _call("_iter", [node.iter], node.iter)  # every item costs a step
        return node

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = _call("_iter", [node.iter], node.iter)
        return node

    def visit_While(self, node):
        self.generic_visit(node)
        node.test = _call("_tick", [node.test], node.test)  # every test costs a step
        return node

    def visit_AugAssign(self, node):
        # x op= v becomes x = _op(x, v) so the size checks apply. A subscript target's
        # container and key are evaluated twice, which only matters for calls with effects.
        target = self.visit(node.target)
        load = copy.deepcopy(target)
        load.ctx = ast.Load()
        value = _call("_op_" + type(node.op).__name__, [load, self.visit(node.value)], node)
        return ast.copy_location(ast.Assign(targets=[target], value=value), node)

    def visit_FormattedValue(self, node):  # the spec is fixed text: leave it alone
        node.value = _call("_fv", [self.visit(node.value)], node.value)
        return node

    def visit_JoinedStr(self, node):
        self.generic_visit(node)
        return _call("_sized", [node], node)


def instrument(tree):
    return ast.fix_missing_locations(Instrument().visit(tree))
