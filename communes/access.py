"""Who may open which dashboard page, and for which province. Unit pages scope with
`Commune.objects.visible_to`; province-wide analysis pages are for officials,
administrators and national accounts, each for the provinces `Province.objects.visible_to`
gives them."""

import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .models import Commune, Province, User

# Official province codes are two digits ("22"); anything else names no province.
PROVINCE_CODE = re.compile(r"[0-9]{1,3}")


def province_wide(view):
    """Signed-in users who read a whole province; focal points get 404 (what they may not see
    does not exist for them), anonymous visitors go to the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.reads_province_wide:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def national(view):
    """Signed-in users who read every province (national accounts, superusers); everyone else
    gets 404, anonymous visitors go to the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.reads_all_provinces:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def province_for(request) -> Province | None:
    """The province a page is about: `?province=<code>` among those the user may see (404
    for any other), else the user's own, else the first they may see (national accounts);
    None when there is none at all (nothing loaded yet)."""
    provinces = Province.objects.visible_to(request.user)
    code = request.GET.get("province")
    if code:
        if not PROVINCE_CODE.fullmatch(code):
            raise Http404("not a province code")
        province = provinces.filter(code=code).first()
        if province is None:
            raise Http404("no such province for this user")
        return province
    if request.user.is_authenticated and request.user.province_id:
        own = provinces.filter(pk=request.user.province_id).first()
        if own is not None:
            return own
    return provinces.order_by("code").first()


def require_requested_province(request, province_id: int) -> None:
    """A page about one object (a unit, a target) opened with `?province=<code>`, the national
    picker travelling in links: 404 unless the object belongs to that province."""
    if request.GET.get("province") and province_for(request).pk != province_id:
        raise Http404("not in the province asked for")


def sees_several_units(user) -> bool:
    """Whether the user may see more than one unit. A focal point of one unit is offered no
    search, filter or unit choice for lists of that unit; province and national accounts
    always are (and ask no query)."""
    if not user.is_authenticated:
        return False
    if user.reads_all_provinces or user.scope != User.Scope.UNIT:
        return True
    return Commune.objects.visible_to(user)[:2].count() > 1
