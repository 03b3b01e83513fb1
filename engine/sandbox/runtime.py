"""The run-time half of the diagram sandbox (see ``scripting.py``): the checked helpers
that instrumented code calls, and the work budget of one evaluation.

The budget is counted in units, roughly one per pointer-sized piece of work: one loop or
comprehension iteration costs ``STEP`` units; bulk work done in C (building, copying,
hashing, comparing or printing n elements or characters) costs n units, plus
``NEW_OBJECT`` per object it creates. As every allocation is charged, the budget bounds
memory as well as time (about 100 MB and half a second with the default limits).

Sizes are checked before a result is built, so ``'x' * 10**10`` is refused rather than
attempted. Values about to be hashed, compared or printed by C code are first walked
("weighed") in Python, which bounds their size once shared references are counted (a list
holding itself twice, 60 times over, is tiny in memory but huge to print) and their
nesting depth (CPython hashes nested tuples recursively and would overflow its C stack).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal, DecimalException
from itertools import islice
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine import deadline
from engine.errors import OperationTooLong
from engine.sandbox import checks

STEP = 100  # units one loop iteration costs
# What walking a value (weighing it) costs, per container it visits and per item in them:
# about what the same work costs as a loop step, as it runs in Python too.
VISIT = 2 * STEP
WALKED_ITEM = STEP // 4
_CHUNK = 4096  # items listed between two payments when an iterator is materialised
CLOCK_EVERY = 100_000  # units of work between two looks at the operation's deadline
NEW_OBJECT = 16  # units per object a bulk operation creates (a pointer costs 1)
MAX_DATA_DEPTH = 100  # nesting a value may have when C code hashes or compares it
FILENAME = "<diagram>"  # instrumented code runs under this name: errors find their line
INTS = frozenset({int, bool})
_SEQS = frozenset({str, list, tuple})
_VIEWS: tuple[type, type, type] = (type({}.keys()), type({}.values()), type({}.items()))
_SETS = frozenset({set, frozenset, dict, _VIEWS[0], _VIEWS[2]})  # O(1) membership
SCALARS = frozenset({type(None), bool, int, float, Decimal, date, datetime, time, timedelta})
_PLAIN_CONTAINERS = frozenset({list, tuple, dict, set})
_OTHER_CONTAINERS = frozenset({frozenset, *_VIEWS})  # walked too, but not plain data
_EXISTING = frozenset({list, tuple, dict, set, frozenset})  # their items already exist
MUTABLE = frozenset({list, dict, set})
# Cheap whatever the size of the value they are called on (arguments are still weighed).
_CHEAP_METHODS = frozenset(
    {
        "get",
        "keys",
        "values",
        "items",
        "append",
        "pop",
        "setdefault",
        "add",
        "discard",
        "startswith",
        "endswith",
        "is_integer",
        "isoformat",
        "weekday",
        "isoweekday",
        "date",
        "total_seconds",
    }
)


class SandboxError(SpiffWorkflowException):
    """An expression or script was refused or failed. ``message`` is for the process
    designer; ``line`` is the line of the script, when known.

    It is a SpiffWorkflowException (hence an Exception) because SpiffWorkflow evaluates a
    few conditions through the environment directly, and must still see a workflow error.
    """

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line

    def __str__(self) -> str:
        text = self.message if self.line is None else f"{self.message} (line {self.line})"
        return ". ".join([text, *self.notes])


def _amount(n) -> str:
    return f"{n:,.0f}" if n < 10**15 else "an astronomical number of"


class _Budget:
    """Units used so far. ``limit`` is the next point at which to look: the end of the
    budget, or before it a moment to check the operation's wall-clock ceiling, so that
    paying stays one comparison."""

    __slots__ = ("used", "limit", "end", "steps")

    def __init__(self, steps: int):
        self.used, self.end, self.steps = 0, steps * STEP, steps
        self.limit = min(self.end, CLOCK_EVERY)

    def passed(self) -> None:
        """``used`` went past ``limit``: refuse if the budget is spent or the operation
        is past its ceiling, else set the next checkpoint."""
        if self.used > self.end:
            raise SandboxError(f"too much work: more than {self.steps:,} steps (an endless loop?)")
        deadline.check()
        self.limit = min(self.end, self.used + CLOCK_EVERY)


# The budget of the evaluation running on this thread. Helpers read it from here, so the
# same compiled code and helpers serve every evaluation and thread.
_LOCAL = threading.local()


def _budget() -> _Budget:
    budget = getattr(_LOCAL, "budget", None)
    if budget is None:
        raise SandboxError("no evaluation is running")
    return budget


def _set_op(op: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """A Runtime operator method that pays for the set a set operation builds."""

    def apply(self: Runtime, a: Any, b: Any) -> Any:
        if type(a) in _SETS and type(b) in _SETS:
            self.grow(len(a) + len(b))
        return op(a, b)

    return apply


class Runtime:
    """What instrumented code calls: checked operators, calls, subscripts and loops."""

    def __init__(self, max_size: int, max_int_bits: int):
        self.max_size, self.max_int_bits = max_size, max_int_bits
        self.allowed: frozenset[int] = frozenset()  # ids of the callables a diagram may call

    # -- accounting ----------------------------------------------------------------------
    def charge(self, units: int) -> None:
        budget = _budget()
        budget.used += units
        if budget.used > budget.limit:
            budget.passed()

    def grow(self, n) -> None:
        """A result of n elements or characters is about to be built."""
        self.refuse_above(n)
        self.charge(n)

    def int_bits(self, bits) -> None:
        if bits > self.max_int_bits:
            raise SandboxError(
                f"number too large (about {_amount(bits)} bits; at most {self.max_int_bits:,})"
            )

    def walk(self, value, what: str = "a value", plain: bool = False) -> int:
        """Deep size of ``value``: containers count their length, strings their characters.
        Refuses values larger than max_size or nested deeper than MAX_DATA_DEPTH (checked
        before C code recurses into them), and, if ``plain``, anything but plain data."""
        return self._measure(value, what, plain)[0]

    def remaining(self) -> int:
        """Units left in the running evaluation's budget."""
        budget = _budget()
        return budget.end - budget.used

    def _measure(
        self, value, what: str = "a value", plain: bool = False, allowance: float = math.inf
    ) -> tuple[int, int]:
        """(deep size, units of work the walk itself did): see ``walk``. Walking runs in
        Python, far slower per element than the C code it guards, so whoever walks pays
        for that work too (``weigh``, ``check_plain``, ``sort_cost``); it stops once that
        work passes ``allowance``, the budget left, which the payment then refuses."""
        total, visits, items, stack = 0, 0, 0, [(value, 0)]
        while stack and total <= self.max_size:
            if visits * VISIT > allowance:
                break
            item, depth = stack.pop()
            visits += 1
            kind = type(item)
            if kind is str:
                total += len(item)
                continue
            if kind in SCALARS:
                total += item.bit_length() >> 6 if kind is int else 0
                continue
            if kind is range and not plain:
                total += len(item)
                continue
            if kind not in _PLAIN_CONTAINERS and (plain or kind not in _OTHER_CONTAINERS):
                if plain:
                    raise SandboxError(f"{what} is not plain data (it is a {kind.__name__})")
                continue
            if depth >= MAX_DATA_DEPTH:
                raise SandboxError(f"{what} is nested too deeply (over {MAX_DATA_DEPTH} levels)")
            total += len(item)
            if total > self.max_size:
                break
            # Strings and numbers are counted here; only containers go on the stack.
            parts = (x for pair in item.items() for x in pair) if kind is dict else item
            items += len(item) * 2 if kind is dict else len(item)
            if visits * VISIT + items * WALKED_ITEM > allowance:
                break  # not worth looking into: the walk alone costs more than is left
            for part in parts:
                part_kind = type(part)
                if part_kind is str:
                    total += len(part)
                elif part_kind is int:
                    total += part.bit_length() >> 6
                elif part_kind not in SCALARS:
                    stack.append((part, depth + 1))
        if total > self.max_size:
            raise SandboxError(f"{what} is too large (over {self.max_size:,} elements)")
        return total, visits * VISIT + items * WALKED_ITEM

    def weigh(self, value) -> None:
        """Charge for C code about to traverse ``value`` (hash, compare, print, copy), and
        for weighing it."""
        kind = type(value)
        if kind in SCALARS:
            return
        if kind is str:
            self.charge(len(value))
            return
        size, work = self._measure(value, allowance=self.remaining())
        self.charge(size + 1 + work)

    def settle(self, value):
        """Like weigh, but first turns an iterator into a list (charged), so that what C
        code will hash or compare in it is weighed too. For arguments handed on."""
        if type(value) in SCALARS:
            return value
        if isinstance(value, Iterator):
            value = self.materialize(value)
        self.weigh(value)
        return value

    def check_plain(self, value, what: str) -> None:
        """Only plain data may leave the sandbox, and no more of it than max_size."""
        if type(value) not in SCALARS:
            self.charge(self._measure(value, what, True, self.remaining())[1])

    def refuse_above(self, n) -> None:
        if n > self.max_size:
            raise SandboxError(
                f"result too large ({_amount(n)} elements or characters; at most {self.max_size:,})"
            )

    def materialize(self, iterable):
        """A list, tuple, dict, set or range as it is; anything else (iterators, generators,
        strings, dict views) as a new list, charged for the objects it creates as they
        come, so that a zip or enumerate over large lists stops within the budget rather
        than after building all of its items."""
        if type(iterable) in _EXISTING or type(iterable) is range:
            return iterable
        items: list = []
        source = iter(iterable)
        while chunk := list(islice(source, _CHUNK)):
            items += chunk
            self.refuse_above(len(items))
            self.charge((1 + NEW_OBJECT) * len(chunk))
        return items

    def check_key(self, key) -> None:
        if key is not None and id(key) not in self.allowed:
            raise SandboxError("key= must name a function")

    def sort_cost(self, items) -> None:
        size, work = self._measure(items, allowance=self.remaining())
        self.charge((size + 1) * max(1, len(items).bit_length()) + work)

    def decimal_guard(self, value) -> None:
        if type(value) is Decimal and value.is_finite() and value:
            self.int_bits((value.adjusted() + 1) * 3.33)

    # -- helpers named by the instrumented code ------------------------------------------
    def h_call(self, fn, name, /, *args, **kwargs):
        if id(fn) not in self.allowed:
            raise SandboxError(f"{name!r} is not a function (it is a {type(fn).__name__})")
        return fn(*args, **kwargs)

    def h_meth(self, obj, name, /, *args, **kwargs):
        kind = type(obj)
        if name not in checks.METHODS.get(kind, ()):
            raise SandboxError(f"method {name!r} is not allowed on a {kind.__name__}")
        special = getattr(self, f"m_{kind.__name__}_{name}", None)
        if special:
            return special(obj, *args, **kwargs)
        if name not in _CHEAP_METHODS:
            self.weigh(obj)
        args = [self.settle(value) for value in args]
        kwargs = {key: self.settle(value) for key, value in kwargs.items()}
        result = getattr(obj, name)(*args, **kwargs)
        if kind is str and type(result) is list:  # split & co: one new string per part
            self.charge(NEW_OBJECT * len(result))
        return result

    def m_str_join(self, sep, iterable):
        parts = self.materialize(iterable)
        self.charge(len(parts) * WALKED_ITEM)  # the lengths below are summed in Python
        self.grow(sum(len(p) for p in parts if type(p) is str) + len(sep) * max(len(parts) - 1, 0))
        return sep.join(parts)

    def m_str_replace(self, text, old, new, count=-1):
        if type(old) is str and type(new) is str and type(count) is int:
            hits = text.count(old) if count < 0 else min(text.count(old), count)
            self.grow(len(text) + hits * max(len(new) - len(old), 0))
        return text.replace(old, new, count)

    def m_list_extend(self, items, iterable):
        more = self.materialize(iterable)
        self.grow(len(items) + len(more))
        items.extend(more)

    def m_list_insert(self, items, index, value):  # moves the items after index
        self.charge(len(items))
        items.insert(index, value)

    def m_list_pop(self, items, *index):
        if index and index[0] != -1:
            self.charge(len(items))
        return items.pop(*index)

    def m_list_sort(self, items, *, key=None, reverse=False):
        self.check_key(key)
        self.sort_cost(items)
        items.sort(key=key, reverse=reverse)

    def h_attr(self, obj, name):
        if name not in checks.FIELDS.get(type(obj), ()):
            raise SandboxError(f"reading {name!r} of a {type(obj).__name__} is not allowed")
        return getattr(obj, name)

    def h_key(self, key):
        if type(key) is not str and type(key) is not int:
            self.weigh(key)
        return key

    def h_slice(self, obj, lower, upper, step):
        result = obj[lower:upper:step]
        if type(result) in _SEQS:
            self.charge(len(result))
        return result

    def h_iter(self, iterable):
        budget = _budget()
        for item in iterable:
            budget.used += STEP
            if budget.used > budget.limit:
                budget.passed()
            yield item

    def h_tick(self, value):
        self.charge(STEP)
        return value

    def h_cv(self, value):
        if type(value) not in SCALARS:
            self.weigh(value)
        return value

    def h_cvc(self, value):  # right side of `in`: sets and dicts only hash the left
        return value if type(value) in _SETS else self.settle(value)

    def h_sized(self, text):  # an f-string, once built
        self.grow(len(text))
        return text

    # -- operators: refuse results that would be too large, before computing them ---------
    def op_Add(self, a, b):
        ta, tb = type(a), type(b)
        if ta in INTS and tb in INTS:
            self.int_bits(max(a.bit_length(), b.bit_length()) + 1)
        elif ta in _SEQS and tb is ta:
            self.grow(len(a) + len(b))
        return a + b

    def op_Sub(self, a, b):
        ta, tb = type(a), type(b)
        if ta in INTS and tb in INTS:
            self.int_bits(max(a.bit_length(), b.bit_length()) + 1)
        elif ta in _SETS and tb in _SETS:
            self.grow(len(a) + len(b))
        return a - b

    def op_Mult(self, a, b):
        ta, tb = type(a), type(b)
        if ta in INTS and tb in INTS:
            self.int_bits(a.bit_length() + b.bit_length())
        elif ta in _SEQS and tb in INTS:
            self.grow(len(a) * max(b, 0))
        elif tb in _SEQS and ta in INTS:
            self.grow(len(b) * max(a, 0))
        return a * b

    def op_Pow(self, a, b):
        if type(a) in INTS and type(b) in INTS and b > 1 and abs(a) > 1:
            self.int_bits(b if b > self.max_int_bits else b * math.log2(abs(a)))
        return a**b

    def op_LShift(self, a, b):
        if type(a) in INTS and type(b) in INTS and b > 0:
            self.int_bits(b if b > self.max_int_bits else a.bit_length() + b)
        return a << b

    def op_Mod(self, a, b):
        if isinstance(a, str):  # '%s' % x: unbounded widths; f-strings do the same safely
            raise SandboxError("%-formatting is not allowed: use an f-string")
        return a % b

    op_BitOr = _set_op(lambda a, b: a | b)
    op_BitAnd = _set_op(lambda a, b: a & b)
    op_BitXor = _set_op(lambda a, b: a ^ b)

    # Results no larger than their operands, which are already bounded.
    @staticmethod
    def op_Div(a, b):
        return a / b

    @staticmethod
    def op_FloorDiv(a, b):
        return a // b

    @staticmethod
    def op_RShift(a, b):
        return a >> b

    def helpers(self) -> dict[str, Callable]:
        found = {f"_{name[2:]}": getattr(self, name) for name in dir(self) if name[:2] == "h_"}
        found.update({f"_{name}": getattr(self, name) for name in dir(self) if name[:3] == "op_"})
        found["_fv"] = found["_cv"]  # an f-string prints its values: weigh them first
        return found


