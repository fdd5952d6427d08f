from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notice


@login_required
@require_POST
def dismiss_notice(request, pk: int):
    """Hide one of the user's own notices (another user's notice is a 404)."""
    notice = get_object_or_404(Notice.objects.unread_for(request.user), pk=pk)
    notice.dismissed_at = timezone.now()
    notice.save(update_fields=["dismissed_at"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "home"
    return redirect(target)
