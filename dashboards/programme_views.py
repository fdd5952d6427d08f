from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from communes.access import province_for, province_wide
from communes.models import Province
from core.tabular import chart_csv
from targets.models import Programme

from .programme import programme_page


def _programmes(request):
    """The programmes of the provinces this account may see."""
    return Programme.objects.filter(
        province__in=Province.objects.visible_to(request.user)
    ).select_related("province")


def _render(request, programme):
    context = programme_page(programme, timezone.localdate(), get_language())
    context["base_query"] = ""
    return chart_csv(request, context["charts"]) or render(
        request, "targets/programme.html", context
    )


@province_wide
def programme_index(request):
    """The province's current long-term programme (the one with the latest horizon)."""
    programme = _programmes(request).filter(province=province_for(request)).first()
    if programme is None:
        raise Http404
    return _render(request, programme)


@province_wide
def programme_detail(request, pk: int):
    return _render(request, get_object_or_404(_programmes(request), pk=pk))
