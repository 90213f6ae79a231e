"""A Jinja sandbox bounded in time and size, for letter templates a user got from anywhere.

Jinja's sandbox stops a template from reaching Python, but not from asking for
`{{ 'x' * 300000000 }}`, nested `range(100000)` loops, a string doubled forty times, a
number of a billion digits or `'%03000000000d' % 1`: each is legal, and each hangs or fills
the memory. Here every loop step, call, arithmetic operator, `~` and filter is counted
against a time limit and its result against a size limit (whole numbers by their bits,
format strings by the widths they pad to), and the rendered text against an output limit;
exceeding one is a SecurityError naming it. Each operation is bounded by those sizes, so
the time limit, checked between operations, holds for one letter.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

#: Longest text or list one expression may make (a letter's XML is about 50,000 characters).
MAX_VALUE = 1_000_000
#: Longest rendered part (document, header or footer XML).
MAX_OUTPUT = 10_000_000
#: Loop steps and calls in one rendering.
MAX_STEPS = 1_000_000
#: Seconds one rendering may take.
MAX_SECONDS = 5.0
#: Largest whole number a template may make, in bits (a 3,000-digit number): Python's
#: integers have no limit, and `(9**999)**999` takes hours to compute.
MAX_INT_BITS = 10_000

#: The width and precision digits of a %-format ("%03000000000d") and of a format spec
#: ("{:>3000000000}"), each of which pads a value to that many characters.
_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d*)(?:\.(\d*))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0


def _bits(value: Any) -> int:
    """Return the size of a whole number in bits (0 for anything else)."""
    return value.bit_length() if isinstance(value, int) and not isinstance(value, bool) else 0


def format_width(text: Any) -> int:
    """Return the widest padding a %-format or str.format string asks for (0 for none)."""
    if not isinstance(text, str) or ("%" not in text and "{" not in text):
        return 0
    widths = [int(d) for m in _PERCENT_WIDTH.finditer(text) for d in m.groups() if d]
    for spec in _BRACE_SPEC.finditer(text):
        widths += [int(d) for d in re.findall(r"\d+", spec.group(1))]
    return max(widths, default=0)


class _Bound(NodeTransformer):
    """Route every loop's iterable and every `~` through the environment's counters."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - Jinja's visitor names
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("bounded_steps"), [node.iter], [], None, None,
            lineno=node.lineno,
        )  # fmt: skip
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        return nodes.Call(
            nodes.EnvironmentAttribute("bounded_concat"), list(node.nodes), [], None, None,
            lineno=node.lineno,
        )  # fmt: skip


class BoundedEnvironment(SandboxedEnvironment):
    """A SandboxedEnvironment whose renderings stop at MAX_SECONDS, MAX_STEPS and the sizes."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "-", "/"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restart()
        self.filters = {name: _bounded_filter(self, f) for name, f in self.filters.items()}

    def restart(self) -> None:
        """Give the next rendering (one letter) the full time and step budget again."""
        self.deadline = time.monotonic() + MAX_SECONDS
        self.steps = 0

    # counters

    def tick(self) -> None:
        """Count one step; raise SecurityError past the step or time limit."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SecurityError(
                f"the template takes more than {MAX_STEPS:,} loop steps and calls for one "
                "letter — simplify its {% for %} loops"
            )
        if self.steps % 16 == 0 and time.monotonic() > self.deadline:
            raise SecurityError(
                f"rendering one letter took more than {MAX_SECONDS:g} seconds — simplify "
                "the template's loops and macros"
            )

    def checked(self, value: Any) -> Any:
        """Return value; raise SecurityError when it is larger than MAX_VALUE (or a whole
        number larger than MAX_INT_BITS)."""
        if _size(value) > MAX_VALUE:
            self.too_big()
        if _bits(value) > MAX_INT_BITS:
            self.too_large_number()
        return value

    def too_large_number(self) -> NoReturn:
        """Raise the SecurityError of a whole number larger than MAX_INT_BITS."""
        raise SecurityError(
            f"the template makes a number of more than {MAX_INT_BITS:,} bits — no letter needs one"
        )

    def check_format(self, text: Any) -> None:
        """Refuse a format string that pads a value wider than MAX_VALUE characters."""
        if format_width(text) > MAX_VALUE:
            raise SecurityError(
                f"the template formats a value wider than {MAX_VALUE:,} characters — no "
                "letter needs that much"
            )

    def too_big(self) -> NoReturn:
        """Raise the SecurityError of a value larger than MAX_VALUE."""
        raise SecurityError(
            f"the template builds a value of more than {MAX_VALUE:,} characters or items — no "
            "letter needs that much"
        )

    def bounded_steps(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Yield a loop's items, counting each one."""
        for item in iterable:
            self.tick()
            yield item

    def bounded_concat(self, *parts: Any) -> Any:
        """Join `a ~ b` as Jinja does, refusing a result larger than MAX_VALUE."""
        self.tick()
        if sum(len(str(p)) for p in parts) > MAX_VALUE:
            self.too_big()
        escape = self.autoescape(None) if callable(self.autoescape) else self.autoescape
        return markup_join(parts) if escape else str_join(parts)

    # the sandbox's hooks

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse `'x' * 10**9`, `10 ** 10**9` and oversized `+` before computing them."""
        self.tick()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if _size(seq) and isinstance(n, int) and _size(seq) * n > MAX_VALUE:
                    self.too_big()
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "**" and ints and abs(right) > 1000 and abs(left) > 1:
            raise SecurityError("the template raises a number to a power above 1000")
        if operator == "**" and ints and right > 0 and _bits(left) * right > MAX_INT_BITS:
            self.too_large_number()  # estimated before computing: (9**999)**999 takes hours
        if operator == "*" and ints and _bits(left) + _bits(right) > MAX_INT_BITS + 1:
            self.too_large_number()
        if operator == "%":
            self.check_format(left)
        if operator == "+" and _size(left) + _size(right) > MAX_VALUE:
            self.too_big()
        return self.checked(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Count every call; refuse huge counts as arguments and huge results."""
        __self.tick()
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_VALUE:
                raise SecurityError(
                    f"the template passes {value:,} to a function; the limit is {MAX_VALUE:,}"
                )
        return __self.checked(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Any:
        """Sandbox `"...".format` as Jinja does, once its widths are checked."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            self.check_format(value.__self__)  # "{:>3000000000}".format(1)
        return wrapped

    def concat(self, pieces: Iterable[str]) -> str:
        """Join the rendered pieces, refusing an output larger than MAX_OUTPUT."""
        out: list[str] = []
        total = 0
        for piece in pieces:
            total += len(piece)
            if total > MAX_OUTPUT:
                raise SecurityError(
                    f"the template renders more than {MAX_OUTPUT:,} characters for one letter"
                )
            out.append(piece)
        return "".join(out)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Bound().visit(super()._parse(source, name, filename))


def _bounded_filter(env: BoundedEnvironment, func: Any) -> Any:
    """Wrap a filter like a call: counted, no huge counts in, no huge values out."""

    @functools.wraps(func)  # keeps jinja_pass_arg (context, environment) as Jinja reads it
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        env.tick()
        for value in args:  # the format filter: "%03000000000d"|format(1)
            env.check_format(value)
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_VALUE:
                raise SecurityError(
                    f"the template passes {value:,} to a filter; the limit is {MAX_VALUE:,}"
                )
        return env.checked(func(*args, **kwargs))

    return wrapper
