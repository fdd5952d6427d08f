"""The real processes a benchmark talks to: gunicorn over HTTP on loopback, a Celery worker.

Both run against the database and broker of the benchmark's own environment (DATABASE_URL,
REDIS_URL), as a deployment would, and are stopped when the `with` block ends.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def gunicorn(workers: int = 2, threads: int = 4, env: dict[str, str] | None = None):
    """gunicorn serving the project on a free loopback port; yields the base URL.

    Static files must have been collected (production storage, as `make serve` does).
    """
    port = free_port()
    command = [
        str(BIN / "gunicorn"), "dtmonitor.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
        "--log-level", "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


@contextlib.contextmanager
def celery_worker(concurrency: int = 2, env: dict[str, str] | None = None):
    """A real Celery worker on the broker of REDIS_URL; yields once it answers a ping."""
    if not os.environ.get("REDIS_URL"):
        raise RuntimeError("a Celery worker needs REDIS_URL (the embedded default runs tasks "
                           "in-process)")
    command = [str(BIN / "celery"), "-A", "dtmonitor", "worker", "--loglevel", "WARNING",
               "--concurrency", str(concurrency), "--without-gossip", "--without-mingle"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
    try:
        from dtmonitor.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not answer a ping")
        yield process
    finally:
        _stop(process)
