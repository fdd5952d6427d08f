"""Point the Celery app at another broker for one test, and put everything back after."""

from contextlib import contextmanager

from dtmonitor.celery import app


def _forget_connections() -> None:
    # Producer connections are pooled per app and bound to the broker URL of first use. The
    # pools themselves live in kombu's global registry (keyed by URL), so they are dropped from
    # the app but never closed: a closed pool would be handed out again for that URL.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def using_broker(url: str, *, eager: bool = False):
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    _forget_connections()
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections()
