"""A sandbox for every expression and script in a BPMN diagram.

Designers upload diagrams, so a gateway condition or a script task must not be able to run
arbitrary code, read files or exhaust the machine. SpiffWorkflow's default engine simply
eval()s; ``SandboxScriptEngine`` replaces it. Each source is:

1. parsed with ``ast`` and refused if it uses anything outside an allow-list of syntax,
   names and methods (``sandbox_checks.Checker``);
2. rewritten so that arithmetic, comparisons, calls, subscripts, loops and f-strings go
   through checked helpers (``sandbox_checks.Instrument``, ``sandbox_runtime.Runtime``);
3. compiled once per (source, mode) and run with empty builtins, the allowed callables,
   the helpers and only the data names the code mentions, under a work budget;
4. allowed to hand back plain data only.
"""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import math
import textwrap
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import GeneratorType
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment, PythonScriptEngine

from engine.errors import Problem
from engine.registry import DEFAULT_COST
from engine.sandbox import checks
from engine.sandbox.runtime import (
    FILENAME,
    INTS,
    MUTABLE,
    NEW_OBJECT,
    SCALARS,
    STEP,
    Runtime,
    SandboxError,
    run,
)

__all__ = ["Sandbox", "SandboxError", "SandboxScriptEngine"]

_CACHED_SOURCE = 8_000  # longer sources are compiled every time rather than cached


@dataclass(frozen=True)
class _Unit:
    """One compiled source, or the problems that refuse it."""

    code: Any
    problems: tuple[Problem, ...]
    loads: frozenset = frozenset()  # names read: the only data put in its namespace
    stores: frozenset = frozenset()  # names assigned: written back after a script
    statics: Mapping[str, Any] | None = None  # the helpers and callables it names


# ---------------------------------------------------------------------------------------
# What a diagram may call: a few builtins, wrapped where they could build or walk a lot,
# and the registered functions, whose arguments are weighed first.


def _safe_builtins(rt: Runtime) -> dict[str, Callable]:
    def int_(value=0, *base):
        if type(value) is str:
            rt.charge(len(value))
        rt.decimal_guard(value)
        result = builtins.int(value, *base)
        rt.int_bits(result.bit_length())
        return result

    def round_(number, ndigits=None):
        if ndigits is None:
            rt.decimal_guard(number)
        elif (
            type(number) in INTS
            and type(ndigits) in INTS
            and -ndigits > number.bit_length() // 3 + 2
        ):
            return 0  # CPython would compute 10 ** -ndigits first, which could hang
        return builtins.round(number, ndigits)

    def str_(value=""):
        rt.weigh(value)
        result = builtins.str(value)
        rt.grow(len(result))
        return result

    def list_(iterable=()):
        items = rt.materialize(iterable)
        if items is not iterable:
            return items
        rt.grow(len(items))  # a copy of a list, tuple, dict or set; or a range
        if type(items) is range:
            rt.charge(NEW_OBJECT * len(items))
        return builtins.list(items)

    def tuple_(iterable=()):
        return builtins.tuple(list_(iterable))

    def set_(iterable=()):
        items = rt.materialize(iterable)
        rt.weigh(items)
        result = builtins.set(items)
        rt.charge(NEW_OBJECT * len(result))  # a hash table, perhaps new objects
        return result

    def dict_(*args, **kwargs):
        if args:
            args = (rt.materialize(args[0]), *args[1:])
            rt.weigh(args[0])
        result = builtins.dict(*args, **kwargs)
        rt.charge(NEW_OBJECT * len(result))
        return result

    def sorted_(iterable, *, key=None, reverse=False):
        rt.check_key(key)
        items = list_(iterable)
        rt.sort_cost(items)
        items.sort(key=key, reverse=reverse)
        return items

    def extreme(pick):
        def choose(*args, key=None, **default):
            rt.check_key(key)
            items = rt.materialize(args[0]) if len(args) == 1 else args
            rt.weigh(items)
            return pick(items, key=key, **default)

        return choose

    def sum_(iterable, start=0):
        if type(start) not in (int, float, bool, Decimal):
            raise SandboxError("sum() adds numbers only")
        items = rt.materialize(iterable)
        rt.charge(len(items))
        return builtins.sum(items, start)

    def truth(test):
        def check(iterable):
            if not isinstance(iterable, GeneratorType):  # generators pay per item
                iterable = rt.materialize(iterable)
                rt.charge(len(iterable))
            return test(iterable)

        return check

    def range_(*args):
        result = builtins.range(*args)
        try:
            size = len(result)
        except OverflowError:
            size = math.inf
        if size > rt.max_size:
            raise SandboxError(f"range too large (at most {rt.max_size:,} numbers)")
        return result

    found = {
        "int": int_,
        "round": round_,
        "str": str_,
        "list": list_,
        "tuple": tuple_,
        "set": set_,
        "dict": dict_,
        "sorted": sorted_,
        "min": extreme(builtins.min),
        "max": extreme(builtins.max),
        "sum": sum_,
        "any": truth(builtins.any),
        "all": truth(builtins.all),
        "range": range_,
    }
    for name, fn in found.items():  # so that TypeErrors name what the designer wrote
        fn.__name__ = fn.__qualname__ = name
    # Cheap and unable to build anything large: the real ones.
    found.update(
        len=len, abs=abs, bool=bool, float=float, enumerate=enumerate, zip=zip, reversed=reversed
    )
    return found


