"""A real Celery worker takes a task from the Redis broker and runs it.

The worker runs as a separate process, as in production, listening on a queue
of its own so that other workers on the same Redis cannot steal the task. The
task leaves a token in the (Redis) cache; the test polls for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.result import EagerResult
from django.conf import settings as django_settings
from django.core.cache import cache

from notifications.tasks import PING_CACHE_PREFIX, ping

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 20

pytestmark = pytest.mark.redis


@pytest.fixture
def queue() -> str:
    return f"integration-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker(queue: str, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / "worker.log"
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"}
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
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.returncode not in (0, -15):
            print(log.read_text(errors="replace"))
        _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


def test_a_real_worker_runs_a_task_sent_through_redis(
    settings, queue: str, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    token = uuid.uuid4().hex
    result = ping.apply_async(kwargs={"token": token}, queue=queue)
    assert not isinstance(result, EagerResult), "the task ran in-process, not on a worker"

    deadline = time.monotonic() + DEADLINE_SECONDS
    answer = None
    while answer is None and time.monotonic() < deadline:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")
        answer = cache.get(PING_CACHE_PREFIX + token)
        time.sleep(0.2)
    assert answer == "pong", (tmp_path / "worker.log").read_text(errors="replace")
