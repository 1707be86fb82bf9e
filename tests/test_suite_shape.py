"""The shape of the test suite itself (issue 16, item 4): one home for what tests share.

Every model of the project's apps has a factory in tests/factories.py, and every factory
makes a row that the model's validation and the database accept.

Fixtures are found by pytest in the conftest files; helpers, constants and builders that
tests import live in plain modules (tests/factories.py, tests/cast.py, tests/<app>/world.py,
...), so no test imports from a conftest.

And one rule of the code's own shape (issue 16, item 3): no function of the apps runs over
80 lines; a longer one is split into named steps."""

from __future__ import annotations

import ast
from pathlib import Path

import factory
import pytest
from django.apps import AppConfig, apps

from tests import factories

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


def _project_apps() -> list[AppConfig]:
    """The apps whose code is in this repository (not Django's, not a library's)."""
    repository = TESTS_DIR.parent
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(repository)
        and ".venv" not in Path(config.path).parts
    ]


def _factories() -> list[type[factory.django.DjangoModelFactory]]:
    return [
        value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value is not factory.django.DjangoModelFactory
    ]


def test_the_project_apps_are_found() -> None:
    assert {"programmes", "scheduler", "enrolment", "notifications", "reports"} <= {
        config.label for config in _project_apps()
    }


def test_every_model_of_the_projects_apps_has_a_factory() -> None:
    covered = {f._meta.get_model_class() for f in _factories()}
    models = [
        model
        for config in _project_apps()
        for model in config.get_models()
        if not model._meta.proxy
    ]
    missing = sorted(model._meta.label for model in models if model not in covered)
    assert missing == [], f"add a factory to tests/factories.py for: {', '.join(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", _factories(), ids=lambda f: f.__name__)
def test_every_factory_makes_a_row_the_database_accepts(
    factory_class: type[factory.django.DjangoModelFactory],
) -> None:
    row = factory_class()
    row.full_clean(validate_unique=False, validate_constraints=True)
    assert type(row).objects.filter(pk=row.pk).exists()


def test_the_schema_fuzzing_is_marked_slow_and_ci_still_runs_it() -> None:
    # Read, not imported: the module names a date, and importing it here would bring that
    # date into this test (tests/clock.py).
    fuzzing = ast.parse((TESTS_DIR / "fuzz" / "test_schemathesis.py").read_text("utf-8"))
    marks = [
        node.value
        for node in fuzzing.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
    ]
    assert marks and "pytest.mark.slow" in ast.unparse(marks[0])
    repository = TESTS_DIR.parent
    for runner in ("Makefile", ".ci/run"):
        text = (repository / runner).read_text(encoding="utf-8")
        assert "not slow" not in text, f"{runner} leaves out the slow tests"


LONGEST_FUNCTION = 80  # lines, from `def` to the last line, docstring included


def _long_functions(path: Path) -> list[str]:
    repository = TESTS_DIR.parent
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > LONGEST_FUNCTION:
                found.append(f"{path.relative_to(repository)}:{node.lineno} {node.name} ({lines})")
    return found


def test_no_function_of_the_apps_runs_over_80_lines() -> None:
    # Migrations are generated and management commands are scripts; everything else of the
    # apps (and the settings) is code a reader follows step by step.
    folders = [Path(config.path) for config in _project_apps()] + [TESTS_DIR.parent / "config"]
    files = [
        path
        for folder in folders
        for path in sorted(folder.rglob("*.py"))
        if "migrations" not in path.parts and "commands" not in path.parts
    ]
    assert len(files) > 100, "the apps' modules are not found"
    found = [line for path in files for line in _long_functions(path)]
    assert found == [], (
        f"split these into named steps of at most {LONGEST_FUNCTION} lines:\n" + "\n".join(found)
    )