def _registered(rt: Runtime, name: str, fn: Callable, cost) -> Callable:
    """A registered function as diagrams call it: its arguments weighed (iterators
    listed), its declared cost (steps: a number, or a function of the arguments) paid
    before it runs, and its result weighed after, so that calling it in a loop, or on
    arguments that make it build a lot, stops within the caller's budget."""
    signature = inspect.signature(fn) if callable(cost) else None

    def call(*args, **kwargs):
        args = [rt.settle(value) for value in args]
        kwargs = {key: rt.settle(value) for key, value in kwargs.items()}
        if signature is None:
            steps = cost
        else:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as err:
                raise SandboxError(f"{name}(): {err}") from None
            steps = cost(*args, **kwargs)
        rt.charge(STEP * max(1, steps))
        result = fn(*args, **kwargs)
        rt.weigh(result)
        return result

    call.__name__ = call.__qualname__ = name
    return call


class Sandbox:
    """Checks, evaluates and executes diagram code under an allow-list and a budget."""

    def __init__(
        self,
        functions: Mapping[str, Callable] | None = None,
        *,
        costs: Mapping[str, Any] | None = None,
        max_steps: int = 100_000,
        max_size: int = 1_000_000,
        max_int_bits: int = 4096,
    ):
        self.max_steps, self.max_size, self.max_int_bits = max_steps, max_size, max_int_bits
        self._rt = Runtime(max_size, max_int_bits)
        callables = _safe_builtins(self._rt)
        costs = costs or {}
        for name, fn in (functions or {}).items():  # registered ones win over builtins
            if name.isidentifier() and not name.startswith("_"):
                cost = costs.get(name, DEFAULT_COST)
                callables[name] = _registered(self._rt, name, fn, cost)
        self._callables = callables
        self._rt.allowed = frozenset(map(id, callables.values()))
        self._helpers = self._rt.helpers()
        self._compile = lru_cache(maxsize=2048)(self._compile_uncached)
        self._vet = lru_cache(maxsize=2048)(self._vet_uncached)

    # -- public API ----------------------------------------------------------------------
    def check(self, source: str, mode: str = "eval") -> list[Problem]:
        """Every static problem of ``source`` at once; [] when it may run.

        The code is compiled as written; rewriting it through the checked helpers (more
        than half of the work) is left to its first run: a deploy checks every
        expression of a definition, and most never run in the process that checks."""
        return list(self._unit(source, mode, runnable=False).problems)

    def evaluate(self, expression: str, names: Mapping[str, Any]) -> Any:
        unit = self._unit(expression, "eval")
        space = self._namespace(unit, names, copy_data=False)[0]
        return run(unit.code, space, self.max_steps, then=self._plain_result)

    def _plain_result(self, result: Any) -> Any:
        self._rt.check_plain(result, "the result")
        return result

    def execute(self, script: str, names: dict[str, Any]) -> None:
        """Run a script; what it assigns (or changes in place) is written back to ``names``,
        and only if it succeeds: it works on copies."""
        unit = self._unit(script, "exec")
        space, data = self._namespace(unit, names, copy_data=True)

        def written(_result) -> dict[str, Any]:
            changed = {k: space[k] for k in unit.stores if k in space}
            # Data it only read may still have been changed in place (items.append(...)).
            changed.update(
                {k: space[k] for k in data if k not in changed and type(space[k]) in MUTABLE}
            )
            for name, value in changed.items():
                self._rt.check_plain(value, f"variable {name!r}")
            return changed

        names.update(run(unit.code, space, self.max_steps, then=written))

    # -- internals -----------------------------------------------------------------------
    def _unit(self, source, mode: str, runnable: bool = True) -> _Unit:
        """The compiled ``source`` (``runnable``: instrumented, with what it names), or
        its problems; only the problems when not ``runnable``."""
        if mode not in ("eval", "exec"):
            raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
        if not isinstance(source, str):
            return _Unit(None, (Problem("", "the expression must be text"),))
        # Expressions may be padded in the XML; scripts may be indented as a whole.
        source = source.strip() if mode == "eval" else textwrap.dedent(source)
        if len(source) > _CACHED_SOURCE:
            build = self._compile_uncached if runnable else self._vet_uncached
            return build(source, mode)
        return self._compile(source, mode) if runnable else self._vet(source, mode)

    def _vet_uncached(self, source: str, mode: str) -> _Unit:
        return self._compile_uncached(source, mode, runnable=False)

    def _compile_uncached(self, source: str, mode: str, runnable: bool = True) -> _Unit:
        tree, found = checks.parse(source, mode)
        if tree is not None:
            checker = checks.Checker(mode, frozenset(self._callables))
            checker.visit(tree, None)
            found = checker.problems
        if found:
            return _Unit(None, tuple(Problem("", message, line=line) for line, message in found))
        try:  # compiling finds what parsing does not ('break' outside a loop)
            code = compile(checks.instrument(tree) if runnable else tree, FILENAME, mode)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            return _Unit(None, (Problem("", f"cannot be compiled: {err.__class__.__name__}"),))
        if not runnable:
            return _Unit(None, ())
        named = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        statics: dict[str, Any] = {"__builtins__": {}}
        statics.update({n: self._helpers[n] for n in named if n in self._helpers})
        statics.update({n: self._callables[n] for n in named if n in self._callables})
        return _Unit(code, (), frozenset(checker.loads), frozenset(checker.stores), statics)

    def _namespace(self, unit: _Unit, names: Mapping[str, Any], copy_data: bool):
        """Globals for one run: the unit's helpers and callables, then the data it reads."""
        if unit.code is None:
            text = "; ".join(
                p.message if p.line is None else f"line {p.line}: {p.message}"
                for p in unit.problems
            )
            raise SandboxError(text, unit.problems[0].line)
        space: dict[str, Any] = dict(unit.statics or {})
        data: list = []
        memo: dict[int, Any] = {}
        for name in unit.loads:
            if name in names:
                value = names[name]
                if callable(value):
                    raise SandboxError(
                        f"{name!r} holds a function or class, which diagrams may not use"
                    )
                if copy_data and type(value) not in SCALARS and type(value) is not str:
                    value = copy.deepcopy(value, memo)
                space[name] = value
                data.append(name)
        return space, data


