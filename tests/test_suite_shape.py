"""The shape of the test suite itself (issue 16, item 4): one home for what tests share.

Fixtures are found by pytest in the conftest files; helpers, constants and builders that
tests import live in plain modules (tests/factories.py, tests/cast.py, tests/<app>/world.py,
...), so no test imports from a conftest."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent


def _python_files() -> list[Path]:
    return sorted(TESTS_DIR.rglob("*.py"))


def _imports_from_a_conftest(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "conftest" or name.endswith(".conftest"):
                found.append(f"{path.relative_to(TESTS_DIR.parent)}:{node.lineno} {name}")
    return found


def test_no_test_module_imports_from_a_conftest() -> None:
    found = [line for path in _python_files() for line in _imports_from_a_conftest(path)]
    assert found == [], (
        "import helpers from a plain module (tests/factories.py, tests/cast.py, "
        "tests/<app>/world.py), not from a conftest:\n" + "\n".join(found)
    )
