"""docker-compose.yml: the production stack's seven services, their one image, commands,
health checks and start order. Read as YAML (anchors and merge keys resolved), so a
service or a health check that disappears fails here, also where no Docker runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {"db", "redis", "migrate", "web", "worker", "beat", "mailpit"}
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = SERVICES - {"migrate"}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def command(service: dict[str, Any]) -> list[str]:
    value = service.get("command", [])
    return value.split() if isinstance(value, str) else [str(part) for part in value]


def dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    [cmd] = re.findall(r"^CMD (\[.*\])\s*$", text, flags=re.MULTILINE)
    return yaml.safe_load(cmd)


def test_the_compose_file_is_docker_compose_yml_at_the_top_level() -> None:
    assert COMPOSE.is_file()
    assert not (ROOT / "compose.yaml").exists()
    for name in ("README.md", "Dockerfile", ".env.example"):
        text = (ROOT / name).read_text()
        assert "compose.yaml" not in text, name
    assert "docker-compose.yml" in (ROOT / "README.md").read_text()


def test_it_has_the_seven_services(services: dict[str, Any]) -> None:
    assert set(services) == SERVICES


def test_the_app_services_run_the_one_image_built_here(services: dict[str, Any]) -> None:
    images = {services[name]["image"] for name in APP_SERVICES}
    assert images == {"groepsplanner:latest"}
    assert {services[name]["build"] for name in APP_SERVICES} == {"."}
    for name in ("db", "redis", "mailpit"):
        assert "build" not in services[name], name
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_migrate_runs_once_and_applies_the_migrations(services: dict[str, Any]) -> None:
    assert command(services["migrate"])[:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in command(services["migrate"])
    assert services["migrate"]["restart"] == "no"


def test_web_serves_the_wsgi_app_with_gunicorn_on_port_8000(services: dict[str, Any]) -> None:
    web = services["web"]
    cmd = command(web) or dockerfile_cmd()
    assert cmd[:2] == ["gunicorn", "config.wsgi:application"]
    assert "0.0.0.0:8000" in cmd
    assert any(port.endswith(":8000") for port in web["ports"])


def test_the_worker_consumes_every_queue_the_tasks_are_routed_to(
    services: dict[str, Any],
) -> None:
    cmd = command(services["worker"])
    assert cmd[:4] == ["celery", "-A", "config", "worker"]
    [queues] = [part.removeprefix("--queues=") for part in cmd if part.startswith("--queues=")]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert set(queues.split(",")) == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}


def test_beat_runs_celery_beat(services: dict[str, Any]) -> None:
    assert command(services["beat"])[:4] == ["celery", "-A", "config", "beat"]


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_each_long_running_service_has_a_health_check(services: dict[str, Any], name: str) -> None:
    check = services[name].get("healthcheck")
    assert check, f"{name} has no healthcheck"
    test = check["test"]
    assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1
    assert all(check.get(key) for key in ("interval", "timeout", "retries"))


def test_app_services_wait_for_a_healthy_database_and_broker(services: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_web_worker_and_beat_start_after_migrate_succeeded(services: dict[str, Any]) -> None:
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert "migrate" not in services["migrate"]["depends_on"]


def compose_v2() -> list[str] | None:
    """`docker compose` (v2): the README's command. The old standalone `docker-compose` (v1)
    does not know the Compose spec's top-level `name`, so it is not asked."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    version = subprocess.run([docker, "compose", "version"], capture_output=True)
    return [docker, "compose"] if version.returncode == 0 else None


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    cli = compose_v2()
    if cli is None:
        pytest.skip("`docker compose` (v2) is not installed: the file was checked as YAML only")
    # A copy beside a throwaway .env: the file's env_file (.env) and build context (.) resolve
    # there, and no .env in the working tree is read or needed.
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("SECRET_KEY=x\nALLOWED_HOSTS=example.org\nPOSTGRES_PASSWORD=x\n")
    result = subprocess.run(
        [*cli, "config", "--services"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == SERVICES