def run(code, space: dict, max_steps: int, then: Callable[[Any], Any] | None = None):
    """Run compiled diagram code with a fresh budget; every failure becomes a SandboxError.
    ``then(result)``, if given, runs on the same budget (checking what leaves the sandbox
    is work too) and gives the result."""
    previous = getattr(_LOCAL, "budget", None)  # a registered function may nest runs
    _LOCAL.budget = _Budget(max_steps)
    try:
        result = eval(code, space)
        return then(result) if then is not None else result
    except SandboxError as err:
        if err.line is None:
            err.line = _diagram_line(err.__traceback__)
        raise
    except OperationTooLong:  # the whole operation stops, not just this evaluation
        raise
    except Exception as err:  # ZeroDivisionError, TypeError, KeyError, ...
        raise SandboxError(_describe(err), _diagram_line(err.__traceback__)) from err
    finally:
        _LOCAL.budget = previous


def _diagram_line(tb) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(err: Exception) -> str:
    if isinstance(err, NameError):
        text = f"unknown name {getattr(err, 'name', None) or str(err)!r}"
    elif isinstance(err, ZeroDivisionError):
        text = "division by zero"
    elif isinstance(err, KeyError):
        text = f"no such key: {err.args[0]!r}" if err.args else "no such key"
    elif isinstance(err, RecursionError):
        text = "data nested too deeply"
    elif isinstance(err, MemoryError):
        text = "out of memory"
    elif isinstance(err, DecimalException):
        text = f"decimal arithmetic failed ({err.__class__.__name__})"
    else:
        text = f"{err.__class__.__name__}: {err}"
    return text if len(text) <= 300 else text[:297] + "..."
