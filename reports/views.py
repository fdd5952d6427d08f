"""Thin views over `reports.services`: parse the request, call one function, render."""

import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, close_old_connections
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communes.access import province_for
from communes.models import Commune
from core.numbers import format_number
from core.tabular import filtered_table_page

from . import deadlines, offline, services
from .calendar import STATES, unit_calendar
from .filters import DailyReportFilter
from .forms import DailyReportForm
from .models import DailyReport, Notice, ValueChange
from .tables import DailyReportTable

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = gettext_lazy(
    "The server could not save the report (database unavailable): nothing was saved. Your "
    "values are kept below: send again in a moment."
)


@login_required
def start(request):
    """Where everyone lands after logging in: focal points on today's report, others home."""
    if Commune.objects.reportable_by(request.user).exists():
        return redirect("reports:today")
    return redirect("home")


@login_required
def today(request):
    """Today's report for the user's unit; focal points of several units pick one first."""
    communes = list(Commune.objects.reportable_by(request.user).order_by("name"))
    if len(communes) == 1:
        return redirect(_form_url(communes[0], timezone.localdate()))
    if not communes:
        return redirect("reports:list")
    return render(
        request, "reports/pick_commune.html",
        {"communes": communes, "today": timezone.localdate()},
    )


def _form_url(commune: Commune, day: dt.date) -> str:
    return reverse("reports:form", args=[commune.code, day.isoformat()])


def _parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise Http404("not a date") from error
    if not deadlines.EARLIEST_DAY <= day <= deadlines.LATEST_DAY:
        raise Http404("no report can exist for that day")
    return day


def _unit_for(user, code: str, *, write: bool = False) -> tuple[Commune, bool]:
    """The unit `code` if the user may see it, and whether they report for it.

    Every report view looks a unit up here, whatever the method: a unit the user may not see
    is a 404 on GET and POST alike, so a stranger cannot learn from a 403 that it exists. With
    `write`, a unit the user may see but not report for (officials, administrators) is a 403."""
    commune = get_object_or_404(services.units_for(user), code=code)
    if write and not commune.may_report:
        raise PermissionDenied
    return commune, commune.may_report


def _may_report(user, commune_id: int) -> bool:
    return Commune.objects.reportable_by(user).filter(pk=commune_id).exists()


@login_required
def report_form(request, code: str, day: str):
    """The daily form of one unit for one day: editable when the user reports for the unit and
    the day is open, read-only otherwise."""
    day = _parse_day(day)
    user = request.user
    posted = request.method == "POST"
    # A post for a unit one does not report for is refused before anything is read.
    commune, may_report = _unit_for(user, code, write=posted)
    # Read once for the page and the submission (permission, rules, targets; for the page,
    # the last values with the targets).
    context = services.report_day(user, commune, day, with_last=not posted)
    rules, targets = context.rules, context.targets
    is_open = context.is_open()
    if posted and not is_open:
        raise PermissionDenied

    # A post that is saved answers with a redirect or JSON: the stored report and, for daily
    # counts, the unit's last values (only running totals are checked against them; the
    # heaviest query of a submission) are read only if the page is shown again.
    report = None if posted else _current_report(commune, day)
    if not posted:
        last = context.last
    elif not any(target.is_cumulative for target in targets):
        last = None
    else:
        last = services.last_values(commune, day)
    conflict = unavailable = False
    if request.method == "POST":
        form = DailyReportForm(request.POST, targets=targets, last_values=last)
        if form.is_valid():
            try:
                result = services.submit_report(
                    user, commune, day, form.values(),
                    note=form.cleaned_data["note"], blockers=form.cleaned_data["blockers"],
                    expected_version=form.cleaned_data["version"] or 0,
                    idempotency_key=form.cleaned_data["idempotency_key"], context=context,
                )
            except services.StaleReport:
                conflict = True
                report = _current_report(commune, day)
                form = _unbound_form(report, targets, last)
            except ValidationError as error:
                form.add_error(None, error)
            except (OperationalError, InterfaceError):
                # The database went away mid-write: its transaction rolled back, so nothing
                # was saved. Say so, keep what was typed, and let the phone send it again.
                logger.exception("database lost while saving unit %s on %s", commune.pk, day)
                close_old_connections()
                unavailable = True
                if offline.wants_json(request):
                    return JsonResponse(
                        {"status": "unavailable", "message": str(DATABASE_UNAVAILABLE)},
                        status=503,
                    )
                form.add_error(None, DATABASE_UNAVAILABLE)
            else:
                confirmation, form_url = _confirmation(result), _form_url(commune, day)
                messages.success(request, confirmation)
                if offline.wants_json(request):
                    return offline.saved_answer(result, form_url, confirmation)
                return redirect(form_url)
        if not conflict and not unavailable:
            report = _current_report(commune, day)
        if offline.wants_json(request):
            return offline.refused_answer(form, report, conflict)
    else:
        form = _unbound_form(report, targets, last)
    if last is None:
        # Not right after the database failed: the page must still answer (503), not a 500.
        last = {} if unavailable else services.last_values(commune, day)

    context = {
        "commune": commune,
        "day": day,
        "report": report,
        "form": form,
        "rows": _rows(form, targets, last),
        "is_open": is_open,
        "may_report": may_report,
        "deadline": deadlines.deadline(day, rules=rules),
        # Called by the template only where it shows (a day without a report): the page of a
        # stored report does not read the holidays.
        "is_expected": lambda: deadlines.is_expected(commune, day, rules),
        "conflict": conflict,
        "conflict_revision": (
            report.revisions.select_related("changed_by").order_by("version").last()
            if conflict and report else None
        ),
        "today": timezone.localdate(),
    }
    status = 409 if conflict else 503 if unavailable else 200
    return render(request, "reports/form.html", context, status=status)


