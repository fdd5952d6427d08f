"""Who may open which dashboard page. Unit pages scope with `Commune.objects.visible_to`;
province-wide analysis pages are for officials and administrators only."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def province_wide(view):
    """Signed-in users who see everything; focal points get 404 (what they may not see does
    not exist for them), anonymous visitors go to the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.sees_everything:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
