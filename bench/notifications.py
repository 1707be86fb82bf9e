"""How fast does the outbox deliver invitations through a real worker, and exactly once?

Sets up its own world and tears it down again:

- a temporary PostgreSQL database `bench_notifications` on 127.0.0.1 (user postgres),
  migrated from scratch;
- a private redis-server on a free port (never the shared 6379);
- an SMTP sink (aiosmtpd) in this process;
- Celery workers as subprocesses consuming the `mail` queue.

Then writes 1,000 outbox rows with a calendar file (`message_enqueue`, one transaction
each, dispatched after commit as in production) and waits until the sink holds them.

    .venv/bin/python bench/notifications.py
    .venv/bin/python bench/notifications.py --messages 2000 --concurrency 8

Prints messages per second (from the first enqueue to the last delivery), duplicates
(Message-IDs delivered more than once: must be 0) and lost (rows never delivered: must
be 0). `bench/fault_drills.py` reuses the rig below.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this file would shadow the
# `notifications` app; put the repository root there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "bench_notifications"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailRig:
    """A private PostgreSQL database, redis-server, SMTP sink and Celery workers."""

    def __init__(self, *, redis_port: int | None = None, database: str = BENCH_DB) -> None:
        self.redis_port = redis_port or _free_port()
        self.database = database
        self.redis_process: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.tmp = Path(tempfile.mkdtemp(prefix="mailrig-"))
        self.sink: Any = None

    # --- set-up ----------------------------------------------------------------------

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:5432/{self.database}"

    def start(self, *, retry_base_seconds: int = 60) -> MailRig:
        self._create_database()
        self.redis_start()
        from tests.notifications.smtp_sink import SmtpSink

        self.sink = SmtpSink().start()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": str(retry_base_seconds),
        }
        os.environ.update(self.env)
        import logging

        import django

        django.setup()
        # The sink shares this process: its per-command INFO lines would cost more than it does.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return self

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.database}"')

    def _drop_database(self) -> None:
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # --- redis -----------------------------------------------------------------------

    def redis_start(self) -> None:
        log = (self.tmp / "redis.log").open("ab")
        self.redis_process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._redis_cli("ping") == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.redis_port} did not start")

    def redis_stop(self) -> None:
        """`redis-cli -p <port> shutdown nosave`: the broker and everything in it is gone."""
        self._redis_cli("shutdown", "nosave")
        if self.redis_process is not None:
            self.redis_process.wait(timeout=10)
            self.redis_process = None

    def _redis_cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return result.stdout.strip()

    # --- workers ---------------------------------------------------------------------

    def worker_start(self, *, concurrency: int = 4, name: str = "bench") -> subprocess.Popen[bytes]:
        log = (self.tmp / f"worker-{len(self.workers)}.log").open("ab")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--queues=mail",
                f"--hostname={name}-{len(self.workers)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group, so SIGKILL takes the children too
        )
        self.workers.append(process)
        return process

    def worker_kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the worker and its pool children, as when a container is killed."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def workers_stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.workers = []

    # --- messages --------------------------------------------------------------------

    def enqueue(self, count: int, *, prefix: str, to: str = "ouder{n}@example.org") -> list[int]:
        from django.db import transaction

        from tests.notifications.outbox_samples import enqueue_sample

        ids = []
        for number in range(count):
            with transaction.atomic():
                message = enqueue_sample(
                    key=f"{prefix}:{number}", to=to.format(n=number), with_calendar=True
                )
            ids.append(message.pk)
        return ids

    def wait_delivered(self, expected: int, *, timeout: float, settle: float = 1.0) -> float:
        """Wait until `expected` distinct Message-IDs arrived; the time of the last one."""
        deadline = time.monotonic() + timeout
        while len(self.sink.message_ids()) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = time.monotonic()
        time.sleep(settle)  # a duplicate would arrive now
        return finished

    def tally(self, ids: list[int]) -> dict[str, int]:
        """Per row: delivered, duplicates (extra copies), lost (never arrived)."""
        from notifications.models import OutboxMessage

        message_ids = dict(OutboxMessage.objects.filter(pk__in=ids).values_list("pk", "message_id"))
        arrived = self.sink.message_ids()
        delivered = sum(1 for pk in ids if arrived[message_ids[pk]] >= 1)
        duplicates = sum(arrived[message_ids[pk]] - 1 for pk in ids if arrived[message_ids[pk]])
        return {
            "rows": len(ids),
            "delivered": delivered,
            "duplicates": duplicates,
            "lost": len(ids) - delivered,
        }

    def statuses(self, ids: list[int]) -> dict[str, int]:
        from django.db.models import Count

        from notifications.models import OutboxMessage

        rows = OutboxMessage.objects.filter(pk__in=ids).values("status").annotate(n=Count("pk"))
        return {row["status"]: row["n"] for row in rows}

    def worker_logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.tmp.glob("worker-*.log"))
        )

    # --- tear-down -------------------------------------------------------------------

    def stop(self) -> None:
        self.workers_stop()
        if self.sink is not None:
            self.sink.stop()
        if self.redis_process is not None:
            self.redis_stop()
        try:
            self._drop_database()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _report(title: str, rig: MailRig, ids: list[int], elapsed: float) -> bool:
    tally = rig.tally(ids)
    print(f"{title}")
    print(f"  delivered:   {tally['delivered']} of {tally['rows']} in {elapsed:.2f} s")
    print(f"  messages/s:  {tally['delivered'] / elapsed:.1f}")
    print(f"  duplicates:  {tally['duplicates']}")
    print(f"  lost:        {tally['lost']}")
    print(f"  statuses:    {rig.statuses(ids)}")
    return tally["duplicates"] == 0 and tally["lost"] == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    count = args.messages

    rig = MailRig().start()
    try:
        print(f"{count} messages, each with a calendar file; {args.concurrency} worker processes")
        # 1. Drain: the rows and tasks are waiting when the worker starts (the worker's speed).
        started = time.monotonic()
        drain_ids = rig.enqueue(count, prefix="drain")
        enqueue_seconds = time.monotonic() - started
        print(f"enqueue (row + dispatch, one transaction each): {count / enqueue_seconds:.0f}/s")
        started = time.monotonic()
        rig.worker_start(concurrency=args.concurrency)
        finished = rig.wait_delivered(count, timeout=args.timeout)
        ok = _report("drain (worker started after the enqueue)", rig, drain_ids, finished - started)
        # 2. Live: the worker runs while rows are written (end to end, first row to last mail).
        started = time.monotonic()
        live_ids = rig.enqueue(count, prefix="live")
        finished = rig.wait_delivered(2 * count, timeout=args.timeout)
        ok = (
            _report("live (enqueue and delivery together)", rig, live_ids, finished - started)
            and ok
        )
        if not ok:
            print(rig.worker_logs()[-4000:])
        return 0 if ok else 1
    finally:
        rig.stop()


if __name__ == "__main__":
    sys.exit(main())
