from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from communes.access import province_for, province_wide
from core.tabular import chart_csv, filtered_table_page
from rollups.progress import with_current_status
from targets.models import Target

from .target_detail import target_detail
from .target_filters import TargetFilter
from .target_tables import TargetTable


@province_wide
def target_list(request):
    """The plan's targets with their latest status; filters in the URL; CSV/XLSX of the
    filtered rows."""
    targets = with_current_status(
        Target.objects.visible_to(request.user).in_plan()
        .filter(plan__province=province_for(request)).select_related("pillar"),
        timezone.localdate(),
    )
    filterset = TargetFilter(request.GET, queryset=targets, request=request)
    table = TargetTable(filterset.qs)
    return filtered_table_page(request, filterset, table, "targets/target_list.html", "targets")


@province_wide
def target_detail_view(request, pk: int):
    target = get_object_or_404(
        Target.objects.visible_to(request.user).select_related("pillar", "plan"), pk=pk
    )
    context = target_detail(target, get_language())
    context["base_query"] = ""
    return chart_csv(request, context["charts"]) or render(
        request, "targets/target_detail.html", context
    )
