"""Rate limits (settings.API_RATE_LIMITS), counted per token, per account for browser
sessions and per network address for anonymous calls, in the default cache."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class _AccountThrottle(SimpleRateThrottle):
    def get_rate(self) -> str:
        return settings.API_RATE_LIMITS[self.scope]

    def _ident(self, request) -> str:
        if request.auth is not None and hasattr(request.auth, "pk"):
            return f"token-{request.auth.pk}"
        if request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"

    def get_cache_key(self, request, view) -> str:
        return f"api-throttle-{self.scope}-{self._ident(request)}"


class ReadThrottle(_AccountThrottle):
    """Every call counts (reads and writes alike); anonymous calls have their own limit."""

    scope = "read"

    def allow_request(self, request, view) -> bool:
        if not request.user.is_authenticated:
            self.scope = "anonymous"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class WriteThrottle(_AccountThrottle):
    """Writes only, on top of ReadThrottle."""

    scope = "write"

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
