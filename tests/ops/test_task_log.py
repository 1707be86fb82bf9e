"""One JSON line per Celery task run: name, id, outcome and duration, never the arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from config.celery import app
from config.request_log import RequestLogMiddleware
from notifications.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
SECRET = "jan.jansen@example.org"


@app.task(name="tests.ops.greet")
def greet(address: str) -> str:
    return f"hallo {address}"


@app.task(name="tests.ops.explode")
def explode(address: str) -> None:
    raise ValueError("kapot")


@app.task(name="tests.ops.again")
def again(address: str) -> None:
    raise Retry("later")


def test_a_successful_task_writes_one_line_without_its_arguments(json_log, only) -> None:
    result = greet.apply(args=[SECRET])

    line = only("task")
    assert line["task"] == "tests.ops.greet"
    assert line["task_id"] == result.id
    assert line["state"] == "success"
    assert line["level"] == "INFO"
    assert line["logger"] == "config.task_log"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "timestamp" in line
    assert SECRET not in json_log.text
    assert "hallo" not in json_log.text  # nor its return value


def test_a_failing_task_is_logged_as_a_failure_at_error_level(json_log, only) -> None:
    result = explode.apply(args=[SECRET], throw=False)

    line = only("task")
    assert line["state"] == "failure"
    assert line["level"] == "ERROR"
    assert line["task_id"] == result.id
    assert SECRET not in json_log.text


def test_a_retried_task_is_logged_as_a_retry(json_log, only) -> None:
    again.apply(args=[SECRET], throw=False)

    line = only("task")
    assert line["state"] == "retry"
    assert line["level"] == "WARNING"
    assert SECRET not in json_log.text


@pytest.mark.django_db  # closing the response closes old database connections
def test_an_eager_task_run_inside_a_request_carries_the_request_id(json_log, settings) -> None:
    # In `make run` tasks run eagerly inside the request: its id ties both lines together.
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def view(request: HttpRequest) -> HttpResponse:
        ping.delay()
        return HttpResponse("ok")

    response = RequestLogMiddleware(view)(RequestFactory().get("/x/", HTTP_X_REQUEST_ID="req-9"))
    response.close()  # as the WSGI server does; ends the request context

    assert [line["request_id"] for line in json_log.events("task")] == ["req-9"]
    assert [line["request_id"] for line in json_log.events("request")] == ["req-9"]


# --- a real worker ----------------------------------------------------------------------


@pytest.fixture
def worker_log(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    queue = f"ops-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "LOG_FORMAT": "json"}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        f"--queues={queue}",
        f"--hostname={queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        yield queue, log, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        import redis

        client = redis.Redis.from_url(django_settings.REDIS_URL)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def _json_lines(text: str) -> list[dict]:
    lines = []
    for raw in text.splitlines():
        try:
            parsed = json.loads(raw)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            lines.append(parsed)
    return lines


@pytest.mark.redis
def test_a_real_worker_logs_the_task_as_json_without_its_arguments(
    settings, worker_log: tuple[str, Path, subprocess.Popen[bytes]]
) -> None:
    queue, log, worker = worker_log
    settings.CELERY_TASK_ALWAYS_EAGER = False
    token = f"secret-{uuid.uuid4().hex}"
    result = ping.apply_async(kwargs={"token": token}, queue=queue)

    deadline = time.monotonic() + 120  # a busy machine may take long to start a worker
    lines: list[dict] = []
    while time.monotonic() < deadline:
        assert worker.poll() is None, log.read_text(errors="replace")
        lines = _json_lines(log.read_text(errors="replace"))
        if any(line.get("event") == "task" for line in lines):
            break
        time.sleep(0.2)
    task_lines = [line for line in lines if line.get("event") == "task"]
    text = log.read_text(errors="replace")
    assert len(task_lines) == 1, text
    assert task_lines[0]["task"] == "notifications.ping"
    assert task_lines[0]["task_id"] == result.id
    assert task_lines[0]["state"] == "success"
    assert token not in text
