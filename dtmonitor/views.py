from django.db.models import Count
from django.shortcuts import render

from communes.models import Commune, Province
from targets.models import Plan, ProcedureStatistics


def home(request):
    """The province at a glance: its units by kind and its current plan's targets."""
    province = Province.objects.first()
    plan = (
        Plan.objects.filter(province=province).prefetch_related("targets__pillar").first()
        if province
        else None
    )
    targets = [target for target in plan.targets.all() if target.counts_in_plan] if plan else []
    counts = dict(
        Commune.objects.filter(province=province, is_active=True)
        .values_list("kind")
        .annotate(count=Count("id"))
        .order_by()
    )
    units_by_kind = [
        {"kind": label, "count": counts[kind]}
        for kind, label in Commune.Kind.choices
        if kind in counts
    ]
    context = {
        "province": province,
        "plan": plan,
        "targets": targets,
        "completed_count": sum(1 for target in targets if target.manual_status == "completed"),
        "units_by_kind": units_by_kind,
        "unit_count": sum(row["count"] for row in units_by_kind),
        "procedures": ProcedureStatistics.objects.filter(province=province).first(),
    }
    return render(request, "home.html", context)
