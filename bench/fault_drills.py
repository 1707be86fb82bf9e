"""Fault drills for the outbox: the broker down, a worker killed, a mail server saying no.

Each drill builds the rig of `bench/notifications.py` (a temporary PostgreSQL database
`bench_notifications`, a private redis-server on port 6390 by default, an SMTP sink in
this process, Celery workers consuming `mail`) and prints what happened:

(a) Redis stopped (`redis-cli -p 6390 shutdown nosave`) while messages are enqueued:
    enqueueing still works (the rows are in the database), nothing is sent; Redis is
    started again, the sweep runs, and every message arrives exactly once.
(b) A worker SIGKILLed (with its pool children) in the middle of 200 messages, then a
    new worker started and the sweep run: every message arrives exactly once, counted by
    Message-ID in the sink.
(c) The SMTP server answers 451 for a while, then accepts: retried (with a 1-second
    backoff base, `NOTIFICATIONS_RETRY_BASE_SECONDS=1`, instead of a minute) until
    delivered; a recipient refused with 550 ends in `failed` with the reason.

The sweep waits for a grace period (2 minutes for queued rows, 10 for rows held by a dead
worker). Rather than wait, the drills age the rows' timestamps by that much, then call
the sweep exactly as beat would; the script says when it does so.

    .venv/bin/python bench/fault_drills.py               # all drills
    .venv/bin/python bench/fault_drills.py --drills b    # one of them
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.notifications import MailRig  # noqa: E402

REDIS_PORT = 6390


def _age_rows(ids: list[int]) -> dict[str, int]:
    """As if the sweep's grace periods have passed for these rows."""
    from django.db.models import F

    from notifications import outbox
    from notifications.models import OutboxMessage, OutboxStatus

    queued = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.QUEUED).update(
        next_attempt_at=F("next_attempt_at") - outbox.QUEUED_GRACE - timedelta(seconds=1)
    )
    inflight = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.INFLIGHT).update(
        claimed_at=F("claimed_at") - outbox.INFLIGHT_TIMEOUT - timedelta(seconds=1)
    )
    return {"queued": queued, "inflight": inflight}


def _sweep() -> str:
    from notifications.outbox import outbox_sweep

    return str(outbox_sweep())


def _print_tally(rig: MailRig, ids: list[int]) -> bool:
    tally = rig.tally(ids)
    print(
        f"  result: {tally['delivered']} of {tally['rows']} delivered, "
        f"duplicates {tally['duplicates']}, lost {tally['lost']}; statuses {rig.statuses(ids)}"
    )
    return tally["duplicates"] == 0 and tally["lost"] == 0


def drill_redis_down(count: int) -> bool:
    print(f"(a) Redis stopped while {count} messages are enqueued")
    rig = MailRig(redis_port=REDIS_PORT).start()
    try:
        rig.worker_start(concurrency=2, name="drill-a")
        time.sleep(3)  # the worker is connected
        rig.redis_stop()
        print(f"  redis-cli -p {REDIS_PORT} shutdown nosave: broker gone")
        started = time.monotonic()
        ids = rig.enqueue(count, prefix="drill-a")
        seconds = time.monotonic() - started
        print(
            f"  enqueued {len(ids)} rows without a broker in {seconds:.2f} s "
            f"({seconds / count * 1000:.0f} ms each); statuses {rig.statuses(ids)}"
        )
        time.sleep(2)
        print(f"  delivered while Redis was down: {rig.sink.count()}")
        rig.redis_start()
        print("  redis-server started again (empty: the dispatches made meanwhile are lost)")
        time.sleep(3)  # the worker reconnects
        print(f"  delivered before the sweep: {rig.sink.count()}")
        print(f"  aged rows by the 2-minute grace period: {_age_rows(ids)}")
        print(f"  sweep: {_sweep()}")
        rig.wait_delivered(count, timeout=120)
        return _print_tally(rig, ids)
    finally:
        rig.stop()


def drill_worker_killed(count: int) -> bool:
    print(f"(b) a worker SIGKILLed in the middle of {count} messages")
    rig = MailRig(redis_port=REDIS_PORT).start()
    try:
        rig.sink.handler.rcpt_delay = 0.05  # a mail server that takes its time
        ids = rig.enqueue(count, prefix="drill-b")
        worker = rig.worker_start(concurrency=4, name="drill-b")
        while rig.sink.count() < count // 3:
            time.sleep(0.01)
        rig.worker_kill(worker)
        at_kill = rig.sink.count()
        print(f"  SIGKILL to the worker's process group after {at_kill} deliveries")
        print(f"  statuses after the kill: {rig.statuses(ids)}")
        rig.worker_start(concurrency=4, name="drill-b-restarted")
        rig.wait_delivered(count, timeout=30, settle=2)
        print(
            f"  after the restart, before the sweep: {len(rig.sink.message_ids())} delivered; "
            f"statuses {rig.statuses(ids)}"
        )
        print(f"  aged rows by the grace periods (2 min queued, 10 min inflight): {_age_rows(ids)}")
        print(f"  sweep: {_sweep()}")
        rig.wait_delivered(count, timeout=120, settle=2)
        return _print_tally(rig, ids)
    finally:
        rig.stop()


def drill_smtp_refusals(count: int, refuse_seconds: float) -> bool:
    print(f"(c) the SMTP server answers 451 for {refuse_seconds:.0f} s, then accepts")
    rig = MailRig(redis_port=REDIS_PORT).start(retry_base_seconds=1)
    try:
        until = time.monotonic() + refuse_seconds
        rig.sink.handler.data_reply = lambda rcpt: (
            "451 4.3.0 Mailbox busy, try again later" if time.monotonic() < until else None
        )
        rig.sink.handler.rcpt_reply = lambda rcpt: (
            "550 5.1.1 No such mailbox" if rcpt.startswith("unknown") else None
        )
        rig.worker_start(concurrency=2, name="drill-c")
        started = time.monotonic()
        ids = rig.enqueue(count, prefix="drill-c")
        refused_ids = rig.enqueue(2, prefix="drill-c-550", to="unknown{n}@example.org")
        rig.wait_delivered(count, timeout=120, settle=2)
        elapsed = time.monotonic() - started
        from django.db.models import Max, Sum

        from notifications.models import OutboxMessage

        stats = OutboxMessage.objects.filter(pk__in=ids).aggregate(
            total=Sum("attempts"), most=Max("attempts")
        )
        print(
            f"  451 answers given: {rig.sink.handler.refused - 2}; attempts in total "
            f"{stats['total']} (at most {stats['most']} for one message); "
            f"all delivered after {elapsed:.1f} s"
        )
        ok = _print_tally(rig, ids)
        for message in OutboxMessage.objects.filter(pk__in=refused_ids):
            print(
                f"  {message.to_email}: {message.status} after {message.attempts} attempt(s), "
                f"reason {message.last_error!r}"
            )
            ok = ok and message.status == "failed" and "550" in message.last_error
        return ok
    finally:
        rig.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", default="abc", help="which drills, e.g. 'ab'")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--refuse-seconds", type=float, default=8.0)
    args = parser.parse_args()

    results: dict[str, bool] = {}
    if "a" in args.drills:
        results["a"] = drill_redis_down(min(args.messages, 50))
    if "b" in args.drills:
        results["b"] = drill_worker_killed(args.messages)
    if "c" in args.drills:
        results["c"] = drill_smtp_refusals(min(args.messages, 20), args.refuse_seconds)
    print("summary: " + ", ".join(f"({k}) {'ok' if v else 'FAILED'}" for k, v in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
