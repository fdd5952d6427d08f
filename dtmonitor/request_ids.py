"""A request id on every request, response and log line, so an error a user reports ("mã lỗi
3f2a…") leads straight to its traceback in the server log."""

import contextvars
import logging
import re
import uuid

from django.http import HttpResponseServerError
from django.template import loader

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A proxy's id is kept when it looks like one; anything else is replaced (log injection).
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_middleware(get_response):
    def middleware(request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _ACCEPTED.match(incoming) else uuid.uuid4().hex
        token = _current.set(request.id)
        try:
            response = get_response(request)
        finally:
            _current.reset(token)
        response.headers.setdefault("X-Request-ID", request.id)
        return response

    return middleware


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


def server_error(request):
    """The 500 page, with the request id to quote; rendered without context processors or the
    database (they may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "id", "")}))
