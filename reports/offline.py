"""The daily form on a weak link: the service worker, the web app manifest, the JSON answers the
form's script reads when it sends a (possibly queued) report, and the script's messages.

The form still works as a plain POST without JS; everything here is progressive enhancement.
"""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.numbers import format_number

from .services import SubmitResult

# What the form page needs to open with no connection; precached when the worker installs.
OFFLINE_ASSETS = (
    "css/dtmonitor.css", "css/reports.css", "js/dtmonitor.js", "js/offline-store.js",
    "js/offline.js", "js/reports.js", "favicon.svg", "icons/icon-192.png",
)
# The worker is this file with the shared storage code and the asset list put in front.
WORKER_SOURCES = ("js/offline-store.js", "js/sw.js")


def wants_json(request) -> bool:
    """The form's script asks for JSON; a browser without JS gets today's pages."""
    return request.headers.get("Accept", "").startswith("application/json")


def saved_answer(result: SubmitResult, form_url: str, message: str) -> JsonResponse:
    """The submission is stored (now, or by an earlier try with the same key)."""
    version = result.revision.version if result.revision else result.report.version
    return JsonResponse({
        "status": "saved", "version": version, "replayed": result.replayed,
        "message": message, "url": form_url,
    })


def refused_answer(form, report, conflict: bool) -> JsonResponse:
    """Nothing was written: a newer version exists (409, with it, as the page answers) or the
    form is invalid (200, as the page answers; the script then posts the form the ordinary way
    so the server shows each message next to its field)."""
    if not conflict:
        return JsonResponse({"status": "invalid", "errors": form.errors.get_json_data()})
    current = {}
    answer = {"status": "conflict", "version": 0, "current": current, "who": "", "when": ""}
    if report is not None:
        for value in report.values.all():
            current[f"value_{value.target_id}"] = format_number(value.value)
        current.update(note=report.note, blockers=report.blockers)
        last = report.revisions.select_related("changed_by").order_by("version").last()
        answer.update(
            version=report.version,
            who=str(last.changed_by or "?") if last else "?",
            when=_local_time(last.changed_at) if last else "",
        )
    return JsonResponse(answer, status=409)


def _local_time(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """Served from the site root so that its scope covers /reports/ (a script under /static/
    could only control /static/). Revalidated on every check so a new version reaches phones."""
    assets = [static(path) for path in OFFLINE_ASSETS] + [reverse("manifest")]
    sources = []
    for path in WORKER_SOURCES:
        with open(finders.find(path), encoding="utf-8") as handle:
            sources.append(handle.read())
    header = (
        f"const ASSETS = {json.dumps(assets)};\n"
        f"const STATIC_PREFIX = {json.dumps(static(''))};\n"
    )
    body = header + "\n".join(sources)
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = f'const VERSION = "{version}";\n' + body
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request):
    """The web app manifest: a focal point adds "Báo cáo CĐS" to the home screen and lands on
    today's report."""
    data = {
        "name": _("dtmonitor: daily report"),
        "short_name": _("Daily report"),
        "description": _("Daily digital transformation report of your unit."),
        "lang": get_language(),
        "start_url": reverse("reports:today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


# The offline script's messages, in the page's language (json_script in base.html).
CLIENT_MESSAGES = {
    "pending": gettext_lazy("{count} report(s) waiting to be sent"),
    "send_now": gettext_lazy("Send now"),
    "sending": gettext_lazy("Sending…"),
    "sent": gettext_lazy("The waiting report was sent."),
    "review": gettext_lazy("A waiting report needs your attention: open it"),
    "log_in_again": gettext_lazy(
        "Log in again to send the waiting report(s); they are kept on this device."
    ),
    "logout_warning": gettext_lazy(
        "{count} report(s) on this device have not reached the server yet. If you log out now "
        "they are deleted from this device."
    ),
    "logout_send": gettext_lazy("Send, then log out"),
    "logout_anyway": gettext_lazy("Log out and delete them"),
    "logout_stay": gettext_lazy("Stay"),
    "logout_still_waiting": gettext_lazy(
        "They could not be sent yet (no connection, or they need your attention)."
    ),
}


def client_config(user) -> dict:
    """What the offline script needs on every signed-in page: whose storage to use."""
    return {"account": str(user.pk), "messages": CLIENT_MESSAGES}
