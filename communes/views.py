from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django_tables2 import RequestConfig

from dtmonitor.tabular import chart_csv, export_table, query_without, requested_export

from .dashboard import unit_detail, with_reporting
from .filters import CommuneFilter
from .models import Commune
from .tables import CommuneTable

PER_PAGE = 25


@login_required
def commune_list(request):
    """The units the user may see (all for officials, their own for focal points)."""
    communes = with_reporting(Commune.objects.visible_to(request.user), timezone.localdate())
    filterset = CommuneFilter(request.GET, queryset=communes)
    table = CommuneTable(filterset.qs)
    fmt = requested_export(request)
    # An invalid filter is shown next to its field; never export unfiltered rows instead.
    if fmt and filterset.is_valid():
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, fmt, "units")
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "communes/commune_list.html", {
        "filter": filterset, "table": table,
        "export_query": query_without(request, "_export", "page"),
    })


@login_required
def commune_detail(request, code: str):
    commune = get_object_or_404(Commune.objects.visible_to(request.user), code=code)
    context = unit_detail(commune, get_language(), timezone.localdate())
    context["base_query"] = ""
    return chart_csv(request, context["charts"]) or render(
        request, "communes/commune_detail.html", context
    )