# ---------------------------------------------------------------------------------------
# SpiffWorkflow adapter


class _SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow sometimes evaluates through ``script_engine.environment`` directly
    (process-level conditions, message correlations): that path is sandboxed too."""

    def __init__(self, sandbox: Sandbox):
        super().__init__()
        self.sandbox = sandbox

    def evaluate(self, expression, context, external_context=None):
        names = ChainMap(context, external_context) if external_context else context
        return self.sandbox.evaluate(expression, names)

    def execute(self, script, context, external_context=None):
        if not external_context:
            self.sandbox.execute(script, context)
            return True
        merged = {**external_context, **context}
        self.sandbox.execute(script, merged)
        for name, value in merged.items():  # changed or new names only go to the task
            if name in context or value is not external_context.get(name, context):
                context[name] = value
        return True

    def call_service(self, context, **kwargs):
        raise SandboxError("service tasks are not supported")


class SandboxScriptEngine(PythonScriptEngine):
    """Makes SpiffWorkflow evaluate every expression and script in a ``Sandbox``."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        super().__init__(environment=_SandboxEnvironment(sandbox))

    def validate(self, expression):
        ast.parse(expression.strip(), mode="eval")  # SyntaxError, as SpiffWorkflow's DMN expects
        problems = self.sandbox.check(expression, "eval")
        if problems:
            raise SandboxError("; ".join(p.message for p in problems), problems[0].line)

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SandboxError as err:
            raise _task_error(task, err, "expression", expression) from err

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except SandboxError as err:
            raise _task_error(task, err, "script", script) from err

    def call_service(self, task, **kwargs):
        raise WorkflowTaskException("service tasks are not supported", task=task)


def _task_error(task, err: SandboxError, kind: str, source: str) -> WorkflowTaskException:
    lines = source.splitlines() if isinstance(source, str) else []
    line = err.line if err.line and err.line <= len(lines) else None
    where = f" (line {line})" if line and kind == "script" else ""
    return WorkflowTaskException(
        f"{kind} refused or failed{where}: {err.message}",
        task=task,
        exception=err,
        line_number=line,
        error_line=lines[line - 1] if line else None,
    )