def _current_report(commune: Commune, day: dt.date) -> DailyReport | None:
    """The stored report with its values (the page does not show who submitted it)."""
    return (
        DailyReport.objects.filter(commune=commune, date=day).prefetch_related("values").first()
    )


def _unbound_form(report, targets, last) -> DailyReportForm:
    initial = {"version": 0}
    if report is not None:
        initial = {"version": report.version, "note": report.note, "blockers": report.blockers}
        for value in report.values.all():
            initial[f"value_{value.target_id}"] = format_number(value.value)
    return DailyReportForm(initial=initial, targets=targets, last_values=last)


def _rows(form: DailyReportForm, targets, last) -> list[dict]:
    """Targets grouped by pillar, each with its field, the last value and any warning."""
    groups: list[dict] = []
    for target in targets:
        if not groups or groups[-1]["pillar"] != target.pillar:
            groups.append({"pillar": target.pillar, "rows": []})
        name = form.field_name(target)
        groups[-1]["rows"].append(
            {
                "target": target,
                "field": form[name],
                "last": format_number(last.get(target.pk)) or "—",
                "goal": format_number(target.target_value) or "—",
                "warning": form.warnings.get(name),
            }
        )
    return groups


def _confirmation(result: services.SubmitResult) -> str:
    report = result.report
    if result.revision is None:
        return _("Nothing changed: the report was already saved with these values.")
    # The revision's time, not the report's: a retry answered later says the same thing.
    saved_at = formats.date_format(
        timezone.localtime(result.revision.changed_at), "DATETIME_FORMAT"
    )
    timeliness = _("counted as late") if report.is_late else _("counted as on time")
    if result.created:
        return _("Report saved at %(time)s, %(timeliness)s.") % {
            "time": saved_at, "timeliness": timeliness,
        }
    message = _("Changes saved at %(time)s (%(count)s value(s) changed), %(timeliness)s.")
    return message % {"time": saved_at, "count": len(result.changes), "timeliness": timeliness}


@login_required
def unit_calendar_view(request, code: str):
    commune, may_report = _unit_for(request.user, code)
    days = unit_calendar(commune, may_report)
    # Monday-first weeks; blank cells before the first day keep the weekday columns aligned.
    padding = range(days[0].date.weekday())
    legend = [(state, label, mark) for state, (label, mark) in STATES.items()]
    returned = (
        DailyReport.objects.filter(
            commune=commune, status=DailyReport.Status.RETURNED, date__gte=days[0].date
        ).order_by("-date")
    )
    return render(
        request, "reports/calendar.html",
        {"commune": commune, "days": days, "padding": padding, "legend": legend,
         "returned": returned, "may_report": may_report},
    )


def _report_for(user, pk: int) -> DailyReport:
    """The report if the user may see its unit, else 404 (GET and POST alike); whether the user
    may return it is `services.return_report`'s rule (403)."""
    return get_object_or_404(
        DailyReport.objects.visible_to(user).select_related("commune", "submitted_by"), pk=pk
    )


@login_required
def report_detail(request, pk: int, return_form=None):
    report = _report_for(request.user, pk)
    values = report.values.select_related("target__pillar").order_by(
        "target__pillar__order", "target__code"
    )
    revisions = report.revisions.select_related("changed_by").prefetch_related(
        Prefetch("value_changes", queryset=ValueChange.objects.select_related("target"))
    ).order_by("-version")
    can_review = services.can_review(request.user)
    return render(
        request, "reports/detail.html",
        {
            "report": report,
            "values": values,
            "revisions": revisions,
            "can_review": can_review and report.status == DailyReport.Status.SUBMITTED,
            "return_error": return_form,
            "may_report": _may_report(request.user, report.commune_id),
        },
        status=400 if return_form else 200,
    )


@require_POST
@login_required
def return_report(request, pk: int):
    report = _report_for(request.user, pk)
    try:
        services.return_report(request.user, report, request.POST.get("comment", ""))
    except ValidationError as error:
        return report_detail(request, pk, return_form=error.messages)
    messages.success(request, _("The report was returned to the unit's focal point."))
    return redirect("reports:detail", pk=pk)


@login_required
def report_list(request):
    """Read-only list of the reports the user may see, filtered by unit, dates and status, in
    the province the page is about (`province_for`: a national account's `?province=`, else the
    user's own), like every dashboard: one province's reports, not the country's million."""
    province = province_for(request)
    queryset = DailyReport.objects.visible_to(request.user).filter(
        commune__province=province
    ).select_related("commune", "submitted_by")
    filterset = DailyReportFilter(request.GET, queryset=queryset, request=request,
                                  province=province)
    table = DailyReportTable(filterset.qs)
    return filtered_table_page(request, filterset, table, "reports/list.html", "daily-reports",
                               per_page=50)



@login_required
@require_POST
def dismiss_notice(request, pk: int):
    """Hide one of the user's own notices (another user's notice is a 404)."""
    notice = get_object_or_404(Notice.objects.unread_for(request.user), pk=pk)
    notice.dismissed_at = timezone.now()
    notice.save(update_fields=["dismissed_at"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "home"
    return redirect(target)
