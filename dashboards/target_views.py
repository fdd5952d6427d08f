from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from communes.access import province_for, province_wide, require_requested_province
from core.tabular import chart_csv, filtered_table_page, query_without
from rollups.progress import with_current_status
from targets.models import Plan, Target

from .target_detail import target_detail
from .target_filters import TargetFilter
from .target_tables import TargetTable


@province_wide
def target_list(request):
    """The plan's targets with their latest status; filters in the URL; CSV/XLSX of the
    filtered rows."""
    province = province_for(request)
    targets = with_current_status(
        Target.objects.visible_to(request.user).in_plan()
        .filter(plan__province=province).select_related("pillar"),
        timezone.localdate(),
    )
    filterset = TargetFilter(request.GET, queryset=targets, request=request)
    # The plans of the province shown, not every province's (national accounts).
    filterset.filters["plan"].queryset = Plan.objects.visible_to(request.user).filter(
        province=province)
    table = TargetTable(filterset.qs)
    return filtered_table_page(request, filterset, table, "targets/target_list.html", "targets")


@province_wide
def target_detail_view(request, pk: int):
    target = get_object_or_404(
        Target.objects.visible_to(request.user).select_related("pillar", "plan"), pk=pk
    )
    require_requested_province(request, target.plan.province_id)
    context = target_detail(target, get_language())
    context["base_query"] = query_without(request, "csv")
    return chart_csv(request, context["charts"]) or render(
        request, "targets/target_detail.html", context
    )
