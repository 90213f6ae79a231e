"""A Jinja sandbox bounded in time and size, for letter templates a user got from anywhere.

Jinja's sandbox stops a template from reaching Python, but not from asking for
`{{ 'x' * 300000000 }}`, nested `range(100000)` loops or a string doubled forty times: each
is legal, and each hangs or fills the memory. Here every loop step, call, `*`/`+`/`**`, `~`
and filter is counted against a time limit and its result against a size limit, and the
rendered text against an output limit; exceeding one is a SecurityError naming it.
"""

from __future__ import annotations

import functools
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


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0


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

    intercepted_binops = frozenset({"*", "**", "+"})

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
        if self.steps % 256 == 0 and time.monotonic() > self.deadline:
            raise SecurityError(
                f"rendering one letter took more than {MAX_SECONDS:g} seconds — simplify "
                "the template's loops and macros"
            )

    def checked(self, value: Any) -> Any:
        """Return value; raise SecurityError when it is larger than MAX_VALUE."""
        if _size(value) > MAX_VALUE:
            self.too_big()
        return value

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
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_VALUE:
                raise SecurityError(
                    f"the template passes {value:,} to a filter; the limit is {MAX_VALUE:,}"
                )
        return env.checked(func(*args, **kwargs))

    return wrapper
