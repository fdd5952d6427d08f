"""The province picker of national accounts, in the page header of the dashboard pages and of
the list of daily reports."""

from urllib.parse import urlencode

from communes.models import Province

# The pages about one whole province; `?province=<code>` chooses which (communes.access).
PICKER_PAGES = {"home", "targets:list", "communes:list", "compliance:index", "reports:list"}


def province_picker(request) -> dict:
    """For accounts that read every province: the provinces to pick from (one lazy query,
    whatever their number), the one picked, and `province_query` ("?province=22"), which the
    navigation appends so that the choice travels from page to page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.reads_all_provinces:
        return {}
    code = request.GET.get("province", "")
    match = getattr(request, "resolver_match", None)
    return {
        "province_picker": Province.objects.order_by("code").only("code", "name")
        if match is not None and match.view_name in PICKER_PAGES else None,
        "picked_province": code,
        "province_query": f"?{urlencode({'province': code})}" if code else "",
    }
