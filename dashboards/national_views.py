from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from communes.access import national
from core.tabular import chart_csv, export_table, query_without, requested_export

from .national import NationalForm, comparison, last_due_day
from .national_tables import ProvinceTable


@national
def national_index(request):
    """Every province compared over a date range (?start=&end=&region=), for national accounts;
    each row opens that province's overview."""
    today = timezone.localdate()
    form = NationalForm(request.GET or None, today=today, default_end=last_due_day(today))
    start, end = form.range()
    context = comparison(start, end, form.chosen_region())
    table = ProvinceTable(context["rows"])
    # An invalid range is shown next to its field; never export the default range instead.
    downloadable = not form.is_bound or form.is_valid()
    fmt = requested_export(request)
    if fmt and downloadable:
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, fmt, f"provinces-{start:%Y%m%d}-{end:%Y%m%d}")
    RequestConfig(request, paginate=False).configure(table)
    context.update(
        form=form, table=table,
        base_query=query_without(request, "csv", "_export"),
        export_query=query_without(request, "csv", "_export"),
    )
    return (downloadable and chart_csv(request, context["charts"])) or render(
        request, "dashboards/national.html", context
    )
