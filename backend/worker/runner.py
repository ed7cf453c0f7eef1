"""Background jobs stored in the database (table `job`) and run by an in-process runner.

Why not a queue library: the embedded default must run on SQLite with no extra service, and the
scale-out mode on PostgreSQL; the libraries that fit one (procrastinate: PostgreSQL only; arq, saq:
Redis) do not fit the other. The table is the outbox: a job is inserted in the same transaction as
the change that needs it, so it exists exactly when that change committed.

Claiming is a conditional UPDATE (`status='pending'` → `running`), race-free on both engines and
across processes; a job whose runner died is claimed again once its lock expires. Failures retry with
exponential backoff up to `max_attempts`. Handlers must be idempotent (a job can run twice if a
runner dies between doing the work and marking it done).
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from backend.models import Job

log = logging.getLogger("parkflow.jobs")

Handler = Callable[[dict[str, Any]], Awaitable[None]]

LOCK_SECONDS = 120
POLL_SECONDS = 1.0
BATCH = 20


async def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    delay: timedelta | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 8,
) -> None:
    """Store a job; call inside the transaction of the change that needs it, then `JobRunner.wake()`
    after the commit. A `dedupe_key` already used makes this a no-op (the job exists)."""
    run_at = datetime.now(UTC) + (delay or timedelta())
    if dedupe_key is not None and await Job.exists(dedupe_key=dedupe_key):
        return
    try:
        await Job.create(
            kind=kind, payload=payload or {}, run_at=run_at, dedupe_key=dedupe_key, max_attempts=max_attempts
        )
    except IntegrityError:
        if dedupe_key is None:
            raise


class JobRunner:
    def __init__(self, concurrency: int = 8) -> None:
        self._handlers: dict[str, Handler] = {}
        self._give_up: dict[str, Handler] = {}
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task | None = None
        self._running: set[asyncio.Task] = set()

    def register(self, kind: str, handler: Handler, *, on_give_up: Handler | None = None) -> None:
        """`on_give_up(payload)` runs once when the job has failed `max_attempts` times, so the
        domain can leave a visible state (e.g. a stay marked unpaid) instead of a stuck one."""
        self._handlers[kind] = handler
        if on_give_up is not None:
            self._give_up[kind] = on_give_up

    def wake(self) -> None:
        """Look for due jobs now (call after committing a transaction that enqueued some)."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="parkflow-jobs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def idle(self) -> None:
        """Wait for the jobs this process is running to finish (the loop may claim new ones after)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def drain(self, limit_seconds: float = 10.0) -> None:
        """Run every job that is due until none is left (tests, the CLI)."""
        deadline = asyncio.get_running_loop().time() + limit_seconds
        while True:
            claimed = await self.run_due()
            if self._running:
                await asyncio.gather(*list(self._running), return_exceptions=True)
            # The background loop may hold a job it claimed but has not started yet: wait for it.
            busy = await Job.filter(status="running", locked_until__gte=datetime.now(UTC)).exists()
            if not claimed and not self._running and not busy:
                return
            if busy and not claimed:
                await asyncio.sleep(0.01)
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("jobs kept coming for longer than the drain timeout")

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away; keep the loop alive
                log.exception("job loop failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=POLL_SECONDS)
            self._wake.clear()

    async def run_due(self) -> int:
        now = datetime.now(UTC)
        due = (
            await Job.filter(
                Q(status="pending", run_at__lte=now) | Q(status="running", locked_until__lt=now),
                kind__in=list(self._handlers),
            )
            .order_by("run_at", "id")
            .limit(BATCH)
            .values_list("id", flat=True)
        )
        claimed = 0
        for job_id in due:
            lock = now + timedelta(seconds=LOCK_SECONDS)
            won = await Job.filter(
                Q(status="pending") | Q(status="running", locked_until__lt=now), id=job_id
            ).update(status="running", locked_until=lock, attempts=F("attempts") + 1)
            if won != 1:
                continue  # another runner took it
            claimed += 1
            await self._slots.acquire()
            task = asyncio.create_task(self._run(job_id))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return claimed

    async def _run(self, job_id: int) -> None:
        try:
            job = await Job.get(id=job_id)
            handler = self._handlers[job.kind]
            try:
                await handler(job.payload)
            except Exception as exc:
                await self._failed(job, exc)
                return
            await Job.filter(id=job_id).update(status="done", finished_at=datetime.now(UTC), last_error=None)
            # A job done may have enqueued follow-ups (receipt after charge): look now.
            self._wake.set()
        finally:
            self._slots.release()

    async def _failed(self, job: Job, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if job.attempts >= job.max_attempts:
            log.error("job %s (%s) failed for good: %s", job.id, job.kind, error)
            await Job.filter(id=job.id).update(
                status="failed", last_error=error, finished_at=datetime.now(UTC)
            )
            give_up = self._give_up.get(job.kind)
            if give_up is not None:
                try:
                    await give_up(job.payload)
                except Exception:
                    log.exception("give-up handler of job %s (%s) failed", job.id, job.kind)
            return
        backoff = timedelta(seconds=min(2**job.attempts, 3600))
        log.warning(
            "job %s (%s) failed (attempt %s), retrying in %s: %s",
            job.id,
            job.kind,
            job.attempts,
            backoff,
            error,
        )
        await Job.filter(id=job.id).update(
            status="pending", run_at=datetime.now(UTC) + backoff, last_error=error, locked_until=None
        )
