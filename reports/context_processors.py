from . import offline
from .models import Notice


def notices(request) -> dict:
    """Unread notices (e.g. a missed-report reminder) for the banner in base.html; lazy, so
    pages that do not show the banner run no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notices": ()}
    return {"notices": Notice.objects.unread_for(user)[:5]}


def offline_client(request) -> dict:
    """Whose device storage the offline script may use (base.html, signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"offline_client": offline.client_config(user)}
