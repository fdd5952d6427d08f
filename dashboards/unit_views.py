from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from communes.access import province_for, require_requested_province, sees_several_units
from communes.models import Commune
from core.tabular import chart_csv, filtered_table_page, query_without

from .unit_filters import CommuneFilter
from .unit_tables import CommuneTable
from .units import unit_detail, with_reporting


@login_required
def commune_list(request):
    """The units the user may see (all for officials, their own for focal points)."""
    # One province at a time: the user's own, or the one a national account picked.
    communes = with_reporting(
        Commune.objects.visible_to(request.user).filter(province=province_for(request)),
        timezone.localdate(),
    )
    filterset = CommuneFilter(request.GET, queryset=communes)
    table = CommuneTable(filterset.qs)
    return filtered_table_page(request, filterset, table, "communes/commune_list.html", "units",
                               show_filters=sees_several_units(request.user))


@login_required
def commune_detail(request, code: str):
    commune = get_object_or_404(Commune.objects.visible_to(request.user), code=code)
    require_requested_province(request, commune.province_id)
    context = unit_detail(commune, get_language(), timezone.localdate())
    context["base_query"] = query_without(request, "csv")
    return chart_csv(request, [*context["charts"], context["rate_table"]]) or render(
        request, "communes/commune_detail.html", context
    )
