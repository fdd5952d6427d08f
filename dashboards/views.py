from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from communes.access import province_for
from core.tabular import chart_csv, query_without

from .overview import overview, reporting_card


# No "?next=/" for the front door: after logging in, everyone goes where their role starts
# (a focal point to today's report, others to this overview; see reports.views.start).
@login_required(redirect_field_name=None)
def home(request):
    """The province at a glance (every signed-in role): plan completion, today's reporting,
    procedures, and the charts behind them."""
    province, today = province_for(request), timezone.localdate()
    # The reporting card's CSV needs the card's one query, not the whole overview's.
    if request.GET.get("csv") == "reporting" and province is not None:
        return chart_csv(request, [reporting_card(province, today)])
    context = overview(get_language(), today, province, request.GET.get("plan"))
    downloads = [*context.get("charts", []), *([context["card"]] if "card" in context else [])]
    # Chart data links keep `?province=` (national accounts).
    context["base_query"] = query_without(request, "csv")
    return chart_csv(request, downloads) or render(request, "home.html", context)
