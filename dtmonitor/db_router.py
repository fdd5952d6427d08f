"""Dashboard reads from a PostgreSQL read replica, everything else from the primary.

Installed only when `DATABASE_REPLICA_URL` is set (settings add the `replica` alias and this
router); without it the middleware only marks requests and every query goes to `default`.

What reads from the replica: GET and HEAD requests answered by a dashboard view (the
`dashboards` app: overview, targets, units, compliance, programme, national page and their
exports), and in them only the data, never accounts, sessions or permissions (a replica that
lags must not log anyone out or forget a new account). Everything else reads from `default`:
the report form and report pages, the admin, the API, Celery tasks and commands; and any read
in a request after it wrote, so a change is seen by the request that made it. A request that
wrote also pins its browser to the primary for `REPLICA_PIN_SECONDS` (a cookie): the page a
focal point lands on after submitting shows their submission even if the replica lags.
"""

import contextvars
import functools
import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "dtm_primary"
# Applications whose rows decide who the visitor is and what they may do: always the primary.
PRIMARY_ONLY = {"auth", "sessions", "contenttypes", "admin", "axes", "otp_totp", "otp_static",
                "django_otp"}


@dataclass
class _Request:
    replica: bool = False  # a dashboard read: its data may come from the replica
    wrote: bool = False  # the request changed data: from now on, the primary only


_current: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "dtm_database_request", default=None
)


def _primary_only(model) -> bool:
    return (model._meta.app_label in PRIMARY_ONLY
            or model._meta.label == settings.AUTH_USER_MODEL)


@functools.cache
def _primary_only_tables() -> frozenset[str]:
    return frozenset(
        model._meta.db_table for model in apps.get_models(include_auto_created=True)
        if _primary_only(model)
    )


_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _watch_writes(state: "_Request"):
    """An execute wrapper noting that the request changed data (not merely its session)."""

    def wrapper(execute, sql, params, many, context):
        written = _WRITE.match(sql)
        if written and written.group(1) not in _primary_only_tables():
            state.wrote = True
        return execute(sql, params, many, context)

    return wrapper


class ReplicaRouter:
    """`DATABASE_ROUTERS` entry when a replica is configured."""

    def db_for_read(self, model, **hints):
        request = _current.get()
        if request and request.replica and not request.wrote and not _primary_only(model):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        # Also asked before reads that must see the primary (get_or_create, select_for_update):
        # what the request actually wrote, the middleware sees in the SQL it runs.
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication


class ReplicaMiddleware:
    """Marks each request for the router: which view answers it, whether it wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _Request()
        token = _current.set(state)
        try:
            with connections["default"].execute_wrapper(_watch_writes(state)):
                response = self.get_response(request)
        finally:
            _current.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                samesite="Lax", secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _current.get()
        if (
            state is not None and request.method in ("GET", "HEAD")
            and getattr(view_func, "__module__", "").startswith("dashboards.")
            and PIN_COOKIE not in request.COOKIES
        ):
            state.replica = True
        return None
