from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from communes.access import province_for, province_wide
from core.tabular import chart_csv, export_table, query_without, requested_export

from .compliance import RangeForm, UnitComplianceTable, compliance, unit_rows


@province_wide
def compliance_index(request):
    """Reporting compliance over a date range given in the URL (?start=&end=)."""
    province = province_for(request)
    if province is None:
        raise Http404
    today = timezone.localdate()
    form = RangeForm(request.GET or None, today=today)
    start, end = form.range()
    fmt = requested_export(request)
    # An invalid range is shown next to its field; never export the default range instead.
    if fmt and (not form.is_bound or form.is_valid()):
        # The table's rows only: not the page's other figures.
        table = UnitComplianceTable(unit_rows(province, start, end))
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, fmt, f"compliance-{start:%Y%m%d}-{end:%Y%m%d}")
    context = compliance(province, start, end, today)
    table = UnitComplianceTable(context["per_unit"])
    RequestConfig(request, paginate=False).configure(table)
    context.update(
        form=form, table=table, today=today,
        base_query=query_without(request, "csv", "_export"),
        export_query=query_without(request, "csv", "_export"),
    )
    # Same rule for chart data: an invalid range downloads nothing, the page shows the error.
    downloadable = not form.is_bound or form.is_valid()
    downloads = [*context["charts"], context["province_table"]]
    return (downloadable and chart_csv(request, downloads)) or render(
        request, "reports/compliance.html", context
    )
