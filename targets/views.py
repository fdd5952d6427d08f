from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django_tables2 import RequestConfig

from dtmonitor.access import province_wide
from dtmonitor.tabular import chart_csv, export_table, query_without, requested_export

from .detail import target_detail
from .filters import TargetFilter
from .models import Target
from .progress import with_current_status
from .tables import TargetTable

PER_PAGE = 25


@province_wide
def target_list(request):
    """The plan's targets with their latest status; filters in the URL; CSV/XLSX of the
    filtered rows."""
    targets = with_current_status(
        Target.objects.in_plan().select_related("pillar"), timezone.localdate()
    )
    filterset = TargetFilter(request.GET, queryset=targets)
    table = TargetTable(filterset.qs)
    fmt = requested_export(request)
    # An invalid filter is shown next to its field; never export unfiltered rows instead.
    if fmt and filterset.is_valid():
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, fmt, "targets")
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "targets/target_list.html", {
        "filter": filterset, "table": table,
        "export_query": query_without(request, "_export", "page"),
    })


@province_wide
def target_detail_view(request, pk: int):
    target = get_object_or_404(Target.objects.select_related("pillar", "plan"), pk=pk)
    context = target_detail(target, get_language())
    context["base_query"] = ""
    return chart_csv(request, context["charts"]) or render(
        request, "targets/target_detail.html", context
    )
