"""The run queue on PostgreSQL: procrastinate (a PostgreSQL-based distributed task engine) carries run ids.

On the embedded SQLite store the workers poll the store instead (worker.py); with `--database postgresql://…`
several instances share one PostgreSQL and its procrastinate queue. The API defers one job per run carrying
only the run id (never a secret: those are in run_secrets, encrypted, or in the accepting instance's memory).
Each instance with workers runs a procrastinate worker, concurrency = Limits.workers, whose task executes the
run through Workers: the store's compare-and-set claim stays the one gate, so a job run twice (a retried
stalled job, a run cancelled before it started) runs its run at most once.

A killed instance leaves its jobs "doing" under a worker that stopped beating. Every instance retries such
stalled jobs: a run the dead instance had claimed is already ended "interrupted" (Workers.recover_orphans)
or is "running" under the dead instance until then, so the retried job's claim fails and it ends as a no-op;
a run it had fetched but not claimed is still queued and is executed by whichever instance takes the retry.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa
from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from procrastinate.schema import SchemaManager
from procrastinate.worker import Worker
from sqlalchemy.engine import Connection

TASK = "pact_conformance.run"
QUEUE = "pact-conformance-runs"
STOP_WAIT_S = 60.0
logger = logging.getLogger(__name__)


class Queue(Protocol):
    """Where created runs wait for a worker of any instance."""

    def enqueue(self, run_id: str) -> None: ...

    def start(self, execute: Callable[[str], None], concurrency: int) -> None: ...

    def without_job(self, run_ids: list[str]) -> list[str]: ...

    def stop(self) -> None: ...


def apply_schema(connection: Connection) -> None:
    """procrastinate's tables, once: run by Store.migrate under its advisory lock, so instances starting
    together do not race. (A procrastinate upgrade that changes its schema comes with its own migrations.)"""
    if connection.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
        return
    driver = connection.connection.driver_connection  # psycopg: several statements in one execute, no parameters
    driver.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def conninfo(url: sa.URL | str) -> str:
    """libpq's URL from SQLAlchemy's (postgresql+psycopg://… → postgresql://…)."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateQueue:
    """Deferring from any thread (an app on a sync connector); the procrastinate worker, with the task, in a
    thread of its own with its own loop and an app on an async connector."""

    def __init__(self, url: sa.URL | str, *, name: str, heartbeat_s: float, stale_after_s: float) -> None:
        self._conninfo = conninfo(url)
        self.name, self.heartbeat_s, self.stale_after_s = name, heartbeat_s, stale_after_s
        self.app = App(connector=SyncPsycopgConnector(conninfo=self._conninfo, min_size=1, max_size=4))
        self._execute: Callable[[str], None] | None = None
        self.app.open()
        self._thread: threading.Thread | None = None
        self._worker: Worker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Event()

    def enqueue(self, run_id: str) -> None:
        self.app.configure_task(TASK, queue=QUEUE).defer(run_id=run_id)

    def without_job(self, run_ids: list[str]) -> list[str]:
        """The run ids no job waits for or works on: deferring them again loses nothing (a second job for a run
        is a no-op, the store's claim being the one gate)."""
        if not run_ids:
            return []
        rows = self.app.connector.execute_query_all(  # type: ignore[attr-defined]
            "SELECT args->>'run_id' AS run_id FROM procrastinate_jobs WHERE task_name = %(task)s "
            "AND status IN ('todo', 'doing') AND args->>'run_id' = ANY(%(ids)s)", task=TASK, ids=run_ids)
        waiting = {row["run_id"] for row in rows}
        return [run_id for run_id in run_ids if run_id not in waiting]

    async def _task(self, run_id: str) -> None:
        assert self._execute is not None
        await asyncio.to_thread(self._execute, run_id)  # blocks its job slot until the run has ended

    def start(self, execute: Callable[[str], None], concurrency: int) -> None:
        self._execute = execute
        self._thread = threading.Thread(target=self._run, args=(concurrency,), name="pact-service-queue", daemon=True)
        self._thread.start()
        if not self._started.wait(30):
            raise RuntimeError("the procrastinate worker did not start")

    def _run(self, concurrency: int) -> None:
        asyncio.run(self._serve(concurrency))

    async def _serve(self, concurrency: int) -> None:
        app = App(connector=PsycopgConnector(conninfo=self._conninfo, min_size=1, max_size=concurrency + 4))
        app.task(name=TASK, queue=QUEUE)(self._task)
        async with app.open_async():
            self._worker = Worker(app, queues=[QUEUE], name=self.name, concurrency=concurrency,
                                  install_signal_handlers=False, fetch_job_polling_interval=1.0,
                                  abort_job_polling_interval=5.0, update_heartbeat_interval=self.heartbeat_s,
                                  stalled_worker_timeout=self.stale_after_s, delete_jobs="successful")
            self._loop = asyncio.get_running_loop()
            retrier = asyncio.create_task(self._retry_stalled(app))
            self._started.set()
            try:
                await self._worker.run()
            finally:
                retrier.cancel()

    async def _retry_stalled(self, app: App) -> None:
        """Jobs left "doing" by a worker that stopped beating (its instance was killed) go back to the queue."""
        while True:
            await asyncio.sleep(self.heartbeat_s)
            try:
                for job in await app.job_manager.get_stalled_jobs(queue=QUEUE,
                                                                  seconds_since_heartbeat=self.stale_after_s):
                    await app.job_manager.retry_job(job)
            except Exception:  # noqa: BLE001 - the next beat tries again
                logger.exception("retrying stalled jobs")

    def stop(self) -> None:
        """No new job is fetched; the running ones end (the workers stop their runs first); the worker leaves."""
        if self._worker is not None and self._loop is not None:
            self._worker.stop()
        if self._thread is not None:
            self._thread.join(STOP_WAIT_S)
        self.app.close()
