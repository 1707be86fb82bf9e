"""The suite's clock: a test that names a date fixes the clock; every other test passes on
any day.

Two doors, both built on time-machine:

- ``pytest --today=YYYY-MM-DD`` travels the whole session to that day at 10:00
  Europe/Amsterdam (the clock keeps ticking), so the suite can be run as if it were that
  day. CI runs it once at a day more than a year ahead of the real one.
- ``on_day("2026-12-06")`` (a mark, for ``pytestmark`` or one test) fixes the clock for
  tests that write literal dates: a literal means "this test was written for that day".

The check: a test whose module, helper modules or fixtures write a literal date (a
``date(2026, ...)``, an ISO date in a string, a school-year label, a Dutch written date)
and that did not travel (mark, fixture or ``time_machine.travel``) fails, with the
literal it found. So a time bomb fails the day it is written, not a year later.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
import textwrap
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TESTS_DIR = Path(__file__).resolve().parent

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|January|February|March|April|May|June|July|August|September|October|November|December"
)
DATE_LITERAL = re.compile(
    r"\b(?:date|datetime)\(\s*(?:19|20)\d\d\s*,"  # dt.date(2026, 11, 2), datetime(2026, ...)
    r"|[\"'](?:19|20)\d\d-[01]\d-[0-3]\d"  # "2026-11-02", "2026-11-02T08:00"
    r"|[\"'](?:20\d\d)[-/](?:20\d\d)[\"']"  # a school year: "2026-2027"
    rf"|\b[0-3]?\d (?:{_MONTHS}) (?:19|20)\d\d\b"  # "4 december 2026"
)


def moment(day: str | dt.date, at: dt.time = dt.time(10, 0)) -> dt.datetime:
    """That day at `at` (10:00 unless said), Europe/Amsterdam."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, at, tzinfo=AMSTERDAM)


def on_day(day: str | dt.date, at: dt.time = dt.time(10, 0), *, tick: bool = True) -> Any:
    """A mark that fixes the clock at that day (10:00 Amsterdam) for the test's fixtures and
    body. Ticking by default: code that waits on the clock still sees time pass."""
    return pytest.mark.time_machine(moment(day, at), tick=tick)


# Every travel start is counted, whichever door started it (mark, fixture, decorator,
# context manager): a test that names a date must have started one.
_travels = 0
_original_start = time_machine.travel.start


def _counting_start(self: time_machine.travel) -> Any:
    global _travels
    _travels += 1
    return _original_start(self)


time_machine.travel.start = _counting_start  # type: ignore[method-assign]


def travels_so_far() -> int:
    return _travels


def literal_in(source: str) -> str | None:
    found = DATE_LITERAL.search(source)
    return found.group(0) if found else None


@cache
def _module_literal(path: str) -> str | None:
    """The first date literal in a test module outside its test functions (constants,
    helpers, fixtures), or in a tests.* module it imports."""
    source = _without_test_functions(Path(path).read_text(encoding="utf-8"))
    found = literal_in(source)
    if found:
        return f"{found!r} in {Path(path).relative_to(TESTS_DIR.parent)}"
    for imported in _imported_test_modules(source):
        if imported.resolve() == Path(path).resolve():
            continue
        found = _module_literal(str(imported))
        if found:
            return found
    return None


def _without_test_functions(source: str) -> str:
    """The module's text with the bodies of its test functions blanked out: each test is
    judged by its own text (see `date_named_by`), a helper or constant by all its users."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            for index in range(first, node.end_lineno or first):
                lines[index] = ""
    return "\n".join(lines)


def _imported_test_modules(source: str) -> list[Path]:
    paths = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if not name.startswith("tests."):
                continue
            relative = Path(*name.split(".")[1:])
            for candidate in (TESTS_DIR / f"{relative}.py", TESTS_DIR / relative / "__init__.py"):
                if candidate.is_file():
                    paths.append(candidate)
    return paths


@cache
def _imports_literal(func: Any) -> str | None:
    """A date literal in a tests.* module that the test imports in its own body."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    for imported in _imported_test_modules(source):
        found = _module_literal(str(imported))
        if found:
            return found
    return None


@cache
def _fixture_literal(func: Any) -> str | None:
    try:
        path = Path(inspect.getsourcefile(func) or "")
        if TESTS_DIR not in path.resolve().parents:
            return None
        found = literal_in(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    return f"{found!r} in fixture {func.__name__} ({path.name})" if found else None


def date_named_by(item: pytest.Item) -> str | None:
    """Where the test names a date: its own text, its module's constants, helpers and
    fixtures (or a tests.* module it imports), or a fixture of the suite it uses. None
    when it names none."""
    module: ModuleType | None = getattr(item, "module", None)
    if module is not None and getattr(module, "__file__", None):
        found = _module_literal(module.__file__)
        if found:
            return found
    function = getattr(item, "function", None)
    if function is not None:
        found = _fixture_literal(function)
        if found:
            return found.replace(" in fixture ", " in test ", 1)
        found = _imports_literal(function)
        if found:
            return found
    info = getattr(item, "_fixtureinfo", None)
    for defs in getattr(info, "name2fixturedefs", {}).values():
        for fixturedef in defs:
            found = _fixture_literal(fixturedef.func)
            if found:
                return found
    return None
