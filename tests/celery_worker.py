"""Start and stop a real Celery worker process against the test database, for integration and
fault tests (`@pytest.mark.worker`, `@pytest.mark.postgres`, `django_db(transaction=True)`:
the worker is another process, so it only sees committed rows).

    with running_worker() as worker:
        ...                      # queue tasks, poll the database
        worker.child_pids()      # prefork children (to kill one)
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def worker_database_url() -> str:
    """DATABASE_URL of the database pytest-django created for this run (test_<name>)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def purge_queue() -> None:
    """Drop messages left in our Redis DB by an earlier, interrupted run."""
    from dtmonitor.celery import app

    app.control.purge()


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def child_pids(self) -> list[int]:
        """The prefork pool's processes (children of the worker's main process)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def wait_for_log(self, text: str, timeout: float = 30, after: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log()[after:]:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited ({self.process.returncode}):\n{self.log()}")
            time.sleep(0.1)
        raise TimeoutError(f"{text!r} not in worker log after {timeout}s:\n{self.log()}")


@contextmanager
def running_worker(
    *, pool: str = "prefork", concurrency: int = 1, env: dict[str, str] | None = None
) -> Iterator[Worker]:
    """A `celery -A dtmonitor worker` process on REDIS_URL and the test database; stopped (and
    killed if it will not stop) on exit."""
    purge_queue()
    log_file = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
    log_path = Path(log_file.name)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "dtmonitor", "worker",
            f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            **(env or {}),
        },
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = Worker(process, log_path)
    try:
        worker.wait_for_log(" ready.", timeout=60)
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # Its own session: this reaches the pool processes it started, nothing else.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log_file.close()
        log_path.unlink(missing_ok=True)
